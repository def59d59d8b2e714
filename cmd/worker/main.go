// Command worker runs OpenResolve's River workers: resolving and callback delivery.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/worker"
)

func main() { os.Exit(run()) }

func run() int {
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 2
	}
	logger := cfg.NewLogger(os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := worker.Run(ctx, cfg, logger); err != nil {
		logger.Error("worker stopped", "error", err)
		return 1
	}
	return 0
}
