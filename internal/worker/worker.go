// Package worker runs OpenResolve's River workers, thin adapters over internal/resolution:
// the resolve job runs an endpoint's resolver on a stored request and finishes the
// resolution; the callback job delivers the result and records the attempt; the periodic
// sweep finds resolutions no job will finish.
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
	"github.com/riverqueue/river/rivertype"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/metrics"
	"github.com/openresolve/openresolve/internal/providers"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/telemetry"
)

// Deps are what a Worker works with besides its settings.
type Deps struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	// Resolvers answer each endpoint, by name (endpoint.Resolvers).
	Resolvers map[string]resolve.Resolver
	// Callbacks delivers the callbacks.
	Callbacks *callback.Client
	// Metrics is where the jobs are counted.
	Metrics *metrics.Worker
	// Tracing, when enabled, traces each job worked and inserted.
	Tracing *telemetry.Tracing
	// Waterfall, when set, asks the upstream providers what the graph does not answer, for the
	// endpoints they serve; Primary then answers each endpoint from the main database, which
	// holds what they taught the graph at once (Resolvers may read a replica).
	Waterfall *providers.Waterfall
	Primary   map[string]resolve.Resolver
}

// JobTimeout bounds every job's whole run while the database answers: a step to load (at most
// stepTimeout), the work (a resolver's or a receiver's 10 s), a step to finish or record. It
// is under the shortest rescue age (config.MinRescueAfter), so River's rescuer, which reruns a
// job running longer than that (its worker presumed dead), never takes a live one; it looks
// every 30 s, so a killed worker's jobs run again within the contract's minute. Only a
// delivery's record outlasts it, and only while the database is away (recordPatience).
const JobTimeout = stepTimeout + 10*time.Second + stepTimeout

// JobTimeout must stay under the shortest rescue age: this constant does not compile otherwise.
const _ = uint(config.MinRescueAfter - JobTimeout - 1)

// batchWorkers is how many batches one worker process completes at once: each waits for its
// items, looking every few hundred milliseconds at most.
const batchWorkers = 20

// pollOnlyInterval is how often a worker that cannot listen (config.Config.PollOnly) polls.
const pollOnlyInterval = 50 * time.Millisecond

// stepTimeout bounds each group of resolution.Steps: a statement of a few milliseconds, with
// room for a busy database.
const stepTimeout = 2 * time.Second

// Worker is a River client working the resolve and callback queues.
type Worker struct {
	client    *river.Client[pgx.Tx]
	steps     *resolution.Steps
	callbacks *callback.Client
}

// New builds a Worker working with d as cfg says; Start starts it.
func New(cfg config.Config, d Deps) (*Worker, error) {
	rw := &resolveWorker{logger: d.Logger, resolvers: d.Resolvers, waterfall: d.Waterfall, primary: d.Primary, retryBase: cfg.ResolveRetryBase,
		metrics: d.Metrics, tracing: d.Tracing}
	cw := &callbackWorker{logger: d.Logger, client: d.Callbacks, timeout: cfg.CallbackTimeout,
		schedule: cfg.CallbackRetrySchedule, metrics: d.Metrics}
	workers := river.NewWorkers()
	river.AddWorker(workers, rw)
	river.AddWorker(workers, cw)
	river.AddWorker(workers, &sweepWorker{pool: d.Pool, logger: d.Logger, age: cfg.SweepAge})
	river.AddWorker(workers, &batchWorker{pool: d.Pool, metrics: d.Metrics})
	river.AddWorker(workers, &purgeWorker{pool: d.Pool, logger: d.Logger, retention: cfg.Retention,
		usageRetention: cfg.UsageRetention})

	poll := cfg.FetchPollInterval
	if cfg.PollOnly {
		// Polling is all there is: every step of a resolution waits for the next poll, so poll
		// often. An idle worker then asks twenty times a second per queue, which costs Postgres
		// a fraction of a millisecond each.
		poll = min(poll, pollOnlyInterval)
	}
	queue := func(n int) river.QueueConfig {
		return river.QueueConfig{MaxWorkers: n, FetchCooldown: cfg.FetchCooldown, FetchPollInterval: poll}
	}
	client, err := river.NewClient(riverpgxv5.New(d.Pool), &river.Config{
		Logger:  slog.New(quieter{d.Logger.Handler(), slog.LevelWarn}).With(slog.String("component", "river")),
		Workers: workers,
		Queues: map[string]river.QueueConfig{
			resolution.QueueResolve:  queue(cfg.ResolveWorkers),
			resolution.QueueCallback: queue(cfg.CallbackWorkers),
			resolution.QueueBatch:    queue(batchWorkers),
		},
		FetchCooldown:     cfg.FetchCooldown,
		FetchPollInterval: poll,
		PollOnly:          cfg.PollOnly,
		RetryPolicy:       errorBackoff{},
		JobTimeout:        JobTimeout,
		// The resolutions table is the record; River's rows are transient. Completed jobs go
		// after JobRetention so the job table (and what River scans) stays small at any rate;
		// cancelled and discarded ones stay a week for inspection.
		CompletedJobRetentionPeriod: cfg.JobRetention,
		CancelledJobRetentionPeriod: 7 * 24 * time.Hour,
		DiscardedJobRetentionPeriod: 7 * 24 * time.Hour,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return resolution.SweepJob{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return resolution.PurgeJob{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
		RescueStuckJobsAfter: max(cfg.RescueStuckJobsAfter, JobTimeout),
		Plugins:              d.Tracing.RiverPlugins(),
	})
	if err != nil {
		return nil, err
	}
	steps, err := resolution.NewSteps(d.Pool, d.Logger, cfg.NotifyCooldown, stepTimeout)
	if err != nil {
		return nil, err
	}
	rw.steps, cw.steps = steps, steps
	return &Worker{client: client, steps: steps, callbacks: d.Callbacks}, nil
}

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
	w.steps.Close()
	w.callbacks.CloseIdleConnections()
	return err
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

// errorBackoff retries a job 1 s after an internal error, doubling up to 30 s with each
// further error. River's default counts attempts, and our jobs snooze (a callback's retry
// schedule, a batch waiting for its items), which counts as attempts: after a few snoozes a
// single error (the database restarting, say) would put a job off for hours. The resolve
// worker keeps its own schedule (resolveWorker.NextRetry).
type errorBackoff struct{}

func (errorBackoff) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(min(time.Second<<min(len(job.Errors), 5), 30*time.Second))
}
