// Package bench measures OpenResolve on this machine beside the yardsticks that bound it, in
// one run: the HTTP ceiling (the same load against a server that does nothing but answer and
// call back), raw single-row inserts and raw River no-op jobs on the same database.
package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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
	// Loads are the loads measured, each a name of Loads: email-to-hem and mix when empty.
	Loads []string
	// PgBouncer puts a real PgBouncer in transaction mode between OpenResolve and Postgres,
	// with DATABASE_POLL_ONLY, and counts its CPU.
	PgBouncer bool
	// NoBulk skips the bulk requests' measures.
	NoBulk bool
	// Overload is how many times the measured capacity the overload phase offers; 2 when zero.
	Overload float64
}

// Loads are the loads a run can measure: email-to-hem alone (the cheapest resolver, so that
// what is measured is the pipeline), the same with a key that has a monthly quota (QuotaLoad:
// every accept then also checks and reserves), and the mix of the eight endpoints.
var Loads = map[string][]harness.Request{"email-to-hem": harness.Only("email-to-hem"),
	QuotaLoad: harness.Only("email-to-hem"), "mix": harness.Mix}

// QuotaLoad is email-to-hem sent with a key whose quota is far from used up, to measure what
// a quota costs beside the same load without one.
const QuotaLoad = "email-to-hem, key with a quota"

// Report holds a run's figures.
type Report struct {
	Options Options
	Date    time.Time
	Machine string
	Inserts float64        // raw single-row insert transactions per second
	River   RiverYardstick // raw River no-op jobs
	Loads   []LoadReport
	// Bulk is email-to-hem through bulk requests, by batch size; BulkSingle is the same load
	// of single requests it is compared with (the email-to-hem load's).
	Bulk       []BulkReport
	BulkSingle float64
	// BatchLatency is the time from one 1,000-item request to its callback, on an idle system.
	BatchLatency time.Duration
	MemoryMB     map[string]float64
}

// BulkReport is one batch size's figures: Load counts batches, ItemsPerSecond items.
type BulkReport struct {
	Size, Concurrency int
	Load              Load
	ItemsPerSecond    float64
	Cost              Cost // per item
}

