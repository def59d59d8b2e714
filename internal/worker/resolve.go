package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/metrics"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/store"
)

// resolverTimeout bounds one run of a resolver.
const resolverTimeout = 20 * time.Second

type resolveWorker struct {
	river.WorkerDefaults[resolution.ResolveJob]
	pool      *pgxpool.Pool
	queries   *store.Queries
	logger    *slog.Logger
	resolvers map[string]resolve.Resolver
	retryBase time.Duration
	metrics   *metrics.Worker
}

// NextRetry backs off exponentially from retryBase: 1 s, 2 s, 4 s, 8 s by default, so a
// resolution whose resolver keeps failing is failed within about 15 s.
func (w *resolveWorker) NextRetry(job *river.Job[resolution.ResolveJob]) time.Time {
	return time.Now().Add(w.retryBase << min(job.Attempt-1, 16))
}

func (w *resolveWorker) Timeout(*river.Job[resolution.ResolveJob]) time.Duration {
	return resolverTimeout + 10*time.Second
}

// Work runs the endpoint's resolver on the stored request and finishes the resolution with
// its answer (resolution.Finish). A resolver error is retried until the last attempt, which
// fails the resolution instead.
func (w *resolveWorker) Work(ctx context.Context, job *river.Job[resolution.ResolveJob]) error {
	id := job.Args.ResolutionID
	log := w.logger.With(slog.String("resolution_id", id), slog.Int64("job_id", job.ID))
	r, err := w.queries.ResolutionGet(ctx, w.pool, id)
	if err != nil {
		if errors.Is(store.NotFound(err), store.ErrNotFound) {
			return river.JobCancel(fmt.Errorf("resolution %s does not exist", id))
		}
		return err
	}
	if r.Status != resolution.Processing {
		return nil // finished by an earlier run whose completion was not recorded
	}

	start := time.Now()
	res, rerr := w.run(ctx, r.Endpoint, r.Request)
	took := time.Since(start)
	w.metrics.ResolveDuration.WithLabelValues(r.Endpoint).Observe(took.Seconds())
	status := resolution.NotFound
	if res.Found {
		status = resolution.Completed
	}
	if rerr != nil {
		if !resolve.IsPermanent(rerr) && job.Attempt < job.MaxAttempts {
			w.metrics.Resolutions.WithLabelValues(r.Endpoint, "retry").Inc()
			log.WarnContext(ctx, "resolver failed; will retry", slog.String("endpoint", r.Endpoint),
				slog.Int("attempt", job.Attempt), slog.Any("error", rerr))
			return rerr
		}
		log.ErrorContext(ctx, "resolver failed; giving up", slog.String("endpoint", r.Endpoint),
			slog.Int("attempt", job.Attempt), slog.Any("error", rerr))
		status, res.Fields = resolution.Failed, map[string]any{"error": resolution.FailureMessage}
	}

	body, err := resolution.Body(r.ID, status, r.ExternalID, res.Fields)
	if err != nil {
		return err
	}
	if err := resolution.Finish(ctx, w.pool, job, status, body, r.CallbackAttempts); err != nil {
		return err
	}
	w.metrics.Resolutions.WithLabelValues(r.Endpoint, status).Inc()
	log.InfoContext(ctx, "resolved", slog.String("endpoint", r.Endpoint), slog.String("outcome", status),
		slog.Int("attempt", job.Attempt), slog.Float64("resolver_ms", float64(took.Microseconds())/1000),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000))
	return nil
}

// run calls the endpoint's resolver with a deadline, turning a panic into an error.
func (w *resolveWorker) run(ctx context.Context, endpoint string, request []byte) (res resolve.Result, err error) {
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
	return resolver.Resolve(ctx, request)
}
