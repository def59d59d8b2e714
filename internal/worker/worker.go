// Package worker runs OpenResolve's River workers: the resolve job, which answers a stored
// request, and the callback job, which delivers the answer to the client.
package worker

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/metrics"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/telemetry"
)

// Config is what a Worker needs. Zero values take the documented defaults.
type Config struct {
	Pool      *pgxpool.Pool
	Logger    *slog.Logger
	Resolvers map[string]resolve.Resolver
	Callbacks *callback.Client
	// Schedule is the callback retry schedule; callback.DefaultSchedule when nil.
	Schedule []time.Duration
	// Metrics is where the jobs are counted; a new registry when nil.
	Metrics *metrics.Worker
	// Tracing, when enabled, traces each job worked and inserted.
	Tracing *telemetry.Tracing

	// ResolveWorkers and CallbackWorkers are the concurrency of each queue in this process.
	// Resolving is short database work; delivering mostly waits on receivers (up to 10 s), so
	// the callback queue gets more goroutines. Defaults: 200 and 400.
	ResolveWorkers  int
	CallbackWorkers int
	// FetchCooldown is the shortest time between two fetches of one queue, and between two
	// notifications of the callback jobs it inserts. River's default of 100 ms caps a queue at
	// MaxWorkers jobs per 100 ms and adds up to 100 ms to each step; 5 ms does neither.
	FetchCooldown time.Duration
	// FetchPollInterval is how often queues are polled when no notification arrives (River's
	// default, 1 s, when zero). Snoozed callbacks are found by polling.
	FetchPollInterval time.Duration
	// ResolveRetryBase is the wait before the second run of a failing resolver; it doubles
	// with each run. 1 s by default.
	ResolveRetryBase time.Duration
	// RescueStuckJobsAfter is how long a job may stay running before River assumes its worker
	// died and runs it again. 2 minutes by default; at least jobTimeout.
	RescueStuckJobsAfter time.Duration
	// JobRetention is how long completed jobs stay in River's table; 10 minutes by default.
	JobRetention time.Duration
	// PollOnly polls for jobs instead of listening for notifications (behind PgBouncer).
	PollOnly bool
	// SweepAge is how old a resolution must be before the sweep may fail it for want of a job;
	// 10 minutes by default.
	SweepAge time.Duration
}

// jobTimeout bounds every job; each worker's own Timeout is within it.
const jobTimeout = 30 * time.Second

// Worker is a River client working the resolve and callback queues.
type Worker struct {
	client *river.Client[pgx.Tx]
	cfg    Config
}

// New builds a Worker; Start starts it.
func New(cfg Config) (*Worker, error) {
	if cfg.Schedule == nil {
		cfg.Schedule = callback.DefaultSchedule
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.NewWorker()
	}
	cfg.ResolveWorkers = cmpOr(cfg.ResolveWorkers, 200)
	cfg.CallbackWorkers = cmpOr(cfg.CallbackWorkers, 400)
	cfg.FetchCooldown = cmpOr(cfg.FetchCooldown, 5*time.Millisecond)
	cfg.ResolveRetryBase = cmpOr(cfg.ResolveRetryBase, time.Second)
	cfg.JobRetention = cmpOr(cfg.JobRetention, 10*time.Minute)
	cfg.RescueStuckJobsAfter = max(cmpOr(cfg.RescueStuckJobsAfter, 2*time.Minute), jobTimeout)

	workers := river.NewWorkers()
	river.AddWorker(workers, &resolveWorker{
		pool: cfg.Pool, queries: store.New(), logger: cfg.Logger,
		resolvers: cfg.Resolvers, retryBase: cfg.ResolveRetryBase, metrics: cfg.Metrics,
	})
	river.AddWorker(workers, &sweepWorker{pool: cfg.Pool, queries: store.New(), logger: cfg.Logger,
		age: cmpOr(cfg.SweepAge, sweepAge)})
	river.AddWorker(workers, &callbackWorker{
		pool: cfg.Pool, queries: store.New(), logger: cfg.Logger,
		client: cfg.Callbacks, schedule: cfg.Schedule, metrics: cfg.Metrics,
	})

	queue := func(n int) river.QueueConfig {
		return river.QueueConfig{MaxWorkers: n, FetchCooldown: cfg.FetchCooldown, FetchPollInterval: cfg.FetchPollInterval}
	}
	client, err := river.NewClient(riverpgxv5.New(cfg.Pool), &river.Config{
		Logger:  slog.New(quieter{cfg.Logger.Handler(), slog.LevelWarn}).With(slog.String("component", "river")),
		Workers: workers,
		Queues: map[string]river.QueueConfig{
			resolve.QueueResolve: queue(cfg.ResolveWorkers),
			callback.Queue:       queue(cfg.CallbackWorkers),
		},
		FetchCooldown:     cfg.FetchCooldown,
		FetchPollInterval: cfg.FetchPollInterval,
		JobTimeout:        jobTimeout,
		// The resolutions table is the record; River's rows are transient. Completed jobs go
		// after JobRetention so the job table (and what River scans) stays small at any rate;
		// cancelled and discarded ones stay a week for inspection.
		CompletedJobRetentionPeriod: cfg.JobRetention,
		CancelledJobRetentionPeriod: 7 * 24 * time.Hour,
		DiscardedJobRetentionPeriod: 7 * 24 * time.Hour,
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true})},
		RescueStuckJobsAfter: cfg.RescueStuckJobsAfter,
		Plugins:              cfg.Tracing.RiverPlugins(),
	})
	if err != nil {
		return nil, err
	}
	return &Worker{client: client, cfg: cfg}, nil
}

// Metrics is what this worker counted.
func (w *Worker) Metrics() *metrics.Worker { return w.cfg.Metrics }

// Healthy reports an error once the River client has stopped, which it does on its own only
// when something went wrong (Stop is the other way).
func (w *Worker) Healthy() error {
	select {
	case <-w.client.Stopped():
		return errors.New("the River client has stopped")
	default:
		return nil
	}
}

// Start starts working jobs; it returns once the client runs.
func (w *Worker) Start(ctx context.Context) error { return w.client.Start(ctx) }

// Stop lets jobs in flight finish until ctx is done, then cancels what still runs; a cancelled
// callback is snoozed, not counted as an attempt, and any job left running is rescued by
// another worker later. Nothing accepted is lost either way.
func (w *Worker) Stop(ctx context.Context) error {
	err := w.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		err = w.client.StopAndCancel(hard)
	}
	if w.cfg.Callbacks != nil {
		w.cfg.Callbacks.CloseIdleConnections()
	}
	return err
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// quieter passes on only records at or above min: River reports routine events (job counts,
// leadership) at info level, which would drown our own lines.
type quieter struct {
	slog.Handler
	min slog.Level
}

func (q quieter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= q.min && q.Handler.Enabled(ctx, l)
}

func (q quieter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quieter{q.Handler.WithAttrs(attrs), q.min}
}

func (q quieter) WithGroup(name string) slog.Handler {
	return quieter{q.Handler.WithGroup(name), q.min}
}
