package bench

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/openresolve/openresolve/internal/tools/toolsdb"
	"github.com/openresolve/openresolve/sql/tools/schema"
)

// rawInserts measures single-row insert transactions per second on the database, from
// concurrency connections for d: the floor under any API that commits each request.
func rawInserts(ctx context.Context, url string, concurrency int, d time.Duration) (float64, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return 0, err
	}
	cfg.MaxConns = int32(concurrency)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, schema.Tables); err != nil {
		return 0, err
	}
	payload := []byte(`{"email":"jane.doe@example.com"}`)
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for time.Now().Before(end) && ctx.Err() == nil {
				if err := toolsdb.New().BenchRawInsert(ctx, pool, payload); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / d.Seconds(), firstErr
}

type noopArgs struct{}

func (noopArgs) Kind() string { return "bench_noop" }

type noopWorker struct{ river.WorkerDefaults[noopArgs] }

func (noopWorker) Work(context.Context, *river.Job[noopArgs]) error { return nil }

// RiverYardstick is River working no-op jobs: how many per second, and what each cost in
// CPU, in the client (this process) and in Postgres.
type RiverYardstick struct {
	PerSecond        float64
	Client, Postgres time.Duration // per job
}

// rawRiver measures River working no-op jobs, already inserted, with a client tuned for
// throughput (many workers, a short fetch cooldown): the ceiling of any River-based worker,
// and the floor of what a job costs.
func rawRiver(ctx context.Context, url string, postmaster int, jobs int) (RiverYardstick, error) {
	var y RiverYardstick
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return y, err
	}
	defer pool.Close()
	workers := river.NewWorkers()
	river.AddWorker(workers, noopWorker{})
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:        map[string]river.QueueConfig{"bench": {MaxWorkers: 2000}},
		FetchCooldown: 5 * time.Millisecond,
		Workers:       workers,
	})
	if err != nil {
		return y, err
	}
	params := make([]river.InsertManyParams, 0, 1000)
	for i := 0; i < jobs; i++ {
		params = append(params, river.InsertManyParams{Args: noopArgs{}, InsertOpts: &river.InsertOpts{Queue: "bench"}})
		if len(params) == cap(params) || i == jobs-1 {
			if _, err := client.InsertManyFast(ctx, params); err != nil {
				return y, err
			}
			params = params[:0]
		}
	}
	clientFrom, _, err := procCPU(os.Getpid())
	if err != nil {
		return y, err
	}
	pgFrom, err := treeCPU(postmaster)
	if err != nil {
		return y, err
	}
	start := time.Now()
	if err := client.Start(ctx); err != nil {
		return y, err
	}
	deadline := start.Add(5 * time.Minute)
	for {
		left, err := toolsdb.New().BenchNoopJobsLeft(ctx, pool)
		if err != nil {
			return y, err
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			return y, context.DeadlineExceeded
		}
		time.Sleep(20 * time.Millisecond)
	}
	y.PerSecond = float64(jobs) / time.Since(start).Seconds()
	clientTo, _, err := procCPU(os.Getpid())
	if err != nil {
		return y, err
	}
	pgTo, err := treeCPU(postmaster)
	if err != nil {
		return y, err
	}
	y.Client, y.Postgres = (clientTo-clientFrom)/time.Duration(jobs), (pgTo-pgFrom)/time.Duration(jobs)
	stopCtx, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	_ = client.Stop(stopCtx)
	_, err = pool.Exec(ctx, `DELETE FROM river_job WHERE kind = 'bench_noop'`)
	return y, err
}
