package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/app"
	"github.com/openresolve/openresolve/internal/cli"
	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/providers"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// fakeProvider is a local server answering in a provider's documented shapes; it counts the
// calls it gets by the question's key.
type fakeProvider struct {
	*httptest.Server
	mu     sync.Mutex
	calls  map[string]int
	status atomic.Int32 // when not 0, every answer has this status
}

func (f *fakeProvider) called(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

func (f *fakeProvider) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

// newFakeProvider serves answer(key) for the request's key (read by keyOf), or 404 when it
// has none.
func newFakeProvider(t *testing.T, keyOf func(*http.Request) (string, bool), answer func(key string) (any, bool)) *fakeProvider {
	f := &fakeProvider{calls: map[string]int{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := keyOf(r)
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		f.mu.Lock()
		f.calls[key]++
		f.mu.Unlock()
		if s := f.status.Load(); s != 0 {
			w.WriteHeader(int(s))
			return
		}
		doc, found := answer(key)
		if !found {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status": 404, "error": {"type": "not_found", "message": "No records were found matching your request"}}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(f.Close)
	return f
}

// pdlServer answers People Data Labs' Person Enrichment API for the profiles in people.
func pdlServer(t *testing.T, people map[string]map[string]any) *fakeProvider {
	return newFakeProvider(t, func(r *http.Request) (string, bool) {
		return r.URL.Query().Get("profile"), r.URL.Path == "/v5/person/enrich" && r.Header.Get("X-Api-Key") == "pdl-secret"
	}, func(key string) (any, bool) {
		p, ok := people[key]
		return map[string]any{"status": 200, "likelihood": 9, "data": p}, ok
	})
}

// startProviders starts a worker asking the providers of doc (a PROVIDERS_FILE) with
// secrets, serving its metrics, and returns the file's path and the worker.
func startProviders(t *testing.T, s *stack, doc string, secrets map[string]string) (string, *app.Worker) {
	t.Helper()
	ps, err := providers.Parse([]byte(doc), func(k string) string { return secrets[k] })
	require.NoError(t, err)
	w := startWorker(t, s, func(c *config.Config) { c.WorkerMetricsAddr = "127.0.0.1:0" }, app.WithProviders(ps))
	path := filepath.Join(t.TempDir(), "providers.yaml")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	return path, w
}

// resolveWith posts a request and waits for its callback's body and the final status.
func (s *stack) resolveWith(rcv *testkit.Receiver, path string, body map[string]any) (map[string]any, map[string]any) {
	s.t.Helper()
	body["callbackUrl"] = rcv.URL
	r := s.post(path, body, nil)
	require.Equal(s.t, http.StatusAccepted, r.Status, "%s", r.Body)
	id := r.json(s.t)["id"].(string)
	st := s.waitCallbackState(id, "delivered", 15*time.Second)
	return st["result"].(map[string]any), st
}

func callsOf(st map[string]any) []string {
	var out []string
	for _, c := range st["providerCalls"].([]any) {
		m := c.(map[string]any)
		s := m["provider"].(string) + ":" + m["outcome"].(string)
		if r, ok := m["reason"].(string); ok {
			s += ":" + r
		}
		out = append(out, s)
	}
	return out
}

// TestProvidersWaterfall: two providers and a generic third, over real HTTP, for questions the
// graph cannot answer: asked in order, the next only when one finds nothing; what they find
// learned into the graph and answered from it next time without a call; misses remembered;
// a suppressed identifier neither stored nor answered; every answer and status checked
// against the OpenAPI document.
func TestProvidersWaterfall(t *testing.T) {
	t.Parallel()
	var logs testkit.SyncBuffer
	s := newStack(t, stackOpts{noWorker: true, logs: &logs})
	testkit.LoadGraph(t, s.pool, testkit.FixtureGraph)
	rcv := testkit.NewReceiver(t)
	_, check := openAPIChecker(t, s)

	pdl := pdlServer(t, map[string]map[string]any{
		"linkedin.com/in/ada-new": {"full_name": "ada new", "first_name": "ada", "last_name": "new", "job_title": "cto",
			"linkedin_url": "linkedin.com/in/ada-new", "job_company_website": "acmelogistics.com", "job_company_name": "acme logistics",
			"work_email": "ada@acmelogistics.com", "mobile_phone": "+14155550199", "phone_numbers": []string{"+14155550177"},
			"emails": []map[string]any{{"address": "ada.new@gmail.com", "type": "personal"}}},
		"linkedin.com/in/secret-sam": {"full_name": "sam secret", "linkedin_url": "linkedin.com/in/secret-sam",
			"mobile_phone": "+14155550111"},
	})
	inhouse := newFakeProvider(t, func(r *http.Request) (string, bool) {
		return r.URL.Query().Get("linkedin"), r.URL.Path == "/lookup" && r.Header.Get("Authorization") == "Bearer in-secret"
	}, func(key string) (any, bool) {
		if key != "linkedin.com/in/only-inhouse" {
			return nil, false
		}
		return map[string]any{"result": map[string]any{"name": "Ona Inhouse", "phones": []string{"+442079460123"},
			"profile": "https://www.linkedin.com/in/only-inhouse"}}, true
	})
	hunter := newFakeProvider(t, func(r *http.Request) (string, bool) {
		q := r.URL.Query()
		return q.Get("domain") + "/" + q.Get("first_name") + "/" + q.Get("last_name"),
			r.URL.Path == "/v2/email-finder" && q.Get("api_key") == "hunter-secret"
	}, func(key string) (any, bool) {
		if key != "globex.com/Hank/Scorpio" {
			return map[string]any{"data": map[string]any{"email": nil, "domain": "globex.com"}}, true // Hunter's "nothing"
		}
		return map[string]any{"data": map[string]any{"first_name": "Hank", "last_name": "Scorpio", "email": "hank@globex.com",
			"score": 97, "domain": "globex.com", "position": "CEO"}, "meta": map[string]any{}}, true
	})
	_, worker := startProviders(t, s, fmt.Sprintf(`
providers:
  - name: pdl
    preset: peopledatalabs
    endpoints: [linkedin-to-phone, linkedin-to-hem, enrichment]
    url: %s
    apiKeyEnv: PDL_KEY
    allowedNetworks: [127.0.0.0/8]
  - name: hunter
    preset: hunter
    endpoints: [enrichment]
    url: %s
    apiKeyEnv: HUNTER_KEY
    allowedNetworks: [127.0.0.0/8]
  - name: inhouse
    preset: generic
    endpoints: [linkedin-to-phone]
    url: %s
    apiKeyEnv: INHOUSE_KEY
    path: /lookup?linkedin={linkedinUrl}
    headers: {Authorization: "Bearer {apiKey}"}
    fields: {fullName: /result/name, phones: /result/phones, linkedinUrl: /result/profile}
    allowedNetworks: [127.0.0.0/8]
`, pdl.URL, hunter.URL, inhouse.URL), map[string]string{"PDL_KEY": "pdl-secret", "HUNTER_KEY": "hunter-secret", "INHOUSE_KEY": "in-secret"})

	phones := func(res map[string]any) []string {
		var out []string
		for _, p := range res["phones"].([]any) {
			out = append(out, p.(map[string]any)["number"].(string))
		}
		return out
	}

	// The graph knows Jane: no provider is asked.
	res, st := s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/janedoe"})
	require.Equal(t, "completed", res["status"])
	require.Equal(t, []any{"graph"}, res["sources"])
	require.Empty(t, callsOf(st))
	require.Zero(t, pdl.total())

	// Ada: the first provider finds her; the others are not asked.
	res, st = s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "https://www.linkedin.com/in/Ada-New/"})
	require.Equal(t, "completed", res["status"], "%v", res)
	require.Equal(t, []any{"pdl"}, res["sources"])
	require.ElementsMatch(t, []string{"+14155550199", "+14155550177"}, phones(res))
	require.Equal(t, []string{"pdl:found"}, callsOf(st))
	require.Equal(t, 1, pdl.called("linkedin.com/in/ada-new"))
	require.Zero(t, inhouse.total())
	check(http.MethodGet, "/v1/resolutions/"+st["id"].(string), nil, nil)

	// Learned: her hashed emails (another endpoint) and her phones again, from the graph.
	res, st = s.resolveWith(rcv, "/v1/linkedin-to-hem", map[string]any{"linkedinUrl": "linkedin.com/in/ada-new"})
	require.Equal(t, "completed", res["status"])
	require.Equal(t, []any{"graph"}, res["sources"])
	require.Len(t, res["hashedEmails"], 2)
	res, _ = s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/ada-new"})
	require.Equal(t, []any{"graph"}, res["sources"])
	require.Equal(t, 1, pdl.called("linkedin.com/in/ada-new"), "answered from the graph: no second call")
	require.Equal(t, 1, s.count(`SELECT count(*) FROM people WHERE linkedin_url = 'linkedin.com/in/ada-new'`))
	// Each row it taught is recorded with its source and time; her company was known already.
	require.Equal(t, 5, s.count(`SELECT count(*) FROM graph_learned g JOIN people p ON p.person_id = g.person_id
		WHERE p.linkedin_url = 'linkedin.com/in/ada-new' AND g.provider = 'pdl' AND g.learned_at > now() - interval '1 minute'`),
		"the person, two emails, two phones")
	require.Equal(t, 0, s.count(`SELECT count(*) FROM graph_learned WHERE kind = 'company'`))

	// Once pdl's cacheFor has passed (moved here rather than waited for), it is asked again.
	_, err := s.pool.Exec(context.Background(), `UPDATE provider_learned SET learned_at = now() - interval '91 days'`)
	require.NoError(t, err)
	res, st = s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/ada-new"})
	require.Equal(t, []any{"pdl"}, res["sources"])
	require.Equal(t, []string{"pdl:found"}, callsOf(st))
	require.Equal(t, 2, pdl.called("linkedin.com/in/ada-new"))
	require.Equal(t, 1, s.count(`SELECT count(*) FROM people WHERE linkedin_url = 'linkedin.com/in/ada-new'`), "learned again, still one person")

	// The second provider is asked when the first finds nothing.
	res, st = s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/only-inhouse"})
	require.Equal(t, "completed", res["status"], "%v", res)
	require.Equal(t, []any{"inhouse"}, res["sources"])
	require.Equal(t, []string{"+442079460123"}, phones(res))
	require.Equal(t, []string{"pdl:not_found", "inhouse:found"}, callsOf(st))

	// Nobody knows Nemo; the misses are remembered and nobody is asked again.
	res, st = s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/nemo"})
	require.Equal(t, "not_found", res["status"])
	require.Equal(t, []string{"pdl:not_found", "inhouse:not_found"}, callsOf(st))
	res, st = s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/nemo"})
	require.Equal(t, "not_found", res["status"])
	require.Equal(t, []string{"pdl:skipped:negative_cache", "inhouse:skipped:negative_cache"}, callsOf(st))
	require.Equal(t, 1, pdl.called("linkedin.com/in/nemo"))
	require.Equal(t, 1, inhouse.called("linkedin.com/in/nemo"))

	// Hunter finds a person at a company by name, for enrichment; PDL, asked first, cannot.
	res, st = s.resolveWith(rcv, "/v1/enrichment", map[string]any{"fullName": "Hank Scorpio", "domain": "globex.com"})
	require.Equal(t, "completed", res["status"], "%v", res)
	require.Equal(t, []any{"hunter"}, res["sources"], "%v %v", callsOf(st), res)
	require.Equal(t, "hank@globex.com", res["person"].(map[string]any)["email"])
	require.Equal(t, []string{"pdl:not_found", "hunter:found"}, callsOf(st))

	// A suppressed identifier a provider returns is neither stored nor answered.
	optout := filepath.Join(t.TempDir(), "optout.csv")
	require.NoError(t, os.WriteFile(optout, []byte("linkedin_url\nhttps://www.linkedin.com/in/secret-sam\n"), 0o600))
	code, _, errOut := s.cliRun("import", "suppressions", optout)
	require.Equal(t, 0, code, errOut)
	res, st = s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/secret-sam"})
	require.Equal(t, "not_found", res["status"])
	require.Equal(t, []string{"pdl:found"}, callsOf(st))
	require.Equal(t, 0, s.count(`SELECT count(*) FROM people WHERE linkedin_url = 'linkedin.com/in/secret-sam'`))
	require.Equal(t, 0, s.count(`SELECT count(*) FROM phones WHERE phone = '+14155550111'`))
	require.Equal(t, 0, s.count(`SELECT count(*) FROM provider_calls WHERE finding IS NOT NULL`), "findings are kept only until learned")

	// Forgetting Ada removes what the provider taught about her, and her identifiers are
	// suppressed: asked again, the provider's answer is neither stored nor answered.
	code, out, errOut := s.cliRun("forget", "--linkedin", "linkedin.com/in/ada-new", "--json")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"people":1`)
	require.Equal(t, 0, s.count(`SELECT count(*) FROM people WHERE linkedin_url = 'linkedin.com/in/ada-new'`))
	require.Equal(t, 0, s.count(`SELECT count(*) FROM phones WHERE phone IN ('+14155550199', '+14155550177')`))
	require.Equal(t, 0, s.count(`SELECT count(*) FROM graph_learned WHERE person_id LIKE 'prov_%' AND person_id NOT IN
		(SELECT person_id FROM people)`), "forget takes the record of what was taught with the person")
	res, _ = s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/ada-new"})
	require.Equal(t, "not_found", res["status"])
	require.Equal(t, 0, s.count(`SELECT count(*) FROM people WHERE linkedin_url = 'linkedin.com/in/ada-new'`))

	// No secret in the database.
	require.Equal(t, 0, s.count(`SELECT count(*) FROM provider_calls WHERE error LIKE '%secret%'`))
	var dump string
	require.NoError(t, s.pool.QueryRow(context.Background(), `SELECT coalesce(string_agg(r::text, ' '), '') FROM provider_calls r`).Scan(&dump))
	for _, secret := range []string{"pdl-secret", "hunter-secret", "in-secret"} {
		require.NotContains(t, dump, secret)
	}
	require.False(t, strings.Contains(dump, "+1415"), "no finding left behind")

	// Metrics per provider and outcome; no secret in any log line.
	mresp, err := http.Get(worker.MetricsURL() + "/metrics")
	require.NoError(t, err)
	metrics, err := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	require.NoError(t, err)
	// Ada, Ada again once cacheFor passed, Sam and Ada after her erasure: four finds.
	require.Equal(t, 4.0, metricValue(t, string(metrics), "openresolve_provider_calls_total", `provider="pdl"`, `outcome="found"`))
	require.Equal(t, 1.0, metricValue(t, string(metrics), "openresolve_provider_calls_total", `provider="inhouse"`, `outcome="not_found"`))
	require.Greater(t, metricValue(t, string(metrics), "openresolve_provider_call_duration_seconds_count", `provider="hunter"`), 0.0)
	require.Contains(t, logs.String(), `"provider asked"`)
	for _, secret := range []string{"pdl-secret", "hunter-secret", "in-secret"} {
		require.NotContains(t, logs.String(), secret)
	}
}

// TestProviderAddressGuard: a provider is dialled through the callbacks' guard: on a loopback
// address without allowedNetworks it is never reached, and the call is an error that says why.
func TestProviderAddressGuard(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	pdl := pdlServer(t, map[string]map[string]any{"linkedin.com/in/guarded": {"linkedin_url": "linkedin.com/in/guarded",
		"mobile_phone": "+14155550143"}})
	startProviders(t, s, fmt.Sprintf(`
providers:
  - {name: pdl, preset: peopledatalabs, endpoints: [linkedin-to-phone], url: %q, apiKeyEnv: PDL_KEY}
`, pdl.URL), map[string]string{"PDL_KEY": "pdl-secret"})
	res, st := s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/guarded"})
	require.Equal(t, "not_found", res["status"])
	require.Equal(t, []string{"pdl:error"}, callsOf(st))
	require.Zero(t, pdl.total(), "never reached")
	require.Equal(t, 1, s.count(`SELECT count(*) FROM provider_calls WHERE error LIKE '%neither public nor in its allowedNetworks%'`))
}

// TestProviderBudgetCircuitAndResume: a monthly budget of 10 spent by 32 concurrent questions
// makes exactly 10 calls, the others skipped for it; a provider that keeps failing opens its
// circuit after 5 failures in a row and is skipped, then one trial call closes it; and a run
// that finds a call's outcome stored (its worker died right after the provider answered)
// answers from it without calling again.
func TestProviderBudgetCircuitAndResume(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	people := map[string]map[string]any{}
	for i := range 40 {
		slug := fmt.Sprintf("linkedin.com/in/budget-%d", i)
		people[slug] = map[string]any{"full_name": fmt.Sprintf("budget %d", i), "linkedin_url": slug,
			"mobile_phone": fmt.Sprintf("+1415555%04d", 1000+i)}
	}
	people["linkedin.com/in/limited"] = map[string]any{"full_name": "li mited", "linkedin_url": "linkedin.com/in/limited",
		"work_email": "limited@example.com"}
	people["linkedin.com/in/resumed"] = map[string]any{"full_name": "re sumed", "linkedin_url": "linkedin.com/in/resumed",
		"mobile_phone": "+14155559999"}
	pdl := pdlServer(t, people)
	flaky := pdlServer(t, people)
	// slow answers after its timeout; limited answers 429 with Retry-After once, then the person.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	var limitedCalls atomic.Int32
	limitedPDL := pdlServer(t, people)
	limited := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if limitedCalls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"status": 429, "error": {"type": "rate_limit_error"}}`))
			return
		}
		limitedPDL.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(limited.Close)

	// A resolution whose run stored the provider's answer and died (no worker runs yet).
	r := s.post("/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/resumed", "callbackUrl": rcv.URL}, nil)
	require.Equal(t, http.StatusAccepted, r.Status)
	resumed := r.json(t)["id"].(string)
	_, err := s.pool.Exec(context.Background(), `INSERT INTO provider_calls (resolution_id, provider, outcome, duration_ms, finding)
		VALUES ($1, 'pdl', 'found', 50, '{"person": {"fullName": "re sumed", "linkedinUrl": "linkedin.com/in/resumed",
		"phones": [{"number": "+14155559999", "type": "mobile"}]}}')`, resumed)
	require.NoError(t, err)

	file, _ := startProviders(t, s, fmt.Sprintf(`
providers:
  - name: flaky
    preset: peopledatalabs
    endpoints: [linkedin-to-hem]
    url: %s
    apiKeyEnv: PDL_KEY
    timeout: 2s
    allowedNetworks: [127.0.0.0/8]
  - name: pdl
    preset: peopledatalabs
    endpoints: [linkedin-to-phone]
    url: %s
    apiKeyEnv: PDL_KEY
    monthlyBudget: 10
    allowedNetworks: [127.0.0.0/8]
  - name: slow
    preset: peopledatalabs
    endpoints: [enrichment]
    url: %s
    apiKeyEnv: PDL_KEY
    timeout: 200ms
    allowedNetworks: [127.0.0.0/8]
  - name: limited
    preset: peopledatalabs
    endpoints: [enrichment]
    url: %s
    apiKeyEnv: PDL_KEY
    allowedNetworks: [127.0.0.0/8]
`, flaky.URL, pdl.URL, slow.URL, limited.URL), map[string]string{"PDL_KEY": "pdl-secret"})

	// A provider past its timeout is an error (retried, then the next is asked); one that
	// answers 429 with Retry-After is asked again after it, and finds.
	res, st := s.resolveWith(rcv, "/v1/enrichment", map[string]any{"linkedinUrl": "linkedin.com/in/limited"})
	require.Equal(t, []string{"slow:error", "limited:found"}, callsOf(st), "%v", res)
	require.Equal(t, "completed", res["status"])
	require.Equal(t, []any{"limited"}, res["sources"])
	require.Equal(t, int32(2), limitedCalls.Load())
	var slowErr string
	require.NoError(t, s.pool.QueryRow(context.Background(), `SELECT error FROM provider_calls WHERE provider = 'slow'`).Scan(&slowErr))
	require.Contains(t, slowErr, "timed out")
	require.NotContains(t, slowErr, "127.0.0.1", "no URL in the error")

	// The budget, under 32 concurrent requests.
	var wg sync.WaitGroup
	ids := make([]string, 32)
	for i := range ids {
		wg.Go(func() {
			r := s.post("/v1/linkedin-to-phone", map[string]any{"linkedinUrl": fmt.Sprintf("linkedin.com/in/budget-%d", i),
				"callbackUrl": rcv.URL}, nil)
			require.Equal(t, http.StatusAccepted, r.Status)
			ids[i] = r.json(t)["id"].(string)
		})
	}
	wg.Wait()
	rcv.WaitFor(t, 33, 30*time.Second) // and the resumed one
	completed := 0
	for _, id := range ids {
		st := s.waitCallbackState(id, "delivered", 5*time.Second)
		switch calls := callsOf(st); {
		case st["status"] == "completed":
			completed++
			require.Equal(t, []string{"pdl:found"}, calls)
		default:
			require.Equal(t, []string{"pdl:skipped:budget"}, calls)
		}
	}
	require.Equal(t, 10, completed)
	require.Equal(t, 10, pdl.total(), "exactly the budget's calls")

	// The circuit: five failures in a row open it.
	flaky.status.Store(http.StatusBadGateway)
	for i := range 5 {
		_, st := s.resolveWith(rcv, "/v1/linkedin-to-hem", map[string]any{"linkedinUrl": fmt.Sprintf("linkedin.com/in/budget-%d", 30+i)})
		require.Equal(t, []string{"flaky:error"}, callsOf(st))
	}
	before := flaky.total()
	_, st = s.resolveWith(rcv, "/v1/linkedin-to-hem", map[string]any{"linkedinUrl": "linkedin.com/in/budget-36"})
	require.Equal(t, []string{"flaky:skipped:circuit"}, callsOf(st))
	require.Equal(t, before, flaky.total(), "an open circuit is not called")
	// Its minute is up (moved here rather than waited for): one trial call, which succeeds.
	flaky.status.Store(0)
	_, err = s.pool.Exec(context.Background(), `UPDATE provider_circuits SET open_until = now() - interval '1 second'`)
	require.NoError(t, err)
	res, st = s.resolveWith(rcv, "/v1/linkedin-to-hem", map[string]any{"linkedinUrl": "linkedin.com/in/budget-37"})
	require.Equal(t, []string{"flaky:found"}, callsOf(st))
	require.Equal(t, "not_found", res["status"], "a person with no email has no hashed email")
	require.Equal(t, 0, s.count(`SELECT count(*) FROM provider_circuits
		WHERE provider = 'flaky' AND (open_until IS NOT NULL OR failures > 0)`), "the trial's success closed it")

	// Resume: the run that stored the call's outcome died before it learned it; the next run
	// goes on from the stored outcome, and the provider is not called again.
	require.Eventually(t, func() bool {
		return s.count(`SELECT count(*) FROM resolutions WHERE id = $1 AND status = 'completed'`, resumed) == 1
	}, 15*time.Second, 20*time.Millisecond)
	st = s.waitCallbackState(resumed, "delivered", 10*time.Second)
	require.Equal(t, []any{"pdl"}, st["result"].(map[string]any)["sources"])
	require.Equal(t, []string{"pdl:found"}, callsOf(st))
	require.Zero(t, pdl.called("linkedin.com/in/resumed"), "the stored outcome is used: no second call")

	// The operator's view, without the secrets in the environment.
	code, out, errOut := s.cliRunEnv(map[string]string{"PROVIDERS_FILE": file}, "providers", "status", "--json")
	require.Equal(t, 0, code, errOut)
	var status struct {
		Providers []cli.ProviderStatus `json:"providers"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &status))
	require.Len(t, status.Providers, 4)
	flakyStatus, pdlStatus := status.Providers[0], status.Providers[1]
	require.Equal(t, [4]int64{6, 1, 5, 0}, [4]int64{flakyStatus.Calls, flakyStatus.Found, flakyStatus.Errors, int64(flakyStatus.Failures)})
	require.Equal(t, "closed", flakyStatus.Circuit)
	require.Nil(t, flakyStatus.BudgetLeft)
	// Ten calls within the budget, and the one the dead run made for the resumed resolution.
	require.Equal(t, [2]int64{11, 11}, [2]int64{pdlStatus.Calls, pdlStatus.Found})
	require.Equal(t, int64(0), *pdlStatus.BudgetLeft)
	require.NotContains(t, out, "pdl-secret")
}

// TestProviderRate: ratePerSecond holds across the worker's concurrent calls: of six questions
// asked at once of a provider allowed one call a second, the others skip it for its rate.
func TestProviderRate(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	people := map[string]map[string]any{}
	for i := range 6 {
		slug := fmt.Sprintf("linkedin.com/in/rate-%d", i)
		people[slug] = map[string]any{"linkedin_url": slug, "mobile_phone": fmt.Sprintf("+1415555%04d", 2000+i)}
	}
	pdl := pdlServer(t, people)
	// The six are stored before the worker starts, so that they are asked within a second.
	ids := make([]string, 6)
	for i := range ids {
		r := s.post("/v1/linkedin-to-phone", map[string]any{"linkedinUrl": fmt.Sprintf("linkedin.com/in/rate-%d", i),
			"callbackUrl": rcv.URL}, nil)
		require.Equal(t, http.StatusAccepted, r.Status)
		ids[i] = r.json(t)["id"].(string)
	}
	startProviders(t, s, fmt.Sprintf(`
providers:
  - name: pdl
    preset: peopledatalabs
    endpoints: [linkedin-to-phone]
    url: %s
    apiKeyEnv: PDL_KEY
    ratePerSecond: 1
    allowedNetworks: [127.0.0.0/8]
`, pdl.URL), map[string]string{"PDL_KEY": "pdl-secret"})
	rcv.WaitFor(t, 6, 15*time.Second)
	skipped := 0
	for _, id := range ids {
		st := s.waitCallbackState(id, "delivered", 5*time.Second)
		if calls := callsOf(st); calls[0] == "pdl:skipped:rate" {
			skipped++
		} else {
			require.Equal(t, []string{"pdl:found"}, calls)
		}
	}
	// One call a second: six asked within a second or two make one or two calls.
	require.LessOrEqual(t, pdl.total(), 2)
	require.Equal(t, 6-pdl.total(), skipped)
}

// TestProviderErrorAnswers: over real HTTP, a key refused (401) and an answer that is not the
// documented JSON are errors asked once each, not retried, and the next provider is asked.
func TestProviderErrorAnswers(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	person := map[string]map[string]any{"linkedin.com/in/third": {"full_name": "thi rd", "linkedin_url": "linkedin.com/in/third",
		"mobile_phone": "+14155550144"}}
	refused := pdlServer(t, person) // answers 401 to a key it does not know
	var brokenCalls atomic.Int32
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		brokenCalls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status": 200, "data": {"full_name": `))
	}))
	t.Cleanup(broken.Close)
	good := pdlServer(t, person)
	startProviders(t, s, fmt.Sprintf(`
providers:
  - {name: refused, preset: peopledatalabs, endpoints: [linkedin-to-phone], url: %q, apiKeyEnv: WRONG_KEY, allowedNetworks: [127.0.0.0/8]}
  - {name: broken, preset: peopledatalabs, endpoints: [linkedin-to-phone], url: %q, apiKeyEnv: PDL_KEY, allowedNetworks: [127.0.0.0/8]}
  - {name: pdl, preset: peopledatalabs, endpoints: [linkedin-to-phone], url: %q, apiKeyEnv: PDL_KEY, allowedNetworks: [127.0.0.0/8]}
`, refused.URL, broken.URL, good.URL), map[string]string{"PDL_KEY": "pdl-secret", "WRONG_KEY": "expired"})
	res, st := s.resolveWith(rcv, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/third"})
	require.Equal(t, "completed", res["status"])
	require.Equal(t, []any{"pdl"}, res["sources"])
	require.Equal(t, []string{"refused:error", "broken:error", "pdl:found"}, callsOf(st))
	require.Equal(t, int32(1), brokenCalls.Load(), "a malformed answer is not asked again")
	var errs []string
	rows, err := s.pool.Query(context.Background(), `SELECT error FROM provider_calls WHERE outcome = 'error' ORDER BY provider DESC`)
	require.NoError(t, err)
	for rows.Next() {
		var e string
		require.NoError(t, rows.Scan(&e))
		errs = append(errs, e)
	}
	require.NoError(t, rows.Err())
	require.Len(t, errs, 2)
	require.Contains(t, errs[0], "HTTP 401")
	require.Contains(t, errs[1], "not the documented JSON")
}
