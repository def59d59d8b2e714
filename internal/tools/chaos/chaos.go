// Package chaos runs the real binaries (one API, two workers) against a Postgres cluster of its
// own and a callback receiver, under a load over all eight endpoints, while it kills and
// restarts workers and the API, crashes Postgres and makes the receiver fail. It then
// reconciles what the clients were told with what the database holds and what the receiver
// accepted: nothing accepted may be lost, and every 202 must have its row.
package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/tools/harness"
	"github.com/openresolve/openresolve/internal/tools/toolsdb"
	"github.com/openresolve/openresolve/internal/usage"
)

// Options shape a run.
type Options struct {
	// Duration is how long the load and the faults last.
	Duration time.Duration
	// Grace is how long, after the load, the run waits for the last callbacks.
	Grace time.Duration
	// Requests is how many requests the load sends, spread over Duration.
	Requests int
	// Concurrency is how many clients send them.
	Concurrency int
	// BinDir holds the api, worker and openresolve binaries.
	BinDir string
	// Log receives progress lines.
	Log io.Writer
}

// Report is the reconciliation of a run.
type Report struct {
	Sent          int
	Accepted      int            // requests answered 202 (after the client's own retries)
	Other         map[string]int // final answers that were not 202, by status or error
	Callbacks     int            // resolutions and batches whose callback the receiver accepted
	Batches       int            // of which batches, each of BatchItems items
	Pending       int            // 202s whose callback was still pending at the end
	Failed        int            // 202s whose callback was given up (retry schedule exhausted)
	Lost          []string       // 202s whose callback the receiver never accepted
	Unstored      []string       // 202s with no row in the database
	Duplicates    []Duplicate    // resolutions the receiver accepted more than once
	Mismatched    int            // idempotent retries that got another id than the first 202
	Replays       int            // deliberate repeats of an accepted request with its Idempotency-Key
	BadSignatures int
	// Usage is what the key's usage figures say, beside what they must say.
	Usage UsageCheck
	// Outage is what the API answered while Postgres was down: a request and /readyz.
	Outage OutageProbe
	// Recoveries are the killed workers' jobs: how long until the others had run them all.
	Recoveries []Recovery
	// WorkDir holds the processes' logs, kept after the run.
	WorkDir string
	Faults  []Fault
	Elapsed time.Duration
	// Started is when the load began; the faults' times count from it.
	Started time.Time
}

// UsageCheck compares the key's usage figures, by endpoint, with the resolutions of the
// accepted requests and batches (CONTRACT.md section 10): what GET /v1/usage and
// `openresolve usage --json` say must be exactly what the resolutions are, through every
// fault of the run.
type UsageCheck struct {
	Want, API, CLI map[string]usage.Counts
	Err            string // why a figure could not be read
}

// OK reports whether both readings are exactly what they must be.
func (u UsageCheck) OK() bool {
	return u.Err == "" && len(u.Want) > 0 && maps.Equal(u.Want, u.API) && maps.Equal(u.Want, u.CLI)
}

// Duplicate is a resolution delivered and accepted more than once, and why.
type Duplicate struct {
	ID     string
	Times  int
	Reason string
	// Explained is true when each repeat followed a worker's SIGKILL, the one fault the
	// contract lets repeat a delivery (section 4, "Duplicates"): a kill between the accepted
	// delivery and the next.
	Explained bool
}

// Recovery is what became of the jobs a killed worker was running.
type Recovery struct {
	Worker string
	Jobs   int           // running when it was killed
	Took   time.Duration // from the kill until every one of them had completed
	Done   bool          // false when some had not within two minutes
}

// watchRecovery finds the jobs that were running when a worker was killed (a second later,
// the other workers' jobs of that moment have long finished: theirs take milliseconds) and
// waits, up to two minutes, until all have completed elsewhere.
func watchRecovery(ctx context.Context, dbURL, worker string, killed time.Time) Recovery {
	r := Recovery{Worker: worker}
	sleep(ctx, time.Until(killed.Add(time.Second)))
	var ids []int64
	q := toolsdb.New()
	deadline := killed.Add(2 * time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		conn, err := connect(ctx, dbURL, 5*time.Second)
		if err != nil {
			continue
		}
		if ids == nil {
			if ids, err = q.ChaosJobsRunningSince(ctx, conn, &killed); err != nil {
				ids = nil
				conn.Close(ctx)
				continue
			}
			r.Jobs = len(ids)
			if ids == nil {
				ids = []int64{}
			}
		}
		left, err := q.ChaosJobsUnfinished(ctx, conn, ids)
		conn.Close(ctx)
		if err == nil && left == 0 {
			r.Took, r.Done = time.Since(killed), true
			return r
		}
		sleep(ctx, 250*time.Millisecond)
	}
	r.Took = time.Since(killed)
	return r
}

