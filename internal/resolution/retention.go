package resolution

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/store"
)

// Purged counts what a purge deleted.
type Purged struct {
	Resolutions int64 `json:"resolutions"`
	Batches     int64 `json:"batches"`
}

// purgeBatch is how many resolutions one delete statement takes: big enough that a purge
// keeps up with thousands of resolutions a second, small enough that each statement holds its
// rows for milliseconds and accepts never wait on it.
const purgeBatch = 2000

// Purge deletes what finished more than olderThan ago and no longer awaits delivery, with its
// delivery attempts, oldest first, one batch per statement until none is left or ctx ends.
// Nothing still processing or awaiting delivery is touched.
func Purge(ctx context.Context, pool *pgxpool.Pool, olderThan time.Duration) (Purged, error) {
	q := store.New()
	cutoff := time.Now().Add(-olderThan)
	var p Purged
	for {
		n, err := q.ResolutionPurge(ctx, pool, store.ResolutionPurgeParams{BeforeID: IDAt(cutoff), Cutoff: cutoff, MaxRows: purgeBatch})
		p.Resolutions += n
		if err != nil {
			return p, err
		}
		if n < purgeBatch {
			break
		}
	}
	// A batch goes with its items; a few at a time, as each may hold a thousand.
	for {
		n, err := q.BatchPurge(ctx, pool, store.BatchPurgeParams{Cutoff: cutoff, MaxRows: purgeBatch / MaxBatchItems * 10})
		p.Batches += n
		if err != nil || n < purgeBatch/MaxBatchItems*10 {
			return p, err
		}
	}
}

// PurgeJob deletes what is older than the retention (see Purge); it runs every minute.
type PurgeJob struct{}

// Kind implements river.JobArgs.
func (PurgeJob) Kind() string { return "purge" }

// InsertOpts implements river.JobArgsWithInsertOpts: one purge at a time is enough.
func (PurgeJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueResolve, MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}
