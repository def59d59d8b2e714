package chaos

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Main is cmd/chaos: it reads the flags in args, runs the faults, prints the reconciliation
// and returns the exit code: 1 when anything accepted was lost, 2 when the run failed.
func Main(args []string) int {
	var o Options
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	fs.DurationVar(&o.Duration, "duration", 2*time.Minute, "how long the load and the faults last")
	fs.DurationVar(&o.Grace, "grace", 2*time.Minute, "how long to wait for the last callbacks")
	fs.IntVar(&o.Requests, "requests", 3000, "requests to send over the duration")
	fs.IntVar(&o.Concurrency, "concurrency", 32, "concurrent clients")
	fs.StringVar(&o.BinDir, "bin", "bin", "directory of the api, worker and openresolve binaries")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := Run(ctx, o)
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
