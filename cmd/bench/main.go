// Command bench measures OpenResolve beside its yardsticks (make bench).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/openresolve/openresolve/internal/bench"
)

func main() { os.Exit(run()) }

func run() int {
	var o bench.Options
	flag.DurationVar(&o.Warmup, "warmup", 5*time.Second, "load before measuring")
	flag.DurationVar(&o.Duration, "duration", 30*time.Second, "measured load per phase")
	flag.IntVar(&o.Concurrency, "concurrency", 32, "concurrent clients (and insert connections)")
	flag.IntVar(&o.Workers, "workers", 1, "worker processes")
	flag.StringVar(&o.BinDir, "bin", "bin", "directory of the api, worker and openresolve binaries")
	out := flag.String("out", "", "also write the results as Markdown to this file")
	flag.Parse()
	o.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := bench.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	rep.Print(os.Stdout)
	if *out != "" {
		if err := rep.WriteMarkdown(*out, os.Args); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
	}
	return 0
}
