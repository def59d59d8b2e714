package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/app"
	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/endpoint"
	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
	"github.com/openresolve/openresolve/webhook"
)

func TestHappyPath(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	rcv := testkit.NewReceiver(t)

	r := s.post("/v1/email-to-hem", map[string]any{
		"email": "  Jane.Doe@Example.COM ", "callbackUrl": rcv.URL + "/cb/123", "externalId": "row-7",
	}, nil)
	require.Equal(t, http.StatusAccepted, r.Status, "body: %s", r.Body)
	ans := r.json(t)
	id := ans["id"].(string)
	require.Regexp(t, `^res_[0-9A-HJKMNP-TV-Z]{26}$`, id)
	require.Equal(t, "processing", ans["status"])
	require.Equal(t, "The resolution has started. We will send the result to the callback URL you provided on completion.", ans["message"])
	require.Equal(t, rcv.URL+"/cb/123", ans["callbackUrl"])
	requestedAt, err := time.Parse(time.RFC3339Nano, ans["requestedAt"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), requestedAt, 5*time.Second)
	require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, ans["requestedAt"])

	d := rcv.WaitFor(t, 1, 10*time.Second)[0]
	require.Equal(t, "/cb/123", d.Path)
	require.Equal(t, "application/json", d.Header.Get("Content-Type"))
	require.Equal(t, "OpenResolve/"+config.Version, d.Header.Get("User-Agent"))
	require.Equal(t, id, d.Header.Get("webhook-id"))
	ts, err := strconv.ParseInt(d.Header.Get("webhook-timestamp"), 10, 64)
	require.NoError(t, err)
	require.InDelta(t, time.Now().Unix(), ts, 10)
	require.True(t, webhook.ValidSignature(s.key.SigningSecret, id, ts, d.Body, d.Header.Get("webhook-signature")),
		"signature %q does not verify", d.Header.Get("webhook-signature"))

	var body map[string]any
	require.NoError(t, json.Unmarshal(d.Body, &body))
	require.Equal(t, map[string]any{
		"id": id, "status": "completed", "externalId": "row-7",
		"email":   "jane.doe@example.com",
		"md5":     "0cba00ca3da1b283a57287bcceb17e35",
		"sha1":    "a3caddb38202511eab803116294dc020f7c4f8a2",
		"sha256":  "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d",
		"sources": []any{"graph"},
	}, body)

	st := s.waitCallbackState(id, "delivered", 5*time.Second)
	require.Equal(t, "email-to-hem", st["endpoint"])
	require.Equal(t, "completed", st["status"])
	require.Equal(t, "row-7", st["externalId"])
	require.NotNil(t, st["completedAt"])
	require.Equal(t, body, st["result"])
	cb := st["callback"].(map[string]any)
	require.EqualValues(t, 1, cb["attempts"])
	require.EqualValues(t, 200, cb["lastStatusCode"])
	require.Nil(t, cb["lastError"])
	require.NotNil(t, cb["deliveredAt"])

	// The same facts are plain columns for operators.
	require.Equal(t, 1, s.count(`SELECT count(*) FROM resolutions WHERE id = $1 AND status = 'completed'
		AND callback_status = 'delivered' AND external_id = 'row-7' AND endpoint = 'email-to-hem'`, id))
	require.Equal(t, 1, s.count(`SELECT count(*) FROM callback_attempts WHERE resolution_id = $1 AND status_code = 200`, id))
	require.Len(t, rcv.Deliveries(), 1)
}

func TestSnakeCaseAndBearer(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	rcv := testkit.NewReceiver(t)
	r := s.post("/v1/email-to-hem", map[string]any{"email": "a@b.co", "callback_url": rcv.URL, "external_id": "x1", "unknown": []int{1}},
		map[string]string{"x-api-key": "", "Authorization": "Bearer " + s.key.Key})
	require.Equal(t, http.StatusAccepted, r.Status, "body: %s", r.Body)
	var body map[string]any
	require.NoError(t, json.Unmarshal(rcv.WaitFor(t, 1, 10*time.Second)[0].Body, &body))
	require.Equal(t, "x1", body["externalId"])
	require.Equal(t, "a@b.co", body["email"])
}

