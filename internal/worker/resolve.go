package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/metrics"
	"github.com/openresolve/openresolve/internal/providers"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/telemetry"
)

// resolverTimeout bounds one run of a resolver.
const resolverTimeout = 10 * time.Second

type resolveWorker struct {
	river.WorkerDefaults[resolution.ResolveJob]
	steps     *resolution.Steps
	logger    *slog.Logger
	resolvers map[string]resolve.Resolver
	waterfall *providers.Waterfall
	primary   map[string]resolve.Resolver
	retryBase time.Duration
	metrics   *metrics.Worker
	tracing   *telemetry.Tracing
}

// NextRetry backs off exponentially from retryBase: 1 s, 2 s, 4 s, 8 s by default, so a
// resolution whose resolver keeps failing is failed within about 15 s.
func (w *resolveWorker) NextRetry(job *river.Job[resolution.ResolveJob]) time.Time {
	return time.Now().Add(w.retryBase << min(job.Attempt-1, 16))
}

// Timeout is the resolver's own and the two steps around it (load and finish).
func (w *resolveWorker) Timeout(*river.Job[resolution.ResolveJob]) time.Duration {
	return resolverTimeout + 2*stepTimeout
}

// Work runs the endpoint's resolver on the stored request and finishes the resolution with
// its answer (resolution.Steps.Finish). A resolver error is retried until the last attempt,
// which fails the resolution instead.
func (w *resolveWorker) Work(ctx context.Context, job *river.Job[resolution.ResolveJob]) error {
	id := job.Args.ResolutionID
	// The attributes every line of this job carries; built here, they are encoded only for
	// lines that are written.
	log := func(level slog.Level, msg string, attrs ...slog.Attr) {
		if w.logger.Enabled(ctx, level) {
			w.logger.LogAttrs(ctx, level, msg, append([]slog.Attr{slog.String("resolution_id", id),
				slog.Int64("job_id", job.ID)}, attrs...)...)
		}
	}
	// A person forgotten while this ran refuses the outcome (resolution.ErrErased): the
	// resolution is read and resolved again, now without them. Erasures are rare; a few
	// rounds are plenty, and the job is retried after that.
	var (
		r        store.Resolution
		status   string
		took     time.Duration
		start    time.Time
		finished bool
	)
	for round := 0; round < 3 && !finished; round++ {
		l, err := w.steps.Load(ctx, id)
		if errors.Is(err, resolution.ErrNoResolution) {
			return river.JobCancel(fmt.Errorf("resolution %s does not exist", id))
		}
		if err != nil {
			return err
		}
		r = l.Resolution
		if r.Status != resolution.Processing {
			return nil // finished by an earlier run whose completion was not recorded
		}

		start = time.Now()
		var res resolve.Result
		var rerr error
		if !resolution.IsRedacted(r.Request) { // a forgotten person's request: nobody to find
			res, rerr = w.run(ctx, r.ID, r.Endpoint, r.Request)
		}
		took = time.Since(start)
		w.metrics.ResolveDuration.WithLabelValues(r.Endpoint).Observe(took.Seconds())
		status = resolution.NotFound
		if res.Found {
			status = resolution.Completed
		}
		if rerr != nil {
			if !resolve.IsPermanent(rerr) && job.Attempt < job.MaxAttempts {
				w.metrics.Resolutions.WithLabelValues(r.Endpoint, "retry").Inc()
				log(slog.LevelWarn, "resolver failed; will retry", slog.String("endpoint", r.Endpoint),
					slog.Int("attempt", job.Attempt), slog.Any("error", rerr))
				return rerr
			}
			log(slog.LevelError, "resolver failed; giving up", slog.String("endpoint", r.Endpoint),
				slog.Int("attempt", job.Attempt), slog.Any("error", rerr))
			status, res.Fields = resolution.Failed, map[string]any{"error": resolution.FailureMessage}
		}

		body, err := resolution.Body(r.ID, status, r.ExternalID, res.Fields)
		if err != nil {
			return err
		}
		err = w.steps.Finish(ctx, resolution.Outcome{ID: r.ID, Status: status, Body: body,
			JobMetadata: w.tracing.JobMetadata(ctx), ErasureEpoch: l.ErasureEpoch})
		if err != nil && !errors.Is(err, resolution.ErrErased) {
			return err
		}
		finished = err == nil
	}
	if !finished {
		return resolution.ErrErased
	}
	w.metrics.Resolutions.WithLabelValues(r.Endpoint, status).Inc()
	log(slog.LevelInfo, "resolved", slog.String("endpoint", r.Endpoint), slog.String("outcome", status),
		slog.Int("attempt", job.Attempt), slog.Float64("resolver_ms", float64(took.Microseconds())/1000),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000))
	return nil
}

// run calls the endpoint's resolver with a deadline, turning a panic into an error.
// run answers the request of resolution id: the endpoint's resolver, through the providers'
// waterfall when some serve the endpoint, all within resolverTimeout.
func (w *resolveWorker) run(ctx context.Context, id, endpoint string, request []byte) (res resolve.Result, err error) {
	resolver, ok := w.resolvers[endpoint]
	if !ok {
		return resolve.Result{}, resolve.Permanent(fmt.Errorf("no resolver for endpoint %q", endpoint))
	}
	ctx, cancel := context.WithTimeout(ctx, resolverTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			res, err = resolve.Result{}, fmt.Errorf("resolver panicked: %v", p)
		}
	}()
	if w.waterfall != nil && w.waterfall.Serves(endpoint) {
		primary := w.primary[endpoint]
		if primary == nil {
			primary = resolver
		}
		return w.waterfall.Resolve(ctx, id, endpoint, request, resolver, primary)
	}
	res, err = resolver.Resolve(ctx, request)
	return providers.FromGraph(res), err
}
