package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/tools/harness"
	"github.com/openresolve/openresolve/internal/tools/toolsdb"
	"github.com/openresolve/openresolve/sql/tools/schema"
)

// RetentionWay is one way of removing old rows, measured while inserts go on.
type RetentionWay struct {
	Name          string
	Rows          int64
	Took          time.Duration
	InsertP99     time.Duration // of the inserts made while it ran
	InsertP99Idle time.Duration // of the inserts made before, with nothing being removed
}

// RunRetentionCompare measures the two ways of keeping resolutions for a retention period, on
// tables shaped like resolutions (sql/tools/schema/tables.sql), each holding rows spread over
// ten minutes: batched deletes of the oldest half by id, 2,000 rows per statement (what
// resolution.Purge does), and, on a copy partitioned by requested_at into one-minute
// partitions, dropping the five oldest partitions in one statement. Single-row inserts run at rate
// per second throughout; their p99 is what removal costs the accepts.
func RunRetentionCompare(ctx context.Context, rows int, rate float64, log io.Writer) ([]RetentionWay, error) {
	workDir, err := os.MkdirTemp("", "openresolve-retention-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(workDir)
	_ = os.Chmod(workDir, 0o755)
	pg, err := harness.NewCluster(ctx, workDir)
	if err != nil {
		return nil, err
	}
	defer pg.Stop()
	cfg, err := pgxpool.ParseConfig(pg.URL("openresolve"))
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 16 // inserts never wait for a connection the remover holds
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	q := toolsdb.New()
	fmt.Fprintf(log, "bench: two tables of %d rows over ten minutes, one partitioned by minute\n", rows)
	if _, err := pool.Exec(ctx, schema.Tables); err != nil {
		return nil, err
	}
	for _, step := range []func(context.Context, toolsdb.DBTX) error{
		func(ctx context.Context, db toolsdb.DBTX) error {
			return q.BenchRetentionFillPlain(ctx, db, int32(rows))
		},
		q.BenchRetentionFillParted, q.BenchRetentionAnalyze,
	} {
		if err := step(ctx, pool); err != nil {
			return nil, err
		}
	}
	// The oldest half: ids are time-ordered, as resolutions' ULIDs are.
	beforeID := fmt.Sprintf("res_%010d", rows/2)
	ways := []struct {
		name   string
		insert func(context.Context, toolsdb.DBTX, string) error
		remove func(ctx context.Context) (int64, error)
	}{
		{"batched DELETE, 2,000 rows a statement", q.BenchRetentionInsertPlain, func(ctx context.Context) (int64, error) {
			var total int64
			for {
				n, err := q.BenchRetentionDelete(ctx, pool, beforeID)
				total += n
				if err != nil || n < 2000 {
					return total, err
				}
			}
		}},
		{"DROP of the five oldest one-minute partitions", q.BenchRetentionInsertParted, func(ctx context.Context) (int64, error) {
			total, err := q.BenchRetentionOldParted(ctx, pool)
			if err != nil {
				return 0, err
			}
			return total, q.BenchRetentionDropOld(ctx, pool)
		}},
	}
	var out []RetentionWay
	for _, w := range ways {
		var seq atomic.Int64
		insert := func(ctx context.Context) time.Duration {
			start := time.Now()
			id := fmt.Sprintf("res_%010d_%d", rows+1, seq.Add(1)) // newer than every row
			if err := w.insert(ctx, pool, id); err != nil {
				return -1
			}
			return time.Since(start)
		}
		load := func(ctx context.Context, d time.Duration) []time.Duration {
			var lat []time.Duration
			var mu sync.Mutex
			tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
			defer tick.Stop()
			end := time.After(d)
			var wg sync.WaitGroup
			for {
				select {
				case <-end:
					wg.Wait()
					return lat
				case <-ctx.Done():
					wg.Wait()
					return lat
				case <-tick.C:
					wg.Go(func() {
						l := insert(ctx)
						if l < 0 { // cancelled at the end of the run
							return
						}
						mu.Lock()
						lat = append(lat, l)
						mu.Unlock()
					})
				}
			}
		}
		idle := p99(load(ctx, 5*time.Second))
		fmt.Fprintf(log, "bench: %s\n", w.name)
		var lat []time.Duration
		lctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { lat = load(lctx, time.Hour); close(done) }()
		time.Sleep(500 * time.Millisecond)
		start := time.Now()
		n, err := w.remove(ctx)
		took := time.Since(start)
		time.Sleep(500 * time.Millisecond)
		stop()
		<-done
		if err != nil {
			return out, err
		}
		out = append(out, RetentionWay{Name: w.name, Rows: n, Took: took, InsertP99: p99(lat), InsertP99Idle: idle})
	}
	return out, nil
}

func p99(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)*99/100]
}

// PrintRetention writes the comparison.
func PrintRetention(w io.Writer, ways []RetentionWay) {
	for _, x := range ways {
		fmt.Fprintf(w, "%-48s %8d rows in %8s (%7.0f rows/s); insert p99 %s while it ran, %s before\n", x.Name, x.Rows,
			x.Took.Round(time.Millisecond), float64(x.Rows)/x.Took.Seconds(), ms(x.InsertP99), ms(x.InsertP99Idle))
	}
}