func TestCallbackRetriesUntilAccepted(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	rcv := testkit.NewReceiver(t)
	rcv.Respond = func(n int, _ http.ResponseWriter) int {
		if n <= 2 {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	}
	id := s.accept(rcv.URL, nil)
	st := s.waitCallbackState(id, "delivered", 10*time.Second)
	cb := st["callback"].(map[string]any)
	require.EqualValues(t, 3, cb["attempts"])
	require.EqualValues(t, 204, cb["lastStatusCode"])

	ds := rcv.Deliveries()
	require.Len(t, ds, 3)
	accepted := 0
	for _, d := range ds {
		require.Equal(t, id, d.Header.Get("webhook-id"))
		if d.Status < 300 {
			accepted++
		}
	}
	require.Equal(t, 1, accepted)
	// Attempts are recorded one by one with what the receiver said.
	rows, err := s.pool.Query(context.Background(), `SELECT attempt, status_code, coalesce(error, '') FROM callback_attempts
		WHERE resolution_id = $1 ORDER BY attempt`, id)
	require.NoError(t, err)
	type attempt struct {
		n, code int
		err     string
	}
	var got []attempt
	for rows.Next() {
		var a attempt
		require.NoError(t, rows.Scan(&a.n, &a.code, &a.err))
		got = append(got, a)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []attempt{{1, 500, "receiver answered 500"}, {2, 500, "receiver answered 500"}, {3, 204, ""}}, got)
}

func TestCallbackGoneStopsDelivery(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	rcv := testkit.NewReceiver(t)
	rcv.Respond = func(int, http.ResponseWriter) int { return http.StatusGone }
	id := s.accept(rcv.URL, nil)
	st := s.waitCallbackState(id, "failed", 10*time.Second)
	cb := st["callback"].(map[string]any)
	require.EqualValues(t, 1, cb["attempts"])
	require.EqualValues(t, 410, cb["lastStatusCode"])
	time.Sleep(400 * time.Millisecond) // longer than the retry schedule: nothing more comes
	require.Len(t, rcv.Deliveries(), 1)
}

func TestCallbackRetryAfter(t *testing.T) {
	t.Parallel()
	// The schedule would retry after 100 ms; Retry-After: 1 must win.
	s := newStack(t, stackOpts{})
	rcv := testkit.NewReceiver(t)
	rcv.Respond = func(n int, w http.ResponseWriter) int {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			return http.StatusTooManyRequests
		}
		return http.StatusOK
	}
	id := s.accept(rcv.URL, nil)
	ds := rcv.WaitFor(t, 2, 10*time.Second)
	require.GreaterOrEqual(t, ds[1].At.Sub(ds[0].At), 950*time.Millisecond)
	st := s.waitCallbackState(id, "delivered", 5*time.Second)
	require.EqualValues(t, 2, st["callback"].(map[string]any)["attempts"])
}

func TestCallbackRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{schedule: []time.Duration{50 * time.Millisecond, 50 * time.Millisecond}})
	target := testkit.NewReceiver(t)
	rcv := testkit.NewReceiver(t)
	rcv.Respond = func(_ int, w http.ResponseWriter) int {
		w.Header().Set("Location", target.URL+"/elsewhere")
		return http.StatusFound
	}
	id := s.accept(rcv.URL, nil)
	st := s.waitCallbackState(id, "failed", 10*time.Second)
	cb := st["callback"].(map[string]any)
	require.EqualValues(t, 3, cb["attempts"], "one attempt and the two retries of the schedule")
	require.EqualValues(t, 302, cb["lastStatusCode"])
	require.Contains(t, cb["lastError"], "redirects are not followed")
	require.Len(t, rcv.Deliveries(), 3)
	require.Empty(t, target.Deliveries())
}

