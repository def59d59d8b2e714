// Package api is OpenResolve's HTTP API: it authenticates and validates requests, stores each
// one with its River job in a single transaction, and answers 202 only once that committed.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"go.opentelemetry.io/contrib/instrumentation/github.com/labstack/echo/otelecho"

	"github.com/openresolve/openresolve/internal/metrics"
	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/telemetry"
)

// DefaultDBTimeout bounds the database work of one request, so that an outage turns into a 503
// within that time instead of a hanging client.
const DefaultDBTimeout = 2 * time.Second

// Config is what a Server needs.
type Config struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	// CallbackPolicy decides which literal callback addresses are accepted.
	CallbackPolicy netguard.Policy
	// RateLimit is requests per second per API key, bursts of twice that; 0 turns it off.
	RateLimit float64
	// DBTimeout bounds each request's database work; DefaultDBTimeout when zero.
	DBTimeout time.Duration
	// Tracing, when enabled, traces each request and the jobs it inserts.
	Tracing *telemetry.Tracing
	// RiverUIUser and RiverUIPassword, when both set, mount River UI at /riverui behind
	// HTTP basic auth with these credentials.
	RiverUIUser, RiverUIPassword string
}

// Server is the HTTP API. It is an http.Handler.
type Server struct {
	echo      *echo.Echo
	pool      *pgxpool.Pool
	queries   *store.Queries
	river     *river.Client[pgx.Tx]
	logger    *slog.Logger
	policy    netguard.Policy
	limiter   *limiter
	batch     *batcher
	keys      *keyCache
	metrics   *metrics.API
	usage     *usage
	tracing   bool
	stop      context.CancelFunc
	dbTimeout time.Duration
}

// New builds a Server. The River client it makes only inserts jobs; it works none.
func New(cfg Config) (*Server, error) {
	// An insert-only client: FetchCooldown here only spaces the notifications that wake the
	// workers, and River's 100 ms default would add up to 100 ms to every resolution.
	// With tracing on, each job carries its own request's trace context (see traceMetadata):
	// River's otelriver middleware would put the group's insert there instead.
	rc, err := river.NewClient(riverpgxv5.New(cfg.Pool), &river.Config{Logger: cfg.Logger, FetchCooldown: 2 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	s := &Server{
		echo:      echo.New(),
		pool:      cfg.Pool,
		queries:   store.New(),
		river:     rc,
		logger:    cfg.Logger,
		policy:    cfg.CallbackPolicy,
		limiter:   newLimiter(cfg.RateLimit),
		dbTimeout: cfg.DBTimeout,
		metrics:   metrics.NewAPI(cfg.Pool, cfg.Logger),
		usage:     newUsage(),
		tracing:   cfg.Tracing.Enabled(),
	}
	if s.dbTimeout <= 0 {
		s.dbTimeout = DefaultDBTimeout
	}
	s.batch = newBatcher(s, maxBatch)
	s.keys = newKeyCache()
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	go s.keys.listen(ctx, cfg.Pool, cfg.Logger)
	s.routes(cfg.Tracing)
	if err := s.mountDocs(); err != nil {
		stop()
		return nil, err
	}
	if cfg.RiverUIUser != "" && cfg.RiverUIPassword != "" {
		if err := s.mountRiverUI(ctx, rc, cfg.RiverUIUser, cfg.RiverUIPassword); err != nil {
			stop()
			return nil, fmt.Errorf("river UI: %w", err)
		}
	}
	return s, nil
}

// maxBatch caps how many requests commit in one transaction.
const maxBatch = 256

// Close stops the batcher once the requests it holds are committed; call it after the HTTP
// server has drained.
func (s *Server) Close() {
	s.stop()
	s.batch.close()
	s.usage.wg.Wait()
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

func (s *Server) routes(tracing *telemetry.Tracing) {
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	if tracing.Enabled() {
		e.Use(otelecho.Middleware("openresolve-api", otelecho.WithTracerProvider(tracing.Provider),
			otelecho.WithSkipper(func(c echo.Context) bool {
				p := c.Request().URL.Path
				return p == "/metrics" || p == "/healthz" || p == "/readyz" || strings.HasPrefix(p, "/docs")
			})))
	}
	e.Use(requestID, s.logRequests, s.recoverPanics)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(s.metrics.Handler()))

	v1 := e.Group("/v1", s.authenticate, s.rateLimit)
	for _, ep := range endpoints() {
		v1.POST("/"+ep.name, s.accept(ep))
	}
	v1.GET("/resolutions/:id", s.getResolution)

	lead := e.Group(strings.TrimSuffix(leadPrefix, "/"), s.authenticate, s.rateLimit)
	for _, ep := range endpoints() {
		lead.POST("/"+leadSlug(ep.name), s.acceptLead(ep))
	}
}

// Context keys set on echo.Context for logging.
const (
	ctxAPIKeyID     = "api_key_id"
	ctxResolutionID = "resolution_id"
	ctxErrorCode    = "error_code"
	ctxEndpoint     = "endpoint"
)

// logRequests writes one line per request and counts it in the metrics.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		route, status := c.Path(), c.Response().Status
		if route == "" {
			route = "unmatched"
		}
		code := strconv.Itoa(status)
		s.metrics.Requests.WithLabelValues(route, c.Request().Method, code).Inc()
		attrs := []slog.Attr{
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
			slog.String("method", c.Request().Method),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		}
		if ep, ok := c.Get(ctxEndpoint).(string); ok {
			s.metrics.AcceptDuration.WithLabelValues(ep, code).Observe(elapsed.Seconds())
		}
		for _, k := range []string{ctxEndpoint, ctxAPIKeyID, ctxResolutionID, ctxErrorCode} {
			if v, ok := c.Get(k).(string); ok && v != "" {
				attrs = append(attrs, slog.String(k, v))
			}
		}
		s.logger.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", attrs...)
		return nil
	}
}

func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.logger.ErrorContext(c.Request().Context(), "panic in handler", slog.Any("panic", r))
				err = errInternal
			}
		}()
		return next(c)
	}
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.dbTimeout)
	defer cancel()
	pending, err := store.Pending(ctx, s.pool)
	if err != nil {
		s.logger.WarnContext(ctx, "not ready: database unreachable", slog.Any("error", err))
		return errUnavailable
	}
	if pending > 0 {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "The database schema is not migrated; run `openresolve migrate up`."}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// dbError turns a database error met while serving a request into the public error: a 503 when
// the database is out of reach or too slow, a 500 otherwise.
func (s *Server) dbError(ctx context.Context, what string, err error) error {
	if store.IsUnavailable(err) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		s.logger.WarnContext(ctx, what+": database unavailable", slog.Any("error", err))
		return errUnavailable
	}
	s.logger.ErrorContext(ctx, what, slog.Any("error", err))
	return errInternal
}
