package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/oklog/ulid/v2"

	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/store"
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

// newResolutionID returns a new resolution id: "res_" and a ULID, so ids sort by creation.
func newResolutionID() string { return "res_" + ulid.Make().String() }

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
func (s *Server) accept(ep endpoint) echo.HandlerFunc {
	return s.acceptWith(ep, func(c echo.Context, a Accepted) error {
		return c.JSON(http.StatusAccepted, a)
	})
}

// acceptWith validates and stores a request of ep, then answers with answer: the two request
// styles differ only there.
func (s *Server) acceptWith(ep endpoint, answer func(echo.Context, Accepted) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(ctxEndpoint, ep.name)
		f, err := readJSONBody(c.Request())
		if err != nil {
			return err
		}
		req, err := ep.parse(f)
		if err != nil {
			return err
		}
		callbackURL, err := parseCallbackURL(f, s.policy)
		if err != nil {
			return err
		}
		externalID, _, hasExternalID, err := f.str("externalId", 256)
		if err != nil {
			return err
		}
		idemKey := c.Request().Header.Get("Idempotency-Key")
		if len(idemKey) > MaxIdempotencyKeyLength {
			return validationFailed("Idempotency-Key", "Idempotency-Key must be at most %d characters.", MaxIdempotencyKeyLength)
		}

		p := store.ResolutionInsertParams{
			ID:          newResolutionID(),
			APIKeyID:    c.Get(ctxAPIKeyID).(string),
			Endpoint:    ep.name,
			CallbackURL: callbackURL,
			RequestedAt: time.Now().UTC().Truncate(time.Millisecond),
		}
		if p.Request, err = json.Marshal(req); err != nil {
			return err
		}
		if hasExternalID {
			p.ExternalID = &externalID
		}
		if idemKey != "" {
			p.IdempotencyKey = &idemKey
		}
		p.RequestHash = requestHash(ep.name, p.Request, callbackURL, externalID, hasExternalID)

		ans, err := s.store(c.Request().Context(), p)
		if err != nil {
			return err
		}
		c.Set(ctxResolutionID, ans.ID)
		return answer(c, ans)
	}
}

// requestHash identifies a request's meaning for Idempotency-Key: the endpoint and every
// normalized field, so that a repeat written differently but meaning the same is a repeat.
func requestHash(endpoint string, request []byte, callbackURL, externalID string, hasExternalID bool) []byte {
	doc, _ := json.Marshal(struct {
		Endpoint    string          `json:"e"`
		Request     json.RawMessage `json:"r"`
		CallbackURL string          `json:"c"`
		ExternalID  *string         `json:"x"`
	}{endpoint, request, callbackURL, ptrIf(externalID, hasExternalID)})
	h := sha256.Sum256(doc)
	return h[:]
}

func ptrIf(s string, ok bool) *string {
	if !ok {
		return nil
	}
	return &s
}

// store commits the resolution and its resolve job, in a group with the requests arriving at
// the same time (see batcher). With an Idempotency-Key already used by this API key it stores
// nothing and answers as the first request was answered, or refuses when the request differs.
// The insert waits for a concurrent request holding the same key to commit, so two racing
// repeats get the same resolution.
func (s *Server) store(ctx context.Context, p store.ResolutionInsertParams) (Accepted, error) {
	replay, err := s.batch.submit(ctx, p)
	if err != nil {
		var apiErr *Error
		if errors.As(err, &apiErr) {
			return Accepted{}, err
		}
		return Accepted{}, s.dbError(ctx, "store resolution", err)
	}
	if replay {
		// The request's own budget may be spent waiting for its group; the look-up gets its own.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.dbTimeout)
		defer cancel()
		return s.replay(rctx, p)
	}
	return Accepted{
		ID: p.ID, Status: resolve.StatusProcessing, Message: acceptedMessage,
		CallbackURL: p.CallbackURL, RequestedAt: formatTime(p.RequestedAt),
	}, nil
}

func (s *Server) replay(ctx context.Context, p store.ResolutionInsertParams) (Accepted, error) {
	first, err := s.queries.ResolutionGetByIdempotencyKey(ctx, s.pool, store.ResolutionGetByIdempotencyKeyParams{
		APIKeyID: p.APIKeyID, IdempotencyKey: p.IdempotencyKey,
	})
	if err != nil {
		return Accepted{}, s.dbError(ctx, "look up idempotency key", err)
	}
	if !bytes.Equal(first.RequestHash, p.RequestHash) {
		return Accepted{}, errIdempotencyMismatch
	}
	return Accepted{
		ID: first.ID, Status: resolve.StatusProcessing, Message: acceptedMessage,
		CallbackURL: first.CallbackURL, RequestedAt: formatTime(first.RequestedAt),
	}, nil
}
