package bench

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

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/tools/toolsdb"
)

// Main is cmd/bench: it reads the flags in args, runs what they ask until done or
// interrupted, prints the figures and returns the exit code.
func Main(args []string) int {
	var o Options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.DurationVar(&o.Warmup, "warmup", 5*time.Second, "load before measuring")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "measured load per phase")
	fs.IntVar(&o.Concurrency, "concurrency", 32, "concurrent clients (and insert connections)")
	fs.IntVar(&o.Workers, "workers", 1, "worker processes")
	fs.StringVar(&o.BinDir, "bin", "bin", "directory of the api, worker and openresolve binaries")
	out := fs.String("out", "", "also write the results as Markdown to this file")
	plans := fs.String("plans", "", "with --graph: write each resolver query's plan at each size to this Markdown file")
	graph := fs.String("graph", "", "instead: comma-separated graph sizes (people) to load and query, e.g. 10000,1000000")
	graphURL := fs.String("graph-url", "", "instead: time the resolvers on the graph already in this database (loaded by import or seed demo)")
	queries := fs.Int("queries", 200, "with --graph or --graph-url: queries per resolver (and size)")
	steady := fs.Float64("steady", 0, "instead: offer this many requests/s for --duration, sampling every 30s")
	retention := fs.Int("retention-compare", 0, "instead: compare batched deletes with dropping time partitions on two tables of this many rows, under 1,000 inserts/s")
	replicaLag := fs.Int("replica-lag", 0, "instead: import this many people into a primary with a streaming replica, and measure the replica's lag")
	bulk := fs.Bool("bulk", true, "also measure bulk requests of 100 and 1,000 items")
	fs.Float64Var(&o.Overload, "overload", 2, "the overload phase offers this many times the measured capacity, open loop")
	fs.BoolVar(&o.PgBouncer, "pgbouncer", false, "run OpenResolve through a real PgBouncer in transaction mode (DATABASE_POLL_ONLY)")
	purgeAfter := fs.Duration("purge-older-than", 0, "with --steady: purge resolutions finished this long ago every 10s")
	fs.Func("load", "a load to measure, email-to-hem or mix (repeatable; both when not given)", func(name string) error {
		o.Loads = append(o.Loads, name)
		return nil
	})
	fs.Func("set", "KEY=VALUE added to the API's and workers' environment (repeatable)", func(kv string) error {
		if !strings.Contains(kv, "=") {
			return fmt.Errorf("want KEY=VALUE, got %q", kv)
		}
		o.Env = append(o.Env, kv)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o.NoBulk = !*bulk
	o.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch {
	case *steady > 0:
		var rows []SteadyRow
		rows, err = RunSteady(ctx, o, *steady, 30*time.Second, 2*time.Minute, *purgeAfter)
		PrintSteady(os.Stdout, rows)
	case *retention > 0:
		var ways []RetentionWay
		if ways, err = RunRetentionCompare(ctx, *retention, 1000, o.Log); err == nil {
			PrintRetention(os.Stdout, ways)
		}
	case *replicaLag > 0:
		var r ReplicaLag
		if r, err = RunReplicaLag(ctx, o.BinDir, *replicaLag, o.Log); err == nil {
			r.Print(os.Stdout)
		}
	case *graphURL != "":
		err = graphQuery(ctx, *graphURL, *queries)
	case *graph != "":
		err = graphMain(ctx, o.BinDir, *graph, *queries, *plans, *out)
	default:
		var rep Report
		if rep, err = Run(ctx, o); err == nil {
			rep.Print(os.Stdout)
			if *out != "" {
				err = rep.WriteMarkdown(*out, os.Args)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	return 0
}

// graphQuery times the resolvers on the graph at url (--graph-url).
func graphQuery(ctx context.Context, url string, queries int) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	people, err := toolsdb.New().BenchPeopleCount(ctx, pool)
	if err != nil {
		return err
	}
	row := GraphRow{People: int(people), Queries: map[string][2]time.Duration{}}
	if err := timeResolvers(ctx, pool, queries, row.Queries, nil); err != nil {
		return err
	}
	PrintGraph(os.Stdout, []GraphRow{row})
	return nil
}

// graphMain loads and queries graphs of the sizes listed in sizes (--graph), writing the
// plans to the file plans names, when it names one.
func graphMain(ctx context.Context, binDir, sizes string, queries int, plans, out string) error {
	var ns []int
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 10 {
			return fmt.Errorf("bad graph size %q", s)
		}
		ns = append(ns, n)
	}
	var plansOut io.Writer
	if plans != "" {
		f, err := os.Create(plans)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(f, "# Resolver query plans\n\nWritten by `bin/bench --graph %s --plans %s` (%s): for each graph size, the\n"+
			"plan of every statement each resolver sent for one input sampled from the graph, as\n"+
			"`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)` ran it right after the timed queries.\n",
			sizes, plans, time.Now().UTC().Format("2006-01-02"))
		plansOut = f
	}
	rows, err := RunGraph(ctx, binDir, ns, queries, plansOut, os.Stderr)
	PrintGraph(os.Stdout, rows)
	if err == nil && out != "" {
		err = WriteGraphMarkdown(out, rows, os.Args)
	}
	return err
}
