package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/client"
	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/tools/testkit"
	"github.com/openresolve/openresolve/internal/usage"
)

// keyHeader sends a request with another key than the stack's.
func keyHeader(k apikey.Created) map[string]string { return map[string]string{"x-api-key": k.Key} }

// waitFinished waits until none of key's resolutions is processing.
func (s *stack) waitFinished(keyID string, timeout time.Duration) {
	s.t.Helper()
	require.Eventually(s.t, func() bool {
		return s.count(`SELECT count(*) FROM resolutions WHERE api_key_id = $1 AND status = 'processing'`, keyID) == 0
	}, timeout, 20*time.Millisecond)
}

// TestUsage: what a key used is counted exactly, by day, endpoint and outcome: a batch's items
// one by one, and an Idempotency-Key repeat, a refused request and another key's requests not
// at all. GET /v1/usage (checked against the OpenAPI document), the Go client and
// `openresolve usage --json` say the same.
func TestUsage(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	testkit.LoadGraph(t, s.pool, testkit.FixtureGraph)
	rcv := testkit.NewReceiver(t)
	_, check := openAPIChecker(t, s)
	cb := rcv.URL + "/cb"

	// Nothing used yet: the current month, all zero.
	r := check(http.MethodGet, "/v1/usage", nil, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var empty usage.Report
	require.NoError(t, json.Unmarshal(r.Body, &empty))
	now := time.Now().UTC()
	require.Equal(t, usage.Month(now).Format(time.DateOnly), empty.From)
	require.Equal(t, usage.NextMonth(now).AddDate(0, 0, -1).Format(time.DateOnly), empty.To)
	require.Equal(t, usage.Counts{}, empty.Totals)
	require.Empty(t, empty.Days)
	require.Nil(t, empty.Quota)

	for i := range 3 {
		require.Equal(t, http.StatusAccepted, check(http.MethodPost, "/v1/email-to-hem",
			map[string]any{"email": fmt.Sprintf("u%d@example.com", i), "callbackUrl": cb}, nil).Status)
	}
	// A repeat of the last with its Idempotency-Key counts nothing more.
	idem := map[string]string{"Idempotency-Key": "usage-1"}
	for range 2 {
		require.Equal(t, http.StatusAccepted, check(http.MethodPost, "/v1/linkedin-to-phone",
			map[string]any{"linkedinUrl": "https://www.linkedin.com/in/janedoe", "callbackUrl": cb}, idem).Status)
	}
	require.Equal(t, http.StatusAccepted, check(http.MethodPost, "/v1/linkedin-to-phone",
		map[string]any{"linkedinUrl": "https://www.linkedin.com/in/nobody-at-all", "callbackUrl": cb}, nil).Status)
	// A batch counts its items: one found, two not.
	require.Equal(t, http.StatusAccepted, check(http.MethodPost, "/v1/ip-to-company/bulk", map[string]any{"callbackUrl": cb,
		"items": []any{map[string]any{"ip": "64.207.100.200"}, map[string]any{"ip": "9.9.9.9"}, map[string]any{"ip": "9.9.9.10"}}}, nil).Status)
	// Refused requests count nothing.
	require.Equal(t, http.StatusUnprocessableEntity, check(http.MethodPost, "/v1/email-to-hem",
		map[string]any{"email": "nope", "callbackUrl": cb}, nil).Status)
	// Nor does another key's use.
	other := s.newKey("other")
	require.Equal(t, http.StatusAccepted, s.post("/v1/email-to-hem", map[string]any{"email": "o@example.com", "callbackUrl": cb},
		keyHeader(other)).Status)

	rcv.WaitFor(t, 6, 20*time.Second)
	s.waitFinished(s.key.ID, 10*time.Second)

	today := now.Format(time.DateOnly)
	want := usage.Report{From: empty.From, To: empty.To, Totals: usage.Counts{Accepted: 8, Completed: 5, NotFound: 3},
		Days: []usage.Day{
			{Date: today, Endpoint: "email-to-hem", Counts: usage.Counts{Accepted: 3, Completed: 3}},
			{Date: today, Endpoint: "ip-to-company", Counts: usage.Counts{Accepted: 3, Completed: 1, NotFound: 2}},
			{Date: today, Endpoint: "linkedin-to-phone", Counts: usage.Counts{Accepted: 2, Completed: 1, NotFound: 1}},
		}}
	r = check(http.MethodGet, "/v1/usage", nil, nil)
	var got usage.Report
	require.NoError(t, json.Unmarshal(r.Body, &got))
	require.Equal(t, want, got)

	// The Go client reads the same.
	c := client.New(s.apiURL, s.key.Key)
	cu, err := c.Usage(context.Background(), "", "")
	require.NoError(t, err)
	require.EqualValues(t, 8, cu.Totals.Accepted)
	require.EqualValues(t, 3, cu.Totals.NotFound)
	require.Len(t, cu.Days, 3)

	// A range of other days holds nothing; a bad range is the contract's 422.
	r = check(http.MethodGet, "/v1/usage?from=2020-01-01&to=2020-01-31", nil, nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.NoError(t, json.Unmarshal(r.Body, &got))
	require.Equal(t, usage.Counts{}, got.Totals)
	for _, q := range []string{"from=2026-13-01", "from=2026-12-31&to=2026-12-01", "from=2020-01-01&to=2026-01-01", "to=yesterday"} {
		r = check(http.MethodGet, "/v1/usage?"+q, nil, nil)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, q)
		require.Equal(t, "validation_failed", r.errorCode(t), q)
	}

	// The operator's view: every key, and one.
	code, out, errOut := s.cliRun("usage", "--json")
	require.Equal(t, 0, code, errOut)
	var all struct {
		Keys []usage.KeyReport `json:"keys"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &all))
	require.Len(t, all.Keys, 2)
	require.Equal(t, s.key.ID, all.Keys[0].ID)
	require.Equal(t, want.Totals, all.Keys[0].Totals)
	require.Equal(t, want.Days, all.Keys[0].Days)
	require.Equal(t, usage.Counts{Accepted: 1, Completed: 1}, all.Keys[1].Totals)
	code, out, errOut = s.cliRun("usage", "--key", other.ID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, other.ID)
	require.Contains(t, out, "email-to-hem")
	code, _, errOut = s.cliRun("usage", "--key", "key_nope")
	require.NotEqual(t, 0, code)
	require.Contains(t, errOut, "no key")

	// SQL users read the same in usage_overview, and the README's query runs as written.
	require.Equal(t, 3, s.count(`SELECT sum(not_found) FROM usage_overview WHERE api_key_id = $1`, s.key.ID))
	require.Equal(t, 0, s.count(`SELECT sum(processing) FROM usage_overview`))
	require.Equal(t, 0, s.count(`SELECT count(*) FROM (
		SELECT api_key_name, endpoint, sum(completed) AS found, sum(not_found) AS not_found
		FROM usage_overview
		WHERE day >= date_trunc('month', now() - interval '1 month') AND day < date_trunc('month', now())
		GROUP BY 1, 2 ORDER BY 1, 2) bill`), "nothing was used last month")

	// Figures past USAGE_RETENTION go, the rest stays, whatever became of the resolutions.
	_, err = s.pool.Exec(context.Background(), `INSERT INTO usage_days (api_key_id, day, endpoint, side, accepted)
		VALUES ($1, (now() AT TIME ZONE 'UTC')::date - 401, 'enrichment', 'accept', 7),
		       ($1, (now() AT TIME ZONE 'UTC')::date - 399, 'enrichment', 'accept', 5)`, s.key.ID)
	require.NoError(t, err)
	_, err = s.pool.Exec(context.Background(), `INSERT INTO usage_months (api_key_id, month, side, accepted)
		VALUES ($1, date_trunc('month', (now() AT TIME ZONE 'UTC')::date - 500)::date, 'accept', 7)`, s.key.ID)
	require.NoError(t, err)
	_, err = s.pool.Exec(context.Background(), `DELETE FROM resolutions`)
	require.NoError(t, err)
	_, err = usage.Purge(context.Background(), s.pool, config.MinUsageRetention, time.Now())
	require.NoError(t, err)
	require.Equal(t, 5, s.count(`SELECT sum(accepted) FROM usage_days WHERE day < (now() AT TIME ZONE 'UTC')::date - 300`))
	require.Equal(t, 0, s.count(`SELECT count(*) FROM usage_months WHERE month < (now() AT TIME ZONE 'UTC')::date - 450`))
	require.Equal(t, 8, s.count(`SELECT sum(accepted) FROM usage_days WHERE api_key_id = $1 AND day = (now() AT TIME ZONE 'UTC')::date`, s.key.ID))
}

// TestQuotaUnderConcurrency: a key with a quota of 1,000 and 64 clients offering 5,000
// requests that all find something gets exactly 1,000 accepted and completed; every other
// answer is 429 quota_exceeded with Retry-After and the quota headers, and stores nothing.
func TestQuotaUnderConcurrency(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	rcv := testkit.NewReceiver(t)
	limit := int64(1000)
	k, err := apikey.CreateWithQuota(context.Background(), s.pool, "quota", &limit)
	require.NoError(t, err)

	var next atomic.Int64
	var accepted, refused atomic.Int64
	var mu sync.Mutex
	other := map[string]int{}
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > 5000 {
					return
				}
				r := s.post("/v1/email-to-hem", map[string]any{"email": fmt.Sprintf("q%d@example.com", i), "callbackUrl": rcv.URL},
					keyHeader(k))
				require.Equal(t, "1000", r.Header.Get("X-Quota-Limit"))
				remaining, err := strconv.Atoi(r.Header.Get("X-Quota-Remaining"))
				require.NoError(t, err)
				require.True(t, remaining >= 0 && remaining < 1000)
				switch {
				case r.Status == http.StatusAccepted:
					accepted.Add(1)
				case r.Status == http.StatusTooManyRequests && r.errorCode(t) == "quota_exceeded":
					refused.Add(1)
					require.Equal(t, 0, remaining)
					ra, err := strconv.Atoi(r.Header.Get("Retry-After"))
					require.NoError(t, err)
					require.InDelta(t, time.Until(usage.NextMonth(time.Now())).Seconds(), ra, 5)
				default:
					mu.Lock()
					other[strconv.Itoa(r.Status)+" "+string(r.Body)]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	require.Empty(t, other)
	require.EqualValues(t, 1000, accepted.Load())
	require.EqualValues(t, 4000, refused.Load())
	require.Equal(t, 1000, s.count(`SELECT count(*) FROM resolutions WHERE api_key_id = $1`, k.ID), "nothing refused was stored")

	rcv.WaitFor(t, 1000, 60*time.Second)
	s.waitFinished(k.ID, 10*time.Second)
	require.Equal(t, 1000, s.count(`SELECT count(*) FROM resolutions WHERE api_key_id = $1 AND status = 'completed'`, k.ID))
	u, err := client.New(s.apiURL, k.Key).Usage(context.Background(), "", "")
	require.NoError(t, err)
	require.Equal(t, client.Quota{Period: "month", Counts: "completed", Limit: 1000, Used: 1000, Reserved: 0, Remaining: 0,
		ResetsAt: usage.NextMonth(time.Now()).Format(time.RFC3339)}, *u.Quota)
	require.EqualValues(t, 1000, u.Totals.Completed)

	// A batch is all or nothing: raising the quota by 5 lets a batch of 5 in, not one of 6.
	code, _, errOut := s.cliRun("keys", "quota", k.ID, "1005")
	require.Equal(t, 0, code, errOut)
	items := func(n int) map[string]any {
		var it []any
		for i := range n {
			it = append(it, map[string]any{"email": fmt.Sprintf("b%d@example.com", i)})
		}
		return map[string]any{"callbackUrl": rcv.URL, "items": it}
	}
	r := s.post("/v1/email-to-hem/bulk", items(6), keyHeader(k))
	require.Equal(t, http.StatusTooManyRequests, r.Status, "%s", r.Body)
	require.Contains(t, r.json(t)["error"].(map[string]any)["message"], "5 of 1005 remain")
	r = s.post("/v1/email-to-hem/bulk", items(5), keyHeader(k))
	require.Equal(t, http.StatusAccepted, r.Status, "%s", r.Body)
	require.Equal(t, "0", r.Header.Get("X-Quota-Remaining"))
	require.Equal(t, 1005, s.count(`SELECT count(*) FROM resolutions WHERE api_key_id = $1`, k.ID))
	metrics := string(s.do(http.MethodGet, "/metrics", nil, map[string]string{"x-api-key": ""}).Body)
	require.Equal(t, 4001.0, metricValue(t, metrics, "openresolve_quota_exceeded_total", `endpoint="email-to-hem"`))
	require.Equal(t, 1005.0, metricValue(t, metrics, "openresolve_accepted_total", `endpoint="email-to-hem"`))

	// Removed, the quota stops at once: accepted, and no quota headers within seconds.
	code, _, errOut = s.cliRun("keys", "quota", k.ID, "none")
	require.Equal(t, 0, code, errOut)
	require.Eventually(t, func() bool {
		r := s.post("/v1/email-to-hem", map[string]any{"email": "after@example.com", "callbackUrl": rcv.URL}, keyHeader(k))
		return r.Status == http.StatusAccepted && r.Header.Get("X-Quota-Limit") == ""
	}, 5*time.Second, 50*time.Millisecond)
}

// TestQuotaCounts: with QUOTA_COUNTS=completed (the default) answers that find nothing do not
// use the quota, though each reserves a unit while in flight; with accepted they do.
func TestQuotaCounts(t *testing.T) {
	t.Parallel()
	for _, counts := range []string{"completed", "accepted"} {
		t.Run(counts, func(t *testing.T) {
			t.Parallel()
			s := newStack(t, stackOpts{quotaCounts: counts})
			rcv := testkit.NewReceiver(t)
			limit := int64(3)
			k, err := apikey.CreateWithQuota(context.Background(), s.pool, "quota", &limit)
			require.NoError(t, err)
			miss := func() response { // nobody has this profile: not_found
				return s.post("/v1/linkedin-to-hem", map[string]any{"linkedinUrl": "https://linkedin.com/in/nobody",
					"callbackUrl": rcv.URL}, keyHeader(k))
			}
			misses := 0
			for i := range 5 {
				r := miss()
				if counts == "accepted" && i >= 3 {
					require.Equal(t, http.StatusTooManyRequests, r.Status, "%s", r.Body)
					continue
				}
				require.Equal(t, http.StatusAccepted, r.Status, "%s", r.Body)
				misses++
				s.waitFinished(k.ID, 10*time.Second) // its reservation is given back
			}
			rcv.WaitFor(t, misses, 10*time.Second)
			u, err := client.New(s.apiURL, k.Key).Usage(context.Background(), "", "")
			require.NoError(t, err)
			require.EqualValues(t, misses, u.Totals.NotFound)
			if counts == "completed" {
				require.Equal(t, client.Quota{Period: "month", Counts: "completed", Limit: 3, Used: 0, Remaining: 3,
					ResetsAt: u.Quota.ResetsAt}, *u.Quota)
				// Three in flight at once reserve the whole quota: a fourth is refused.
				require.NoError(t, s.worker.Stop(context.Background()))
				for range 3 {
					require.Equal(t, http.StatusAccepted, miss().Status)
				}
				r := miss()
				require.Equal(t, http.StatusTooManyRequests, r.Status)
				require.Equal(t, "quota_exceeded", r.errorCode(t))
				u, err := client.New(s.apiURL, k.Key).Usage(context.Background(), "", "")
				require.NoError(t, err)
				require.EqualValues(t, 3, u.Quota.Reserved)
				require.EqualValues(t, 0, u.Quota.Remaining)
			} else {
				require.Equal(t, client.Quota{Period: "month", Counts: "accepted", Limit: 3, Used: 3, Remaining: 0,
					ResetsAt: u.Quota.ResetsAt}, *u.Quota)
			}
		})
	}
}

// TestQuotaChangeReachesEveryAPI: a changed quota is refused or allowed by the next accept at
// once (the statement reads it), and shows in the headers within 5 s, with the API listening
// for key changes and with DATABASE_POLL_ONLY (which polls their count instead).
func TestQuotaChangeReachesEveryAPI(t *testing.T) {
	t.Parallel()
	for _, poll := range []bool{false, true} {
		t.Run(fmt.Sprintf("poll only %v", poll), func(t *testing.T) {
			t.Parallel()
			s := newStack(t, stackOpts{pollOnly: poll, noWorker: true})
			limit := int64(2)
			k, err := apikey.CreateWithQuota(context.Background(), s.pool, "changing", &limit)
			require.NoError(t, err)
			send := func() response {
				return s.post("/v1/email-to-hem", map[string]any{"email": "q@example.com", "callbackUrl": "http://127.0.0.1:9/cb"},
					keyHeader(k))
			}
			for range 2 {
				r := send()
				require.Equal(t, http.StatusAccepted, r.Status)
				require.Equal(t, "2", r.Header.Get("X-Quota-Limit"))
			}
			require.Equal(t, http.StatusTooManyRequests, send().Status)

			code, _, errOut := s.cliRun("keys", "quota", k.ID, "3")
			require.Equal(t, 0, code, errOut)
			r := send() // the accept reads the quota itself: at once
			require.Equal(t, http.StatusAccepted, r.Status)
			require.Equal(t, "0", r.Header.Get("X-Quota-Remaining"))
			start := time.Now()
			require.Eventually(t, func() bool {
				// Any other answer (a 404 here) is dressed from the key cache.
				r := s.do(http.MethodGet, "/v1/resolutions/res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C", nil, keyHeader(k))
				return r.Status == http.StatusNotFound && r.Header.Get("X-Quota-Limit") == "3"
			}, 5*time.Second, 50*time.Millisecond)
			t.Logf("headers followed in %s", time.Since(start).Round(time.Millisecond))

			code, _, errOut = s.cliRun("keys", "quota", k.ID, "none")
			require.Equal(t, 0, code, errOut)
			require.Equal(t, http.StatusAccepted, send().Status)
			require.Eventually(t, func() bool {
				return s.do(http.MethodGet, "/v1/resolutions/res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C", nil, keyHeader(k)).Header.Get("X-Quota-Limit") == ""
			}, 5*time.Second, 50*time.Millisecond)
		})
	}
}
