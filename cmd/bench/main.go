// Command bench measures OpenResolve beside its yardsticks (make bench).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/openresolve/openresolve/internal/tools/bench"
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
	plans := flag.String("plans", "", "with --graph: write each resolver query's plan at each size to this Markdown file")
	graph := flag.String("graph", "", "instead: comma-separated graph sizes (people) to load and query, e.g. 10000,1000000")
	queries := flag.Int("queries", 200, "with --graph: queries per resolver and size")
	steady := flag.Float64("steady", 0, "instead: offer this many requests/s for --duration, sampling every 30s")
	flag.Func("set", "KEY=VALUE added to the API's and workers' environment (repeatable)", func(kv string) error {
		if !strings.Contains(kv, "=") {
			return fmt.Errorf("want KEY=VALUE, got %q", kv)
		}
		o.Env = append(o.Env, kv)
		return nil
	})
	flag.Parse()
	o.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *steady > 0 {
		rows, err := bench.RunSteady(ctx, o, *steady, 30*time.Second, 2*time.Minute)
		bench.PrintSteady(os.Stdout, rows)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
		return 0
	}
	if *graph != "" {
		var sizes []int
		for _, s := range strings.Split(*graph, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 10 {
				fmt.Fprintf(os.Stderr, "bench: bad graph size %q\n", s)
				return 2
			}
			sizes = append(sizes, n)
		}
		var plansOut io.Writer
		if *plans != "" {
			f, err := os.Create(*plans)
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench:", err)
				return 1
			}
			defer f.Close()
			fmt.Fprintf(f, "# Resolver query plans\n\nWritten by `bin/bench --graph %s --plans %s` (%s): for each graph size, the\n"+
				"plan of every statement each resolver sent for one input sampled from the graph, as\n"+
				"`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)` ran it right after the timed queries.\n",
				*graph, *plans, time.Now().UTC().Format("2006-01-02"))
			plansOut = f
		}
		rows, err := bench.RunGraph(ctx, o.BinDir, sizes, *queries, plansOut, os.Stderr)
		bench.PrintGraph(os.Stdout, rows)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
		return 0
	}
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
