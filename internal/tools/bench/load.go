package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/openresolve/openresolve/internal/tools/harness"
)

// sample is one request of a load: when it was sent, how long the answer took, its status,
// and the resolution id of a 202.
type sample struct {
	sent    time.Time
	latency time.Duration
	status  int
	id      string
}

// loadResult is what a load measured inside its window.
type loadResult struct {
	samples []sample
	window  time.Duration
}

// loadOpts describe one load.
type loadOpts struct {
	baseURL, key, callbackURL string
	// requests are what is sent: request i is requests[i%len(requests)]; the eight-endpoint
	// mix when empty.
	requests         []harness.Request
	concurrency      int
	warmup, duration time.Duration
	// rate, when positive, paces the load at that many requests per second (open loop);
	// otherwise every client sends its next request as soon as it has an answer.
	rate float64
	// unbounded, with rate, sends each request on time whatever the answers before it, up to
	// concurrency requests in flight (an overload: more are offered than can be served).
	unbounded bool
	// batch, when positive, makes every request a bulk request of that many items.
	batch int
}

// runLoad drives the load and keeps the samples sent after the warm-up.
func runLoad(ctx context.Context, o loadOpts) loadResult {
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConns: o.concurrency * 2, MaxIdleConnsPerHost: o.concurrency * 2,
			IdleConnTimeout: time.Minute},
	}
	start := time.Now()
	measureFrom := start.Add(o.warmup)
	end := measureFrom.Add(o.duration)
	var (
		mu      sync.Mutex
		samples []sample
		n       int
	)
	next := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if time.Now().After(end) || ctx.Err() != nil {
			return 0, false
		}
		n++
		return n, true
	}
	if o.rate > 0 && o.unbounded {
		return runOpenLoop(ctx, o, client, next, measureFrom)
	}
	var tick <-chan time.Time
	if o.rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / o.rate))
		defer t.Stop()
		tick = t.C
	}
	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Go(func() {
			for {
				if tick != nil {
					select {
					case <-tick:
					case <-ctx.Done():
						return
					}
				}
				i, ok := next()
				if !ok {
					return
				}
				s := send(ctx, client, o, i)
				if s.sent.After(measureFrom) {
					mu.Lock()
					samples = append(samples, s)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return loadResult{samples: samples, window: o.duration}
}

// runOpenLoop sends requests at o.rate from the start, each on time whatever became of the
// ones before, with at most o.concurrency in flight: a request due while that many wait is
// counted as an error (the client gave up), as a real client's would time out.
func runOpenLoop(ctx context.Context, o loadOpts, client *http.Client, next func() (int, bool), measureFrom time.Time) loadResult {
	var (
		mu      sync.Mutex
		samples []sample
		wg      sync.WaitGroup
	)
	record := func(s sample) {
		if s.sent.After(measureFrom) {
			mu.Lock()
			samples = append(samples, s)
			mu.Unlock()
		}
	}
	slots := make(chan struct{}, o.concurrency)
	start, sent := time.Now(), 0
	for ctx.Err() == nil {
		due := int(time.Since(start).Seconds() * o.rate)
		for ; sent < due; sent++ {
			i, ok := next()
			if !ok {
				wg.Wait()
				return loadResult{samples: samples, window: o.duration}
			}
			select {
			case slots <- struct{}{}:
				wg.Go(func() {
					defer func() { <-slots }()
					record(send(ctx, client, o, i))
				})
			default:
				record(sample{sent: time.Now()}) // no answer: an error
			}
		}
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	return loadResult{samples: samples, window: o.duration}
}

func send(ctx context.Context, client *http.Client, o loadOpts, i int) sample {
	reqs := o.requests
	if len(reqs) == 0 {
		reqs = harness.Mix
	}
	ep := reqs[i%len(reqs)]
	body, path := ep.Body(i), "/v1/"+ep.Path
	if o.batch > 0 {
		items := make([]map[string]any, o.batch)
		for k := range items {
			items[k] = ep.Body(i*o.batch + k)
		}
		body, path = map[string]any{"items": items}, path+"/bulk"
	}
	body["callbackUrl"] = o.callbackURL
	body["externalId"] = strconv.Itoa(i)
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, o.baseURL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", o.key)
	s := sample{sent: time.Now()}
	resp, err := client.Do(req)
	s.latency = time.Since(s.sent)
	if err != nil {
		return s
	}
	var ans struct{ ID string }
	_ = json.NewDecoder(resp.Body).Decode(&ans)
	resp.Body.Close()
	s.status, s.id = resp.StatusCode, ans.ID
	return s
}

// summary condenses samples: accepted per second and latency percentiles of the 202s.
type summary struct {
	accepted      int
	errors        int
	perSecond     float64
	p50, p99, max time.Duration
}

func summarize(r loadResult) summary {
	var s summary
	var lat []time.Duration
	for _, x := range r.samples {
		if x.status == http.StatusAccepted {
			s.accepted++
			lat = append(lat, x.latency)
		} else {
			s.errors++
		}
	}
	s.perSecond = float64(s.accepted) / r.window.Seconds()
	s.p50, s.p99, s.max = percentiles(lat)
	return s
}

func percentiles(d []time.Duration) (p50, p99, max time.Duration) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	at := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
	return at(0.50), at(0.99), d[len(d)-1]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