// LoadReport is one load's figures.
type LoadReport struct {
	Name    string
	Ceiling Load // the no-op server
	System  Load // OpenResolve at full load
	Light   Load // OpenResolve at a tenth of its capacity
	// Overload is OpenResolve offered a multiple of its capacity (Options.Overload), open
	// loop: accepted/s should stay near what it can take, the rest refused (503) rather than
	// everything failing.
	Overload Load
	Cost     Cost // of the resolutions of the full load
	// Limit is the composed limit of the yardsticks, resolutions per second.
	Limit float64
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
	if len(o.Loads) == 0 {
		o.Loads = []string{"email-to-hem", QuotaLoad, "mix", GraphLoad, ProviderLoad}
	}
	for _, name := range o.Loads {
		if Loads[name] == nil {
			return Report{}, fmt.Errorf("no load %q (want email-to-hem, %q, mix, %q or %q)", name, QuotaLoad, GraphLoad, ProviderLoad)
		}
	}
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, "bench: "+format+"\n", args...) }
	rep := Report{Options: o, Date: time.Now().UTC(), Machine: machine(), MemoryMB: map[string]float64{}}

	site, err := harness.NewSite(ctx, "bench", o.BinDir, 1000, 5000)
	if err != nil {
		return rep, err
	}
	defer site.Close()
	workDir, dbURL, key := site.WorkDir, site.DatabaseURL, site
	keyOf := func(load string) string { return key.Key }
	if slices.Contains(o.Loads, QuotaLoad) {
		out, err := site.CLI(ctx, "keys", "create", "--name", "quota", "--quota", "1000000000000", "--json")
		var k struct{ Key string }
		if err == nil {
			err = json.Unmarshal(out, &k)
		}
		if err != nil {
			return rep, fmt.Errorf("keys create --quota: %w", err)
		}
		keyOf = func(load string) string {
			if load == QuotaLoad {
				return k.Key
			}
			return key.Key
		}
	}

	rcv, err := newReceiver()
	if err != nil {
		return rep, err
	}
	defer rcv.srv.Close()

	nop, err := newNoop()
	if err != nil {
		return rep, err
	}
	for _, name := range o.Loads {
		if same, ok := sameRequests[name]; ok {
			if i := slices.IndexFunc(rep.Loads, func(l LoadReport) bool { return l.Name == same }); i >= 0 {
				rep.Loads = append(rep.Loads, LoadReport{Name: name, Ceiling: rep.Loads[i].Ceiling}) // the same HTTP work
				continue
			}
		}
		logf("yardstick: HTTP ceiling (no-op server), %s, %d clients, %s", name, o.Concurrency, o.Duration)
		rep.Loads = append(rep.Loads, LoadReport{Name: name, Ceiling: measure(ctx, rcv, loadOpts{baseURL: nop.url,
			key: key.Key, callbackURL: rcv.url, requests: Loads[name], concurrency: o.Concurrency,
			warmup: o.Warmup, duration: o.Duration})})
	}
	nop.srv.Close()

	logf("yardstick: raw single-row inserts, %d connections, %s", o.Concurrency, o.Duration)
	if rep.Inserts, err = rawInserts(ctx, dbURL, o.Concurrency, o.Duration); err != nil {
		return rep, fmt.Errorf("raw inserts: %w", err)
	}
	logf("yardstick: raw River no-op jobs")
	postmaster, err := site.Cluster.PostmasterPID()
	if err != nil {
		return rep, err
	}
	if rep.River, err = rawRiver(ctx, dbURL, postmaster, 50_000); err != nil {
		return rep, fmt.Errorf("raw River: %w", err)
	}

	apiPort, err := harness.FreePort()
	if err != nil {
		return rep, err
	}
	apiURL := "http://127.0.0.1:" + strconv.Itoa(apiPort)
	appURL := dbURL
	var bouncer *harness.PgBouncer
	if o.PgBouncer {
		if bouncer, err = harness.StartPgBouncer(ctx, workDir, site.Cluster); err != nil {
			return rep, err
		}
		defer bouncer.Close()
		appURL = bouncer.URL("openresolve")
		o.Env = append(o.Env, "DATABASE_POLL_ONLY=true")
	}
	env := []string{"DATABASE_URL=" + appURL, "API_ADDR=127.0.0.1:" + strconv.Itoa(apiPort), "API_RATE_LIMIT=0",
		"CALLBACK_ALLOWED_NETWORKS=127.0.0.0/8", "LOG_LEVEL=warn", "DNS_RESOLVER=127.0.0.1:9"}
	env = append(env, o.Env...)
	if slices.Contains(o.Loads, ProviderLoad) {
		penv, stop, err := startProvider(workDir)
		if err != nil {
			return rep, err
		}
		defer stop()
		env = append(env, penv...)
	}
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
	m, err := newMeter(ctx, site.Cluster, dbURL, procs)
	if err != nil {
		return rep, err
	}
	if bouncer != nil {
		m.extra = map[string]int{"pgbouncer": bouncer.PID()}
	}
	defer m.close(ctx)
	for i := range rep.Loads {
		lr := &rep.Loads[i]
		opts := loadOpts{baseURL: apiURL, key: keyOf(lr.Name), callbackURL: rcv.url, requests: Loads[lr.Name],
			concurrency: o.Concurrency, duration: o.Duration}
		// Each load starts from vacuumed tables: the second of a run would otherwise pay for
		// the first's dead tuples (measured: +17% CPU per resolution for the same load).
		if err := vacuum(ctx, dbURL); err != nil {
			return rep, err
		}
		logf("OpenResolve at full load, %s, %d clients, %s after %s of warm-up", lr.Name, o.Concurrency, o.Duration, o.Warmup)
		warm := opts
		warm.duration = o.Warmup
		runLoad(ctx, warm)
		if err := drain(ctx, dbURL); err != nil {
			return rep, err
		}
		from, err := m.start(ctx)
		if err != nil {
			return rep, err
		}
		lr.System = measure(ctx, rcv, opts)
		if err := drain(ctx, dbURL); err != nil {
			return rep, err
		}
		if lr.Cost, err = m.cost(ctx, from, lr.System.Callbacks); err != nil {
			return rep, err
		}
		lr.Limit = limit(lr.Ceiling.PerSecond, rep.River.PerSecond, rep.Inserts)

		rate := lr.System.PerSecond / 10
		logf("OpenResolve at a tenth of that: %.0f requests/s, %s", rate, o.Duration)
		light := opts
		light.warmup, light.rate = o.Warmup, rate
		lr.Light = measure(ctx, rcv, light)
		lr.Light.Offered = rate
		if err := drain(ctx, dbURL); err != nil {
			return rep, err
		}

		if _, ok := sameRequests[lr.Name]; ok || lr.Name == GraphLoad {
			continue // the overload of email-to-hem says it
		}
		factor := o.Overload
		if factor <= 0 {
			factor = 2
		}
		rate = lr.System.PerSecond * factor
		logf("OpenResolve offered %g times its capacity: %.0f requests/s, open loop, %s", factor, rate, o.Duration)
		over := opts
		over.warmup, over.rate, over.unbounded, over.concurrency = o.Warmup, rate, true, 12000
		lr.Overload = measure(ctx, rcv, over)
		lr.Overload.Offered = rate
		if err := drain(ctx, dbURL); err != nil {
			return rep, err
		}
	}
	if o.NoBulk {
		// measured elsewhere
	} else if err := runBulk(ctx, o, &rep, m, loadOpts{baseURL: apiURL, key: key.Key, callbackURL: rcv.url,
		requests: Loads["email-to-hem"], duration: o.Duration}, rcv, dbURL, logf); err != nil {
		return rep, err
	}
	for _, p := range procs {
		rep.MemoryMB[p.Name] = peakMB(p.PID())
	}
	return rep, nil
}

