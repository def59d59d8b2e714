package resolution

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/group"
	"github.com/openresolve/openresolve/internal/store"
)

// Steps are the database work of the resolve and callback jobs: reading a resolution, finishing
// it, reading what to deliver, recording a delivery attempt. Each call joins a group (see
// group) with the calls other jobs make at the same time, so that a worker running hundreds of
// jobs makes one statement, and one commit, for many of them.
type Steps struct {
	pool     *pgxpool.Pool
	river    *river.Client[pgx.Tx]
	queries  *store.Queries
	load     *group.Group[string, loaded[Loaded]]
	delivery *group.Group[string, loaded[Delivery]]
	finish   *group.Group[Outcome, bool]
	record   *group.Group[Attempt, bool]
}

// loaded is a row read by id, or its absence.
type loaded[T any] struct {
	row   T
	found bool
}

// Delivery is what a callback job delivers.
type Delivery = store.ResolutionGetForDeliveryManyRow

// ErrNoResolution is returned for a resolution that does not exist.
var ErrNoResolution = errors.New("no such resolution")

// Loaded is a resolution as a resolve job reads it, with the erasure epoch (the last erasure
// then committed) its outcome is checked against.
type Loaded = store.ResolutionGetManyRow

// ErrErased is returned by Finish for an outcome read from the graph before a person was
// forgotten: the resolution is to be loaded and resolved again.
var ErrErased = errors.New("a person was forgotten while this resolution was resolved")

const (
	// stepServers is how many groups of each step may be in flight at once.
	stepServers = 1
	// maxStep caps a group.
	maxStep = 500
)

// NewSteps starts the groups on pool; timeout bounds each group's statement or transaction,
// and notify spaces the notifications that wake the workers for the callback jobs inserted.
// The inserts go through an insert-only River client of the Steps' own, as the API's do:
// each job carries its own resolve job's trace context (Outcome.JobMetadata), where River's
// tracing middleware would put the group's.
func NewSteps(pool *pgxpool.Pool, logger *slog.Logger, notify, timeout time.Duration) (*Steps, error) {
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: logger, FetchCooldown: notify})
	if err != nil {
		return nil, err
	}
	s := &Steps{pool: pool, river: rc, queries: store.New()}
	s.load = group.New(stepServers, maxStep, timeout, func(ctx context.Context, ids []string) ([]loaded[Loaded], error) {
		rows, err := s.queries.ResolutionGetMany(ctx, store.CustomPlans{DB: pool}, ids)
		return byID(ids, rows, err, func(r Loaded) string { return r.Resolution.ID })
	})
	s.delivery = group.New(stepServers, maxStep, timeout, func(ctx context.Context, ids []string) ([]loaded[Delivery], error) {
		rows, err := s.queries.ResolutionGetForDeliveryMany(ctx, store.CustomPlans{DB: pool}, ids)
		return byID(ids, rows, err, func(r Delivery) string { return r.ID })
	})
	s.finish = group.New(stepServers, maxStep, timeout, s.finishGroup)
	s.record = group.New(stepServers, maxStep, timeout, s.recordGroup)
	return s, nil
}

// Close stops the groups once the calls they hold are served.
func (s *Steps) Close() {
	s.load.Close()
	s.delivery.Close()
	s.finish.Close()
	s.record.Close()
}

// byID answers each id with its row, found or not.
func byID[T any](ids []string, rows []T, err error, id func(T) string) ([]loaded[T], error) {
	if err != nil {
		return nil, err
	}
	m := make(map[string]T, len(rows))
	for _, r := range rows {
		m[id(r)] = r
	}
	out := make([]loaded[T], len(ids))
	for i, id := range ids {
		out[i].row, out[i].found = m[id]
	}
	return out, nil
}

// Load reads resolution id; ErrNoResolution when there is none.
func (s *Steps) Load(ctx context.Context, id string) (Loaded, error) {
	l, err := s.load.Do(ctx, id)
	if err == nil && !l.found {
		err = ErrNoResolution
	}
	return l.row, err
}

// LoadDelivery reads what the callback of resolution id delivers; ErrNoResolution when there
// is none.
func (s *Steps) LoadDelivery(ctx context.Context, id string) (Delivery, error) {
	l, err := s.delivery.Do(ctx, id)
	if err == nil && !l.found {
		err = ErrNoResolution
	}
	return l.row, err
}

// Outcome is how a resolve job ended: Status is Completed, NotFound or Failed, Body the
// callback's document (see Body).
type Outcome struct {
	ID     string
	Status string
	Body   []byte
	// JobMetadata is stored with the callback job (the resolve job's trace context, say).
	JobMetadata []byte
	// ErasureEpoch is Loaded.ErasureEpoch of the load the outcome was resolved from.
	ErasureEpoch int64
}

// Finish stores the outcome of a resolve job and inserts its callback job in one transaction,
// shared with the outcomes of other jobs that end at the same time: either both happen or
// neither, so a crash at any point leaves the job to run again and never a result without its
// callback. A resolution finished already (by an earlier run whose completion was not
// recorded) is left as it is. The resolve job itself is completed afterwards, by River with
// the others it completes: a run of a finished resolution finds nothing to do. ErrErased
// when a person was forgotten after the resolution was loaded: nothing is stored.
func (s *Steps) Finish(ctx context.Context, o Outcome) error {
	erased, err := s.finish.Do(ctx, o)
	if err == nil && erased {
		err = ErrErased
	}
	return err
}

