package callback

import "github.com/riverqueue/river"

// Queue is the River queue of callback jobs.
const Queue = "callback"

// Args is the River job that delivers one resolution's callback.
type Args struct {
	ResolutionID string `json:"resolution_id"`
	// FirstAttempt is how many attempts the resolution's callback had before this job: zero
	// for the first delivery, more for a replay. The retry schedule counts from it.
	FirstAttempt int32 `json:"first_attempt"`
}

// Kind implements river.JobArgs.
func (Args) Kind() string { return "callback" }

// InsertOpts implements river.JobArgsWithInsertOpts. Delivery failures never count against
// MaxAttempts: the worker snoozes the job on its own schedule. Attempts are spent only on
// internal errors, such as the database being unreachable while recording an attempt.
func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 25}
}