// runBulk measures email-to-hem through bulk requests of 100 and of 1,000 items, end to end
// (items whose batch's callback arrived, per second), and then the time one 1,000-item
// request takes to its callback on an idle system.
func runBulk(ctx context.Context, o Options, rep *Report, m *meter, opts loadOpts, rcv *receiver, dbURL string, logf func(string, ...any)) error {
	for _, lr := range rep.Loads {
		if lr.Name == "email-to-hem" {
			rep.BulkSingle = lr.System.CallbacksPerSecond
		}
	}
	for _, b := range []struct{ size, clients int }{{100, 8}, {1000, 2}} {
		logf("OpenResolve through bulk requests of %d items, %d clients, %s after %s of warm-up", b.size, b.clients, o.Duration, o.Warmup)
		x := opts
		x.batch, x.concurrency = b.size, b.clients
		warm := x
		warm.duration = o.Warmup
		runLoad(ctx, warm)
		if err := drain(ctx, dbURL); err != nil {
			return err
		}
		from, err := m.start(ctx)
		if err != nil {
			return err
		}
		l := measure(ctx, rcv, x)
		if err := drain(ctx, dbURL); err != nil {
			return err
		}
		// The cost per item: every item is a resolution.
		c, err := m.cost(ctx, from, l.Callbacks*b.size)
		if err != nil {
			return err
		}
		rep.Bulk = append(rep.Bulk, BulkReport{Size: b.size, Concurrency: b.clients, Load: l, Cost: c,
			ItemsPerSecond: l.CallbacksPerSecond * float64(b.size)})
	}
	one := opts
	one.batch = 1000
	s := send(ctx, &http.Client{Timeout: 30 * time.Second}, one, 1_000_000)
	if s.id == "" {
		return fmt.Errorf("a 1,000-item bulk request was answered %d", s.status)
	}
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && ctx.Err() == nil; time.Sleep(5 * time.Millisecond) {
		if at, ok := rcv.arrival(s.id); ok {
			rep.BatchLatency = at.Sub(s.sent)
			break
		}
	}
	return nil
}