// OutageProbe is the API's answers while the database was down.
type OutageProbe struct {
	Status      int
	Took        time.Duration
	ReadyStatus int
}

// Fault is one thing the run broke on purpose.
type Fault struct {
	At   time.Duration
	What string
	// killed, for a worker's SIGKILL, is when it was sent.
	killed time.Time
}

// OK reports whether the run kept the promises: nothing lost, nothing unstored, no callback
// accepted twice but after a worker was killed.
func (r Report) OK() bool {
	for _, x := range r.Recoveries {
		if !x.Done || x.Took > time.Minute {
			return false
		}
	}
	for _, d := range r.Duplicates {
		if !d.Explained {
			return false
		}
	}
	return len(r.Lost) == 0 && len(r.Unstored) == 0 && r.Mismatched == 0 && r.BadSignatures == 0 && r.Usage.OK() &&
		r.Outage.Status == http.StatusServiceUnavailable && r.Outage.Took < 3*time.Second &&
		r.Outage.ReadyStatus == http.StatusServiceUnavailable
}

// Run performs one chaos run in a fresh work directory.
func Run(ctx context.Context, o Options) (Report, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, "chaos: "+format+"\n", args...) }
	site, err := harness.NewSite(ctx, "chaos", o.BinDir, 200, 1000)
	if err != nil {
		return Report{}, err
	}
	defer site.Close()
	workDir, dbURL, pg := site.WorkDir, site.DatabaseURL, site.Cluster
	key := struct{ Key, SigningSecret string }{site.Key, site.SigningSecret}
	logf("work directory %s (process logs are kept there)", workDir)

	rcv, err := newReceiver(key.SigningSecret)
	if err != nil {
		return Report{}, err
	}
	defer rcv.close()

	apiPort, err := harness.FreePort()
	if err != nil {
		return Report{}, err
	}
	apiURL := "http://127.0.0.1:" + strconv.Itoa(apiPort)
	env := []string{
		"DATABASE_URL=" + dbURL, "API_ADDR=127.0.0.1:" + strconv.Itoa(apiPort), "API_RATE_LIMIT=0",
		"CALLBACK_ALLOWED_NETWORKS=127.0.0.0/8", "LOG_LEVEL=warn",
		// WORKER_RESCUE_AFTER is left at its default: a killed worker's jobs must run again
		// within a minute as they are (Report.Recoveries).
		// The receiver's outages last seconds; so does the schedule, but it outlasts them.
		"CALLBACK_RETRY_SCHEDULE=500ms,1s,2s,3s,5s,5s,5s,10s,10s,10s,10s,10s,10s,10s,10s",
		// Only names in the graph are asked for; should a domain finder ever ask DNS, it gets
		// no answer here rather than reaching outside the machine.
		"DNS_RESOLVER=127.0.0.1:9",
	}
	api, err := harness.NewProc("api", filepath.Join(o.BinDir, "api"), env, workDir)
	if err != nil {
		return Report{}, err
	}
	workers := make([]*harness.Proc, 2)
	for i := range workers {
		if workers[i], err = harness.NewProc(fmt.Sprintf("worker-%d", i+1), filepath.Join(o.BinDir, "worker"), env, workDir); err != nil {
			return Report{}, err
		}
	}
	all := append([]*harness.Proc{api}, workers...)
	for _, p := range all {
		if err := p.Start(); err != nil {
			return Report{}, err
		}
		defer p.Close()
	}
	if err := harness.WaitReady(ctx, apiURL, 30*time.Second); err != nil {
		return Report{}, err
	}

	start := time.Now()
	var outage OutageProbe
	var faultsMu sync.Mutex
	var faults []Fault
	// fault records what the run breaks now; killed is set for a worker's SIGKILL.
	fault := func(what string, killed time.Time) {
		f := Fault{At: time.Since(start).Round(100 * time.Millisecond), What: what, killed: killed}
		faultsMu.Lock()
		faults = append(faults, f)
		faultsMu.Unlock()
		logf("%6.1fs %s", time.Since(start).Seconds(), what)
	}

	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	results := make(chan result, o.Requests)
	var wg sync.WaitGroup
	wg.Go(func() { load(loadCtx, o, apiURL, key.Key, "http://"+rcv.addr, results) })

	// The faults, at fixed fractions of the run.
	d := o.Duration
	var recoveries []Recovery
	var recoveriesMu sync.Mutex
	var watchers sync.WaitGroup
	restart := func(p *harness.Proc, sig syscall.Signal, down time.Duration) {
		name := map[syscall.Signal]string{syscall.SIGKILL: "SIGKILL", syscall.SIGTERM: "SIGTERM"}[sig]
		killed := time.Now()
		var workerKilled time.Time
		if sig == syscall.SIGKILL && p != api {
			workerKilled = killed
		}
		fault(fmt.Sprintf("%s %s, restart after %s", name, p.Name, down), workerKilled)
		p.Signal(sig, 30*time.Second)
		if sig == syscall.SIGKILL && p != api {
			watchers.Go(func() {
				r := watchRecovery(ctx, dbURL, p.Name, killed)
				recoveriesMu.Lock()
				recoveries = append(recoveries, r)
				recoveriesMu.Unlock()
			})
		}
		sleep(ctx, down)
		if err := p.Start(); err != nil {
			logf("restart %s: %v", p.Name, err)
		}
	}
	receiverMode := func(m string, dur time.Duration) {
		fault(fmt.Sprintf("receiver %s for %s", m, dur.Round(100*time.Millisecond)), time.Time{})
		if err := rcv.setMode(m); err != nil {
			logf("receiver: %v", err)
		}
		sleep(ctx, dur)
		_ = rcv.setMode(modeOK)
	}
	steps := []struct {
		at float64
		do func()
	}{
		{0.10, func() { restart(workers[0], syscall.SIGKILL, time.Second) }},
		{0.18, func() { receiverMode(modeError, d/10) }},
		{0.30, func() { restart(workers[1], syscall.SIGKILL, time.Second) }},
		{0.36, func() { restart(api, syscall.SIGKILL, time.Second) }},
		{0.42, func() { receiverMode(modeTimeout, d/20) }},
		{0.50, func() {
			fault("Postgres crash (immediate stop), restart after 2s", time.Time{})
			if err := pg.Crash(ctx); err != nil {
				logf("%v", err)
			}
			outage = probe(apiURL, key.Key)
			sleep(ctx, time.Until(start.Add(time.Duration(0.5*float64(d))+2*time.Second)))
			if err := pg.Start(ctx); err != nil {
				logf("%v", err)
			}
		}},
		{0.60, func() { restart(workers[0], syscall.SIGKILL, time.Second) }},
		{0.65, func() { receiverMode(modeRefuse, d/20) }},
		{0.72, func() { receiverMode(modeReset, d/20) }},
		{0.80, func() { restart(api, syscall.SIGTERM, 500*time.Millisecond) }},
		{0.86, func() { restart(workers[1], syscall.SIGTERM, time.Second) }},
	}
	for _, s := range steps {
		sleep(ctx, time.Until(start.Add(time.Duration(s.at*float64(d)))))
		s.do()
	}
	sleep(ctx, time.Until(start.Add(d)))
	logf("%6.1fs load done; waiting up to %s for callbacks", time.Since(start).Seconds(), o.Grace)
	wg.Wait()
	close(results)
	watchers.Wait()

	rep := Report{Other: map[string]int{}, Faults: faults, Outage: outage, WorkDir: workDir, Recoveries: recoveries,
		Started: start}
	ids := map[string]bool{}
	for r := range results {
		rep.Sent++
		if r.replayed {
			rep.Replays++
		}
		switch {
		case r.id != "":
			rep.Accepted++
			ids[r.id] = true
			if r.mismatch {
				rep.Mismatched++
			}
		default:
			rep.Other[r.outcome]++
		}
	}

	conn, err := connect(ctx, dbURL, 30*time.Second)
	if err != nil {
		return rep, err
	}
	defer conn.Close(ctx)
	deadline := time.Now().Add(o.Grace)
	for {
		pending, err := toolsdb.New().ChaosPending(ctx, conn, keys(ids))
		if err != nil {
			return rep, err
		}
		rep.Pending = int(pending)
		if pending == 0 || time.Now().After(deadline) {
			break
		}
		sleep(ctx, time.Second)
	}
	rep.Elapsed = time.Since(start)
	rep.Usage = checkUsage(ctx, conn, site, apiURL, key.Key, ids)
	return reconcile(ctx, conn, rcv, ids, rep)
}

