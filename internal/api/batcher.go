package api

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"go.opentelemetry.io/otel/propagation"

	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/store"
)

// batcher commits accepted requests in groups: requests that arrive while a transaction is
// committing wait for the next one, which holds all of them. Each request still gets its 202
// only after the transaction holding its own row and job committed; what a group saves is one
// transaction, one round trip per statement and one WAL flush per request. Under light load a
// group is one request and nothing waits.
type batcher struct {
	s       *Server
	in      chan *pending
	max     int
	wg      sync.WaitGroup
	closeMu sync.Once
}

// pending is one request waiting for its group's commit.
type pending struct {
	ctx  context.Context
	p    store.ResolutionInsertParams
	done chan error // nil once committed
	// replay is set when the row was not inserted because its Idempotency-Key was used.
	replay bool
}

// committers is how many groups may be committing at once; the next group gathers meanwhile.
const committers = 4

func newBatcher(s *Server, max int) *batcher {
	b := &batcher{s: s, in: make(chan *pending, 4096), max: max}
	for range committers {
		b.wg.Go(b.loop)
	}
	return b
}

func (b *batcher) close() {
	b.closeMu.Do(func() { close(b.in) })
	b.wg.Wait()
}

// submit queues one request and waits for its group's outcome.
func (b *batcher) submit(ctx context.Context, p store.ResolutionInsertParams) (replay bool, err error) {
	pd := &pending{ctx: ctx, p: p, done: make(chan error, 1)}
	select {
	case b.in <- pd:
	case <-ctx.Done():
		return false, ctx.Err() // never queued: nothing was stored
	}
	// Once queued, wait for the outcome even past the deadline: the group's transaction is
	// bounded by the earliest deadline in it, so this wait is too, and a request is never told
	// 503 for a row that then commits.
	err = <-pd.done
	return pd.replay, err
}

func (b *batcher) loop() {
	for first := range b.in {
		group := []*pending{first}
	gather:
		for len(group) < b.max {
			select {
			case pd, ok := <-b.in:
				if !ok {
					break gather
				}
				group = append(group, pd)
			default:
				break gather
			}
		}
		err := b.commit(group)
		for _, pd := range group {
			pd.done <- err
		}
	}
}

// commit stores a group in one transaction, bounded by the earliest deadline in it.
func (b *batcher) commit(group []*pending) error {
	deadline := time.Now().Add(b.s.dbTimeout)
	rows := make([]store.ResolutionInsertParams, len(group))
	for i, pd := range group {
		if d, ok := pd.ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		rows[i] = pd.p
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	err := pgx.BeginFunc(ctx, b.s.pool, func(tx pgx.Tx) error {
		inserted, err := b.s.queries.ResolutionInsertBatch(ctx, tx, rows)
		if err != nil {
			return b.s.dbError(ctx, "insert resolutions", err)
		}
		jobs := make([]river.InsertManyParams, 0, len(inserted))
		for _, pd := range group {
			if inserted[pd.p.ID] {
				job := river.InsertManyParams{Args: resolve.Args{ResolutionID: pd.p.ID}}
				if b.s.tracing {
					job.InsertOpts = &river.InsertOpts{Metadata: traceMetadata(pd.ctx)}
				}
				jobs = append(jobs, job)
			} else {
				pd.replay = true
			}
		}
		if len(jobs) > 0 {
			if _, err := b.s.river.InsertManyFastTx(ctx, tx, jobs); err != nil {
				return b.s.dbError(ctx, "insert resolve jobs", err)
			}
		}
		return nil
	})
	var apiErr *Error
	if err != nil && !errors.As(err, &apiErr) {
		return b.s.dbError(ctx, "commit", err)
	}
	return err
}

// traceMetadata is job metadata carrying the W3C trace context of a request, so the spans of
// its job link back to the request although the job is inserted by the group's transaction.
func traceMetadata(ctx context.Context) []byte {
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, carrier)
	if len(carrier) == 0 {
		return nil
	}
	b, _ := json.Marshal(carrier)
	return b
}
