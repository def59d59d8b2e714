package api

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/openresolve/openresolve/internal/request"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/usage"
)

// Usage and quotas (CONTRACT.md section 10). Accepting checks and counts a key's quota in its
// own statement (resolution.Accepter): the figures here only dress answers.

// ctxQuota holds the quota (*int64) of the request's key, when it has one.
const ctxQuota = "quota"

// quotaFresh is how long the remaining units an answer reports may be old when it is not an
// accept (an accept reports its own statement's figure).
const quotaFresh = time.Second

// quotas remembers, per key, the remaining units the last accept or look-up of this process
// saw.
type quotas struct {
	mu   sync.Mutex
	keys map[string]seenQuota
}

type seenQuota struct {
	limit, remaining int64
	at               time.Time
}

func newQuotas() *quotas { return &quotas{keys: map[string]seenQuota{}} }

func (q *quotas) note(keyID string, qu *resolution.Quota) {
	if qu == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.keys) < 100_000 {
		q.keys[keyID] = seenQuota{limit: qu.Limit, remaining: qu.Remaining, at: time.Now()}
	}
}

func (q *quotas) get(keyID string) (seenQuota, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	s, ok := q.keys[keyID]
	return s, ok
}

// quotaHeaders puts X-Quota-Limit and X-Quota-Remaining on every answer to a key with a
// quota: an accept's own figures, or else the last this process saw within quotaFresh, or a
// look-up (the last seen, however old, if the database does not answer).
func (s *Server) quotaHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit, ok := c.Get(ctxQuota).(int64)
		if !ok {
			return next(c)
		}
		keyID := c.Get(ctxAPIKeyID).(string)
		ctx := c.Request().Context()
		c.Response().Before(func() {
			h := c.Response().Header()
			if h.Get("X-Quota-Remaining") != "" {
				return
			}
			h.Set("X-Quota-Limit", strconv.FormatInt(limit, 10))
			seen, ok := s.quotas.get(keyID)
			if !ok || seen.limit != limit || time.Since(seen.at) > quotaFresh {
				if r, err := s.lookUpQuota(ctx, keyID); err == nil && r != nil {
					seen, ok = seenQuota{limit: r.Limit, remaining: r.Remaining}, true
					s.quotas.note(keyID, &resolution.Quota{Limit: r.Limit, Remaining: r.Remaining})
				}
			}
			if ok {
				h.Set("X-Quota-Remaining", strconv.FormatInt(min(seen.remaining, limit), 10))
			}
		})
		return next(c)
	}
}

// lookUpQuota reads a key's quota as it stands.
func (s *Server) lookUpQuota(ctx context.Context, keyID string) (*usage.Quota, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.dbTimeout)
	defer cancel()
	return usage.Reader{DB: s.pool, Counting: s.counting}.Quota(ctx, keyID, time.Now())
}

// setQuota writes an accept's figures on its answer.
func (s *Server) setQuota(c echo.Context, q *resolution.Quota) {
	if q == nil {
		return
	}
	s.quotas.note(c.Get(ctxAPIKeyID).(string), q)
	h := c.Response().Header()
	h.Set("X-Quota-Limit", strconv.FormatInt(q.Limit, 10))
	h.Set("X-Quota-Remaining", strconv.FormatInt(q.Remaining, 10))
}

// quotaExceeded is the answer to a request its key's quota has no room for: 429 with the time
// to the next month in Retry-After.
func (s *Server) quotaExceeded(c echo.Context, endpoint string, e *resolution.QuotaExceededError) error {
	s.setQuota(c, &e.Quota)
	s.metrics.QuotaExceeded.WithLabelValues(endpoint).Inc()
	now := time.Now()
	next := usage.NextMonth(now)
	return &request.Error{Status: http.StatusTooManyRequests, Code: "quota_exceeded",
		Message: fmt.Sprintf("The monthly quota of this API key is used up: %d of %d remain, too few for this request; it resets at %s.",
			e.Quota.Remaining, e.Quota.Limit, next.Format(time.RFC3339)),
		RetryAfter: int(math.Ceil(next.Sub(now).Seconds()))}
}

// getUsage answers GET /v1/usage: the key's own figures.
func (s *Server) getUsage(c echo.Context) error {
	now := time.Now()
	from, to, err := usage.Range(c.QueryParam("from"), c.QueryParam("to"), now)
	var re *usage.ErrRange
	if errors.As(err, &re) {
		return request.Invalid(re.Field, "%s", re.Message)
	}
	ctx := c.Request().Context()
	rep, err := usage.Reader{DB: s.pool, Counting: s.counting}.Key(ctx, c.Get(ctxAPIKeyID).(string), from, to, now)
	if err != nil {
		return s.dbError(ctx, "read usage", err)
	}
	if rep.Quota != nil {
		s.setQuota(c, &resolution.Quota{Limit: rep.Quota.Limit, Remaining: rep.Quota.Remaining})
	}
	return c.JSON(http.StatusOK, rep)
}