// measure runs one load, then waits (bounded) for its callbacks and computes the figures.
func measure(ctx context.Context, rcv *receiver, o loadOpts) Load {
	res := runLoad(ctx, o)
	s := summarize(res)
	l := Load{Accepted: s.accepted, Errors: s.errors, PerSecond: s.perSecond, P50: s.p50, P99: s.p99, Max: s.max}
	deadline := time.Now().Add(5 * time.Minute)
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

// Print writes the report: for each load, the throughput and latency beside the ceiling,
// the ratio to the composed limit, and the cost of a resolution.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "raw single-row inserts I: %.0f/s    raw River no-op jobs R: %.0f/s (CPU per job: client %s, postgres %s)\n",
		r.Inserts, r.River.PerSecond, us(r.River.Client), us(r.River.Postgres))
	for _, lr := range r.Loads {
		fmt.Fprintf(w, "\n%s\n", lr.Name)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		row := func(cells ...string) { fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t") }
		row("", "accepted/s", "accept p50", "accept p99", "accept max", "callbacks/s", "e2e p50", "e2e p99", "errors", "missing")
		rows := []struct {
			name string
			l    Load
		}{{"HTTP ceiling C (no-op)", lr.Ceiling}, {"OpenResolve", lr.System}, {fmt.Sprintf("OpenResolve at %.0f/s", lr.Light.Offered), lr.Light}}
		if lr.Overload.Offered > 0 {
			rows = append(rows, struct {
				name string
				l    Load
			}{fmt.Sprintf("OpenResolve offered %.0f/s (%.3g×)", lr.Overload.Offered, ratio(lr.Overload.Offered, lr.System.PerSecond)), lr.Overload})
		}
		for _, x := range rows {
			row(x.name, fmt.Sprintf("%.0f", x.l.PerSecond), ms(x.l.P50), ms(x.l.P99), ms(x.l.Max),
				fmt.Sprintf("%.0f", x.l.CallbacksPerSecond), ms(x.l.E2EP50), ms(x.l.E2EP99), strconv.Itoa(x.l.Errors), strconv.Itoa(x.l.Missing))
		}
		_ = tw.Flush()
		fmt.Fprintf(w, "composed limit L = 1/(1/C + 2/R + 1/I): %.0f/s    resolutions / L: %.3f    accepted / C: %.1f%%\n",
			lr.Limit, ratio(lr.System.CallbacksPerSecond, lr.Limit), pctOf(lr.System.PerSecond, lr.Ceiling.PerSecond))
		printCost(w, lr.Cost)
	}
	r.printQuotaCost(w)
	r.printProviderCost(w)
	if len(r.Bulk) > 0 {
		fmt.Fprintf(w, "\nemail-to-hem through bulk requests\n")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		row := func(cells ...string) { fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t") }
		row("", "clients", "batches/s", "accept p50", "accept p99", "items/s end to end", "batch e2e p50", "batch e2e p99", "× single", "missing")
		for _, b := range r.Bulk {
			row(fmt.Sprintf("%d items", b.Size), strconv.Itoa(b.Concurrency), fmt.Sprintf("%.1f", b.Load.PerSecond),
				ms(b.Load.P50), ms(b.Load.P99), fmt.Sprintf("%.0f", b.ItemsPerSecond), ms(b.Load.E2EP50), ms(b.Load.E2EP99),
				fmt.Sprintf("%.1f", ratio(b.ItemsPerSecond, r.BulkSingle)), strconv.Itoa(b.Load.Missing))
		}
		_ = tw.Flush()
		fmt.Fprintf(w, "single requests in this run: %.0f resolutions/s end to end; one 1,000-item request to its callback, idle: %s\n",
			r.BulkSingle, ms(r.BatchLatency))
		for _, b := range r.Bulk {
			fmt.Fprintf(w, "cost per item, batches of %d:\n", b.Size)
			printCost(w, b.Cost)
		}
	}
	var mem []string
	for _, k := range sortedKeys(r.MemoryMB) {
		mem = append(mem, fmt.Sprintf("%s %.0f MB", k, r.MemoryMB[k]))
	}
	fmt.Fprintf(w, "\npeak memory: %s\n", strings.Join(mem, ", "))
}

// sameRequests are loads whose HTTP requests are those of another load: their ceiling is that
// load's.
var sameRequests = map[string]string{QuotaLoad: "email-to-hem", ProviderLoad: GraphLoad}

// printProviderCost sets linkedin-to-phone answered by the graph beside the same through the
// bench's provider.
func (r Report) printProviderCost(w io.Writer) {
	graph, prov := r.load(GraphLoad), r.load(ProviderLoad)
	if graph == nil || prov == nil {
		return
	}
	a, b := graph.Cost.total(), prov.Cost.total()
	fmt.Fprintf(w, "\nwhat the waterfall costs (linkedin-to-phone, a provider answering in %s, the same run): resolutions/s %.0f from the graph, %.0f through the provider; "+
		"CPU per resolution %s → %s (+%s; postgres %s → %s, worker %s → %s); statements %.2f → %.2f, commits %.2f → %.2f per resolution; e2e p50 at a tenth of capacity %s → %s\n",
		providerDelay, graph.System.CallbacksPerSecond, prov.System.CallbacksPerSecond, us(a), us(b), us(b-a),
		us(graph.Cost.CPU["postgres"]), us(prov.Cost.CPU["postgres"]), us(graph.Cost.CPU["worker-1"]), us(prov.Cost.CPU["worker-1"]),
		graph.Cost.Statements, prov.Cost.Statements, graph.Cost.Commits, prov.Cost.Commits, ms(graph.Light.E2EP50), ms(prov.Light.E2EP50))
}

// load is the report's load named name; nil when the run did not measure it.
func (r Report) load(name string) *LoadReport {
	for i := range r.Loads {
		if r.Loads[i].Name == name {
			return &r.Loads[i]
		}
	}
	return nil
}

// printQuotaCost sets the email-to-hem load beside the same with a key that has a quota.
func (r Report) printQuotaCost(w io.Writer) {
	plain, quota := r.load("email-to-hem"), r.load(QuotaLoad)
	if plain == nil || quota == nil {
		return
	}
	a, b := plain.Cost.total(), quota.Cost.total()
	fmt.Fprintf(w, "\nwhat a quota costs (email-to-hem, the same run): CPU per resolution %s without, %s with (%+.1f%%; postgres %s → %s, api %s → %s); "+
		"statements %.2f → %.2f, commits %.2f → %.2f per resolution; accepted/s %.0f → %.0f; accept p99 at a tenth of capacity %s → %s\n",
		us(a), us(b), 100*(ratio(float64(b), float64(a))-1), us(plain.Cost.CPU["postgres"]), us(quota.Cost.CPU["postgres"]),
		us(plain.Cost.CPU["api"]), us(quota.Cost.CPU["api"]), plain.Cost.Statements, quota.Cost.Statements,
		plain.Cost.Commits, quota.Cost.Commits, plain.System.PerSecond, quota.System.PerSecond, ms(plain.Light.P99), ms(quota.Light.P99))
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
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
