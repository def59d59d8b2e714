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

func (w *callbackWorker) Timeout(*river.Job[resolution.CallbackJob]) time.Duration {
	return min(w.timeout+5*time.Second, JobTimeout)
}

// Work makes one delivery attempt and records it. The retry schedule is ours, not River's: a
// failed attempt snoozes the job for the next delay (or the receiver's Retry-After), which does
// not spend River attempts; those are left for internal errors. Only one callback job of a
// resolution runs at a time, and the attempt counter is updated only if nobody else moved it.
func (w *callbackWorker) Work(ctx context.Context, job *river.Job[resolution.CallbackJob]) error {
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
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := record(rctx, resolution.Attempt{ID: d.ID, Previous: d.CallbackAttempts, State: state, Outcome: out}); err != nil {
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

// hostOf returns the host of a callback URL for logs: never the path or query, which often
// carry tokens.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}
