package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/metrics"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/webhook"
)

type callbackWorker struct {
	river.WorkerDefaults[resolution.CallbackJob]
	steps    *resolution.Steps
	logger   *slog.Logger
	client   *callback.Client
	timeout  time.Duration
	schedule []time.Duration
	metrics  *metrics.Worker
}

// Timeout is the delivery's own and the two steps around it (load and record).
func (w *callbackWorker) Timeout(*river.Job[resolution.CallbackJob]) time.Duration {
	return min(w.timeout+2*stepTimeout, JobTimeout)
}

// recordPatience is how long a worker keeps trying to record an attempt while the database is
// away: an accepted delivery that is not recorded would be sent again, and the contract
// promises it is not for an outage of up to 60 s (section 4, "Duplicates").
const recordPatience = 75 * time.Second

// rescueGrace is how long a callback job run after an error or a rescue waits, from that
// moment, before it looks at the delivery. A rescued run's first worker may be alive, having
// waited out a database outage with a delivery to record: the rescuer acts only once the
// database is back, and that worker records within a second of it (recordAttempt).
const rescueGrace = 5 * time.Second

// Work makes one delivery attempt and records it. The retry schedule is ours, not River's: a
// failed attempt snoozes the job for the next delay (or the receiver's Retry-After), which does
// not spend River attempts; those are left for internal errors. Only one callback job of a
// resolution runs at a time, and the attempt counter is updated only if nobody else moved it.
func (w *callbackWorker) Work(ctx context.Context, job *river.Job[resolution.CallbackJob]) error {
	if n := len(job.Errors); n > 0 {
		if wait := rescueGrace - time.Since(job.Errors[n-1].At); wait > 0 {
			return river.JobSnooze(wait) // does not count as an attempt
		}
	}
	id, batch := job.Args.ResolutionID, job.Args.BatchID != ""
	load, record := w.steps.LoadDelivery, w.steps.RecordAttempt
	if batch {
		id, load, record = job.Args.BatchID, w.steps.LoadBatchDelivery, w.steps.RecordBatchAttempt
	}
	d, err := load(ctx, id)
	if errors.Is(err, resolution.ErrNoResolution) {
		return river.JobCancel(fmt.Errorf("%s does not exist", id))
	}
	if err != nil {
		return err
	}
	if d.CallbackStatus != resolution.CallbackPending {
		return nil
	}
	if d.Result == nil {
		return river.JobCancel(fmt.Errorf("%s has no result to deliver", id))
	}
	if resolution.IsRedacted(d.Result) {
		// Its person was forgotten after it finished: the callback says so, and no more.
		body, err := resolution.Body(d.ID, d.Status, nil, map[string]any{"redacted": true})
		if err != nil {
			return err
		}
		d.Result = body
	}

	ts := time.Now().Unix()
	sig, err := webhook.Sign(d.SigningSecret, d.ID, ts, d.Result)
	if err != nil {
		return err
	}
	if d.PreviousSigningSecret != "" {
		// During a rotation's overlap, receivers still on the old secret can verify too.
		old, err := webhook.Sign(d.PreviousSigningSecret, d.ID, ts, d.Result)
		if err != nil {
			return err
		}
		sig += " " + old
	}
	out := w.client.Send(ctx, d.CallbackURL, callback.Message{ID: d.ID, Timestamp: ts, Signature: sig, Body: d.Result})
	if !out.Delivered() && ctx.Err() != nil {
		// We are shutting down: this attempt says nothing about the receiver.
		return river.JobSnooze(0)
	}

	attempt := d.CallbackAttempts + 1
	round := int(attempt - job.Args.FirstAttempt) // attempts of this delivery, this one included
	state, wait := resolution.AfterAttempt(out, round, w.schedule)
	// The attempt happened: record it even if we are being stopped meanwhile.
	if err := recordAttempt(context.WithoutCancel(ctx), record, resolution.Attempt{ID: d.ID, Previous: d.CallbackAttempts, State: state, Outcome: out}); err != nil {
		return err
	}

	outcome := "retry" // still pending: another attempt follows
	if state != resolution.CallbackPending {
		outcome = state // delivered, or failed for good
	}
	w.metrics.CallbackAttempts.WithLabelValues(outcome).Inc()
	w.metrics.AttemptDuration.WithLabelValues(outcome).Observe(out.Duration.Seconds())
	level, msg, attrs := slog.LevelInfo, "callback attempt failed; will retry", []slog.Attr{
		slog.Any("error", out.Err), slog.Duration("retry_in", wait)}
	switch state {
	case resolution.CallbackDelivered:
		latency := out.Started.Add(out.Duration).Sub(d.RequestedAt)
		w.metrics.DeliveryLatency.Observe(latency.Seconds())
		msg, attrs = "callback delivered", []slog.Attr{slog.Float64("since_request_ms", float64(latency.Microseconds())/1000)}
	case resolution.CallbackFailed:
		level, msg, attrs = slog.LevelWarn, "callback failed for good", []slog.Attr{slog.Any("error", out.Err)}
	}
	if w.logger.Enabled(ctx, level) {
		idAttr := slog.String("resolution_id", d.ID)
		if batch {
			idAttr = slog.String("batch_id", d.ID)
		}
		w.logger.LogAttrs(ctx, level, msg, append([]slog.Attr{idAttr, slog.Int64("job_id", job.ID),
			slog.String("endpoint", d.Endpoint), slog.String("outcome", outcome), slog.Int("attempt", int(attempt)),
			slog.String("host", hostOf(d.CallbackURL)), slog.Int("status_code", out.StatusCode),
			slog.Float64("duration_ms", float64(out.Duration.Microseconds())/1000)}, attrs...)...)
	}
	switch state {
	case resolution.CallbackDelivered:
		return nil
	case resolution.CallbackFailed:
		return river.JobCancel(fmt.Errorf("callback failed after %d attempts: %w", round, out.Err))
	default:
		return river.JobSnooze(wait)
	}
}

// recordAttempt records a, trying again while the database is unreachable, up to
// recordPatience: every second at most, so that it is recorded soon after the database is
// back, before a rescued run of the job looks (rescueGrace).
func recordAttempt(ctx context.Context, record func(context.Context, resolution.Attempt) error, a resolution.Attempt) error {
	give := time.Now().Add(recordPatience)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		err := record(ctx, a)
		if err == nil || !store.IsUnavailable(err) || errors.Is(err, resolution.ErrStopping) || time.Now().Add(wait).After(give) {
			return err
		}
		time.Sleep(wait)
	}
}

// hostOf returns the host of a callback URL for logs: never the path or query, which often
// carry tokens.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}
