package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/openresolve/openresolve/internal/api"
	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/config"
)

// apiShutdownTimeout is how long the API waits for requests in flight when asked to stop.
const apiShutdownTimeout = 15 * time.Second

// API is the API process: its pool, its server and the address it listens on.
type API struct {
	logger  *slog.Logger
	server  *api.Server
	http    *http.Server
	ln      net.Listener
	closers closers
}

// NewAPI connects to cfg.DatabaseURL (which must be migrated), ensures cfg.BootstrapAPIKey,
// builds the server and listens on cfg.APIAddr; Run serves.
func NewAPI(ctx context.Context, cfg config.Config, logger *slog.Logger, opts ...Option) (_ *API, err error) {
	o := apply(opts)
	a := &API{logger: logger}
	defer func() {
		if err != nil {
			a.closers.close()
		}
	}()
	pool, tr, err := open(ctx, cfg, logger, o, "openresolve-api", &a.closers)
	if err != nil {
		return nil, err
	}
	if cfg.BootstrapAPIKey != "" {
		if err := apikey.Ensure(ctx, pool, cfg.BootstrapAPIKey, "bootstrap"); err != nil {
			return nil, fmt.Errorf("bootstrap API key: %w", err)
		}
	}
	if a.server, err = api.New(cfg, api.Deps{Pool: pool, Logger: logger, Tracing: tr}); err != nil {
		return nil, err
	}
	a.closers.add(a.server.Close)
	if a.ln, err = net.Listen("tcp", cfg.APIAddr); err != nil {
		return nil, err
	}
	a.closers.add(func() { _ = a.ln.Close() })
	a.http = &http.Server{
		Handler:           a.server,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	return a, nil
}

// URL is where the API listens: http://host:port.
func (a *API) URL() string { return "http://" + a.ln.Addr().String() }

// Run serves until ctx is done, then drains the requests in flight, commits what the
// server accepted and closes everything NewAPI opened.
func (a *API) Run(ctx context.Context) error {
	defer a.closers.close()
	a.logger.Info("API listening", slog.String("addr", a.ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- a.http.Serve(a.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.logger.Info("API shutting down; draining requests in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), apiShutdownTimeout)
	defer cancel()
	if err := a.http.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
