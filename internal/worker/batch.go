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

// batchWorker completes a batch when its items have finished (resolution.CompleteBatch). Until
// then it looks again after a short wait that doubles from 50 ms up to 2 s: a look is one
// index scan of the batch's items, and the batch's callback follows its last item within
// that wait.
type batchWorker struct {
	river.WorkerDefaults[resolution.BatchJob]
	pool    *pgxpool.Pool
	metrics *metrics.Worker
}

func (w *batchWorker) Work(ctx context.Context, job *river.Job[resolution.BatchJob]) error {
	err := resolution.CompleteBatch(ctx, w.pool, river.ClientFromContext[pgx.Tx](ctx), job.Args.BatchID)
	if errors.Is(err, resolution.ErrBatchPending) {
		return river.JobSnooze(batchWait(job.Attempt))
	}
	if err == nil {
		w.metrics.Batches.Inc()
	}
	return err
}

// batchWait is the wait before the next look at a batch, after attempt looks.
func batchWait(attempt int) time.Duration {
	if attempt > 6 {
		return 2 * time.Second
	}
	return min(50*time.Millisecond<<(attempt-1), 2*time.Second)
}

// NextRetry waits 1 s after an error, doubling up to 30 s with each further error. River's
// default counts attempts, and every look that snoozed is one: after a few looks a single
// error (the database restarting, say) would put the batch off for hours.
func (w *batchWorker) NextRetry(job *river.Job[resolution.BatchJob]) time.Time {
	return time.Now().Add(min(time.Second<<min(len(job.Errors), 5), 30*time.Second))
}
