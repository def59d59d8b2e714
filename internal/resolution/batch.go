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

	"github.com/openresolve/openresolve/internal/store"
)

// Bulk requests (CONTRACT.md section 8): a batch is accepted in one transaction with every
// item's resolution and resolve job, and a batch job that completes it. Items are resolved
// like single requests but get no callback; the batch job finds them all finished, writes the
// batch's callback document once, and queues its one callback job in the same transaction.
// Counting finished items is a look-up of the batch's items (resolutions_batch_idx) by that
// one job, so items finishing at once on many workers never wait on a shared row.

// NewBatchID returns a new batch id: "bat_" and a ULID.
func NewBatchID() string { return "bat_" + ulid.Make().String() }

// MaxBatchItems is the most items a batch holds.
const MaxBatchItems = 1000

// Batch is an accepted bulk request to store.
type Batch struct {
	APIKeyID    string
	Endpoint    string
	CallbackURL string
	// ExternalID and IdempotencyKey are optional: "" for none.
	ExternalID     string
	IdempotencyKey string
	// Items counts the items sent, valid or not; Valid are those to resolve.
	Items int
	Valid []BatchItem
	// Rejected is the JSON list of the items refused with skipInvalid.
	Rejected []byte
	// JobMetadata is stored with each job (the request's trace context, say).
	JobMetadata []byte
}

// BatchItem is one valid item: its place in the input, its normalized request and its own
// external id ("" for none).
type BatchItem struct {
	Index      int
	Request    []byte
	ExternalID string
}

// hash identifies a batch's meaning for Idempotency-Key.
func (b Batch) hash() []byte {
	doc, _ := json.Marshal(b.Valid)
	h := sha256.New()
	for _, part := range [][]byte{[]byte(b.Endpoint), []byte(b.CallbackURL), []byte(b.ExternalID), doc, b.Rejected} {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	return h.Sum(nil)
}

// AcceptedBatch is a stored batch: the new one, or the first of an Idempotency-Key repeat.
// Resolutions holds each input item's resolution id, "" for a rejected item.
type AcceptedBatch struct {
	ID          string
	CallbackURL string
	RequestedAt time.Time
	Items       int
	Resolutions []string
	Rejected    []byte
	// Quota is its key's monthly quota as the accept left it; nil for a key without one.
	Quota *Quota
	// Repeat is true for the first batch of an Idempotency-Key repeat: nothing was stored.
	Repeat bool
}

// AcceptBatch stores b, every valid item's resolution and resolve job, and the batch job, in
// one transaction: each statement takes all the items at once. With an Idempotency-Key its
// API key already used it stores nothing and returns the first batch, or
// ErrIdempotencyMismatch when that was another request. A batch its key's quota has no room
// for, as a whole, gets a *QuotaExceededError and nothing is stored.
func (a *Accepter) AcceptBatch(ctx context.Context, b Batch) (AcceptedBatch, error) {
	acc := AcceptedBatch{ID: NewBatchID(), CallbackURL: b.CallbackURL, Items: b.Items, Rejected: b.Rejected,
		RequestedAt: time.Now().UTC().Truncate(time.Millisecond), Resolutions: make([]string, b.Items)}
	hash := b.hash()
	var first *store.Batch
	err := pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		ids, err := a.queries.BatchInsert(ctx, tx, store.BatchInsertParams{ID: acc.ID, APIKeyID: b.APIKeyID,
			Endpoint: b.Endpoint, RequestHash: hash, ExternalID: b.ExternalID, CallbackURL: b.CallbackURL,
			IdempotencyKey: b.IdempotencyKey, Items: int32(b.Items), Rejected: b.Rejected, RequestedAt: acc.RequestedAt})
		if err != nil {
			return err
		}
		if len(ids) == 0 { // a repeat of the Idempotency-Key
			f, err := a.queries.BatchGetByIdempotencyKey(ctx, tx, store.BatchGetByIdempotencyKeyParams{
				APIKeyID: b.APIKeyID, IdempotencyKey: &b.IdempotencyKey})
			first = &f
			return err
		}
		var p store.ResolutionInsertManyParams
		jobs := make([]river.InsertManyParams, 0, len(b.Valid)+1)
		var opts *river.InsertOpts
		if b.JobMetadata != nil {
			opts = &river.InsertOpts{Metadata: b.JobMetadata}
		}
		for _, it := range b.Valid {
			id := NewID()
			acc.Resolutions[it.Index] = id
			item := Request{APIKeyID: b.APIKeyID, Endpoint: b.Endpoint, Request: it.Request,
				CallbackURL: b.CallbackURL, ExternalID: it.ExternalID}
			p.IDs = append(p.IDs, id)
			p.APIKeyIDs = append(p.APIKeyIDs, b.APIKeyID)
			p.Endpoints = append(p.Endpoints, b.Endpoint)
			p.Requests = append(p.Requests, it.Request)
			p.RequestHashes = append(p.RequestHashes, item.hash())
			p.ExternalIds = append(p.ExternalIds, it.ExternalID)
			p.CallbackURLs = append(p.CallbackURLs, b.CallbackURL)
			p.IdempotencyKeys = append(p.IdempotencyKeys, "")
			p.RequestedAts = append(p.RequestedAts, acc.RequestedAt)
			p.BatchIDs = append(p.BatchIDs, acc.ID)
			p.BatchIndexes = append(p.BatchIndexes, int32(it.Index))
			jobs = append(jobs, river.InsertManyParams{Args: ResolveJob{ResolutionID: id}, InsertOpts: opts})
		}
		p.Whole, p.CountsAccepted = true, a.counts == CountAccepted
		rows, err := a.queries.ResolutionInsertMany(ctx, tx, p)
		if err != nil {
			return err
		}
		for _, row := range rows {
			acc.Quota = quotaOf(row.Quota, row.Remaining)
			if row.Refused {
				return &QuotaExceededError{Quota: *acc.Quota}
			}
		}
		jobs = append(jobs, river.InsertManyParams{Args: BatchJob{BatchID: acc.ID}, InsertOpts: opts})
		_, err = a.river.InsertManyFastTx(ctx, tx, jobs)
		return err
	})
	if err != nil {
		return AcceptedBatch{}, err
	}
	if first == nil {
		return acc, nil
	}
	if !bytes.Equal(first.RequestHash, hash) {
		return AcceptedBatch{}, ErrIdempotencyMismatch
	}
	return a.storedBatch(ctx, *first)
}

