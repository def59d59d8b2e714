package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/endpoint"
	"github.com/openresolve/openresolve/internal/metrics"
	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/providers"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/worker"
)

// workerShutdownTimeout is how long a stopping worker lets jobs in flight finish.
const workerShutdownTimeout = 25 * time.Second

// Worker is the worker process: its pools (the main database, and the graph's when it is
// elsewhere), its River client and its metrics server.
type Worker struct {
	logger    *slog.Logger
	worker    *worker.Worker
	metrics   *metrics.Worker
	metricsLn net.Listener
	closers   closers
}

// NewWorker connects to cfg.DatabaseURL (which must be migrated) and to cfg.GraphURL, and
// builds the River client working both queues with every endpoint's resolver; Start starts
// it.
func NewWorker(ctx context.Context, cfg config.Config, logger *slog.Logger, opts ...Option) (_ *Worker, err error) {
	o := apply(opts)
	w := &Worker{logger: logger, metrics: metrics.NewWorker()}
	defer func() {
		if err != nil {
			w.closers.close()
		}
	}()
	pool, tr, err := open(ctx, cfg, logger, o, "openresolve-worker", &w.closers)
	if err != nil {
		return nil, err
	}
	graphPool := pool
	if cfg.GraphURL() != cfg.DatabaseURL {
		if graphPool, err = connect(ctx, cfg.GraphURL(), cfg, logger); err != nil {
			return nil, fmt.Errorf("graph database: %w", err)
		}
		w.closers.add(graphPool.Close)
	}

	dns, dialDNS := resolve.NewDNSResolver(cfg.DNSResolver), &net.Resolver{}
	if o.dns != nil {
		dns, dialDNS = o.dns, o.dns
	}
	resolvers := endpoint.Resolvers(resolve.Deps{Graph: graphPool, DNS: dns})
	primary := endpoint.Resolvers(resolve.Deps{Graph: pool, DNS: dns})
	for name, r := range o.resolvers {
		resolvers[name], primary[name] = r, r
	}
	provs := o.providers
	if provs == nil {
		if provs, err = providers.Load(cfg.ProvidersFile, os.Getenv); err != nil {
			return nil, err
		}
	}
	var waterfall *providers.Waterfall
	if len(provs) > 0 {
		waterfall = providers.New(provs, pool, dialDNS, logger)
		waterfall.Observe = w.metrics.ObserveProviderCall
		w.closers.add(waterfall.Close)
	}
	w.worker, err = worker.New(cfg, worker.Deps{
		Pool: pool, Logger: logger, Resolvers: resolvers, Metrics: w.metrics, Tracing: tr,
		Waterfall: waterfall, Primary: primary,
		Callbacks: callback.NewClient(callback.ClientConfig{
			Policy:    netguard.Policy{Allowed: cfg.CallbackAllowedNetworks},
			Timeout:   cfg.CallbackTimeout,
			Resolver:  dialDNS,
			UserAgent: "OpenResolve/" + config.Version,
		}),
	})
	if err != nil {
		return nil, err
	}
	if cfg.WorkerMetricsAddr != "" {
		if w.metricsLn, err = net.Listen("tcp", cfg.WorkerMetricsAddr); err != nil {
			return nil, fmt.Errorf("WORKER_METRICS_ADDR: %w", err)
		}
		w.closers.add(func() { _ = w.metricsLn.Close() })
	}
	logger.Info("worker ready", slog.Int("resolve_workers", cfg.ResolveWorkers),
		slog.Int("callback_workers", cfg.CallbackWorkers), slog.Bool("poll_only", cfg.PollOnly))
	return w, nil
}

// Healthy reports an error once the River client has stopped on its own (see
// worker.Worker.Healthy); /healthz answers 503 then.
func (w *Worker) Healthy() error { return w.worker.Healthy() }

// Metrics is what this worker counted.
func (w *Worker) Metrics() *metrics.Worker { return w.metrics }

// MetricsURL is where the worker serves /metrics and /healthz; "" without
// WORKER_METRICS_ADDR.
func (w *Worker) MetricsURL() string {
	if w.metricsLn == nil {
		return ""
	}
	return "http://" + w.metricsLn.Addr().String()
}

// Start starts working jobs, and serving /metrics and /healthz; it returns once both run. The
// jobs' contexts inherit from ctx: cancelling it stops the worker abruptly, Stop gracefully.
func (w *Worker) Start(ctx context.Context) error {
	if err := w.worker.Start(ctx); err != nil {
		return err
	}
	if w.metricsLn != nil {
		srv := &http.Server{Handler: w.metricsHandler(), ReadHeaderTimeout: 5 * time.Second}
		serve(srv, w.metricsLn, w.logger)
		w.closers.add(func() { _ = srv.Close() })
		w.logger.Info("worker metrics listening", slog.String("addr", w.metricsLn.Addr().String()))
	}
	return nil
}

// metricsHandler serves /metrics, and /healthz for container health checks: 503 once the
// River client has stopped on its own.
func (w *Worker) metricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", w.metrics.Handler())
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		if err := w.Healthy(); err != nil {
			rw.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(rw).Encode(map[string]string{"status": "stopped", "error": err.Error()})
			return
		}
		_, _ = rw.Write([]byte(`{"status":"ok"}`))
	})
	return mux
}

// Stop lets jobs in flight finish until ctx is done (see worker.Worker.Stop), then closes
// everything NewWorker opened.
func (w *Worker) Stop(ctx context.Context) error {
	defer w.closers.close()
	return w.worker.Stop(ctx)
}

// Run works jobs until ctx is done, then stops gracefully: the jobs in flight get
// workerShutdownTimeout to finish.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.Start(context.WithoutCancel(ctx)); err != nil {
		w.closers.close()
		return err
	}
	<-ctx.Done()
	w.logger.Info("worker stopping; finishing jobs in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workerShutdownTimeout)
	defer cancel()
	return w.Stop(sctx)
}