func TestCallbackAddressChecks(t *testing.T) {
	t.Parallel()
	publicOnly := netguard.Policy{}
	dns := testkit.NewDNS(t)
	s := newStack(t, stackOpts{apiPolicy: &publicOnly, workerPolicy: &publicOnly,
		schedule: []time.Duration{50 * time.Millisecond}, dnsResolver: dns.Resolver()})
	rcv := testkit.NewReceiver(t)
	port := rcv.Listener.Addr().(*net.TCPAddr).Port

	t.Run("literal loopback is refused at accept", func(t *testing.T) {
		for _, u := range []string{
			rcv.URL, "http://localhost:" + strconv.Itoa(port), "http://[::1]/", "http://2130706433/",
			"http://0x7f.1/", "http://10.1.2.3/", "http://169.254.169.254/latest", "http://[::ffff:127.0.0.1]/",
		} {
			r := s.post("/v1/email-to-hem", map[string]any{"email": "a@b.co", "callbackUrl": u}, nil)
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, u)
			require.Equal(t, "callback_url_forbidden", r.errorCode(t), u)
		}
	})

	t.Run("a name resolving to loopback is refused at dial time", func(t *testing.T) {
		dns.Set("receiver.example.com", "127.0.0.1")
		id := s.accept("http://receiver.example.com:"+strconv.Itoa(port)+"/cb", nil)
		st := s.waitCallbackState(id, "failed", 10*time.Second)
		cb := st["callback"].(map[string]any)
		require.EqualValues(t, 2, cb["attempts"])
		require.Nil(t, cb["lastStatusCode"])
		require.Contains(t, cb["lastError"], "not public")
		require.Empty(t, rcv.Deliveries())
	})
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	body := map[string]any{"email": "a@b.co", "callbackUrl": "https://client.example.com/cb"}
	h := map[string]string{"Idempotency-Key": "order-42"}

	first := s.post("/v1/email-to-hem", body, h)
	require.Equal(t, http.StatusAccepted, first.Status, "body: %s", first.Body)
	again := s.post("/v1/email-to-hem", map[string]any{"email": " A@B.CO", "callback_url": "https://client.example.com/cb"}, h)
	require.Equal(t, http.StatusAccepted, again.Status)
	require.JSONEq(t, string(first.Body), string(again.Body), "a repeat gets the first answer")

	mismatch := s.post("/v1/email-to-hem", map[string]any{"email": "other@b.co", "callbackUrl": "https://client.example.com/cb"}, h)
	require.Equal(t, http.StatusUnprocessableEntity, mismatch.Status)
	require.Equal(t, "idempotency_mismatch", mismatch.errorCode(t))

	// The key is scoped to the API key: another client's identical key is its own request.
	other := s.newKey("other")
	theirs := s.post("/v1/email-to-hem", body, map[string]string{"Idempotency-Key": "order-42", "x-api-key": other.Key})
	require.Equal(t, http.StatusAccepted, theirs.Status)
	require.NotEqual(t, first.json(t)["id"], theirs.json(t)["id"])

	require.Equal(t, 2, s.count(`SELECT count(*) FROM resolutions`))
	require.Equal(t, 2, s.count(`SELECT count(*) FROM river_job WHERE kind = 'resolve'`))

	t.Run("concurrent repeats share one resolution", func(t *testing.T) {
		var wg sync.WaitGroup
		ids := make([]string, 8)
		for i := range ids {
			wg.Go(func() {
				r := s.post("/v1/email-to-hem", body, map[string]string{"Idempotency-Key": "burst"})
				if r.Status == http.StatusAccepted {
					var m map[string]any
					_ = json.Unmarshal(r.Body, &m)
					ids[i], _ = m["id"].(string)
				}
			})
		}
		wg.Wait()
		for _, id := range ids {
			require.Equal(t, ids[0], id)
		}
		require.NotEmpty(t, ids[0])
		require.Equal(t, 1, s.count(`SELECT count(*) FROM resolutions WHERE idempotency_key = 'burst'`))
	})
}

func TestResolverThatKeepsFailing(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	s := newStack(t, stackOpts{resolvers: map[string]resolve.Resolver{
		endpoint.EmailToHEM: resolve.ResolverFunc(func(context.Context, json.RawMessage) (resolve.Result, error) {
			if calls.Add(1) == 2 {
				panic("resolver bug")
			}
			return resolve.Result{}, errors.New("graph unavailable")
		}),
	}})
	rcv := testkit.NewReceiver(t)
	id := s.accept(rcv.URL, map[string]any{"externalId": "e-1"})
	d := rcv.WaitFor(t, 1, 15*time.Second)[0]
	var body map[string]any
	require.NoError(t, json.Unmarshal(d.Body, &body))
	require.Equal(t, map[string]any{"id": id, "status": "failed", "externalId": "e-1",
		"error": "The resolution could not be completed because of an internal error."}, body)
	require.EqualValues(t, resolution.ResolveAttempts, calls.Load())
	st := s.waitCallbackState(id, "delivered", 5*time.Second)
	require.Equal(t, "failed", st["status"])
}

