package worker

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/usage"
)

// purgeWorker runs resolution.Purge every minute with the retention (RESOLUTION_RETENTION),
// and usage.Purge with USAGE_RETENTION.
type purgeWorker struct {
	river.WorkerDefaults[resolution.PurgeJob]
	pool           *pgxpool.Pool
	logger         *slog.Logger
	retention      time.Duration
	usageRetention time.Duration
}

func (w *purgeWorker) Work(ctx context.Context, job *river.Job[resolution.PurgeJob]) error {
	start := time.Now()
	// A purge far behind stops short of the job's timeout and goes on a minute later: each
	// batch it deleted is committed.
	pctx, cancel := context.WithTimeout(ctx, JobTimeout-3*time.Second)
	defer cancel()
	p, err := resolution.Purge(pctx, w.pool, w.retention)
	if err == nil {
		var days int64
		days, err = usage.Purge(pctx, w.pool, w.usageRetention, time.Now())
		if days > 0 {
			w.logger.InfoContext(ctx, "purged usage figures past their retention", slog.Int64("rows", days),
				slog.Duration("retention", w.usageRetention))
		}
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = nil
	}
	if p.Resolutions+p.Batches > 0 || err != nil {
		w.logger.InfoContext(ctx, "purged what is past its retention", slog.Int64("resolutions", p.Resolutions),
			slog.Int64("batches", p.Batches), slog.Duration("retention", w.retention),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000), slog.Any("error", err))
	}
	return err
}

// Timeout implements river.Worker: within JobTimeout, like every job, so that the rescuer
// never takes a running purge for a dead one.
func (w *purgeWorker) Timeout(*river.Job[resolution.PurgeJob]) time.Duration { return JobTimeout }