func (s *Steps) finishGroup(ctx context.Context, group []Outcome) ([]bool, error) {
	var p store.ResolutionFinishManyParams
	meta := make(map[string][]byte)
	for _, o := range group {
		if o.JobMetadata != nil {
			meta[o.ID] = o.JobMetadata
		}
		p.IDs = append(p.IDs, o.ID)
		p.Statuses = append(p.Statuses, o.Status)
		p.Results = append(p.Results, o.Body)
		p.Epochs = append(p.Epochs, o.ErasureEpoch)
	}
	var epoch int64
	done := make(map[string]bool, len(group))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := s.queries.ResolutionFinishMany(ctx, store.CustomPlans{DB: tx}, p)
		if err != nil {
			return err
		}
		jobs := make([]river.InsertManyParams, 0, len(rows))
		for _, f := range rows {
			switch {
			case f.ID == "": // the row that carries the erasure epoch
				epoch = f.Epoch
				continue
			case f.BatchID != "": // an item: its batch is delivered as a whole (CompleteBatch)
				done[f.ID] = true
				continue
			}
			done[f.ID] = true
			job := river.InsertManyParams{Args: CallbackJob{ResolutionID: f.ID, FirstAttempt: f.CallbackAttempts}}
			if m := meta[f.ID]; m != nil {
				job.InsertOpts = &river.InsertOpts{Metadata: m}
			}
			jobs = append(jobs, job)
		}
		if len(jobs) == 0 {
			return nil
		}
		_, err = s.river.InsertManyFastTx(ctx, tx, jobs)
		return err
	})
	if err != nil {
		return nil, err
	}
	erased := make([]bool, len(group))
	for i, o := range group {
		// Not finished: either finished already by an earlier run, or refused for an erasure.
		erased[i] = !done[o.ID] && o.ErasureEpoch < epoch
	}
	return erased, nil
}

// Attempt is one delivery attempt of a resolution's callback and the state it leaves the
// callback in (see AfterAttempt). Previous is the attempt count the attempt was made at.
type Attempt struct {
	ID       string
	Previous int32
	State    string
	Outcome  callback.Outcome
}

// RecordAttempt stores a delivery attempt and the callback's new state, in one statement
// shared with the attempts of other jobs made at the same time. When another worker moved the
// attempt counter meanwhile, nothing is stored and an error says so.
func (s *Steps) RecordAttempt(ctx context.Context, a Attempt) error {
	recorded, err := s.record.Do(ctx, a)
	if err == nil && !recorded {
		err = fmt.Errorf("callback of %s was changed by another worker", a.ID)
	}
	return err
}

func (s *Steps) recordGroup(ctx context.Context, group []Attempt) ([]bool, error) {
	var p store.CallbackAttemptRecordManyParams
	in := make(map[string]bool, len(group))
	for _, a := range group {
		if in[a.ID] {
			continue // two jobs of one callback: one is recorded, the other is told to retry
		}
		in[a.ID] = true
		out := a.Outcome
		var lastErr string
		if out.Err != nil {
			lastErr = out.Err.Error()
		}
		p.IDs = append(p.IDs, a.ID)
		p.PreviousAttempts = append(p.PreviousAttempts, a.Previous)
		p.CallbackStatuses = append(p.CallbackStatuses, a.State)
		p.StatusCodes = append(p.StatusCodes, int32(out.StatusCode))
		p.Errors = append(p.Errors, lastErr)
		p.StartedAts = append(p.StartedAts, out.Started)
		p.FinishedAts = append(p.FinishedAts, out.Started.Add(out.Duration))
		p.DurationsMs = append(p.DurationsMs, int32(out.Duration.Milliseconds()))
	}
	ids, err := s.queries.CallbackAttemptRecordMany(ctx, store.CustomPlans{DB: s.pool}, p)
	if err != nil {
		return nil, err
	}
	done := make(map[string]bool, len(ids))
	for _, id := range ids {
		done[id] = true
	}
	out := make([]bool, len(group))
	for i, a := range group {
		out[i] = done[a.ID]
		done[a.ID] = false // only the first of an id's attempts in the group was recorded
	}
	return out, nil
}

// LoadBatchDelivery reads what the callback of batch id delivers, as LoadDelivery does for a
// resolution; ErrNoResolution when there is none. Batches are few: it is not grouped.
func (s *Steps) LoadBatchDelivery(ctx context.Context, id string) (Delivery, error) {
	b, err := s.queries.BatchGetForDelivery(ctx, s.pool, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return Delivery{}, ErrNoResolution
	}
	return Delivery(b), err // the same columns as a resolution's
}

// RecordBatchAttempt stores a delivery attempt of a batch's callback and its new state, as
// RecordAttempt does for a resolution.
func (s *Steps) RecordBatchAttempt(ctx context.Context, a Attempt) error {
	out := a.Outcome
	var lastErr string
	if out.Err != nil {
		lastErr = out.Err.Error()
	}
	n, err := s.queries.BatchCallbackAttemptRecord(ctx, s.pool, store.BatchCallbackAttemptRecordParams{
		ID: a.ID, PreviousAttempts: a.Previous, CallbackStatus: a.State, StatusCode: int32(out.StatusCode),
		Error: lastErr, StartedAt: &out.Started, FinishedAt: out.Started.Add(out.Duration)})
	if err == nil && n == 0 {
		err = fmt.Errorf("callback of %s was changed by another worker", a.ID)
	}
	return err
}