func TestCrashedJobsArePickedUpAgain(t *testing.T) {
	t.Parallel()
	// Accept with no worker, then leave the job as a crashed worker would: running, claimed
	// by a client that no longer exists, long ago.
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	id := s.accept(rcv.URL, nil)
	_, err := s.pool.Exec(context.Background(), `UPDATE river_job SET state = 'running', attempt = 1,
		attempted_at = now() - interval '1 hour', attempted_by = ARRAY['crashed-worker'] WHERE kind = 'resolve'`)
	require.NoError(t, err)

	startWorker(t, s, func(c *config.Config) { c.RescueStuckJobsAfter = time.Minute })
	rcv.WaitFor(t, 1, 30*time.Second)
	s.waitCallbackState(id, "delivered", 5*time.Second)
}

func TestGracefulStopFinishesWorkInFlight(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	w := startWorker(t, s, nil, app.WithResolver(endpoint.EmailToHEM,
		resolve.ResolverFunc(func(ctx context.Context, req json.RawMessage) (resolve.Result, error) {
			close(started)
			time.Sleep(300 * time.Millisecond)
			return resolve.EmailToHEM{}.Resolve(ctx, req)
		})))
	id := s.accept(rcv.URL, nil)
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, w.Stop(ctx))
	// The resolution finished and its callback job is queued, though no worker runs now.
	require.Equal(t, 1, s.count(`SELECT count(*) FROM resolutions WHERE id = $1 AND status = 'completed'`, id))
	require.Equal(t, 1, s.count(`SELECT count(*) FROM river_job WHERE kind = 'callback' AND state = 'available'`))
	require.Equal(t, 1, s.count(`SELECT count(*) FROM river_job WHERE kind = 'resolve' AND state = 'completed'`))

	startWorker(t, s, nil)
	rcv.WaitFor(t, 1, 10*time.Second)
}

func TestCallbackReplay(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{schedule: []time.Duration{20 * time.Millisecond}, noWorker: true})
	w := startWorker(t, s, nil)
	rcv := testkit.NewReceiver(t)
	rcv.Respond = func(n int, _ http.ResponseWriter) int {
		if n <= 2 {
			return http.StatusBadGateway
		}
		return http.StatusOK
	}
	id := s.accept(rcv.URL, nil)
	s.waitCallbackState(id, "failed", 10*time.Second)
	require.NoError(t, w.Stop(context.Background())) // so that the replay stays pending a while

	code, out, _ := s.cliRun("callbacks", "replay", id)
	require.Equal(t, 0, code)
	require.Contains(t, out, "callback of "+id+" queued for delivery")
	code, _, errOut := s.cliRun("callbacks", "replay", id)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "already pending")
	startWorker(t, s, nil)

	st := s.waitCallbackState(id, "delivered", 10*time.Second)
	require.EqualValues(t, 3, st["callback"].(map[string]any)["attempts"])
	require.Len(t, rcv.Deliveries(), 3)
	_, _, errOut = s.cliRun("callbacks", "replay", "res_nope")
	require.Contains(t, errOut, "no resolution")
}

func TestTenantIsolationAndRevocation(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	id := s.accept("https://client.example.com/cb", nil)
	other := s.newKey("other")

	r := s.do(http.MethodGet, "/v1/resolutions/"+id, nil, map[string]string{"x-api-key": other.Key})
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Equal(t, "not_found", r.errorCode(t))
	require.Equal(t, http.StatusOK, s.do(http.MethodGet, "/v1/resolutions/"+id, nil, nil).Status)

	// The key is cached by now; the revocation's announcement drops it within milliseconds.
	_, err := s.pool.Exec(context.Background(), `UPDATE api_keys SET revoked_at = now() WHERE id = $1`, s.key.ID)
	require.NoError(t, err)
	revokedAt := time.Now()
	require.Eventually(t, func() bool {
		return s.do(http.MethodGet, "/v1/resolutions/"+id, nil, nil).Status == http.StatusUnauthorized
	}, time.Second, time.Millisecond)
	t.Logf("refused %s after the revocation committed", time.Since(revokedAt).Round(time.Microsecond))
	r = s.do(http.MethodGet, "/v1/resolutions/"+id, nil, nil)
	require.Equal(t, "unauthorized", r.errorCode(t))
	r = s.post("/v1/email-to-hem", map[string]any{"email": "a@b.co", "callbackUrl": "https://x.example.com/"}, nil)
	require.Equal(t, http.StatusUnauthorized, r.Status)
}

