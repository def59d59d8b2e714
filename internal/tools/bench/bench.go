// Package bench measures OpenResolve on this machine beside the yardsticks that bound it, in
// one run: the HTTP ceiling (the same load against a server that does nothing but answer and
// call back), raw single-row inserts and raw River no-op jobs on the same database.
package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openresolve/openresolve/internal/tools/harness"
)

// Options shape a run.
type Options struct {
	Warmup, Duration time.Duration
	Concurrency      int
	// Workers is how many worker processes run.
	Workers int
	BinDir  string
	Log     io.Writer
	// Env is added to the API's and the workers' environment, to compare settings.
	Env []string
}

// Report holds a run's figures.
type Report struct {
	Options  Options
	Date     time.Time
	Machine  string
	Ceiling  Load    // the no-op server
	System   Load    // OpenResolve at full load
	Light    Load    // OpenResolve at a tenth of its capacity
	Inserts  float64 // raw single-row insert transactions per second
	River    float64 // raw River no-op jobs per second
	MemoryMB map[string]float64
}

// Load is one load's figures.
type Load struct {
	Accepted, Errors   int
	PerSecond          float64
	P50, P99, Max      time.Duration
	Callbacks          int
	CallbacksPerSecond float64
	E2EP50, E2EP99     time.Duration
	Missing            int // 202s whose callback never arrived
	Offered            float64
}

// Run performs the whole benchmark.
func Run(ctx context.Context, o Options) (Report, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, "bench: "+format+"\n", args...) }
	rep := Report{Options: o, Date: time.Now().UTC(), Machine: machine(), MemoryMB: map[string]float64{}}

	site, err := harness.NewSite(ctx, "bench", o.BinDir, 1000, 5000)
	if err != nil {
		return rep, err
	}
	defer site.Close()
	workDir, dbURL, key := site.WorkDir, site.DatabaseURL, site

	rcv, err := newReceiver()
	if err != nil {
		return rep, err
	}
	defer rcv.srv.Close()

	logf("yardstick: HTTP ceiling (no-op server), %d clients, %s", o.Concurrency, o.Duration)
	nop, err := newNoop()
	if err != nil {
		return rep, err
	}
	rep.Ceiling = measure(ctx, rcv, loadOpts{baseURL: nop.url, key: key.Key, callbackURL: rcv.url,
		concurrency: o.Concurrency, warmup: o.Warmup, duration: o.Duration})
	nop.srv.Close()

	logf("yardstick: raw single-row inserts, %d connections, %s", o.Concurrency, o.Duration)
	if rep.Inserts, err = rawInserts(ctx, dbURL, o.Concurrency, o.Duration); err != nil {
		return rep, fmt.Errorf("raw inserts: %w", err)
	}
	logf("yardstick: raw River no-op jobs")
	if rep.River, err = rawRiver(ctx, dbURL, 50_000); err != nil {
		return rep, fmt.Errorf("raw River: %w", err)
	}

	apiPort, err := harness.FreePort()
	if err != nil {
		return rep, err
	}
	apiURL := "http://127.0.0.1:" + strconv.Itoa(apiPort)
	env := []string{"DATABASE_URL=" + dbURL, "API_ADDR=127.0.0.1:" + strconv.Itoa(apiPort), "API_RATE_LIMIT=0",
		"CALLBACK_ALLOWED_NETWORKS=127.0.0.0/8", "LOG_LEVEL=warn", "DNS_RESOLVER=127.0.0.1:9"}
	env = append(env, o.Env...)
	api, err := harness.NewProc("api", filepath.Join(o.BinDir, "api"), env, workDir)
	if err != nil {
		return rep, err
	}
	procs := []*harness.Proc{api}
	for i := range max(o.Workers, 1) {
		w, err := harness.NewProc(fmt.Sprintf("worker-%d", i+1), filepath.Join(o.BinDir, "worker"), env, workDir)
		if err != nil {
			return rep, err
		}
		procs = append(procs, w)
	}
	for _, p := range procs {
		if err := p.Start(); err != nil {
			return rep, err
		}
		defer p.Close()
	}
	if err := harness.WaitReady(ctx, apiURL, 30*time.Second); err != nil {
		return rep, err
	}
	logf("OpenResolve at full load, %d clients, %s", o.Concurrency, o.Duration)
	rep.System = measure(ctx, rcv, loadOpts{baseURL: apiURL, key: key.Key, callbackURL: rcv.url,
		concurrency: o.Concurrency, warmup: o.Warmup, duration: o.Duration})
	for _, p := range procs {
		rep.MemoryMB[p.Name] = peakMB(p.PID())
	}
	if err := drain(ctx, dbURL); err != nil {
		return rep, err
	}
	rate := rep.System.PerSecond / 10
	logf("OpenResolve at a tenth of that: %.0f requests/s, %s", rate, o.Duration)
	rep.Light = measure(ctx, rcv, loadOpts{baseURL: apiURL, key: key.Key, callbackURL: rcv.url,
		concurrency: o.Concurrency, warmup: o.Warmup, duration: o.Duration, rate: rate})
	rep.Light.Offered = rate
	return rep, nil
}

