package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
)

// failureMessage is the error sent to the client when a resolution fails for a reason of ours.
const failureMessage = "The resolution could not be completed because of an internal error."

type resolveWorker struct {
	river.WorkerDefaults[resolve.Args]
	pool      *pgxpool.Pool
	queries   *store.Queries
	logger    *slog.Logger
	resolvers map[string]resolve.Resolver
	retryBase time.Duration
	metrics   *metrics.Worker
}

// NextRetry backs off exponentially from retryBase: 1 s, 2 s, 4 s, 8 s by default, so a
// resolution whose resolver keeps failing is marked failed within about 15 s.
func (w *resolveWorker) NextRetry(job *river.Job[resolve.Args]) time.Time {
	return time.Now().Add(w.retryBase << min(job.Attempt-1, 16))
}

func (w *resolveWorker) Timeout(*river.Job[resolve.Args]) time.Duration {
	return resolve.Timeout + 10*time.Second
}

// Work runs the resolver, then stores the result, enqueues the callback and completes this job
// in one transaction: either all of it happens or none, so a crash at any point leaves the job
// to be run again and never a result without its callback.
func (w *resolveWorker) Work(ctx context.Context, job *river.Job[resolve.Args]) error {
	id := job.Args.ResolutionID
	log := w.logger.With(slog.String("resolution_id", id), slog.Int64("job_id", job.ID))
	r, err := w.queries.ResolutionGet(ctx, w.pool, id)
	if err != nil {
		if errors.Is(store.NotFound(err), store.ErrNotFound) {
			return river.JobCancel(fmt.Errorf("resolution %s does not exist", id))
		}
		return err
	}
	if r.Status != resolve.StatusProcessing {
		return nil // finished by an earlier run whose completion was not recorded
	}

	start := time.Now()
	status, fields, rerr := w.run(ctx, r.Endpoint, r.Request)
	took := time.Since(start)
	w.metrics.ResolveDuration.WithLabelValues(r.Endpoint).Observe(took.Seconds())
	if rerr != nil {
		if !resolve.IsPermanent(rerr) && job.Attempt < job.MaxAttempts {
			w.metrics.Resolutions.WithLabelValues(r.Endpoint, "retry").Inc()
			log.WarnContext(ctx, "resolver failed; will retry", slog.String("endpoint", r.Endpoint),
				slog.Int("attempt", job.Attempt), slog.Any("error", rerr))
			return rerr
		}
		log.ErrorContext(ctx, "resolver failed; giving up", slog.String("endpoint", r.Endpoint),
			slog.Int("attempt", job.Attempt), slog.Any("error", rerr))
		status, fields = resolve.StatusFailed, map[string]any{"error": failureMessage}
	}

	body := callbackBody(r.ID, status, r.ExternalID, fields)
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	if err := w.finish(ctx, job, id, status, raw, r.CallbackAttempts); err != nil {
		return err
	}
	w.metrics.Resolutions.WithLabelValues(r.Endpoint, status).Inc()
	log.InfoContext(ctx, "resolved", slog.String("endpoint", r.Endpoint), slog.String("outcome", status),
		slog.Int("attempt", job.Attempt), slog.Float64("resolver_ms", float64(took.Microseconds())/1000),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000))
	return nil
}

// run calls the endpoint's resolver with a deadline, turning a panic into an error.
func (w *resolveWorker) run(ctx context.Context, endpoint string, request []byte) (status string, fields map[string]any, err error) {
	resolver, ok := w.resolvers[endpoint]
	if !ok {
		return "", nil, resolve.Permanent(fmt.Errorf("no resolver for endpoint %q", endpoint))
	}
	ctx, cancel := context.WithTimeout(ctx, resolve.Timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("resolver panicked: %v", p)
		}
	}()
	res, err := resolver.Resolve(ctx, request)
	if err != nil {
		return "", nil, err
	}
	if res.Status != resolve.StatusCompleted && res.Status != resolve.StatusNotFound {
		return "", nil, resolve.Permanent(fmt.Errorf("resolver returned status %q", res.Status))
	}
	return res.Status, res.Fields, nil
}

func (w *resolveWorker) finish(ctx context.Context, job *river.Job[resolve.Args], id, status string, body []byte, attempts int32) error {
	tx, err := w.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	n, err := w.queries.ResolutionFinish(ctx, tx, store.ResolutionFinishParams{ID: id, Status: status, Result: body})
	if err != nil {
		return err
	}
	if n == 1 {
		client := river.ClientFromContext[pgx.Tx](ctx)
		if _, err := client.InsertTx(ctx, tx, callback.Args{ResolutionID: id, FirstAttempt: attempts}, nil); err != nil {
			return err
		}
	}
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// callbackBody is the document the client receives: the resolver's fields at the top level,
// with id, status and externalId (when given) over them.
func callbackBody(id, status string, externalID *string, fields map[string]any) map[string]any {
	body := make(map[string]any, len(fields)+3)
	for k, v := range fields {
		body[k] = v
	}
	body["id"] = id
	body["status"] = status
	if externalID != nil {
		body["externalId"] = *externalID
	}
	return body
}
