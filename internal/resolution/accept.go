package resolution

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/oklog/ulid/v2"
	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/store"
)

// NewID returns a new resolution id: "res_" and a ULID, so ids sort by creation.
func NewID() string { return "res_" + ulid.Make().String() }

// Request is an accepted request to store: a resolution of Endpoint with its normalized
// Request document.
type Request struct {
	APIKeyID    string
	Endpoint    string
	Request     []byte
	CallbackURL string
	// ExternalID and IdempotencyKey are optional: "" for none.
	ExternalID     string
	IdempotencyKey string
	// JobMetadata is stored with the resolve job (the request's trace context, say).
	JobMetadata []byte
}

// hash identifies a request's meaning for Idempotency-Key: the endpoint and every normalized
// field, so that a repeat written differently but meaning the same is a repeat.
func (r Request) hash() []byte {
	doc, _ := json.Marshal(struct {
		Endpoint    string          `json:"e"`
		Request     json.RawMessage `json:"r"`
		CallbackURL string          `json:"c"`
		ExternalID  *string         `json:"x"`
	}{r.Endpoint, r.Request, r.CallbackURL, ptrIf(r.ExternalID)})
	h := sha256.Sum256(doc)
	return h[:]
}

func ptrIf(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Accepted is a stored resolution: the new one, or the first of an Idempotency-Key repeat.
type Accepted struct {
	ID          string
	CallbackURL string
	RequestedAt time.Time
}

// ErrIdempotencyMismatch is returned for an Idempotency-Key its API key used with another
// request.
var ErrIdempotencyMismatch = errors.New("this Idempotency-Key was used with a different request")

// Accepter stores accepted requests, each with its resolve job, in groups: requests that
// arrive while a transaction is committing wait for the next one, which holds them all. Each
// request is answered only after the transaction holding its own row and job committed; what
// a group saves is a transaction, a round trip per statement and a WAL flush per request.
// Under light load a group is one request and nothing waits.
type Accepter struct {
	pool    *pgxpool.Pool
	river   *river.Client[pgx.Tx]
	queries *store.Queries
	timeout time.Duration
	in      chan *pending
	wg      sync.WaitGroup
	once    sync.Once
}

// pending is one request waiting for its group's commit.
type pending struct {
	ctx    context.Context
	req    Request
	row    Accepted
	hash   []byte
	replay bool       // not inserted: its Idempotency-Key was used
	done   chan error // nil once committed
}

const (
	// maxGroup caps how many requests commit in one transaction.
	maxGroup = 256
	// committers is how many groups may be committing at once; the next gathers meanwhile.
	committers = 4
)

// NewAccepter starts an Accepter on pool; timeout bounds each group's transaction (and is
// shortened to the earliest deadline of the requests in it). rc is an insert-only River client.
func NewAccepter(pool *pgxpool.Pool, rc *river.Client[pgx.Tx], timeout time.Duration) *Accepter {
	a := &Accepter{pool: pool, river: rc, queries: store.New(), timeout: timeout, in: make(chan *pending, 4096)}
	for range committers {
		a.wg.Go(a.loop)
	}
	return a
}

// Close stops the Accepter once the requests it holds are committed.
func (a *Accepter) Close() {
	a.once.Do(func() { close(a.in) })
	a.wg.Wait()
}

// Accept stores req and its resolve job, in a group with the requests arriving at the same
// time. With an Idempotency-Key its API key already used it stores nothing and returns the
// first resolution, or ErrIdempotencyMismatch when that was another request. The insert waits
// for a concurrent request holding the same key to commit, so two racing repeats get one
// resolution. An error from the database is returned as it is (store.IsUnavailable tells an
// outage); nothing was stored then.
func (a *Accepter) Accept(ctx context.Context, req Request) (Accepted, error) {
	pd := &pending{ctx: ctx, req: req, hash: req.hash(), done: make(chan error, 1),
		row: Accepted{ID: NewID(), CallbackURL: req.CallbackURL, RequestedAt: time.Now().UTC().Truncate(time.Millisecond)}}
	select {
	case a.in <- pd:
	case <-ctx.Done():
		return Accepted{}, ctx.Err() // never queued: nothing was stored
	}
	// Once queued, wait for the outcome even past the deadline: the group's transaction is
	// bounded by the earliest deadline in it, so this wait is too, and a request is never told
	// of a failure for a row that then commits.
	if err := <-pd.done; err != nil {
		return Accepted{}, err
	}
	if !pd.replay {
		return pd.row, nil
	}
	// The request's own budget may be spent waiting for its group; the look-up gets its own.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.timeout)
	defer cancel()
	first, err := a.queries.ResolutionGetByIdempotencyKey(rctx, a.pool, store.ResolutionGetByIdempotencyKeyParams{
		APIKeyID: req.APIKeyID, IdempotencyKey: &req.IdempotencyKey,
	})
	if err != nil {
		return Accepted{}, err
	}
	if !bytes.Equal(first.RequestHash, pd.hash) {
		return Accepted{}, ErrIdempotencyMismatch
	}
	return Accepted{ID: first.ID, CallbackURL: first.CallbackURL, RequestedAt: first.RequestedAt}, nil
}

func (a *Accepter) loop() {
	for first := range a.in {
		group := []*pending{first}
	gather:
		for len(group) < maxGroup {
			select {
			case pd, ok := <-a.in:
				if !ok {
					break gather
				}
				group = append(group, pd)
			default:
				break gather
			}
		}
		err := a.commit(group)
		for _, pd := range group {
			pd.done <- err
		}
	}
}

// commit stores a group in one transaction, bounded by the earliest deadline in it.
func (a *Accepter) commit(group []*pending) error {
	deadline := time.Now().Add(a.timeout)
	var p store.ResolutionInsertManyParams
	for _, pd := range group {
		if d, ok := pd.ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		r := pd.req
		p.IDs = append(p.IDs, pd.row.ID)
		p.APIKeyIDs = append(p.APIKeyIDs, r.APIKeyID)
		p.Endpoints = append(p.Endpoints, r.Endpoint)
		p.Requests = append(p.Requests, r.Request)
		p.RequestHashes = append(p.RequestHashes, pd.hash)
		p.ExternalIds = append(p.ExternalIds, r.ExternalID)
		p.CallbackURLs = append(p.CallbackURLs, r.CallbackURL)
		p.IdempotencyKeys = append(p.IdempotencyKeys, r.IdempotencyKey)
		p.RequestedAts = append(p.RequestedAts, pd.row.RequestedAt)
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	return pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		ids, err := a.queries.ResolutionInsertMany(ctx, tx, p)
		if err != nil {
			return err
		}
		inserted := make(map[string]bool, len(ids))
		for _, id := range ids {
			inserted[id] = true
		}
		jobs := make([]river.InsertManyParams, 0, len(ids))
		for _, pd := range group {
			if !inserted[pd.row.ID] {
				pd.replay = true
				continue
			}
			job := river.InsertManyParams{Args: ResolveJob{ResolutionID: pd.row.ID}}
			if pd.req.JobMetadata != nil {
				job.InsertOpts = &river.InsertOpts{Metadata: pd.req.JobMetadata}
			}
			jobs = append(jobs, job)
		}
		if len(jobs) == 0 {
			return nil
		}
		_, err = a.river.InsertManyFastTx(ctx, tx, jobs)
		return err
	})
}
