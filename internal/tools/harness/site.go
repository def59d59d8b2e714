package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// Site is a prepared OpenResolve database: a throwaway cluster in a work directory of its
// own, migrated and loaded with the demo graph, with one API key.
type Site struct {
	WorkDir       string
	Cluster       *Cluster
	DatabaseURL   string
	Key           string
	SigningSecret string
	bin           string
}

// NewSite prepares a site with the binaries in binDir and a demo graph of the given size.
func NewSite(ctx context.Context, name, binDir string, companies, people int) (*Site, error) {
	workDir, err := os.MkdirTemp("", "openresolve-"+name+"-")
	if err != nil {
		return nil, err
	}
	_ = os.Chmod(workDir, 0o755)
	pg, err := NewCluster(ctx, workDir)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Site{WorkDir: workDir, Cluster: pg, DatabaseURL: pg.URL("openresolve"), bin: binDir}
	for _, args := range [][]string{
		{"migrate", "up"},
		{"seed", "demo", "--companies", strconv.Itoa(companies), "--people", strconv.Itoa(people)},
	} {
		if out, err := s.CLI(ctx, args...); err != nil {
			s.Close()
			return nil, fmt.Errorf("openresolve %s: %v: %s", args[0], err, out)
		}
	}
	out, err := s.CLI(ctx, "keys", "create", "--name", name, "--json")
	if err == nil {
		err = json.Unmarshal(out, s)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("keys create: %w", err)
	}
	return s, nil
}

// CLI runs the openresolve command against the site's database.
func (s *Site) CLI(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, "openresolve"), args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+s.DatabaseURL, "LOG_LEVEL=warn")
	return cmd.Output()
}

// Close stops the cluster and removes its data; process logs stay in WorkDir.
func (s *Site) Close() { s.Cluster.Stop() }
