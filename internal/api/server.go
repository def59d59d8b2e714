// Package api is OpenResolve's HTTP API: it serves the endpoint table (internal/endpoint),
// authenticates and rate-limits requests, reads each with its endpoint's parser, hands it to
// resolution.Accepter, and answers 202 only once it committed. Errors are the contract's
// table (request.Error).
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

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"go.opentelemetry.io/contrib/instrumentation/github.com/labstack/echo/otelecho"

	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/endpoint"
	"github.com/openresolve/openresolve/internal/metrics"
	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/request"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/telemetry"
)

// Deps are what a Server works with besides its settings.
type Deps struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	// Tracing, when enabled, traces each request and the jobs it inserts.
	Tracing *telemetry.Tracing
}

// Server is the HTTP API. It is an http.Handler.
type Server struct {
	echo      *echo.Echo
	pool      *pgxpool.Pool
	queries   *store.Queries
	logger    *slog.Logger
	policy    netguard.Policy
	limiter   *limiter
	accepter  *resolution.Accepter
	keys      *keyCache
	metrics   *metrics.API
	lastUse   *lastUse
	quotas    *quotas
	counting  resolution.Counting
	tracing   *telemetry.Tracing
	stop      context.CancelFunc
	dbTimeout time.Duration
}

// New builds a Server working with d as cfg says: callback policy, rate limit, database
// budget per request, River UI. The River client it makes only inserts jobs; it works none.
func New(cfg config.Config, d Deps) (*Server, error) {
	// An insert-only client: FetchCooldown here only spaces the notifications that wake the
	// workers (config.Config.NotifyCooldown). With tracing on, each job carries its own request's trace context (see traceMetadata):
	// River's otelriver middleware would put the group's insert there instead.
	rc, err := river.NewClient(riverpgxv5.New(d.Pool), &river.Config{Logger: d.Logger, FetchCooldown: cfg.NotifyCooldown})
	if err != nil {
		return nil, err
	}
	s := &Server{
		echo:      echo.New(),
		pool:      d.Pool,
		queries:   store.New(),
		logger:    d.Logger,
		policy:    netguard.Policy{Allowed: cfg.CallbackAllowedNetworks},
		limiter:   newLimiter(cfg.APIRateLimit),
		accepter:  resolution.NewAccepter(d.Pool, rc, cfg.DBTimeout, resolution.Counting(cfg.QuotaCounts)),
		keys:      newKeyCache(),
		dbTimeout: cfg.DBTimeout,
		metrics:   metrics.NewAPI(d.Pool, d.Logger, resolution.QueueResolve, resolution.QueueCallback, resolution.QueueBatch),
		lastUse:   newLastUse(),
		quotas:    newQuotas(),
		counting:  resolution.Counting(cfg.QuotaCounts),
		tracing:   d.Tracing,
	}
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	if cfg.PollOnly {
		go s.keys.poll(ctx, d.Pool, d.Logger)
	} else {
		go s.keys.listen(ctx, d.Pool, d.Logger)
	}
	s.routes(d.Tracing)
	if err := s.mountDocs(); err != nil {
		s.Close()
		return nil, err
	}
	if cfg.RiverUIUser != "" && cfg.RiverUIPassword != "" {
		if err := s.mountRiverUI(ctx, rc, cfg.RiverUIUser, cfg.RiverUIPassword); err != nil {
			s.Close()
			return nil, fmt.Errorf("river UI: %w", err)
		}
	}
	return s, nil
}

// Close stops the Accepter once the requests it holds are committed; call it after the HTTP
// server has drained. A handler still running after a drain that timed out is answered 503
// (resolution.ErrStopping), never a panic.
func (s *Server) Close() {
	s.stop()
	s.accepter.Close()
	s.lastUse.close()
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

	v1 := e.Group("/v1", s.authenticate, s.quotaHeaders, s.rateLimit)
	for _, ep := range endpoint.All {
		v1.POST("/"+ep.Name, s.accept(ep))
		v1.POST("/"+ep.Name+"/bulk", s.bulk(ep))
	}
	v1.GET("/resolutions/:id", s.getResolution)
	v1.GET("/batches/:id", s.getBatch)
	v1.GET("/batches/:id/results", s.getBatchResults)
	v1.GET("/usage", s.getUsage)

	lead := e.Group(strings.TrimSuffix(leadPrefix, "/"), s.authenticate, s.quotaHeaders, s.rateLimit)
	for _, ep := range endpoint.All {
		lead.POST("/"+ep.Slug(), s.acceptLead(ep))
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
				err = request.ErrInternal
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
		return request.ErrUnavailable
	}
	if pending > 0 {
		return &request.Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "The database schema is not migrated; run `openresolve migrate up`."}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// dbError turns a database error met while serving a request into the public error: a 503 when
// the database is out of reach or too slow, a 500 otherwise.
func (s *Server) dbError(ctx context.Context, what string, err error) error {
	if store.IsUnavailable(err) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		s.logger.WarnContext(ctx, what+": database unavailable", slog.Any("error", err))
		return request.ErrUnavailable
	}
	s.logger.ErrorContext(ctx, what, slog.Any("error", err))
	return request.ErrInternal
}
