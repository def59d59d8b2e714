package worker

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/telemetry"
)

// ShutdownTimeout is how long a stopping worker lets jobs in flight finish.
const ShutdownTimeout = 25 * time.Second

// Run works jobs until ctx is done, then stops gracefully.
func Run(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	cfg.ServePprof(logger)
	pool, err := store.Connect(ctx, cfg.DatabaseURL, store.PoolConfig{MaxConns: int32(cmp.Or(cfg.MaxConns, 16)), Wait: 30 * time.Second}, logger)
	if err != nil {
		return err
	}
	defer pool.Close()
	if n, err := store.Pending(ctx, pool); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("the database lacks %d migrations; run `openresolve migrate up` first", n)
	}

	graphPool := pool
	if cfg.GraphDatabaseURL != cfg.DatabaseURL {
		if graphPool, err = store.Connect(ctx, cfg.GraphDatabaseURL, store.PoolConfig{MaxConns: int32(cmp.Or(cfg.MaxConns, 16)), Wait: 30 * time.Second}, logger); err != nil {
			return fmt.Errorf("graph database: %w", err)
		}
		defer graphPool.Close()
	}
	tracing, err := telemetry.Setup(ctx, cfg.OTLPEndpoint, "openresolve-worker", config.Version)
	if err != nil {
		return fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
	}
	defer func() { _ = tracing.Shutdown(context.WithoutCancel(ctx)) }()
	w, err := New(Config{
		Tracing:   tracing,
		Pool:      pool,
		Logger:    logger,
		Resolvers: resolve.Resolvers(resolve.Deps{Graph: graphPool, DNS: resolve.NewDNSResolver(cfg.DNSResolver)}),
		Callbacks: callback.NewClient(callback.ClientConfig{
			Policy:    netguard.Policy{Allowed: cfg.CallbackAllowedNetworks},
			UserAgent: "OpenResolve/" + config.Version,
			Resolver:  &net.Resolver{},
		}),
		Schedule:             cfg.CallbackRetrySchedule,
		RescueStuckJobsAfter: cfg.RescueStuckJobsAfter,
		PollOnly:             cfg.PollOnly,
		JobRetention:         cfg.JobRetention,
		ResolveWorkers:       cfg.ResolveWorkers,
		CallbackWorkers:      cfg.CallbackWorkers,
	})
	if err != nil {
		return err
	}
	if cfg.WorkerMetricsAddr != "" {
		_, stop, err := serveMetrics(cfg.WorkerMetricsAddr, w.Metrics().Handler(), w.Healthy, logger)
		if err != nil {
			return fmt.Errorf("WORKER_METRICS_ADDR: %w", err)
		}
		defer stop()
	}
	if err := w.Start(ctx); err != nil {
		return err
	}
	logger.Info("worker started", slog.Int("resolve_workers", cfg.ResolveWorkers),
		slog.Int("callback_workers", cfg.CallbackWorkers))
	<-ctx.Done()
	logger.Info("worker stopping; finishing jobs in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	return w.Stop(sctx)
}

// serveMetrics serves /metrics, and /healthz for container health checks (503 once healthy
// reports an error), on addr until the returned function is called.
func serveMetrics(addr string, metrics http.Handler, healthy func() error, logger *slog.Logger) (bound string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if err := healthy(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(map[string]string{"status": "stopped", "error": err.Error()})
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("metrics server stopped", slog.Any("error", err))
		}
	}()
	logger.Info("worker metrics listening", slog.String("addr", ln.Addr().String()))
	return ln.Addr().String(), func() { _ = srv.Close() }, nil
}
