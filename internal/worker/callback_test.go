package worker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/resolution"
)

// TestCallbackRunAfterRescueWaits: a callback job run again after an error or a rescue waits
// until rescueGrace has passed since, so that a first run still alive can record what it
// sent before this one looks; it touches nothing meanwhile (steps is nil here).
func TestCallbackRunAfterRescueWaits(t *testing.T) {
	t.Parallel()
	w := &callbackWorker{}
	for _, tc := range []struct {
		name string
		ago  time.Duration
	}{{"just rescued", 0}, {"rescued 3 s ago", 3 * time.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			job := &river.Job[resolution.CallbackJob]{JobRow: &rivertype.JobRow{Attempt: 2, Errors: []rivertype.AttemptError{
				{At: time.Now().Add(-tc.ago), Attempt: 1, Error: "Stuck job rescued by JobRescuer"}}}}
			err := w.Work(context.Background(), job)
			var snooze *river.JobSnoozeError
			require.True(t, errors.As(err, &snooze), "got %v", err)
			require.InDelta(t, (rescueGrace - tc.ago).Seconds(), snooze.Duration.Seconds(), 0.5)
		})
	}
}
