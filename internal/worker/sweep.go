package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/store"
)

// SweepArgs is the periodic job that finds resolutions no job will finish any more: River
// discards a job that crashed its worker too many times, or that kept meeting internal
// errors, and then no client should wait forever. A resolution still processing is failed
// with a failure callback; a finished one whose callback job is gone gets a new one.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "sweep" }

// InsertOpts implements river.JobArgsWithInsertOpts: one sweep at a time is enough.
func (SweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: resolve.QueueResolve, MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

// sweepAge is how old a resolution must be before the sweep looks at it: far longer than a
// healthy resolution takes, so only orphans are swept.
const sweepAge = 10 * time.Minute

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	pool    *pgxpool.Pool
	queries *store.Queries
	logger  *slog.Logger
	age     time.Duration
}

// orphans lists resolutions waiting on a job that no longer exists or has ended. River's
// tables are not in sqlc's schema, so this query is written here; river_job's GIN index on
// args serves the containment test, resolutions_callback_undelivered_idx the rest.
const orphans = `
SELECT r.id, r.status, r.external_id, r.callback_attempts
FROM resolutions r
WHERE r.callback_status = 'pending' AND r.requested_at < $1
  AND NOT EXISTS (
      SELECT 1 FROM river_job j
      WHERE j.args @> jsonb_build_object('resolution_id', r.id)
        AND j.state NOT IN ('completed', 'cancelled', 'discarded'))
ORDER BY r.requested_at
LIMIT 200`

func (w *sweepWorker) Work(ctx context.Context, job *river.Job[SweepArgs]) error {
	rows, err := w.pool.Query(ctx, orphans, time.Now().Add(-w.age))
	if err != nil {
		return err
	}
	type orphan struct {
		id, status string
		externalID *string
		attempts   int32
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orphan, error) {
		var o orphan
		err := r.Scan(&o.id, &o.status, &o.externalID, &o.attempts)
		return o, err
	})
	if err != nil {
		return err
	}
	client := river.ClientFromContext[pgx.Tx](ctx)
	for _, o := range list {
		err := pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
			if o.status == resolve.StatusProcessing {
				body, err := json.Marshal(callbackBody(o.id, resolve.StatusFailed, o.externalID,
					map[string]any{"error": failureMessage}))
				if err != nil {
					return err
				}
				n, err := w.queries.ResolutionFinish(ctx, tx, store.ResolutionFinishParams{
					ID: o.id, Status: resolve.StatusFailed, Result: body})
				if err != nil || n == 0 {
					return err
				}
			}
			_, err := client.InsertTx(ctx, tx, callback.Args{ResolutionID: o.id, FirstAttempt: o.attempts}, nil)
			return err
		})
		if err != nil {
			return fmt.Errorf("sweep %s: %w", o.id, err)
		}
		w.logger.WarnContext(ctx, "swept a resolution whose job had ended", slog.String("resolution_id", o.id),
			slog.String("status", o.status))
	}
	return nil
}
