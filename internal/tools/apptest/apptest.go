// Package apptest starts OpenResolve's processes in a test, as cmd/api and cmd/worker do:
// through app.NewAPI and app.NewWorker, from a config.Config.
package apptest

import (
	"context"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/openresolve/openresolve/internal/app"
	"github.com/openresolve/openresolve/internal/config"
)

// Loopback is 127.0.0.0/8 and ::1, where the tests' callback receivers listen.
var Loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// Config is the configuration the tests start processes with: the defaults on dbURL, with
// the API on a free loopback port, loopback callbacks allowed, no rate limit, few workers
// and connections, and waits short enough for a test.
func Config(dbURL string) config.Config {
	cfg := config.Default()
	cfg.DatabaseURL = dbURL
	cfg.APIAddr = "127.0.0.1:0"
	cfg.CallbackAllowedNetworks = Loopback
	cfg.APIRateLimit = 0
	cfg.ResolveWorkers, cfg.CallbackWorkers = 10, 10
	cfg.MaxConns = 8
	cfg.FetchPollInterval = 50 * time.Millisecond
	cfg.ResolveRetryBase = 20 * time.Millisecond
	cfg.CallbackTimeout = 2 * time.Second
	return cfg
}

// StartAPI runs the API process that app.NewAPI builds from cfg until t ends, and returns
// its URL.
func StartAPI(t testing.TB, cfg config.Config, logger *slog.Logger, opts ...app.Option) string {
	t.Helper()
	a, err := app.NewAPI(context.Background(), cfg, logger, opts...)
	if err != nil {
		t.Fatalf("start the API: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the API stopped: %v", err)
		}
	})
	return a.URL()
}

// StartWorker starts the worker process that app.NewWorker builds from cfg, stopped when t
// ends (if the test has not stopped it).
func StartWorker(t testing.TB, cfg config.Config, logger *slog.Logger, opts ...app.Option) *app.Worker {
	t.Helper()
	w, err := app.NewWorker(context.Background(), cfg, logger, opts...)
	if err != nil {
		t.Fatalf("build the worker: %v", err)
	}
	if err := w.Start(context.Background()); err != nil {
		t.Fatalf("start the worker: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = w.Stop(ctx)
	})
	return w
}
