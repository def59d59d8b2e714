package resolution

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/store"
)

// AfterAttempt decides what a delivery attempt leaves the callback in: delivered, failed for
// good (the receiver answered 410 Gone, or round, the attempts of this delivery, ran past the
// schedule), or pending and to be tried again after wait: the receiver's Retry-After, or the
// schedule's next delay with ±10% jitter.
func AfterAttempt(out callback.Outcome, round int, schedule []time.Duration) (state string, wait time.Duration) {
	switch {
	case out.Delivered():
		return CallbackDelivered, 0
	case out.Gone(), round > len(schedule):
		return CallbackFailed, 0
	case out.HasRetryAfter:
		return CallbackPending, out.RetryAfter
	default:
		return CallbackPending, callback.Jitter(schedule[round-1])
	}
}

// Replay queues a new delivery of a finished resolution's callback, whether the last one was
// delivered or failed; the retry schedule starts again from the beginning. rc inserts the job.
func Replay(ctx context.Context, pool *pgxpool.Pool, rc *river.Client[pgx.Tx], id string) error {
	q := store.New()
	if strings.HasPrefix(id, "bat_") {
		return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			attempts, err := q.BatchCallbackReset(ctx, tx, id)
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("no completed batch %s whose callback is delivered or failed", id)
			}
			if err != nil {
				return err
			}
			_, err = rc.InsertTx(ctx, tx, CallbackJob{BatchID: id, FirstAttempt: attempts}, nil)
			return err
		})
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		attempts, err := q.ResolutionCallbackReset(ctx, tx, id)
		if errors.Is(err, pgx.ErrNoRows) {
			r, gerr := q.ResolutionGet(ctx, tx, id)
			switch {
			case gerr != nil:
				return fmt.Errorf("no resolution %s", id)
			case r.CallbackStatus == CallbackBatch:
				return fmt.Errorf("resolution %s is an item of %s and is delivered with it: replay the batch", id, deref(r.BatchID))
			case r.Status == Processing:
				return fmt.Errorf("resolution %s is still processing; its callback will follow", id)
			default:
				return fmt.Errorf("the callback of %s is already pending delivery", id)
			}
		}
		if err != nil {
			return err
		}
		_, err = rc.InsertTx(ctx, tx, CallbackJob{ResolutionID: id, FirstAttempt: attempts}, nil)
		return err
	})
}

// Swept is a resolution a sweep moved on.
type Swept struct {
	ID string
	// Status is what it was: Processing when the sweep failed it, a finished state when it
	// only queued its callback again.
	Status string
}

// Sweep finds resolutions older than age that wait on a job that no longer exists or has
// ended, so that no client waits forever: one still processing is failed with a failure
// callback; a finished one whose callback job is gone gets a new one. Each in a transaction of
// its own; rc inserts the jobs.
func Sweep(ctx context.Context, pool *pgxpool.Pool, rc *river.Client[pgx.Tx], age time.Duration) ([]Swept, error) {
	q := store.New()
	orphans, err := q.ResolutionListOrphans(ctx, pool, time.Now().Add(-age))
	if err != nil {
		return nil, err
	}
	var out []Swept
	for _, o := range orphans {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if o.Status == Processing {
				body, err := FailureBody(o.ID, o.ExternalID)
				if err != nil {
					return err
				}
				done, err := q.ResolutionFinishMany(ctx, tx, store.ResolutionFinishManyParams{
					IDs: []string{o.ID}, Statuses: []string{Failed}, Results: [][]byte{body},
					Epochs: []int64{math.MaxInt64}}) // a failure names nobody
				if err != nil || len(done) < 2 { // one row is the epoch's
					return err
				}
			}
			if o.CallbackStatus == CallbackBatch {
				return nil // an item: its batch's job delivers it
			}
			_, err := rc.InsertTx(ctx, tx, CallbackJob{ResolutionID: o.ID, FirstAttempt: o.CallbackAttempts}, nil)
			return err
		})
		if err != nil {
			return out, fmt.Errorf("sweep %s: %w", o.ID, err)
		}
		out = append(out, Swept{ID: o.ID, Status: o.Status})
	}
	batches, err := q.BatchListOrphans(ctx, pool, time.Now().Add(-age))
	if err != nil {
		return out, err
	}
	for _, b := range batches {
		// A processing batch gets a new completion job; a completed one, a new callback job.
		var args river.JobArgs = BatchJob{BatchID: b.ID}
		if b.Status != Processing {
			args = CallbackJob{BatchID: b.ID, FirstAttempt: b.CallbackAttempts}
		}
		if _, err := rc.Insert(ctx, args, nil); err != nil {
			return out, fmt.Errorf("sweep %s: %w", b.ID, err)
		}
		out = append(out, Swept{ID: b.ID, Status: b.Status})
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
