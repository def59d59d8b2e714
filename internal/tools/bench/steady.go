package bench

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/resolution"

	"github.com/openresolve/openresolve/internal/tools/harness"
	"github.com/openresolve/openresolve/internal/tools/toolsdb"
)

// SteadyRow is one sampling interval of a sustained run.
type SteadyRow struct {
	At                 time.Duration
	Accepted           float64 // per second in the interval
	AcceptP99          time.Duration
	CallbacksPerSecond float64
	E2EP50             time.Duration
	Jobs               int64 // rows in river_job
	JobDead            int64 // dead tuples in river_job
	ResolutionsDead    int64
	Resolutions        int64         // rows in resolutions
	Purged             int64         // resolutions deleted in the interval (--purge-older-than)
	PurgeTime          time.Duration // spent deleting them
}

// RunSteady offers rate requests per second for duration and samples every interval: accept
// and end-to-end latency, River's job table and the dead tuples autovacuum has to keep up with.
// Completed jobs are kept only retention, so a flat job table shows the cleaner keeping up.
//
// With purgeAfter set, resolution.Purge (what the workers run every minute with
// RESOLUTION_RETENTION, which cannot be under a day) runs every 10 s with purgeAfter, so that
// a run of minutes shows whether deletion keeps up and what it costs accepts.
func RunSteady(ctx context.Context, o Options, rate float64, interval, retention, purgeAfter time.Duration) ([]SteadyRow, error) {
	site, err := harness.NewSite(ctx, "steady", o.BinDir, 1000, 5000)
	if err != nil {
		return nil, err
	}
	defer site.Close()
	rcv, err := newReceiver()
	if err != nil {
		return nil, err
	}
	defer rcv.srv.Close()
	apiPort, err := harness.FreePort()
	if err != nil {
		return nil, err
	}
	apiURL := "http://127.0.0.1:" + strconv.Itoa(apiPort)
	env := append([]string{"DATABASE_URL=" + site.DatabaseURL, "API_ADDR=127.0.0.1:" + strconv.Itoa(apiPort),
		"API_RATE_LIMIT=0", "CALLBACK_ALLOWED_NETWORKS=127.0.0.0/8", "LOG_LEVEL=warn", "DNS_RESOLVER=127.0.0.1:9",
		"WORKER_JOB_RETENTION=" + retention.String()}, o.Env...)
	_, stop, err := harness.StartAll(o.BinDir, site.WorkDir, env, "api", "worker")
	if err != nil {
		return nil, err
	}
	defer stop()
	if err := harness.WaitReady(ctx, apiURL, 30*time.Second); err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, site.DatabaseURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)

	var purged, purgeNanos atomic.Int64
	if purgeAfter > 0 {
		pool, err := pgxpool.New(ctx, site.DatabaseURL)
		if err != nil {
			return nil, err
		}
		defer pool.Close()
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			for t := time.NewTicker(10 * time.Second); ; {
				select {
				case <-pctx.Done():
					return
				case <-t.C:
				}
				start := time.Now()
				p, err := resolution.Purge(pctx, pool, purgeAfter)
				if err != nil && pctx.Err() == nil {
					fmt.Fprintf(o.Log, "bench: purge: %v\n", err)
				}
				purged.Add(p.Resolutions)
				purgeNanos.Add(int64(time.Since(start)))
			}
		}()
	}

	var rows []SteadyRow
	start := time.Now()
	for time.Since(start) < o.Duration && ctx.Err() == nil {
		res := runLoad(ctx, loadOpts{baseURL: apiURL, key: site.Key, callbackURL: rcv.url,
			concurrency: o.Concurrency, duration: interval, rate: rate})
		s := summarize(res)
		time.Sleep(2 * time.Second) // let the interval's callbacks arrive
		var e2e []time.Duration
		for _, x := range res.samples {
			if at, ok := rcv.arrival(x.id); ok && x.id != "" {
				e2e = append(e2e, at.Sub(x.sent))
			}
		}
		row := SteadyRow{At: time.Since(start).Round(time.Second), Accepted: s.perSecond, AcceptP99: s.p99,
			CallbacksPerSecond: float64(len(e2e)) / interval.Seconds()}
		row.E2EP50, _, _ = percentiles(e2e)
		row.Purged, row.PurgeTime = purged.Swap(0), time.Duration(purgeNanos.Swap(0))
		sample, err := toolsdb.New().BenchSteadySample(ctx, conn)
		if err != nil {
			return rows, err
		}
		row.Jobs, row.JobDead, row.ResolutionsDead, row.Resolutions = sample.Jobs, sample.JobDead, sample.ResolutionsDead, sample.Resolutions
		rows = append(rows, row)
		fmt.Fprintf(o.Log, "bench: %s accepted %.0f/s, accept p99 %s, e2e p50 %s, %d jobs, %d dead job tuples\n",
			row.At, row.Accepted, ms(row.AcceptP99), ms(row.E2EP50), row.Jobs, row.JobDead)
	}
	return rows, nil
}

// PrintSteady writes the sustained run as a table.
func PrintSteady(w io.Writer, rows []SteadyRow) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "at\taccepted/s\taccept p99\tcallbacks/s\te2e p50\triver_job rows\tdead job tuples\tdead resolution tuples\tresolutions\tpurged\tpurge time\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%.0f\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t\n", r.At, r.Accepted, ms(r.AcceptP99),
			r.CallbacksPerSecond, ms(r.E2EP50), r.Jobs, r.JobDead, r.ResolutionsDead, r.Resolutions, r.Purged, ms(r.PurgeTime))
	}
	_ = tw.Flush()
}
