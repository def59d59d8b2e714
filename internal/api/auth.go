package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/request"
	"github.com/openresolve/openresolve/internal/store"
)

// requestKey returns the API key of r from x-api-key or an Authorization Bearer token.
func requestKey(r *http.Request) string {
	if k := strings.TrimSpace(r.Header.Get("x-api-key")); k != "" {
		return k
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(token)
	}
	return ""
}

// authenticate resolves the request's API key. It also starts the request's database budget:
// every query the request makes from here on shares one deadline of s.dbTimeout.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := requestKey(c.Request())
		if key == "" {
			return request.ErrUnauthorized
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.dbTimeout)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))

		hash := apikey.Hash(key)
		k, hit, gen := s.keys.get(hash)
		if !hit {
			row, err := s.queries.APIKeyGetByHash(ctx, s.pool, hash)
			if err != nil {
				if errors.Is(store.NotFound(err), store.ErrNotFound) {
					return request.ErrUnauthorized
				}
				return s.dbError(ctx, "look up API key", err)
			}
			if subtle.ConstantTimeCompare(row.KeyHash, hash) != 1 {
				return request.ErrUnauthorized
			}
			k = cachedKey{id: row.ID, revoked: row.RevokedAt != nil, quota: row.Quota}
			s.keys.put(hash, k, gen)
		}
		if k.revoked {
			return request.ErrUnauthorized
		}
		c.Set(ctxAPIKeyID, k.id)
		if k.quota != nil {
			c.Set(ctxQuota, *k.quota)
		}
		s.touch(k.id)
		return next(c)
	}
}

func (s *Server) rateLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if wait, ok := s.limiter.allow(c.Get(ctxAPIKeyID).(string)); !ok {
			return &request.Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
				Message:    "Too many requests for this API key; retry after the time in Retry-After.",
				RetryAfter: int(math.Ceil(wait.Seconds()))}
		}
		return next(c)
	}
}

// limiter keeps one token bucket per API key in this process. With several API processes each
// applies the limit on its own, so the effective limit is the sum over processes.
type limiter struct {
	rate  rate.Limit
	burst int
	mu    sync.Mutex
	keys  map[string]*rate.Limiter
}

func newLimiter(perSecond float64) *limiter {
	if perSecond <= 0 {
		return nil
	}
	return &limiter{
		rate:  rate.Limit(perSecond),
		burst: max(1, int(math.Ceil(2*perSecond))),
		keys:  map[string]*rate.Limiter{},
	}
}

// allow takes a token for key; when there is none it says how long until there will be.
func (l *limiter) allow(key string) (time.Duration, bool) {
	if l == nil {
		return 0, true
	}
	l.mu.Lock()
	lim, ok := l.keys[key]
	if !ok {
		lim = rate.NewLimiter(l.rate, l.burst)
		l.keys[key] = lim
	}
	l.mu.Unlock()
	now := time.Now()
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return max(d, time.Second), false
	}
	return 0, true
}
