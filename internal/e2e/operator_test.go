package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/cli"
	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

func TestLeadStyle(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	rcv := testkit.NewReceiver(t)

	r := s.post("/lead/resolution/email_to_hem", map[string]any{
		"email": "Jane.Doe@Example.com", "callback_url": rcv.URL + "/lead", "external_id": "row-9",
	}, nil)
	require.Equal(t, http.StatusAccepted, r.Status, "body: %s", r.Body)
	var ans struct {
		Success    bool   `json:"success"`
		Message    string `json:"message"`
		Resolution struct {
			ID          string `json:"id"`
			Status      string `json:"status"`
			RequestedAt string `json:"requested_at"`
			CallbackURL string `json:"callback_url"`
		} `json:"resolution"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &ans))
	require.True(t, ans.Success)
	require.Equal(t, "The resolution has started. We will send the result to the callback URL you provided on completion.", ans.Message)
	require.Regexp(t, `^res_[0-9A-Z]{26}$`, ans.Resolution.ID)
	require.Equal(t, "processing", ans.Resolution.Status)
	require.Equal(t, rcv.URL+"/lead", ans.Resolution.CallbackURL)
	require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, ans.Resolution.RequestedAt)

	// The same job and the same callback as the /v1 style.
	d := rcv.WaitFor(t, 1, 10*time.Second)[0]
	var body map[string]any
	require.NoError(t, json.Unmarshal(d.Body, &body))
	require.Equal(t, ans.Resolution.ID, body["id"])
	require.Equal(t, "completed", body["status"])
	require.Equal(t, "row-9", body["externalId"])
	require.Equal(t, "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d", body["sha256"])
	require.Equal(t, "email-to-hem", s.status(ans.Resolution.ID)["endpoint"])

	// Every operation has its slug; a bad request is refused with the contract's error, and
	// the convention's success flag.
	for _, slug := range []string{"enrichment", "deanonymization", "linkedin_to_phone", "linkedin_to_hem",
		"email_to_hem", "ip_to_company", "organization_domain_finder", "keyword_to_lead"} {
		r := s.post("/lead/resolution/"+slug, map[string]any{"callback_url": rcv.URL}, nil)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s: %s", slug, r.Body)
		m := r.json(t)
		require.Equal(t, false, m["success"], slug)
		require.Equal(t, "validation_failed", r.errorCode(t), slug)
		require.NotEmpty(t, m["message"], slug)
	}
	require.Equal(t, http.StatusNotFound, s.post("/lead/resolution/email-to-hem", map[string]any{}, nil).Status)
	require.Equal(t, http.StatusUnauthorized, s.post("/lead/resolution/email_to_hem",
		map[string]any{"email": "a@b.co", "callback_url": rcv.URL}, map[string]string{"x-api-key": "nope"}).Status)
	require.Equal(t, 1, s.count(`SELECT count(*) FROM resolutions`))
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	worker := startWorker(t, s, func(c *config.Config) { c.WorkerMetricsAddr = "127.0.0.1:0" })
	rcv := testkit.NewReceiver(t)
	id := s.accept(rcv.URL, nil)
	s.waitCallbackState(id, "delivered", 10*time.Second)
	require.Equal(t, http.StatusUnprocessableEntity, s.post("/v1/email-to-hem", map[string]any{"email": "x"}, nil).Status)

	// The API's metrics, as Prometheus scrapes them (no API key needed), once River has
	// marked the callback job completed (just after the delivery was recorded).
	s.waitCallbackJobCompleted()
	r := s.do(http.MethodGet, "/metrics", nil, map[string]string{"x-api-key": ""})
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, r.Header.Get("Content-Type"), "text/plain")
	api := string(r.Body)
	require.Equal(t, 1.0, metricValue(t, api, "openresolve_http_requests_total", `route="/v1/email-to-hem"`, `method="POST"`, `code="202"`))
	require.Equal(t, 1.0, metricValue(t, api, "openresolve_http_requests_total", `route="/v1/email-to-hem"`, `code="422"`))
	require.Equal(t, 1.0, metricValue(t, api, "openresolve_accept_duration_seconds_count", `endpoint="email-to-hem"`, `code="202"`))
	// What usage counts: accepted by the API, the outcome by the worker (below).
	require.Equal(t, 1.0, metricValue(t, api, "openresolve_accepted_total", `endpoint="email-to-hem"`))
	// Jobs are counted while they are live; finished ones are what River keeps, not counted.
	require.NotContains(t, api, `state="completed"`)
	require.Equal(t, 1.0, metricValue(t, api, "openresolve_jobs_counted"))
	require.Contains(t, api, "go_goroutines ")

	// The worker serves its own at WORKER_METRICS_ADDR, with /healthz: a running worker is
	// healthy; one that stopped is not.
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		require.NoError(t, err)
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.String()
	}
	code, health := get(worker.MetricsURL() + "/healthz")
	require.Equal(t, http.StatusOK, code)
	require.JSONEq(t, `{"status":"ok"}`, health)
	stopped := startWorker(t, s, nil)
	require.NoError(t, stopped.Stop(context.Background()))
	require.Error(t, stopped.Healthy())
	code, w := get(worker.MetricsURL() + "/metrics")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, 1.0, metricValue(t, w, "openresolve_resolutions_total", `endpoint="email-to-hem"`, `outcome="completed"`))
	require.Equal(t, 1.0, metricValue(t, w, "openresolve_resolve_duration_seconds_count", `endpoint="email-to-hem"`))
	require.Equal(t, 1.0, metricValue(t, w, "openresolve_callback_attempts_total", `outcome="delivered"`))
	require.Equal(t, 1.0, metricValue(t, w, "openresolve_delivery_latency_seconds_count"))
	require.Greater(t, metricValue(t, w, "openresolve_delivery_latency_seconds_sum"), 0.0)
	// No label carries anything a client sent.
	require.NotContains(t, api+w, "jane")
	require.NotContains(t, api+w, "127.0.0.1")
}

// TestBacklogMetric: the age of the oldest job ready to run, per queue, shows a backlog no
// worker takes, and falls to zero once one does.
func TestBacklogMetric(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	id := s.accept(rcv.URL, nil)
	scrape := func() string {
		r := s.do(http.MethodGet, "/metrics", nil, map[string]string{"x-api-key": ""})
		require.Equal(t, http.StatusOK, r.Status)
		return string(r.Body)
	}
	time.Sleep(1200 * time.Millisecond)
	m := scrape()
	require.GreaterOrEqual(t, metricValue(t, m, "openresolve_queue_backlog_age_seconds", `queue="resolve"`), 1.0)
	require.Equal(t, 0.0, metricValue(t, m, "openresolve_queue_backlog_age_seconds", `queue="callback"`))

	startWorker(t, s, nil)
	s.waitCallbackState(id, "delivered", 10*time.Second)
	m = scrape()
	require.Equal(t, 0.0, metricValue(t, m, "openresolve_queue_backlog_age_seconds", `queue="resolve"`))
	require.Equal(t, 0.0, metricValue(t, m, "openresolve_queue_backlog_age_seconds", `queue="callback"`))
}

// metricValue finds the sample of name whose labels include every one of labels in a
// Prometheus text exposition, failing the test when there is none or more than one.
func metricValue(t *testing.T, exposition, name string, labels ...string) float64 {
	t.Helper()
	line := regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$`)
	var found []float64
	sc := bufio.NewScanner(strings.NewReader(exposition))
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil || m[1] != name {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(m[2], l)
		}
		if ok {
			v, err := strconv.ParseFloat(m[3], 64)
			require.NoError(t, err)
			found = append(found, v)
		}
	}
	require.Len(t, found, 1, "samples of %s%v in:\n%s", name, labels, exposition)
	return found[0]
}

