package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/tools/pgtest"
)

// TestErrorTable sends one request for every row of the contract's error table that a single
// API process can produce on demand, and checks that none of them stored anything.
func TestErrorTable(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	valid := `{"email":"a@b.co","callbackUrl":"https://client.example.com/cb"}`
	long := func(n int) string { return strings.Repeat("a", n) }

	cases := []struct {
		name    string
		method  string
		path    string
		body    string
		headers map[string]string
		status  int
		code    string
		field   string
	}{
		{name: "not JSON", body: `email=a@b.co`, status: 400, code: "invalid_json"},
		{name: "JSON array", body: `[1,2]`, status: 400, code: "invalid_json"},
		{name: "JSON null", body: `null`, status: 400, code: "invalid_json"},
		{name: "JSON string", body: `"x"`, status: 400, code: "invalid_json"},
		{name: "empty body", body: ``, status: 400, code: "invalid_json"},
		{name: "trailing data", body: valid + `{}`, status: 400, code: "invalid_json"},
		{name: "truncated", body: `{"email":"a@b.co"`, status: 400, code: "invalid_json"},
		{name: "invalid UTF-8", body: "{\"email\":\"a\xff@b.co\",\"callbackUrl\":\"https://c.example.com/\"}", status: 400, code: "invalid_json"},
		{name: "duplicate member", body: `{"email":"a@b.co","email":"c@d.co","callbackUrl":"https://c.example.com/"}`, status: 400, code: "invalid_json"},
		{name: "deeply nested", body: `{"x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, status: 400, code: "invalid_json"},

		{name: "no key", body: valid, headers: map[string]string{"x-api-key": ""}, status: 401, code: "unauthorized"},
		{name: "unknown key", body: valid, headers: map[string]string{"x-api-key": "ork_nope"}, status: 401, code: "unauthorized"},
		{name: "basic auth", body: valid, headers: map[string]string{"x-api-key": "", "Authorization": "Basic Zm9vOmJhcg=="}, status: 401, code: "unauthorized"},
		{name: "status without key", method: "GET", path: "/v1/resolutions/res_x", headers: map[string]string{"x-api-key": ""}, status: 401, code: "unauthorized"},

		{name: "unknown route", path: "/v1/nope", body: valid, status: 404, code: "not_found"},
		{name: "unknown resolution", method: "GET", path: "/v1/resolutions/res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C", status: 404, code: "not_found"},
		{name: "root", method: "GET", path: "/", status: 404, code: "not_found"},

		{name: "body over 64 KiB", body: `{"email":"a@b.co","callbackUrl":"https://c.example.com/","pad":"` + long(64<<10) + `"}`, status: 413, code: "payload_too_large"},

		{name: "text/plain", body: valid, headers: map[string]string{"Content-Type": "text/plain"}, status: 415, code: "unsupported_media_type"},
		{name: "no content type", body: valid, headers: map[string]string{"Content-Type": ""}, status: 415, code: "unsupported_media_type"},
		{name: "form", body: valid, headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 415, code: "unsupported_media_type"},

		{name: "email missing", body: `{"callbackUrl":"https://c.example.com/"}`, status: 422, code: "validation_failed", field: "email"},
		{name: "email blank", body: `{"email":"  ","callbackUrl":"https://c.example.com/"}`, status: 422, code: "validation_failed", field: "email"},
		{name: "email invalid", body: `{"email":"not-an-email","callbackUrl":"https://c.example.com/"}`, status: 422, code: "validation_failed", field: "email"},
		{name: "email wrong type", body: `{"email":42,"callbackUrl":"https://c.example.com/"}`, status: 422, code: "validation_failed", field: "email"},
		{name: "email huge number", body: `{"email":1e999999,"callbackUrl":"https://c.example.com/"}`, status: 422, code: "validation_failed", field: "email"},
		{name: "callbackUrl missing", body: `{"email":"a@b.co"}`, status: 422, code: "validation_failed", field: "callbackUrl"},
		{name: "callback_url wrong type", body: `{"email":"a@b.co","callback_url":["x"]}`, status: 422, code: "validation_failed", field: "callback_url"},
		{name: "callbackUrl ftp", body: `{"email":"a@b.co","callbackUrl":"ftp://c.example.com/"}`, status: 422, code: "validation_failed", field: "callbackUrl"},
		{name: "callbackUrl relative", body: `{"email":"a@b.co","callbackUrl":"/cb"}`, status: 422, code: "validation_failed", field: "callbackUrl"},
		{name: "callbackUrl no host", body: `{"email":"a@b.co","callbackUrl":"https:///cb"}`, status: 422, code: "validation_failed", field: "callbackUrl"},
		{name: "callbackUrl userinfo", body: `{"email":"a@b.co","callbackUrl":"https://u:p@c.example.com/"}`, status: 422, code: "validation_failed", field: "callbackUrl"},
		{name: "callbackUrl bad port", body: `{"email":"a@b.co","callbackUrl":"https://c.example.com:99999/"}`, status: 422, code: "validation_failed", field: "callbackUrl"},
		{name: "callbackUrl too long", body: `{"email":"a@b.co","callbackUrl":"https://c.example.com/` + long(2048) + `"}`, status: 422, code: "validation_failed", field: "callbackUrl"},
		{name: "externalId too long", body: `{"email":"a@b.co","callbackUrl":"https://c.example.com/","externalId":"` + long(257) + `"}`, status: 422, code: "validation_failed", field: "externalId"},
		{name: "externalId number", body: `{"email":"a@b.co","callbackUrl":"https://c.example.com/","externalId":7}`, status: 422, code: "validation_failed", field: "externalId"},
		{name: "Idempotency-Key too long", body: valid, headers: map[string]string{"Idempotency-Key": long(256)}, status: 422, code: "validation_failed", field: "Idempotency-Key"},
		{name: "callbackUrl private", body: `{"email":"a@b.co","callbackUrl":"http://192.168.1.10/cb"}`, status: 422, code: "callback_url_forbidden", field: "callbackUrl"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method, path := tc.method, tc.path
			if method == "" {
				method = http.MethodPost
			}
			if path == "" {
				path = "/v1/email-to-hem"
			}
			r := s.do(method, path, []byte(tc.body), tc.headers)
			require.Equal(t, tc.status, r.Status, "body: %s", r.Body)
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
			m := r.json(t)
			e := m["error"].(map[string]any)
			require.Equal(t, tc.code, e["code"])
			require.NotEmpty(t, e["message"])
			if tc.field != "" {
				require.Equal(t, tc.field, e["field"])
			} else {
				require.NotContains(t, e, "field")
			}
		})
	}
	require.Equal(t, 0, s.count(`SELECT count(*) FROM resolutions`))
	require.Equal(t, 0, s.count(`SELECT count(*) FROM river_job`))
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true, rateLimit: 1}) // 1/s, bursts of 2
	body := map[string]any{"email": "a@b.co", "callbackUrl": "https://c.example.com/"}
	require.Equal(t, http.StatusAccepted, s.post("/v1/email-to-hem", body, nil).Status)
	require.Equal(t, http.StatusAccepted, s.post("/v1/email-to-hem", body, nil).Status)
	r := s.post("/v1/email-to-hem", body, nil)
	require.Equal(t, http.StatusTooManyRequests, r.Status)
	require.Equal(t, "rate_limited", r.errorCode(t))
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, secs, 1)

	// Another key has its own bucket.
	other := s.newKey("other")
	require.Equal(t, http.StatusAccepted, s.post("/v1/email-to-hem", body, map[string]string{"x-api-key": other.Key}).Status)
	require.Equal(t, 3, s.count(`SELECT count(*) FROM resolutions`))
}

// TestDatabaseOutage cuts the API off its database through a proxy: requests must get a 503
// within the database budget, store nothing, and succeed again once the database is back,
// without restarting anything.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	var proxy *pgtest.Proxy
	s := newStack(t, stackOpts{noWorker: true, apiDatabaseURL: func(u string) string {
		var proxied string
		proxy, proxied = pgtest.NewProxy(t, u)
		return proxied
	}})
	body := map[string]any{"email": "a@b.co", "callbackUrl": "https://c.example.com/"}
	require.Equal(t, http.StatusAccepted, s.post("/v1/email-to-hem", body, nil).Status)

	for _, mode := range []struct {
		name string
		mode pgtest.ProxyMode
	}{{"refused", pgtest.Refuse}, {"hanging", pgtest.Blackhole}} {
		t.Run(mode.name, func(t *testing.T) {
			proxy.SetMode(mode.mode)
			start := time.Now()
			r := s.post("/v1/email-to-hem", body, nil)
			require.Equal(t, http.StatusServiceUnavailable, r.Status, "body: %s", r.Body)
			require.Equal(t, "unavailable", r.errorCode(t))
			require.Less(t, time.Since(start), 5*time.Second, "a 503 must come within the database budget")
			r = s.do(http.MethodGet, "/readyz", nil, nil)
			require.Equal(t, http.StatusServiceUnavailable, r.Status)
			require.Equal(t, http.StatusOK, s.do(http.MethodGet, "/healthz", nil, nil).Status)
			// Metrics still answer, saying the job count is missing and what the API refused.
			m := s.do(http.MethodGet, "/metrics", nil, nil)
			require.Equal(t, http.StatusOK, m.Status)
			require.Equal(t, 0.0, metricValue(t, string(m.Body), "openresolve_jobs_counted"))
			require.GreaterOrEqual(t, metricValue(t, string(m.Body), "openresolve_http_requests_total",
				`route="/v1/email-to-hem"`, `code="503"`), 1.0)
		})
	}
	require.Equal(t, 1, s.count(`SELECT count(*) FROM resolutions`), "nothing is stored during the outage")

	proxy.SetMode(pgtest.Forward)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := s.post("/v1/email-to-hem", body, nil)
		if r.Status == http.StatusAccepted {
			break
		}
		require.Equal(t, http.StatusServiceUnavailable, r.Status)
		require.True(t, time.Now().Before(deadline), "the API did not recover")
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, http.StatusOK, s.do(http.MethodGet, "/readyz", nil, nil).Status)
	require.Equal(t, 2, s.count(`SELECT count(*) FROM resolutions`))
	require.Equal(t, 2, s.count(`SELECT count(*) FROM river_job WHERE kind = 'resolve'`))
}
