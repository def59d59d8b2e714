// Package harness runs the pieces of a whole OpenResolve on one machine for chaos and benchmark
// runs: a throwaway PostgreSQL cluster and the real binaries as processes that can be killed.
package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/openresolve/openresolve/internal/tools/toolsdb"
)

// Cluster is a throwaway PostgreSQL cluster of the run's own, so that restarting it touches
// nothing else. As root it runs as the postgres user, as PostgreSQL requires.
type Cluster struct {
	bin  string
	dir  string
	port int
	log  string
	uid  *user.User
	// hugePagesAdded is how much HugePages raised vm.nr_hugepages.
	hugePagesAdded int
}

func pgBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL is not installed (scripts/devdb.sh installs it)")
}

// FreePort returns a TCP port free on 127.0.0.1 a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// NewCluster initializes and starts a cluster in workDir/pg on a free port, with a database
// named openresolve; settings are postgresql.conf lines added to the defaults.
func NewCluster(ctx context.Context, workDir string, settings ...string) (*Cluster, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: filepath.Join(workDir, "pg"), port: port, log: filepath.Join(workDir, "postgres.log")}
	if os.Geteuid() == 0 {
		if c.uid, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root needs the postgres user: %w", err)
		}
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return nil, err
	}
	if err := c.own(workDir, c.dir); err != nil {
		return nil, err
	}
	if out, err := c.run(ctx, "initdb", "-D", c.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	// pg_stat_statements counts what each statement cost, for the benchmark's breakdown.
	conf := fmt.Sprintf("listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = ''\nmax_connections = 200\n"+
		"shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = top\n", port)
	for _, line := range settings {
		conf += line + "\n"
	}
	if err := appendConf(c.dir, conf); err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	if _, err = conn.Exec(ctx, "CREATE DATABASE openresolve"); err != nil {
		return nil, err
	}
	db, err := pgx.Connect(ctx, c.URL("openresolve"))
	if err != nil {
		return nil, err
	}
	defer db.Close(ctx)
	return c, toolsdb.New().BenchStatementsExtension(ctx, db)
}

// PostmasterPID is the process id of the server's postmaster, the parent of every other
// process of the cluster.
func (c *Cluster) PostmasterPID() (int, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(strings.TrimSpace(line))
}

// own hands paths to the postgres user when we are root.
func (c *Cluster) own(paths ...string) error {
	if c.uid == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.uid.Uid)
	gid, _ := strconv.Atoi(c.uid.Gid)
	for _, p := range paths {
		if err := os.Chown(p, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) run(ctx context.Context, tool string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, tool)
	var cmd *exec.Cmd
	if c.uid != nil {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	return cmd.CombinedOutput()
}

// URL is the connection string of database db.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// Start starts the server.
func (c *Cluster) Start(ctx context.Context) error {
	if out, err := c.run(ctx, "pg_ctl", "-D", c.dir, "-l", c.log, "-w", "-t", "60", "start"); err != nil {
		return fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	return nil
}

// Crash stops the server the way a power cut would: no checkpoint, recovery from WAL at start.
func (c *Cluster) Crash(ctx context.Context) error {
	if out, err := c.run(ctx, "pg_ctl", "-D", c.dir, "-m", "immediate", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

// Stop stops the server, removes its data and gives back the huge pages HugePages reserved.
func (c *Cluster) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = c.run(ctx, "pg_ctl", "-D", c.dir, "-m", "fast", "-w", "stop")
	_ = os.RemoveAll(c.dir)
	c.releaseHugePages()
}

// PGTool returns the path of one of PostgreSQL's programs (pg_dump, pg_basebackup, …).
func PGTool(name string) (string, error) {
	dir, err := pgBinDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}
