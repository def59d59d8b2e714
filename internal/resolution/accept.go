package resolution

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/oklog/ulid/v2"
	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/group"
	"github.com/openresolve/openresolve/internal/store"
)

// NewID returns a new resolution id: "res_" and a ULID, so ids sort by creation.
func NewID() string { return "res_" + ulid.Make().String() }

// IDAt is the smallest resolution id of t's millisecond: ids made before t sort below it,
// and those made after above.
func IDAt(t time.Time) string {
	var u ulid.ULID
	_ = u.SetTime(ulid.Timestamp(t)) // fails only after the year 10889
	return "res_" + u.String()
}

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
	// Quota is its key's monthly quota as the accept left it; nil for a key without one.
	Quota *Quota
	// Repeat is true for the first resolution of an Idempotency-Key repeat: nothing was stored.
	Repeat bool
}

// Quota is a key's monthly quota (CONTRACT.md section 10): Limit units a UTC month, of which
// Remaining are neither used nor reserved by requests in flight.
type Quota struct {
	Limit, Remaining int64
}

// quotaOf reads the quota columns of ResolutionInsertMany: -1 for none.
func quotaOf(limit, remaining int64) *Quota {
	if limit < 0 {
		return nil
	}
	return &Quota{Limit: limit, Remaining: remaining}
}

// QuotaExceededError is returned for a request, or a batch, its key's quota has no room for;
// nothing was stored.
type QuotaExceededError struct {
	Quota Quota
}

func (e *QuotaExceededError) Error() string {
	return fmt.Sprintf("the monthly quota of %d is used up (%d left)", e.Quota.Limit, e.Quota.Remaining)
}

// Counting says what a quota counts (QUOTA_COUNTS): CountCompleted, answers that found
// something (a request reserves a unit while in flight, given back if it finds nothing), or
// CountAccepted, every accepted request or item.
type Counting string

const (
	CountCompleted Counting = "completed"
	CountAccepted  Counting = "accepted"
)

// ErrIdempotencyMismatch is returned for an Idempotency-Key its API key used with another
// request.
var ErrIdempotencyMismatch = errors.New("this Idempotency-Key was used with a different request")

// Accepter stores accepted requests, each with its resolve job, in groups (see group): each
// request is answered only after the transaction holding its own row and job committed; what a
// group saves is a transaction, a round trip per statement and a WAL flush per request.
type Accepter struct {
	pool    *pgxpool.Pool
	river   *river.Client[pgx.Tx]
	queries *store.Queries
	timeout time.Duration
	counts  Counting
	group   *group.Group[pending, stored]
}

// stored is what became of a pending request.
type stored struct {
	inserted bool // its row is new; else a repeat of its Idempotency-Key, or refused
	refused  bool // its key's quota had no room
	quota    *Quota
}

// pending is one request to store.
type pending struct {
	req  Request
	row  Accepted
	hash []byte
}

const (
	// maxGroup caps how many requests commit in one transaction.
	maxGroup = 256
	// committers is how many groups may be committing at once; the next gathers meanwhile.
	committers = 1
)

// NewAccepter starts an Accepter on pool; timeout bounds each group's transaction, whatever
// the deadlines of the requests in it (a request whose deadline passed while it waited for its
// group is left out). rc is an insert-only River client; counts is what quotas count.
func NewAccepter(pool *pgxpool.Pool, rc *river.Client[pgx.Tx], timeout time.Duration, counts Counting) *Accepter {
	a := &Accepter{pool: pool, river: rc, queries: store.New(), timeout: timeout, counts: counts}
	a.group = group.New(committers, maxGroup, timeout, a.commit)
	return a
}

// Close stops the Accepter once the requests it holds are committed.
func (a *Accepter) Close() { a.group.Close() }

// Accept stores req and its resolve job, in a group with the requests arriving at the same
// time. With an Idempotency-Key its API key already used it stores nothing and returns the
// first resolution, or ErrIdempotencyMismatch when that was another request. The insert waits
// for a concurrent request holding the same key to commit, so two racing repeats get one
// resolution. A request its key's quota has no room for gets a *QuotaExceededError. An error
// from the database is returned as it is (store.IsUnavailable tells an outage); nothing was
// stored then.
func (a *Accepter) Accept(ctx context.Context, req Request) (Accepted, error) {
	p := pending{req: req, hash: req.hash(),
		row: Accepted{ID: NewID(), CallbackURL: req.CallbackURL, RequestedAt: time.Now().UTC().Truncate(time.Millisecond)}}
	out, err := a.group.Do(ctx, p)
	switch {
	case err != nil:
		return Accepted{}, err
	case out.refused:
		return Accepted{}, &QuotaExceededError{Quota: *out.quota}
	case out.inserted:
		p.row.Quota = out.quota
		return p.row, nil
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
	if !bytes.Equal(first.RequestHash, p.hash) {
		return Accepted{}, ErrIdempotencyMismatch
	}
	return Accepted{ID: first.ID, CallbackURL: first.CallbackURL, RequestedAt: first.RequestedAt, Quota: out.quota,
		Repeat: true}, nil
}

// commit stores a group in one transaction, with what it counts, and says what became of each
// request.
func (a *Accepter) commit(ctx context.Context, group []pending) ([]stored, error) {
	var p store.ResolutionInsertManyParams
	for _, pd := range group {
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
		p.BatchIDs = append(p.BatchIDs, "")
		p.BatchIndexes = append(p.BatchIndexes, 0)
	}
	p.CountsAccepted = a.counts == CountAccepted
	out := make([]stored, len(group))
	err := pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		rows, err := a.queries.ResolutionInsertMany(ctx, tx, p)
		if err != nil {
			return err
		}
		if len(rows) != len(group) {
			return fmt.Errorf("accept: %d rows for %d requests", len(rows), len(group))
		}
		type keyAt struct {
			key string
			at  int64 // RequestedAt, Unix ms: the statement gives back on its month
		}
		var giveBack map[keyAt]int64
		jobs := make([]river.InsertManyParams, 0, len(rows))
		for i, row := range rows {
			pd := group[i]
			out[i] = stored{inserted: row.Inserted, refused: row.Refused, quota: quotaOf(row.Quota, row.Remaining)}
			if row.New && !row.Inserted && !row.Refused {
				// Counted, but a repeat of its Idempotency-Key committed meanwhile.
				if giveBack == nil {
					giveBack = map[keyAt]int64{}
				}
				giveBack[keyAt{pd.req.APIKeyID, pd.row.RequestedAt.UnixMilli()}]++
			}
			if !row.Inserted {
				continue
			}
			job := river.InsertManyParams{Args: ResolveJob{ResolutionID: pd.row.ID}}
			if pd.req.JobMetadata != nil {
				job.InsertOpts = &river.InsertOpts{Metadata: pd.req.JobMetadata}
			}
			jobs = append(jobs, job)
		}
		for k, n := range giveBack {
			if err := a.queries.UsageMonthGiveBack(ctx, tx, store.UsageMonthGiveBackParams{
				APIKeyID: k.key, RequestedAt: time.UnixMilli(k.at), Units: n}); err != nil {
				return err
			}
		}
		if len(jobs) == 0 {
			return nil
		}
		_, err = a.river.InsertManyFastTx(ctx, tx, jobs)
		return err
	})
	return out, err
}