// storedBatch answers for a batch accepted before.
func (a *Accepter) storedBatch(ctx context.Context, b store.Batch) (AcceptedBatch, error) {
	items, err := a.queries.BatchItems(ctx, a.pool, &b.ID)
	if err != nil {
		return AcceptedBatch{}, err
	}
	acc := AcceptedBatch{ID: b.ID, CallbackURL: b.CallbackURL, RequestedAt: b.RequestedAt, Items: int(b.Items),
		Rejected: b.Rejected, Resolutions: make([]string, b.Items), Repeat: true}
	for _, it := range items {
		if int(it.BatchIndex) < len(acc.Resolutions) {
			acc.Resolutions[it.BatchIndex] = it.ID
		}
	}
	return acc, nil
}

// BatchJob completes a batch once its items have finished (see CompleteBatch).
type BatchJob struct {
	BatchID string `json:"batch_id"`
}

// Kind implements river.JobArgs.
func (BatchJob) Kind() string { return "batch" }

// InsertOpts implements river.JobArgsWithInsertOpts: waiting for items snoozes, which spends
// no attempt; attempts are left for internal errors.
func (BatchJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueBatch, MaxAttempts: 25}
}

// MaxCallbackBytes is the largest callback body (CONTRACT.md section 8): a batch whose results
// would make it larger carries resultsUrl instead, and its results are read page by page,
// each page at most this large too.
const MaxCallbackBytes = 4 << 20

// ErrBatchPending is returned by CompleteBatch while an item is still processing.
var ErrBatchPending = errors.New("batch has items still processing")

// CompleteBatch writes the callback document of batch id and queues its callback job, in one
// transaction, when every item has finished; ErrBatchPending while one has not. A batch
// completed already is left as it is: its one callback job exists.
func CompleteBatch(ctx context.Context, pool *pgxpool.Pool, rc *river.Client[pgx.Tx], id string) error {
	q := store.New()
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		done, err := q.BatchComplete(ctx, tx, store.BatchCompleteParams{BatchID: id, MaxBytes: MaxCallbackBytes})
		if err != nil || len(done) > 0 {
			if err == nil {
				_, err = rc.InsertTx(ctx, tx, CallbackJob{BatchID: id, FirstAttempt: done[0].CallbackAttempts}, nil)
			}
			return err
		}
		// Completed already, or an item still processing when the statement began (it may
		// have finished since: the next look will see it).
		status, err := q.BatchStatus(ctx, tx, id)
		switch {
		case errors.Is(err, pgx.ErrNoRows) || (err == nil && status != Processing):
			return nil
		case err != nil:
			return err
		}
		return ErrBatchPending
	})
}
