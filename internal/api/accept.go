package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/oklog/ulid/v2"

	"github.com/openresolve/openresolve/internal/endpoint"
	"github.com/openresolve/openresolve/internal/request"
	"github.com/openresolve/openresolve/internal/resolution"
)

// MaxIdempotencyKeyLength is the longest Idempotency-Key header accepted.
const MaxIdempotencyKeyLength = 255

// acceptedMessage is the message of every 202.
const acceptedMessage = "The resolution has started. We will send the result to the callback URL you provided on completion."

// Accepted is the body of the 202 answer.
type Accepted struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Message     string `json:"message"`
	CallbackURL string `json:"callbackUrl"`
	RequestedAt string `json:"requestedAt"`
}

// timeFormat writes times as RFC 3339 in UTC with milliseconds.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// requestID names each request in the X-Request-ID answer header and in its log line: the
// caller's own X-Request-ID when it is a plain token (so a client or proxy can follow its
// requests), a new "req_" ULID otherwise. Anything else a client sends there stays out of the
// logs, which must never hold personal data.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !plainToken.MatchString(id) {
			id = "req_" + ulid.Make().String()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

var plainToken = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// accept answers POST /v1/<endpoint> in the contract's style.
func (s *Server) accept(ep endpoint.Endpoint) echo.HandlerFunc {
	return s.acceptWith(ep, func(c echo.Context, a Accepted) error {
		return c.JSON(http.StatusAccepted, a)
	})
}

// acceptWith reads a request of ep, has resolution.Accepter store it, then answers with
// answer: the two request styles differ only there.
func (s *Server) acceptWith(ep endpoint.Endpoint, answer func(echo.Context, Accepted) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(ctxEndpoint, ep.Name)
		req, err := s.read(c, ep)
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		a, err := s.accepter.Accept(ctx, req)
		if err != nil {
			return s.acceptError(c, ep.Name, "accept resolution", err)
		}
		c.Set(ctxResolutionID, a.ID)
		s.setQuota(c, a.Quota)
		if !a.Repeat {
			s.metrics.Accepted.WithLabelValues(ep.Name).Inc()
		}
		return answer(c, Accepted{ID: a.ID, Status: resolution.Processing, Message: acceptedMessage,
			CallbackURL: a.CallbackURL, RequestedAt: formatTime(a.RequestedAt)})
	}
}

// read checks a request of ep: its body, its own fields, callbackUrl, externalId and the
// Idempotency-Key header.
func (s *Server) read(c echo.Context, ep endpoint.Endpoint) (resolution.Request, error) {
	f, err := request.Read(c.Request())
	if err != nil {
		return resolution.Request{}, err
	}
	doc, err := ep.Parse(f)
	if err != nil {
		return resolution.Request{}, err
	}
	callbackURL, err := request.CallbackURL(f, s.policy)
	if err != nil {
		return resolution.Request{}, err
	}
	externalID, _, _, err := f.Str("externalId", 256)
	if err != nil {
		return resolution.Request{}, err
	}
	idemKey, err := idempotencyKey(c)
	if err != nil {
		return resolution.Request{}, err
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return resolution.Request{}, err
	}
	req := resolution.Request{
		APIKeyID: c.Get(ctxAPIKeyID).(string), Endpoint: ep.Name, Request: raw,
		CallbackURL: callbackURL, ExternalID: externalID, IdempotencyKey: idemKey,
	}
	req.JobMetadata = s.tracing.JobMetadata(c.Request().Context())
	return req, nil
}

// idempotencyKey reads the Idempotency-Key header: "" for none.
func idempotencyKey(c echo.Context) (string, error) {
	k := c.Request().Header.Get("Idempotency-Key")
	if len(k) > MaxIdempotencyKeyLength {
		return "", request.Invalid("Idempotency-Key", "Idempotency-Key must be at most %d characters.", MaxIdempotencyKeyLength)
	}
	return k, nil
}

// acceptError answers a failed accept of endpoint: 422 idempotency_mismatch for a reused key,
// 429 quota_exceeded when the key's quota has no room, else the database's error (see
// dbError); nothing was stored either way.
func (s *Server) acceptError(c echo.Context, endpoint, what string, err error) error {
	var qe *resolution.QuotaExceededError
	switch {
	case errors.Is(err, resolution.ErrIdempotencyMismatch):
		return request.ErrIdempotencyMismatch
	case errors.As(err, &qe):
		return s.quotaExceeded(c, endpoint, qe)
	}
	return s.dbError(c.Request().Context(), what, err)
}