func TestHealth(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	r := s.do(http.MethodGet, "/healthz", nil, map[string]string{"x-api-key": ""})
	require.Equal(t, http.StatusOK, r.Status)
	r = s.do(http.MethodGet, "/readyz", nil, map[string]string{"x-api-key": ""})
	require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)

	_, err := s.pool.Exec(context.Background(), `DELETE FROM goose_db_version WHERE version_id > 0`)
	require.NoError(t, err)
	r = s.do(http.MethodGet, "/readyz", nil, map[string]string{"x-api-key": ""})
	require.Equal(t, http.StatusServiceUnavailable, r.Status)
	require.True(t, strings.Contains(string(r.Body), "migrate"), "body: %s", r.Body)
}

func TestSweepFinishesOrphans(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	ctx := context.Background()

	// A resolution whose resolve job River discarded (its worker crashed too often) ...
	lost := s.accept(rcv.URL+"/lost", map[string]any{"externalId": "x-1"})
	_, err := s.pool.Exec(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = now() WHERE args->>'resolution_id' = $1`, lost)
	require.NoError(t, err)
	// ... and a finished one whose callback job is gone.
	finished := s.accept(rcv.URL+"/finished", nil)
	_, err = s.pool.Exec(ctx, `DELETE FROM river_job WHERE args->>'resolution_id' = $1`, finished)
	require.NoError(t, err)
	_, err = s.pool.Exec(ctx, `UPDATE resolutions SET status = 'completed', result = '{"id":"`+finished+`","status":"completed"}' WHERE id = $1`, finished)
	require.NoError(t, err)
	// A young resolution is left alone even without a job.
	young := s.accept(rcv.URL+"/young", nil)
	_, err = s.pool.Exec(ctx, `DELETE FROM river_job WHERE args->>'resolution_id' = $1`, young)
	require.NoError(t, err)
	_, err = s.pool.Exec(ctx, `UPDATE resolutions SET requested_at = requested_at - interval '1 hour' WHERE id IN ($1, $2)`, lost, finished)
	require.NoError(t, err)

	startWorker(t, s, nil) // the sweep runs when a worker becomes leader
	ds := rcv.WaitFor(t, 2, 20*time.Second)
	paths := map[string]string{}
	for _, d := range ds {
		paths[d.Path] = string(d.Body)
	}
	require.JSONEq(t, `{"id":"`+lost+`","status":"failed","externalId":"x-1","error":"The resolution could not be completed because of an internal error."}`, paths["/lost"])
	require.JSONEq(t, `{"id":"`+finished+`","status":"completed"}`, paths["/finished"])
	time.Sleep(300 * time.Millisecond)
	require.Len(t, rcv.Deliveries(), 2)
	require.Equal(t, "pending", s.status(young)["callback"].(map[string]any)["status"])
}

// TestDeliveryRecordedAcrossOutage: the database goes away between the receiver's 2xx and
// the worker's record of it, for longer than one try of the record. The worker keeps the
// outcome and records it once the database is back: the callback is delivered once, and
// recorded as delivered.
func TestDeliveryRecordedAcrossOutage(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	proxy, proxied := pgtest.NewProxy(t, s.dbURL)
	rcv := testkit.NewReceiver(t)
	back := make(chan struct{})
	rcv.Respond = func(n int, _ http.ResponseWriter) int {
		if n == 1 {
			proxy.SetMode(pgtest.Refuse) // the worker's database is gone before it hears the 200
			go func() {
				time.Sleep(8 * time.Second)
				proxy.SetMode(pgtest.Forward)
				close(back)
			}()
		}
		return http.StatusOK
	}
	startWorker(t, s, func(c *config.Config) { c.DatabaseURL, c.GraphDatabaseURL = proxied, "" })
	id := s.accept(rcv.URL, nil)
	rcv.WaitFor(t, 1, 10*time.Second)
	<-back
	st := s.waitCallbackState(id, "delivered", 10*time.Second)
	require.EqualValues(t, 1, st["callback"].(map[string]any)["attempts"])
	s.waitCallbackJobCompleted()
	time.Sleep(2 * time.Second) // a repeat would come within a second of the job's retry
	require.Equal(t, 1, len(rcv.Deliveries()), "an accepted delivery is not sent again")
}
