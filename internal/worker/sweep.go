package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/resolution"
)

// sweepWorker runs resolution.Sweep every minute: River discards a job that crashed its worker
// too many times, or kept meeting internal errors, and then no client should wait forever.
type sweepWorker struct {
	river.WorkerDefaults[resolution.SweepJob]
	pool   *pgxpool.Pool
	logger *slog.Logger
	age    time.Duration
}

func (w *sweepWorker) Work(ctx context.Context, job *river.Job[resolution.SweepJob]) error {
	swept, err := resolution.Sweep(ctx, w.pool, river.ClientFromContext[pgx.Tx](ctx), w.age)
	for _, s := range swept {
		w.logger.WarnContext(ctx, "swept a resolution whose job had ended", slog.String("resolution_id", s.ID),
			slog.String("status", s.Status))
	}
	return err
}