// checkUsage reads the key's usage through the API and the CLI, and what it must be from the
// resolutions of the accepted ids.
func checkUsage(ctx context.Context, conn *pgx.Conn, site *harness.Site, apiURL, key string, ids map[string]bool) UsageCheck {
	u := UsageCheck{Want: map[string]usage.Counts{}, API: map[string]usage.Counts{}, CLI: map[string]usage.Counts{}}
	rows, err := toolsdb.New().ChaosOutcomes(ctx, conn, keys(ids))
	if err != nil {
		u.Err = err.Error()
		return u
	}
	for _, r := range rows {
		u.Want[r.Endpoint] = usage.Counts{Accepted: r.Accepted, Completed: r.Completed, NotFound: r.NotFound,
			Failed: r.Failed, Processing: r.Accepted - r.Completed - r.NotFound - r.Failed}
	}
	byEndpoint := func(days []usage.Day) map[string]usage.Counts {
		m := map[string]usage.Counts{}
		for _, d := range days {
			c := m[d.Endpoint]
			c.Add(d.Counts)
			m[d.Endpoint] = c
		}
		return m
	}
	// The run may span midnight or a month's end: ask for the days around it.
	from, to := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly), time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, apiURL+"/v1/usage?from="+from+"&to="+to, nil)
	req.Header.Set("x-api-key", key)
	var rep usage.Report
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		err = json.NewDecoder(resp.Body).Decode(&rep)
		resp.Body.Close()
	}
	if err != nil {
		u.Err = "GET /v1/usage: " + err.Error()
		return u
	}
	u.API = byEndpoint(rep.Days)
	out, err := site.CLI(ctx, "usage", "--from", from, "--to", to, "--json")
	var all struct{ Keys []usage.KeyReport }
	if err == nil {
		err = json.Unmarshal(out, &all)
	}
	if err == nil && len(all.Keys) != 1 {
		err = fmt.Errorf("%d keys", len(all.Keys))
	}
	if err != nil {
		u.Err = "openresolve usage: " + err.Error()
		return u
	}
	u.CLI = byEndpoint(all.Keys[0].Days)
	return u
}

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func connect(ctx context.Context, url string, timeout time.Duration) (*pgx.Conn, error) {
	deadline := time.Now().Add(timeout)
	for {
		conn, err := pgx.Connect(ctx, url)
		if err == nil || time.Now().After(deadline) {
			return conn, err
		}
		sleep(ctx, 200*time.Millisecond)
	}
}

