// Package deploy tests OpenResolve in the shapes operators run it in, on real parts: the API
// and workers as processes (the binaries, built here) behind a real PgBouncer in transaction
// mode, and resolvers reading the graph from a real streaming replica.
package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/privacy"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/tools/apptest"
	"github.com/openresolve/openresolve/internal/tools/harness"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

var bin string

func TestMain(m *testing.M) {
	dir, err := harness.TestBinaries("../../..")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// post sends one request and returns the status and the answer's id.
func post(t *testing.T, apiURL, key, path string, body map[string]any) (int, string) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, apiURL+path, bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var ans struct{ ID string }
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &ans)
	return resp.StatusCode, ans.ID
}

// TestThroughPgBouncer: the API and two workers, each a process, reach Postgres only through
// PgBouncer in transaction mode with DATABASE_POLL_ONLY: nothing LISTENs, every request of a
// load is answered by callback, a revoked key is refused within 5 s, and a worker killed in
// the middle of the load has its jobs run again by the other.
func TestThroughPgBouncer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	site, err := harness.NewSite(ctx, "pgbouncer", bin, 50, 200)
	require.NoError(t, err)
	t.Cleanup(site.Close)
	bouncer, err := harness.StartPgBouncer(ctx, site.WorkDir, site.Cluster)
	require.NoError(t, err)
	t.Cleanup(bouncer.Close)

	rcv := testkit.NewReceiver(t)
	port, err := harness.FreePort()
	require.NoError(t, err)
	apiURL := "http://127.0.0.1:" + strconv.Itoa(port)
	env := []string{"DATABASE_URL=" + bouncer.URL("openresolve"), "DATABASE_POLL_ONLY=true",
		"API_ADDR=127.0.0.1:" + strconv.Itoa(port), "API_RATE_LIMIT=0", "CALLBACK_ALLOWED_NETWORKS=127.0.0.0/8",
		"LOG_LEVEL=warn", "DNS_RESOLVER=127.0.0.1:9"}
	procs, stop, err := harness.StartAll(bin, site.WorkDir, env, "api", "worker", "worker")
	require.NoError(t, err)
	t.Cleanup(stop)
	require.NoError(t, harness.WaitReady(ctx, apiURL, 30*time.Second))

	direct, err := pgx.Connect(ctx, site.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = direct.Close(ctx) })
	listening := func() int {
		var n int
		require.NoError(t, direct.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = 'openresolve' AND query ILIKE 'listen%'`).Scan(&n))
		return n
	}

	// A load of every endpoint. Halfway, the receiver holds its answers for 3 s and then
	// refuses them, so that both workers have deliveries running, and one worker is killed with
	// them in flight: its deliveries are never recorded, and only River's rescue of its jobs
	// gets them delivered.
	var slow atomic.Bool
	rcv.Respond = func(int, http.ResponseWriter) int {
		if slow.Load() {
			time.Sleep(3 * time.Second)
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	}
	const n = 240
	var wg sync.WaitGroup
	ids := make([]string, n)
	jobs := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range jobs {
				r := harness.Mix[i%len(harness.Mix)]
				body := r.Body(i)
				body["callbackUrl"] = rcv.URL
				status, id := post(t, apiURL, site.Key, "/v1/"+r.Path, body)
				if status == http.StatusAccepted {
					ids[i] = id
				}
			}
		})
	}
	var killed time.Time
	for i := range n {
		switch i {
		case n / 2:
			slow.Store(true)
		case n/2 + 20:
			time.Sleep(time.Second) // the last 20 are being delivered, slowly
			killed = time.Now()
			procs[1].Signal(syscall.SIGKILL, 10*time.Second)
			time.Sleep(3 * time.Second) // the survivor's slow attempts end, refused
			slow.Store(false)
		}
		jobs <- i
		time.Sleep(10 * time.Millisecond)
	}
	close(jobs)
	wg.Wait()
	delivered := func() map[string]bool {
		got := map[string]bool{}
		for _, d := range rcv.Deliveries() {
			if d.Status < 300 {
				got[d.Header.Get("webhook-id")] = true
			}
		}
		return got
	}
	for i, id := range ids {
		require.NotEmpty(t, id, "request %d was not accepted", i)
	}
	for deadline := killed.Add(90 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got, missing := delivered(), 0
		for _, id := range ids {
			if !got[id] {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "%d callbacks missing 90 s after the kill", missing)
	}
	recovered := time.Since(killed)
	t.Logf("every callback delivered %s after a worker was killed with deliveries in flight", recovered.Round(100*time.Millisecond))
	require.Less(t, recovered, time.Minute, "a killed worker's jobs run again within a minute")
	require.Zero(t, listening(), "nothing LISTENs through the pooler")

	// A key made and revoked with the operator CLI (straight to Postgres, as migrations are).
	out, err := site.CLI(ctx, "keys", "create", "--name", "short-lived", "--json")
	require.NoError(t, err)
	var k struct{ ID, Key string }
	require.NoError(t, json.Unmarshal(out, &k))
	body := map[string]any{"email": "a@example.com", "callbackUrl": rcv.URL}
	status, _ := post(t, apiURL, k.Key, "/v1/email-to-hem", body)
	require.Equal(t, http.StatusAccepted, status)
	_, err = site.CLI(ctx, "keys", "revoke", k.ID)
	require.NoError(t, err)
	revoked := time.Now()
	for {
		if status, _ := post(t, apiURL, k.Key, "/v1/email-to-hem", body); status == http.StatusUnauthorized {
			break
		}
		require.Less(t, time.Since(revoked), 5*time.Second, "the revoked key is still accepted")
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("revoked key refused %s after the revocation", time.Since(revoked).Round(time.Millisecond))
}

// TestGraphOnReplica: with GRAPH_DATABASE_URL on a hot standby made by pg_basebackup -R,
// resolvers answer from the standby (a company the primary has but the paused standby has
// not yet replayed is not found, then found once replayed); with the standby gone,
// resolutions retry and then fail with a failed callback, promptly.
func TestGraphOnReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	workDir, err := os.MkdirTemp("", "openresolve-replica-") // reachable by the postgres user
	require.NoError(t, err)
	require.NoError(t, os.Chmod(workDir, 0o755))
	t.Cleanup(func() { _ = os.RemoveAll(workDir) })
	primary, err := harness.NewCluster(ctx, workDir)
	require.NoError(t, err)
	t.Cleanup(primary.Stop)
	pool, err := pgxpool.New(ctx, primary.URL("openresolve"))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	require.NoError(t, store.Migrate(ctx, pool, io.Discard))
	testkit.LoadGraph(t, pool, testkit.FixtureGraph)
	standby, err := primary.NewStandby(ctx, filepath.Join(workDir, "replica"))
	require.NoError(t, err)
	t.Cleanup(standby.Stop)
	replica, err := pgxpool.New(ctx, standby.URL("openresolve"))
	require.NoError(t, err)
	t.Cleanup(replica.Close)

	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := apptest.Config(primary.URL("openresolve"))
	cfg.GraphDatabaseURL = standby.URL("openresolve")
	apiURL := apptest.StartAPI(t, cfg, logger)
	apptest.StartWorker(t, cfg, logger)
	key, err := apikey.Create(ctx, pool, "replica")
	require.NoError(t, err)
	rcv := testkit.NewReceiver(t)
	ask := func(domain string) map[string]any {
		t.Helper()
		status, id := post(t, apiURL, key.Key, "/v1/enrichment", map[string]any{"domain": domain, "callbackUrl": rcv.URL})
		require.Equal(t, http.StatusAccepted, status)
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			for _, d := range rcv.Deliveries() {
				var b map[string]any
				require.NoError(t, json.Unmarshal(d.Body, &b))
				if b["id"] == id {
					return b
				}
			}
		}
		t.Fatalf("no callback for %s", id)
		return nil
	}
	require.Equal(t, "completed", ask("acmelogistics.com")["status"])

	// Pause the standby's replay, add a company on the primary: the resolver does not see it.
	_, err = replica.Exec(ctx, `SELECT pg_wal_replay_pause()`)
	require.NoError(t, err)
	testkit.ImportCSV(t, pool, "companies", "domain,name\ninitech.com,Initech\n")
	require.Equal(t, "not_found", ask("initech.com")["status"], "answered from the standby, which has not replayed it")
	_, err = replica.Exec(ctx, `SELECT pg_wal_replay_resume()`)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var n int
		return replica.QueryRow(ctx, `SELECT count(*) FROM companies WHERE domain = 'initech.com'`).Scan(&n) == nil && n == 1
	}, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, "completed", ask("initech.com")["status"])

	// A person forgotten on the primary: forget waits for the standby to replay the erasure
	// before it counts as done, so no resolver reading the standby can still find them.
	_, err = replica.Exec(ctx, `SELECT pg_wal_replay_pause()`)
	require.NoError(t, err)
	forgot := make(chan error, 1)
	go func() {
		_, err := privacy.Forget(ctx, pool, privacy.Email, "jane.doe@acmelogistics.com")
		forgot <- err
	}()
	select {
	case err := <-forgot:
		t.Fatalf("forget returned before the standby replayed the erasure: %v", err)
	case <-time.After(time.Second):
	}
	_, err = replica.Exec(ctx, `SELECT pg_wal_replay_resume()`)
	require.NoError(t, err)
	require.NoError(t, <-forgot)
	status, id := post(t, apiURL, key.Key, "/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "linkedin.com/in/janedoe", "callbackUrl": rcv.URL})
	require.Equal(t, http.StatusAccepted, status)
	require.Eventually(t, func() bool {
		for _, d := range rcv.Deliveries() {
			var b map[string]any
			if json.Unmarshal(d.Body, &b) == nil && b["id"] == id {
				return b["status"] == "not_found"
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond)

	// The standby goes away: resolutions retry, then fail, each with its callback.
	require.NoError(t, standby.Crash(ctx))
	start := time.Now()
	b := ask("globex.com")
	require.Equal(t, "failed", b["status"])
	t.Logf("with the replica down, a resolution failed with its callback after %s", time.Since(start).Round(time.Millisecond))
	require.Less(t, time.Since(start), 30*time.Second)
}
