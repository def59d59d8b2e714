// Command chaos runs OpenResolve's binaries through crashes, restarts and outages under load
// and reconciles the result (make chaos). It exits 1 when anything accepted was lost.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/openresolve/openresolve/internal/tools/chaos"
)

func main() { os.Exit(run()) }

func run() int {
	var o chaos.Options
	flag.DurationVar(&o.Duration, "duration", 2*time.Minute, "how long the load and the faults last")
	flag.DurationVar(&o.Grace, "grace", 2*time.Minute, "how long to wait for the last callbacks")
	flag.IntVar(&o.Requests, "requests", 3000, "requests to send over the duration")
	flag.IntVar(&o.Concurrency, "concurrency", 32, "concurrent clients")
	flag.StringVar(&o.BinDir, "bin", "bin", "directory of the api, worker and openresolve binaries")
	flag.Parse()
	o.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := chaos.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		return 2
	}
	rep.Print(os.Stdout)
	if !rep.OK() {
		fmt.Fprintln(os.Stdout, "FAILED: something accepted was lost or not stored")
		return 1
	}
	return 0
}