// measure runs one load, then waits (bounded) for its callbacks and computes the figures.
func measure(ctx context.Context, rcv *receiver, o loadOpts) Load {
	res := runLoad(ctx, o)
	s := summarize(res)
	l := Load{Accepted: s.accepted, Errors: s.errors, PerSecond: s.perSecond, P50: s.p50, P99: s.p99, Max: s.max}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		missing := 0
		for _, x := range res.samples {
			if x.id != "" {
				if _, ok := rcv.arrival(x.id); !ok {
					missing++
				}
			}
		}
		l.Missing = missing
		if missing == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	var e2e []time.Duration
	first, last := time.Time{}, time.Time{}
	for _, x := range res.samples {
		if x.id == "" {
			continue
		}
		if at, ok := rcv.arrival(x.id); ok {
			l.Callbacks++
			e2e = append(e2e, at.Sub(x.sent))
			if first.IsZero() || x.sent.Before(first) {
				first = x.sent
			}
			if at.After(last) {
				last = at
			}
		}
	}
	if l.Callbacks > 0 {
		l.CallbacksPerSecond = float64(l.Callbacks) / last.Sub(first).Seconds()
	}
	l.E2EP50, l.E2EP99, _ = percentiles(e2e)
	return l
}

// peakMB reads a process's peak resident memory (VmHWM) from /proc.
func peakMB(pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			return kb / 1024
		}
	}
	return 0
}

func machine() string {
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
				mem = fmt.Sprintf(", %.0f GiB", kb/1024/1024)
			}
		}
	}
	return fmt.Sprintf("%d cores%s, %s/%s, %s", runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// Print writes the report as a table with the ratios to the yardsticks.
func (r Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	row := func(cells ...string) { fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t") }
	row("", "accepted/s", "accept p50", "accept p99", "accept max", "callbacks/s", "e2e p50", "e2e p99", "errors", "missing")
	for _, x := range []struct {
		name string
		l    Load
	}{{"HTTP ceiling (no-op)", r.Ceiling}, {"OpenResolve", r.System}, {fmt.Sprintf("OpenResolve at %.0f/s", r.Light.Offered), r.Light}} {
		row(x.name, fmt.Sprintf("%.0f", x.l.PerSecond), ms(x.l.P50), ms(x.l.P99), ms(x.l.Max),
			fmt.Sprintf("%.0f", x.l.CallbacksPerSecond), ms(x.l.E2EP50), ms(x.l.E2EP99), strconv.Itoa(x.l.Errors), strconv.Itoa(x.l.Missing))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nraw single-row inserts: %.0f/s    raw River no-op jobs: %.0f/s\n", r.Inserts, r.River)
	fmt.Fprintf(w, "accepted / HTTP ceiling: %.1f%%    resolutions / HTTP ceiling: %.1f%%    accepted / raw inserts: %.1f%%    resolutions / raw River: %.1f%%\n",
		pctOf(r.System.PerSecond, r.Ceiling.PerSecond), pctOf(r.System.CallbacksPerSecond, r.Ceiling.PerSecond),
		pctOf(r.System.PerSecond, r.Inserts), pctOf(r.System.CallbacksPerSecond, r.River))
	var mem []string
	for _, k := range sortedKeys(r.MemoryMB) {
		mem = append(mem, fmt.Sprintf("%s %.0f MB", k, r.MemoryMB[k]))
	}
	fmt.Fprintf(w, "peak memory: %s\n", strings.Join(mem, ", "))
}

func pctOf(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * a / b
}

// WriteMarkdown writes the report into path, replacing the section between the markers
// "<!-- bench:start -->" and "<!-- bench:end -->" (or appending one), with the date, the
// machine and the command.
func (r Report) WriteMarkdown(path string, args []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- bench:start -->\n## Latest `make bench`\n\n%s, %s. Command: `%s`\n\n```\n", r.Date.Format("2006-01-02 15:04 UTC"), r.Machine, strings.Join(args, " "))
	r.Print(&b)
	b.WriteString("```\n<!-- bench:end -->\n")
	old, _ := os.ReadFile(path)
	s := string(old)
	if i, j := strings.Index(s, "<!-- bench:start -->"), strings.Index(s, "<!-- bench:end -->"); i >= 0 && j > i {
		s = s[:i] + b.String() + s[j+len("<!-- bench:end -->\n"):]
	} else {
		s += "\n" + b.String()
	}
	return os.WriteFile(path, []byte(s), 0o644)
}
