// Package app builds OpenResolve's two processes from a config.Config: the API and the
// worker, each with its connection pools, tracing and listeners. cmd/api and cmd/worker run
// them, and the tests start the very same ones, so a setting that does not reach its
// component fails a test.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/providers"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/telemetry"
)

// Main builds a process with build from the environment (config.FromEnv) and runs it until
// SIGINT or SIGTERM. It returns the exit code: 0 after a clean stop, 1 when the process
// failed, 2 for a configuration it cannot run with. cmd/api and cmd/worker are this.
func Main[P interface{ Run(context.Context) error }](name string, build func(context.Context, config.Config, *slog.Logger, ...Option) (P, error)) int {
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 2
	}
	logger := cfg.NewLogger(os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, err := build(ctx, cfg, logger)
	if err == nil {
		err = p.Run(ctx)
	}
	if err != nil {
		logger.Error(name+" stopped", slog.Any("error", err))
		return 1
	}
	return 0
}

// Option replaces a part a process is built from; the tests use them.
type Option func(*options)

type options struct {
	resolvers map[string]resolve.Resolver
	dns       *net.Resolver
	tracing   *telemetry.Tracing
	providers []*providers.Provider
}

// WithResolver answers endpoint with r instead of the endpoint's own resolver.
func WithResolver(endpoint string, r resolve.Resolver) Option {
	return func(o *options) {
		if o.resolvers == nil {
			o.resolvers = map[string]resolve.Resolver{}
		}
		o.resolvers[endpoint] = r
	}
}

// WithDNS resolves host names with r: the domain finder's look-ups and the callbacks' dials.
func WithDNS(r *net.Resolver) Option { return func(o *options) { o.dns = r } }

// WithProviders asks ps instead of the providers of PROVIDERS_FILE.
func WithProviders(ps []*providers.Provider) Option { return func(o *options) { o.providers = ps } }

// WithTracing traces with t instead of the exporter config.Config.OTLPEndpoint names.
func WithTracing(t *telemetry.Tracing) Option { return func(o *options) { o.tracing = t } }

func apply(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// closers undoes, in reverse and once, what a constructor set up.
type closers []func()

func (c *closers) add(f func()) { *c = append(*c, f) }

func (c *closers) close() {
	fs := *c
	*c = nil
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// connect opens a pool on url, sized by cfg, and refuses a database whose migrations are not
// all applied.
func connect(ctx context.Context, url string, cfg config.Config, logger *slog.Logger) (*pgxpool.Pool, error) {
	pool, err := store.Connect(ctx, url, store.PoolConfig{MaxConns: int32(cfg.MaxConns), Wait: 30 * time.Second,
		NoPreparedStatements: cfg.PollOnly}, logger)
	if err != nil {
		return nil, err
	}
	n, err := store.Pending(ctx, pool)
	if err == nil && n > 0 {
		err = fmt.Errorf("the database lacks %d migrations; run `openresolve migrate up` first", n)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// open starts what both processes have: the profiler (PPROF_ADDR), a pool on the main
// database and tracing, o's or the exporter cfg names (none when it names none). c undoes
// each.
func open(ctx context.Context, cfg config.Config, logger *slog.Logger, o options, service string, c *closers) (*pgxpool.Pool, *telemetry.Tracing, error) {
	stopPprof, err := servePprof(cfg.PprofAddr, logger)
	if err != nil {
		return nil, nil, err
	}
	c.add(stopPprof)
	pool, err := connect(ctx, cfg.DatabaseURL, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	c.add(pool.Close)
	t := o.tracing
	if t == nil {
		if t, err = telemetry.Setup(ctx, cfg.OTLPEndpoint, service, config.Version); err != nil {
			return nil, nil, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
		}
	}
	c.add(func() { _ = t.Shutdown(context.WithoutCancel(ctx)) })
	return pool, t, nil
}

// serve serves h on ln in the background, logging why it stopped unless it was closed.
func serve(srv *http.Server, ln net.Listener, logger *slog.Logger) {
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("server stopped", slog.String("addr", ln.Addr().String()), slog.Any("error", err))
		}
	}()
}

// servePprof serves net/http/pprof on addr (PPROF_ADDR), when set, until the returned
// function is called.
func servePprof(addr string, logger *slog.Logger) (func(), error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("PPROF_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	serve(srv, ln, logger)
	logger.Info("pprof listening", slog.String("addr", ln.Addr().String()))
	return func() { _ = srv.Close() }, nil
}
