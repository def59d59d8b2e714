package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/telemetry"
)

// ShutdownTimeout is how long the API waits for requests in flight when asked to stop.
const ShutdownTimeout = 15 * time.Second

// Run serves the API on cfg.APIAddr until ctx is done, then drains requests in flight.
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

	if cfg.BootstrapAPIKey != "" {
		if err := apikey.Ensure(ctx, pool, cfg.BootstrapAPIKey, "bootstrap"); err != nil {
			return fmt.Errorf("bootstrap API key: %w", err)
		}
	}
	tracing, err := telemetry.Setup(ctx, cfg.OTLPEndpoint, "openresolve-api", config.Version)
	if err != nil {
		return fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
	}
	defer func() { _ = tracing.Shutdown(context.WithoutCancel(ctx)) }()
	srv, err := New(Config{
		Tracing: tracing,
		Pool:    pool, Logger: logger, RateLimit: cfg.APIRateLimit,
		CallbackPolicy: netguard.Policy{Allowed: cfg.CallbackAllowedNetworks},
		RiverUIUser:    cfg.RiverUIUser, RiverUIPassword: cfg.RiverUIPassword,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.APIAddr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("API listening", slog.String("addr", ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("API shutting down; draining requests in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownTimeout)
	defer cancel()
	err = hs.Shutdown(sctx)
	srv.Close()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