// probe asks the API for a resolution and for /readyz while the database is down.
func probe(apiURL, key string) OutageProbe {
	client := &http.Client{Timeout: 10 * time.Second}
	var p OutageProbe
	req, _ := http.NewRequest(http.MethodPost, apiURL+"/v1/email-to-hem",
		strings.NewReader(`{"email":"probe@example.com","callbackUrl":"http://127.0.0.1:9/cb"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", key)
	start := time.Now()
	if resp, err := client.Do(req); err == nil {
		p.Status = resp.StatusCode
		resp.Body.Close()
	}
	p.Took = time.Since(start)
	if resp, err := client.Get(apiURL + "/readyz"); err == nil {
		p.ReadyStatus = resp.StatusCode
		resp.Body.Close()
	}
	return p
}

// result is what one client finally got for one request.
type result struct {
	id       string // the resolution id of a 202
	outcome  string // otherwise: the last status or error
	mismatch bool   // a retry's 202 named another id than an earlier one
	replayed bool   // the 202 was asked for again on purpose
}

// ReplayEvery makes every ReplayEvery-th accepted request be sent once more with its
// Idempotency-Key, as a client unsure of its first answer does: it must count nothing more.
const ReplayEvery = 5

// load sends o.Requests requests over o.Duration from o.Concurrency clients. Each request has
// an Idempotency-Key; a client that gets no answer, or a 5xx, sends the same request again
// with the same key, as a careful client does, until it gets an answer or the run ends.
func load(ctx context.Context, o Options, apiURL, key, cbBase string, out chan<- result) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for range o.Concurrency {
		wg.Go(func() {
			for i := range jobs {
				out <- send(ctx, client, apiURL, key, cbBase, i, o.Duration+30*time.Second)
			}
		})
	}
	interval := o.Duration / time.Duration(max(o.Requests, 1))
	next := time.Now()
	for i := range o.Requests {
		sleep(ctx, time.Until(next))
		next = next.Add(interval)
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
}

// BatchEvery makes every BatchEvery-th request of a run a bulk request of BatchItems items,
// so that batches go through the same faults as single requests.
const (
	BatchEvery = 10
	BatchItems = 20
)

func send(ctx context.Context, client *http.Client, apiURL, key, cbBase string, i int, within time.Duration) result {
	ep := harness.Mix[i%len(harness.Mix)]
	body, path := ep.Body(i), "/v1/"+ep.Path
	if i%BatchEvery == BatchEvery-1 {
		items := make([]map[string]any, BatchItems)
		for k := range items {
			items[k] = ep.Body(i*BatchItems + k)
			items[k]["externalId"] = strconv.Itoa(k)
		}
		body, path = map[string]any{"items": items}, path+"/bulk"
	}
	body["callbackUrl"] = fmt.Sprintf("%s/cb/%d", cbBase, i)
	body["externalId"] = strconv.Itoa(i)
	raw, _ := json.Marshal(body)
	idem := fmt.Sprintf("chaos-%d", i)
	deadline := time.Now().Add(within)
	var res result
	for attempt := 1; ; attempt++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, apiURL+path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-api-key", key)
		req.Header.Set("Idempotency-Key", idem)
		resp, err := client.Do(req)
		retry := false
		if err != nil {
			res.outcome, retry = "no answer", true
		} else {
			var ans struct{ ID string }
			_ = json.NewDecoder(resp.Body).Decode(&ans)
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusAccepted:
				if res.id != "" && res.id != ans.ID {
					res.mismatch = true
				}
				res.id = ans.ID
				if i%ReplayEvery != 0 || res.replayed {
					return res
				}
				res.replayed, retry = true, true
				attempt = 0
			case resp.StatusCode >= 500:
				res.outcome, retry = strconv.Itoa(resp.StatusCode), true
			default:
				res.outcome = strconv.Itoa(resp.StatusCode)
			}
		}
		if !retry || time.Now().After(deadline) || ctx.Err() != nil {
			return res
		}
		if attempt == 0 { // the deliberate replay goes at once
			continue
		}
		sleep(ctx, time.Duration(min(attempt, 10))*200*time.Millisecond+time.Duration(rand.IntN(100))*time.Millisecond)
	}
}

// reconcile compares the 202s with the database and the receiver.
func reconcile(ctx context.Context, conn *pgx.Conn, rcv *receiver, ids map[string]bool, rep Report) (Report, error) {
	accepted, _, bad := rcv.snapshot()
	rep.BadSignatures = bad
	q := toolsdb.New()
	storedRows, err := q.ChaosStored(ctx, conn, keys(ids))
	if err != nil {
		return rep, err
	}
	stored := map[string]string{}
	for _, r := range storedRows {
		stored[r.ID] = r.CallbackStatus
	}
	recordedRows, err := q.ChaosRecorded(ctx, conn, keys(ids))
	if err != nil {
		return rep, err
	}
	recorded := map[string]int{}
	for _, r := range recordedRows {
		recorded[r.ID] = int(r.Deliveries)
	}
	for _, id := range keys(ids) {
		st, ok := stored[id]
		if !ok {
			rep.Unstored = append(rep.Unstored, id)
		}
		if st == "failed" {
			rep.Failed++
		}
		times := accepted[id]
		if len(times) == 0 {
			rep.Lost = append(rep.Lost, id)
			continue
		}
		rep.Callbacks++
		if strings.HasPrefix(id, "bat_") {
			rep.Batches++
		}
		if len(times) > 1 {
			rep.Duplicates = append(rep.Duplicates, explainDuplicate(id, times, recorded[id], rep.Faults))
		}
	}
	return rep, nil
}

// attemptTimeout is how long the workers give one delivery attempt (config.CallbackTimeout's
// default, which the run keeps).
var attemptTimeout = config.Default().CallbackTimeout

// explainDuplicate says why a callback was accepted more than once: the receiver said 2xx,
// but the attempt was not recorded. Each repeat is explained only by a worker's SIGKILL
// between the start of the attempt accepted before it and the repeat, one kill a repeat; a
// database outage, a receiver's fault or a graceful stop never is. That attempt started at
// most attemptTimeout before the receiver's 2xx: a worker killed while its request was on the
// way (its bytes reach the receiver after it died; a 2xx within 100 ms after the kill in one
// run) never reads the answer.
func explainDuplicate(id string, times []time.Time, recorded int, faults []Fault) Duplicate {
	d := Duplicate{ID: id, Times: len(times), Explained: true}
	used := make([]bool, len(faults)) // a kill explains one repeat
	for i := 1; i < len(times); i++ {
		killed := false
		for j, f := range faults {
			if !killed && !used[j] && !f.killed.IsZero() && !f.killed.Before(times[i-1].Add(-attemptTimeout)) && f.killed.Before(times[i]) {
				killed, used[j] = true, true
			}
		}
		d.Explained = d.Explained && killed
	}
	switch {
	case recorded >= len(times):
		d.Reason, d.Explained = "recorded twice", false
	case d.Explained:
		d.Reason = fmt.Sprintf("%d of %d accepted deliveries were never recorded: a worker was killed between the receiver's 2xx and the record", len(times)-recorded, len(times))
	default:
		var at []string
		for _, t := range times {
			at = append(at, t.UTC().Format("15:04:05.000"))
		}
		d.Reason = fmt.Sprintf("UNEXPLAINED: %d of %d accepted deliveries were never recorded and no worker was killed in between (accepted at %s)",
			len(times)-recorded, len(times), strings.Join(at, ", "))
	}
	return d
}

// Print writes the report as a table.
func (r Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "faults (from %s UTC)\t\n", r.Started.UTC().Format("15:04:05.000"))
	for _, f := range r.Faults {
		fmt.Fprintf(tw, "  %6.1fs\t%s\n", f.At.Seconds(), f.What)
	}
	fmt.Fprintf(tw, "with Postgres down: a request\tHTTP %d in %s\n", r.Outage.Status, r.Outage.Took.Round(time.Millisecond))
	fmt.Fprintf(tw, "with Postgres down: /readyz\tHTTP %d\n", r.Outage.ReadyStatus)
	for _, x := range r.Recoveries {
		state := "all run again"
		if !x.Done {
			state = "NOT all run again"
		}
		fmt.Fprintf(tw, "SIGKILL %s: the %d jobs running then\t%s, completed within %s\n", x.Worker, x.Jobs, state, x.Took.Round(100*time.Millisecond))
	}
	fmt.Fprintf(tw, "requests sent\t%d\n", r.Sent)
	fmt.Fprintf(tw, "answered 202\t%d\n", r.Accepted)
	var other []string
	for k, v := range r.Other {
		other = append(other, fmt.Sprintf("%s: %d", k, v))
	}
	sort.Strings(other)
	fmt.Fprintf(tw, "other final answers\t%s\n", orNone(strings.Join(other, ", ")))
	fmt.Fprintf(tw, "callbacks accepted\t%d (%d of them batches of %d items)\n", r.Callbacks, r.Batches, BatchItems)
	fmt.Fprintf(tw, "still pending after the grace period\t%d\n", r.Pending)
	fmt.Fprintf(tw, "callbacks given up (schedule exhausted)\t%d\n", r.Failed)
	fmt.Fprintf(tw, "duplicates delivered\t%d\n", len(r.Duplicates))
	for _, d := range r.Duplicates {
		fmt.Fprintf(tw, "  %s\t×%d: %s\n", d.ID, d.Times, d.Reason)
	}
	fmt.Fprintf(tw, "idempotent retries given another id\t%d (of %d accepted requests sent again on purpose)\n", r.Mismatched, r.Replays)
	usageState := "exactly the resolutions' outcomes, through the API and the CLI"
	if !r.Usage.OK() {
		usageState = fmt.Sprintf("WRONG: want %v, API %v, CLI %v %s", r.Usage.Want, r.Usage.API, r.Usage.CLI, r.Usage.Err)
	}
	var acc int64
	for _, c := range r.Usage.Want {
		acc += c.Accepted
	}
	fmt.Fprintf(tw, "usage counted (%d resolutions)\t%s\n", acc, usageState)
	fmt.Fprintf(tw, "callbacks with a bad signature\t%d\n", r.BadSignatures)
	fmt.Fprintf(tw, "LOST (202 without an accepted callback)\t%d\n", len(r.Lost))
	fmt.Fprintf(tw, "UNSTORED (202 without a row)\t%d\n", len(r.Unstored))
	fmt.Fprintf(tw, "elapsed\t%s\n", r.Elapsed.Round(time.Second))
	_ = tw.Flush()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
