package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/openresolve/openresolve/internal/request"
	"github.com/openresolve/openresolve/internal/store"
)

// Resolution is the body of GET /v1/resolutions/{id}.
type Resolution struct {
	ID          string          `json:"id"`
	Endpoint    string          `json:"endpoint"`
	Status      string          `json:"status"`
	ExternalID  *string         `json:"externalId"`
	RequestedAt string          `json:"requestedAt"`
	CompletedAt *string         `json:"completedAt"`
	Result      json.RawMessage `json:"result"`
	Callback    CallbackState   `json:"callback"`
	// ProviderCalls are the upstream providers its waterfall asked or skipped, in order
	// (CONTRACT.md section 11); empty when the graph answered.
	ProviderCalls []ProviderCall `json:"providerCalls"`
}

// ProviderCall is one provider a resolution's waterfall asked, or skipped and why.
type ProviderCall struct {
	Provider   string `json:"provider"`
	Outcome    string `json:"outcome"`
	Reason     string `json:"reason,omitempty"`
	DurationMs int32  `json:"durationMs"`
}

// CallbackState is the delivery state of a resolution's callback.
type CallbackState struct {
	Status         string  `json:"status"`
	Attempts       int32   `json:"attempts"`
	LastStatusCode *int32  `json:"lastStatusCode"`
	LastError      *string `json:"lastError"`
	DeliveredAt    *string `json:"deliveredAt"`
}

func (s *Server) getResolution(c echo.Context) error {
	ctx := c.Request().Context()
	r, err := s.queries.ResolutionGetForKey(ctx, s.pool, store.ResolutionGetForKeyParams{
		ID: c.Param("id"), APIKeyID: c.Get(ctxAPIKeyID).(string),
	})
	if err != nil {
		return s.lookupError(ctx, "get resolution", err)
	}
	c.Set(ctxResolutionID, r.ID)
	result := json.RawMessage(r.Result)
	if r.Result == nil {
		result = json.RawMessage("null")
	}
	cb := callbackState(r.CallbackStatus, r.CallbackAttempts, r.CallbackLastStatusCode, r.CallbackLastError, r.CallbackDeliveredAt)
	if r.BatchID != nil {
		// An item of a batch is delivered with it: its callback is the batch's.
		b, err := s.queries.BatchGetForKey(ctx, s.pool, store.BatchGetForKeyParams{ID: *r.BatchID, APIKeyID: r.APIKeyID})
		if err != nil {
			return s.dbError(ctx, "get the batch of a resolution", err)
		}
		cb = callbackState(b.CallbackStatus, b.CallbackAttempts, b.CallbackLastStatusCode, b.CallbackLastError, b.CallbackDeliveredAt)
	}
	calls, err := s.queries.ProviderCallsOf(ctx, s.pool, r.ID)
	if err != nil {
		return s.dbError(ctx, "get the provider calls of a resolution", err)
	}
	pcs := make([]ProviderCall, len(calls))
	for i, pc := range calls {
		pcs[i] = ProviderCall{Provider: pc.Provider, Outcome: pc.Outcome, Reason: pc.Reason, DurationMs: pc.DurationMs}
	}
	return c.JSON(http.StatusOK, Resolution{
		ID: r.ID, Endpoint: r.Endpoint, Status: r.Status, ExternalID: r.ExternalID,
		RequestedAt: formatTime(r.RequestedAt), CompletedAt: formatTimePtr(r.CompletedAt),
		Result: result, Callback: cb, ProviderCalls: pcs,
	})
}

// callbackState is the callback part of a status answer (CONTRACT.md section 5).
func callbackState(status string, attempts int32, code *int32, lastErr *string, delivered *time.Time) CallbackState {
	return CallbackState{Status: status, Attempts: attempts, LastStatusCode: code, LastError: lastErr,
		DeliveredAt: formatTimePtr(delivered)}
}

func formatTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := formatTime(*t)
	return &s
}

// lookupError answers a failed look-up by id: 404 when there is no such row (for this key),
// 503 or 500 for the database (see dbError).
func (s *Server) lookupError(ctx context.Context, what string, err error) error {
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return request.ErrNotFound
	}
	return s.dbError(ctx, what, err)
}
