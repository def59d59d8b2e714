package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/tools/harness"
	"github.com/openresolve/openresolve/internal/tools/toolsdb"
)

// ReplicaLag is how far a streaming replica fell behind while the primary imported people.
type ReplicaLag struct {
	People      int
	Import      time.Duration // the import's own time
	MaxBehindMB float64       // the most WAL the replica had not replayed, sampled every 100 ms
	CatchUp     time.Duration // from the import's end until the replica had replayed all of it
}

// RunReplicaLag imports people into a primary with a hot standby (pg_basebackup -R) and
// samples how far the standby's replay is behind the primary's WAL.
func RunReplicaLag(ctx context.Context, binDir string, people int, log io.Writer) (ReplicaLag, error) {
	r := ReplicaLag{People: people}
	site, err := harness.NewSite(ctx, "replica", binDir, 1000, 1000)
	if err != nil {
		return r, err
	}
	defer site.Close()
	standby, err := site.Cluster.NewStandby(ctx, filepath.Join(site.WorkDir, "replica"))
	if err != nil {
		return r, err
	}
	defer standby.Stop()
	primary, err := pgx.Connect(ctx, site.DatabaseURL)
	if err != nil {
		return r, err
	}
	defer primary.Close(ctx)
	replica, err := pgx.Connect(ctx, standby.URL("openresolve"))
	if err != nil {
		return r, err
	}
	defer replica.Close(ctx)

	csv := filepath.Join(site.WorkDir, "people.csv")
	f, err := os.Create(csv)
	if err != nil {
		return r, err
	}
	fmt.Fprintln(f, "person_id,full_name,title,seniority,company_domain,linkedin_url,country,keywords")
	for i := range people {
		fmt.Fprintf(f, "lag-%d,Person %d Example,Engineer,senior,example%d.com,https://www.linkedin.com/in/lag-%d,US,go;postgres\n", i, i, i%1000, i)
	}
	if err := f.Close(); err != nil {
		return r, err
	}

	behind := func() (float64, error) {
		lsn, err := store.New().WALPosition(ctx, primary)
		if err != nil {
			return 0, err
		}
		b, err := toolsdb.New().BenchReplayBehind(ctx, replica, lsn)
		return b / (1 << 20), err
	}
	fmt.Fprintf(log, "bench: importing %d people into a primary with a streaming replica\n", people)
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "openresolve"), "import", "people", csv)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+site.DatabaseURL, "LOG_LEVEL=warn")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return r, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				return r, fmt.Errorf("import: %w", err)
			}
			running = false
		case <-time.After(100 * time.Millisecond):
		}
		mb, err := behind()
		if err != nil {
			return r, err
		}
		r.MaxBehindMB = max(r.MaxBehindMB, mb)
	}
	r.Import = time.Since(start)
	end := time.Now()
	for {
		mb, err := behind()
		if err != nil {
			return r, err
		}
		if mb <= 0 || time.Since(end) > 5*time.Minute {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.CatchUp = time.Since(end)
	return r, nil
}

// Print writes the measure.
func (r ReplicaLag) Print(w io.Writer) {
	fmt.Fprintf(w, "import of %d people: %s (%.0f rows/s); replica at most %.1f MB of WAL behind; caught up %s after the import\n",
		r.People, r.Import.Round(time.Millisecond), float64(r.People)/r.Import.Seconds(), r.MaxBehindMB, ms(r.CatchUp))
}