func TestRiverUI(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{riverUI: [2]string{"operator", "s3cret"}})
	rcv := testkit.NewReceiver(t)
	id := s.accept(rcv.URL, nil)
	s.waitCallbackState(id, "delivered", 10*time.Second)
	s.waitCallbackJobCompleted()

	get := func(path, user, password string) *http.Response {
		req, err := http.NewRequest(http.MethodGet, s.apiURL+path, nil)
		require.NoError(t, err)
		if user != "" {
			req.SetBasicAuth(user, password)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for _, creds := range [][2]string{{"", ""}, {"operator", "wrong"}, {"someone", "s3cret"}} {
		resp := get("/riverui/", creds[0], creds[1])
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, creds)
		require.Contains(t, strings.ToLower(resp.Header.Get("WWW-Authenticate")), "basic realm=")
	}
	// An API key opens nothing here.
	require.Equal(t, http.StatusUnauthorized, s.do(http.MethodGet, "/riverui/", nil, nil).Status)

	resp := get("/riverui/", "operator", "s3cret")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Type"), "text/html")

	resp = get("/riverui/api/jobs?state=completed&limit=20", "operator", "s3cret")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var jobs struct {
		Data []struct {
			Kind  string `json:"kind"`
			Queue string `json:"queue"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&jobs))
	kinds := map[string]string{}
	for _, j := range jobs.Data {
		kinds[j.Kind] = j.Queue
	}
	require.Equal(t, "resolve", kinds["resolve"], "jobs: %+v", jobs.Data)
	require.Equal(t, "callback", kinds["callback"], "jobs: %+v", jobs.Data)
}

func TestRiverUIOffByDefault(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	r := s.do(http.MethodGet, "/riverui/", nil, nil)
	require.Equal(t, http.StatusNotFound, r.Status)
}

// waitCallbackJobCompleted waits for River to mark the stack's one callback job completed,
// which happens just after the delivery was recorded.
func (s *stack) waitCallbackJobCompleted() {
	s.t.Helper()
	require.Eventually(s.t, func() bool {
		return s.count(`SELECT count(*) FROM river_job WHERE kind = 'callback' AND state = 'completed'`) == 1
	}, 5*time.Second, 10*time.Millisecond)
}

// cliRun runs the operator CLI against the stack's database.
func (s *stack) cliRun(args ...string) (int, string, string) {
	s.t.Helper()
	return s.cliRunEnv(nil, args...)
}

// cliRunEnv runs the operator command with env besides the stack's DATABASE_URL.
func (s *stack) cliRunEnv(env map[string]string, args ...string) (int, string, string) {
	s.t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return s.dbURL
		}
		return env[k]
	}})
	return code, stdout.String(), stderr.String()
}

func TestOperatorViewsAndReplayByStatus(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{schedule: []time.Duration{20 * time.Millisecond}})
	down := testkit.NewReceiver(t)
	down.Respond = func(n int, _ http.ResponseWriter) int {
		if n <= 2 {
			return http.StatusBadGateway
		}
		return http.StatusOK
	}
	up := testkit.NewReceiver(t)
	failedID := s.accept(down.URL+"/hook?token=secret-token", map[string]any{"externalId": "row-1"})
	okID := s.accept(up.URL, nil)
	s.waitCallbackState(failedID, "failed", 10*time.Second)
	s.waitCallbackState(okID, "delivered", 10*time.Second)

	// resolution_overview answers an operator's questions without joins.
	var endpoint, status, cbStatus, host, keyName string
	var attempts, lastCode int
	var lastErr *string
	var age time.Duration
	require.NoError(t, s.pool.QueryRow(context.Background(), `
		SELECT endpoint, status, callback_status, attempts, last_status_code, last_error, callback_host, api_key_name, age
		FROM resolution_overview WHERE id = $1`, failedID).
		Scan(&endpoint, &status, &cbStatus, &attempts, &lastCode, &lastErr, &host, &keyName, &age))
	require.Equal(t, []any{"email-to-hem", "completed", "failed", 2, 502, "test"},
		[]any{endpoint, status, cbStatus, attempts, lastCode, keyName})
	require.Equal(t, strings.TrimPrefix(down.URL, "http://"), host, "the host only: the path's token stays out")
	require.NotNil(t, lastErr)
	require.Greater(t, age, time.Duration(0))

	// The README's queries run as written.
	require.Equal(t, 1, s.count(`SELECT count(*) FROM resolution_overview
		WHERE callback_status = 'failed' AND last_attempt_at > now() - interval '1 hour'`))
	require.Equal(t, 1, s.count(`SELECT count(*) FROM (
		SELECT callback_host, count(*) AS attempts,
		       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95_ms,
		       avg((NOT delivered)::int) AS failure_rate
		FROM callback_attempt_overview
		WHERE started_at > now() - interval '1 hour'
		GROUP BY callback_host HAVING count(*) = 2) x`))
	require.Equal(t, 3, s.count(`SELECT count(*) FROM callback_attempt_overview`))

	// Replay every callback that failed in the last hour.
	code, out, errOut := s.cliRun("callbacks", "replay", "--status", "failed", "--since", "1h")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "callback of "+failedID+" queued")
	require.Contains(t, out, "1 callbacks queued (failed within 1h0m0s)")
	s.waitCallbackState(failedID, "delivered", 10*time.Second)
	require.Len(t, down.Deliveries(), 3)
	require.Len(t, up.Deliveries(), 1, "the delivered callback was not replayed")

	code, out, _ = s.cliRun("callbacks", "replay", "--status", "failed", "--since", "1h")
	require.Equal(t, 0, code)
	require.Contains(t, out, "0 callbacks queued")
	code, _, errOut = s.cliRun("callbacks", "replay", "--status", "failed")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "--since")

	// keys list shows when each key was last used.
	unused := s.newKey("unused")
	code, out, errOut = s.cliRun("keys", "list")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "LAST USED")
	var testLine, unusedLine string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.Contains(l, s.key.ID):
			testLine = l
		case strings.Contains(l, unused.ID):
			unusedLine = l
		}
	}
	require.Regexp(t, `\s`+time.Now().UTC().Format("2006-01-02")+`T\S+Z\s+-$`, testLine)
	require.Regexp(t, `Z\s+-\s+-$`, unusedLine)
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	logs := &testkit.SyncBuffer{}
	s := newStack(t, stackOpts{noWorker: true, logs: logs})
	rcv := testkit.NewReceiver(t)
	body := map[string]any{"email": "a@b.co", "callbackUrl": rcv.URL}

	// A caller's plain token is kept, so a client or proxy can follow its request.
	r := s.post("/v1/email-to-hem", body, map[string]string{"X-Request-ID": "trace-42-abcdef"})
	require.Equal(t, http.StatusAccepted, r.Status)
	require.Equal(t, "trace-42-abcdef", r.Header.Get("X-Request-ID"))
	// Anything else is replaced: it would go into the logs.
	r = s.post("/v1/email-to-hem", body, map[string]string{"X-Request-ID": "jane.doe@example.com"})
	require.Equal(t, http.StatusAccepted, r.Status)
	generated := r.Header.Get("X-Request-ID")
	require.Regexp(t, `^req_[0-9A-Z]{26}$`, generated)

	require.Eventually(t, func() bool { return strings.Contains(logs.String(), generated) }, 2*time.Second, 10*time.Millisecond)
	require.Contains(t, logs.String(), `"request_id":"trace-42-abcdef"`)
	require.NotContains(t, logs.String(), "jane.doe@example.com")
}
