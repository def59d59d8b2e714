// Package quality measures how well the resolvers match names (make quality): it generates a
// labelled set (internal/tools/labelled), loads its graph into a Postgres cluster of its own through
// `openresolve import`, asks every question through the real API and worker binaries with a
// callback to a receiver of its own, and compares each answer with the label. Fit (make
// calibrate) measures the matcher's raw scores on a set of another seed and fits the
// confidence calibration on them.
package quality

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openresolve/openresolve/internal/tools/harness"
	"github.com/openresolve/openresolve/internal/tools/labelled"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// Options say what to generate and where the binaries are.
type Options struct {
	Seed        uint64
	Sizes       labelled.Sizes
	BinDir      string
	Concurrency int
	Log         io.Writer
}

// site is a cluster with a labelled set's graph loaded.
type site struct {
	*harness.Site
	set labelled.Set
}

// load generates the set and imports its graph into a cluster of its own, as an operator
// would: CSV files through `openresolve import`.
func load(ctx context.Context, o Options, name string) (*site, error) {
	s := &site{set: labelled.Generate(o.Seed, o.Sizes)}
	var err error
	if s.Site, err = harness.NewSite(ctx, name, o.BinDir, 0, 0); err != nil {
		return nil, err
	}
	for _, kind := range []struct {
		name  string
		write func(io.Writer) error
	}{{"companies", s.set.WriteCompanies}, {"people", s.set.WritePeople}} {
		path := filepath.Join(s.WorkDir, kind.name+".csv")
		f, err := os.Create(path)
		if err == nil {
			err = kind.write(f)
			f.Close()
		}
		if err != nil {
			s.Close()
			return nil, err
		}
		out, err := s.CLI(ctx, "import", kind.name, path, "--json")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("import %s: %v: %s", kind.name, err, out)
		}
		fmt.Fprintf(o.Log, "quality: imported %s: %s", kind.name, lastLine(out))
	}
	return s, nil
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1] + "\n"
}

// Run asks every question of the set of o.Seed through the API and the worker and reports how
// the answers compare with the labels.
func Run(ctx context.Context, o Options) (*Report, error) {
	s, err := load(ctx, o, "quality")
	if err != nil {
		return nil, err
	}
	defer s.Close()

	dns, stopDNS, err := testkit.StartDNS() // answers NXDOMAIN: no domain exists but the graph's
	if err != nil {
		return nil, err
	}
	defer stopDNS()
	rcv, err := newReceiver()
	if err != nil {
		return nil, err
	}
	defer rcv.close()

	port, err := harness.FreePort()
	if err != nil {
		return nil, err
	}
	apiURL := fmt.Sprintf("http://127.0.0.1:%d", port)
	env := []string{"DATABASE_URL=" + s.DatabaseURL, "API_ADDR=127.0.0.1:" + strconv.Itoa(port), "API_RATE_LIMIT=0",
		"CALLBACK_ALLOWED_NETWORKS=127.0.0.0/8", "DNS_RESOLVER=" + dns.Addr, "LOG_LEVEL=warn"}
	_, stop, err := harness.StartAll(o.BinDir, s.WorkDir, env, "api", "worker")
	if err != nil {
		return nil, err
	}
	defer stop()
	if err := harness.WaitReady(ctx, apiURL, 60*time.Second); err != nil {
		return nil, err
	}

	qs := s.set.Questions
	fmt.Fprintf(o.Log, "quality: asking %d questions about %d companies\n", len(qs), len(s.set.Companies))
	start := time.Now()
	failures := make([]string, len(qs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(o.Concurrency, 1) {
		wg.Go(func() {
			for i := range next {
				if err := ask(ctx, apiURL, s.Key, rcv.url, i, qs[i]); err != nil {
					failures[i] = err.Error()
				}
			}
		})
	}
	for i := range qs {
		next <- i
	}
	close(next)
	wg.Wait()
	asked := 0
	for _, f := range failures {
		if f == "" {
			asked++
		}
	}
	got := rcv.wait(asked, 5*time.Minute)
	fmt.Fprintf(o.Log, "quality: %d answers in %s\n", len(got), time.Since(start).Round(time.Second))
	rep := &Report{Seed: o.Seed, Companies: len(s.set.Companies)}
	for i, q := range qs {
		a := answer{asked: failures[i] == ""}
		if body, ok := got[i]; ok {
			a.parse(q, body)
		} else if a.asked {
			a.err = "no callback"
		} else {
			a.err = failures[i]
		}
		rep.add(q, a)
	}
	return rep, nil
}

// ask sends question i with its callback to the receiver.
func ask(ctx context.Context, api, key, receiver string, i int, q labelled.Question) error {
	body := map[string]any{"callbackUrl": fmt.Sprintf("%s/cb/%d", receiver, i)}
	for k, v := range map[string]string{"companyName": q.CompanyName, "domain": q.Domain,
		"linkedinUrl": q.LinkedInURL, "fullName": q.FullName, "country": q.Country} {
		if v != "" {
			body[k] = v
		}
	}
	b, _ := json.Marshal(body)
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, api+"/v1/"+q.Endpoint, bytes.NewReader(b))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-api-key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusAccepted:
			return nil
		case resp.StatusCode == http.StatusServiceUnavailable && attempt < 5:
			time.Sleep(time.Second)
		default:
			return fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
		}
	}
}

// receiver collects callbacks by question.
type receiver struct {
	url  string
	srv  *http.Server
	mu   sync.Mutex
	got  map[int][]byte
	more chan struct{}
}

func newReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{url: "http://" + ln.Addr().String(), got: map[int][]byte{}, more: make(chan struct{}, 1)}
	r.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(req.URL.Path, "/cb/"))
		body, _ := io.ReadAll(req.Body)
		if err == nil {
			r.mu.Lock()
			r.got[i] = body
			r.mu.Unlock()
			select {
			case r.more <- struct{}{}:
			default:
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// wait returns what arrived once n callbacks have, or timeout passed.
func (r *receiver) wait(n int, timeout time.Duration) map[int][]byte {
	deadline := time.After(timeout)
	for {
		r.mu.Lock()
		done := len(r.got) >= n
		r.mu.Unlock()
		if done {
			break
		}
		select {
		case <-r.more:
		case <-deadline:
			r.mu.Lock()
			defer r.mu.Unlock()
			return r.got
		case <-time.After(time.Second):
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got
}

func (r *receiver) close() { _ = r.srv.Close() }
