package worker

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/metrics"
	"github.com/openresolve/openresolve/internal/resolution"
)

// batchWorker completes a batch when its items have finished (resolution.CompleteBatch). It
// looks, and while items are processing looks again after 20 ms, doubling up to 500 ms, for
// up to batchHold; then it snoozes and a later run goes on. A look is one index scan of the
// batch's items, so the callback follows the last item by at most the current wait. Batch
// jobs have a queue of their own (resolution.QueueBatch), so that waiting holds no goroutine
// the items need.
type batchWorker struct {
	river.WorkerDefaults[resolution.BatchJob]
	pool    *pgxpool.Pool
	metrics *metrics.Worker
}

// batchHold is how long one run of a batch job waits for its items before it snoozes.
const batchHold = 10 * time.Second

func (w *batchWorker) Work(ctx context.Context, job *river.Job[resolution.BatchJob]) error {
	rc := river.ClientFromContext[pgx.Tx](ctx)
	wait, until := 20*time.Millisecond, time.Now().Add(batchHold)
	for {
		err := resolution.CompleteBatch(ctx, w.pool, rc, job.Args.BatchID)
		if !errors.Is(err, resolution.ErrBatchPending) {
			if err == nil {
				w.metrics.Batches.Inc()
			}
			return err
		}
		if time.Now().Add(wait).After(until) {
			return river.JobSnooze(time.Second)
		}
		select {
		case <-ctx.Done():
			return river.JobSnooze(0)
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}
