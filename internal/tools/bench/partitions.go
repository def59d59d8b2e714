package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/tools/harness"
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
// tables shaped like resolutions (the same columns and a payload of the same size), each
// holding rows spread over ten minutes: batched deletes of the oldest half, 2,000 rows per
// statement (what resolution.Purge does), and, on a copy partitioned by requested_at into
// one-minute partitions, dropping the five oldest partitions. Single-row inserts run at rate
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
	pool, err := pgxpool.New(ctx, pg.URL("openresolve"))
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	base := time.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	cols := `id text, requested_at timestamptz NOT NULL, status text NOT NULL, request jsonb NOT NULL, result jsonb, callback_status text NOT NULL`
	ddl := []string{
		`CREATE TABLE plain (` + cols + `, PRIMARY KEY (id)) WITH (fillfactor = 70)`,
		`CREATE INDEX ON plain (requested_at)`,
		`CREATE TABLE parted (` + cols + `, PRIMARY KEY (id, requested_at)) PARTITION BY RANGE (requested_at)`,
	}
	for m := range 12 {
		from := base.Add(time.Duration(m) * time.Minute)
		ddl = append(ddl, fmt.Sprintf(`CREATE TABLE parted_%d PARTITION OF parted FOR VALUES FROM ('%s') TO ('%s')`,
			m, from.Format(time.RFC3339), from.Add(time.Minute).Format(time.RFC3339)))
	}
	for _, t := range []string{"plain", "parted"} {
		ddl = append(ddl, fmt.Sprintf(`INSERT INTO %s SELECT 'res_' || i, '%s'::timestamptz + (i * interval '600 seconds' / %d),
			'completed', '{"email": "someone@example.com"}', '{"id": "res", "status": "completed", "md5": "0123456789abcdef0123456789abcdef", "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}', 'delivered'
			FROM generate_series(1, %d) AS i`, t, base.Format(time.RFC3339), rows, rows))
	}
	ddl = append(ddl, `VACUUM ANALYZE plain`, `VACUUM ANALYZE parted`)
	fmt.Fprintf(log, "bench: two tables of %d rows over ten minutes, one partitioned by minute\n", rows)
	for _, q := range ddl {
		if _, err := pool.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	cut := base.Add(5 * time.Minute)
	ways := []struct {
		name, table string
		remove      func(ctx context.Context) (int64, error)
	}{
		{"batched DELETE, 2,000 rows a statement", "plain", func(ctx context.Context) (int64, error) {
			var total int64
			for {
				tag, err := pool.Exec(ctx, `DELETE FROM plain WHERE id IN (SELECT id FROM plain WHERE requested_at < $1
					ORDER BY requested_at LIMIT 2000 FOR UPDATE SKIP LOCKED)`, cut)
				if err != nil {
					return total, err
				}
				total += tag.RowsAffected()
				if tag.RowsAffected() < 2000 {
					return total, nil
				}
			}
		}},
		{"DROP of the five oldest one-minute partitions", "parted", func(ctx context.Context) (int64, error) {
			var total int64
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM parted WHERE requested_at < $1`, cut).Scan(&total); err != nil {
				return 0, err
			}
			for m := range 5 {
				if _, err := pool.Exec(ctx, fmt.Sprintf(`DROP TABLE parted_%d`, m)); err != nil {
					return 0, err
				}
			}
			return total, nil
		}},
	}
	var out []RetentionWay
	for _, w := range ways {
		insert := func(ctx context.Context, n *int) time.Duration {
			*n++
			start := time.Now()
			_, err := pool.Exec(ctx, fmt.Sprintf(`INSERT INTO %s VALUES ($1, now(), 'processing', '{"email": "x@example.com"}', NULL, 'pending')`, w.table),
				fmt.Sprintf("new_%s_%d", w.table, *n))
			if err != nil {
				return -1
			}
			return time.Since(start)
		}
		load := func(ctx context.Context, d time.Duration) []time.Duration {
			var lat []time.Duration
			n := 0
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
					mu.Lock()
					n++
					i := n
					mu.Unlock()
					wg.Go(func() {
						l := insert(ctx, &i)
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
