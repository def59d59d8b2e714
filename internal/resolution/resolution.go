// Package resolution owns the lifecycle of a resolution: its states and its callback's, the
// River jobs that move it (resolve, callback, sweep) with their queues, and every transaction
// that moves it: accepting a group of requests, finishing or failing one, recording a
// delivery attempt, replaying a callback, sweeping what no job will finish. The API, the
// worker and the CLI call it; it calls the database through store.
package resolution

import (
	"encoding/json"
	"time"

	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/group"
)

// ErrStopping is what a call gets once the process began to stop: it takes no more work (the
// API answers 503, a job is retried elsewhere).
var ErrStopping = group.ErrStopping

// States of a resolution, as in resolutions.status.
const (
	Processing = "processing"
	Completed  = "completed"
	NotFound   = "not_found"
	Failed     = "failed"
)

// States of a resolution's callback, as in resolutions.callback_status.
const (
	CallbackPending   = "pending"
	CallbackDelivered = "delivered"
	CallbackFailed    = "failed"
	// CallbackBatch is the callback state of a batch's item: delivered with its batch.
	CallbackBatch = "batch"
)

// FailureMessage is the error a client is told when a resolution fails for a reason of ours.
const FailureMessage = "The resolution could not be completed because of an internal error."

// Body is the document a client receives: the resolver's fields at the top level, with id,
// status and externalId (when given) over them.
func Body(id, status string, externalID *string, fields map[string]any) ([]byte, error) {
	body := make(map[string]any, len(fields)+3)
	for k, v := range fields {
		body[k] = v
	}
	body["id"] = id
	body["status"] = status
	if externalID != nil {
		body["externalId"] = *externalID
	}
	return json.Marshal(body)
}

// FailureBody is the body of a resolution that failed.
func FailureBody(id string, externalID *string) ([]byte, error) {
	return Body(id, Failed, externalID, map[string]any{"error": FailureMessage})
}

// The queues: resolving is short database work, delivering mostly waits on receivers, so each
// has workers of its own.
const (
	QueueResolve  = "resolve"
	QueueCallback = "callback"
	// QueueBatch completes batches: each job waits for its batch's items, so batches have
	// workers of their own and never hold the items' goroutines.
	QueueBatch = "batch"
)

// ResolveAttempts is how many times a resolver is tried before the resolution is failed.
const ResolveAttempts = 5

// ResolveJob resolves one stored resolution.
type ResolveJob struct {
	ResolutionID string `json:"resolution_id"`
}

// Kind implements river.JobArgs.
func (ResolveJob) Kind() string { return "resolve" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (ResolveJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueResolve, MaxAttempts: ResolveAttempts}
}

// CallbackJob delivers the callback of one resolution, or of one batch (BatchID set instead).
type CallbackJob struct {
	ResolutionID string `json:"resolution_id,omitempty"`
	BatchID      string `json:"batch_id,omitempty"`
	// FirstAttempt is how many attempts the resolution's callback had before this job: zero
	// for the first delivery, more for a replay. The retry schedule counts from it.
	FirstAttempt int32 `json:"first_attempt"`
}

// Kind implements river.JobArgs.
func (CallbackJob) Kind() string { return "callback" }

// InsertOpts implements river.JobArgsWithInsertOpts. Delivery failures never count against
// MaxAttempts: the worker snoozes the job on the retry schedule. Attempts are spent only on
// internal errors, such as the database being unreachable while recording an attempt.
func (CallbackJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueCallback, MaxAttempts: 25}
}

// SweepJob finds resolutions no job will finish any more (see Sweep); it runs every minute.
type SweepJob struct{}

// Kind implements river.JobArgs.
func (SweepJob) Kind() string { return "sweep" }

// InsertOpts implements river.JobArgsWithInsertOpts: one sweep at a time is enough.
func (SweepJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueResolve, MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

// IsRedacted reports whether a stored request or result was redacted ({"redacted": true},
// by privacy.Forget).
func IsRedacted(doc []byte) bool {
	var v struct {
		Redacted bool `json:"redacted"`
	}
	return len(doc) < 32 && json.Unmarshal(doc, &v) == nil && v.Redacted
}
