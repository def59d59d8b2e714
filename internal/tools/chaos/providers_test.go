package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/tools/harness"
)

// TestProviderCallSurvivesKill: a worker SIGKILLed right after a provider answered, its
// outcome stored but not yet learned, is not followed by a second call: the worker that runs
// the job again goes on from the stored outcome. The real binaries; the moment is made
// certain by holding a lock on people, which learning needs and the call does not.
func TestProviderCallSurvivesKill(t *testing.T) {
	ctx := context.Background()
	site, err := harness.NewSite(ctx, "provkill", bin, 10, 20)
	require.NoError(t, err)
	t.Cleanup(site.Close)

	conn, err := pgx.Connect(ctx, site.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(ctx) })
	var lock pgx.Tx
	locked := make(chan struct{})
	var calls atomic.Int32
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		// Before answering, take the lock learning will wait on.
		tx, err := conn.Begin(ctx)
		if err == nil {
			_, err = tx.Exec(ctx, `LOCK TABLE people IN ACCESS EXCLUSIVE MODE`)
		}
		if err != nil {
			t.Error(err)
		}
		lock = tx
		close(locked)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status": 200, "likelihood": 9, "data": {"full_name": "kill test",
			"linkedin_url": "linkedin.com/in/kill-test", "mobile_phone": "+14155550142"}}`))
	}))
	t.Cleanup(provider.Close)
	file := filepath.Join(site.WorkDir, "providers.yaml")
	require.NoError(t, os.WriteFile(file, []byte(fmt.Sprintf(`providers:
  - name: pdl
    preset: peopledatalabs
    endpoints: [linkedin-to-phone]
    url: %s
    apiKeyEnv: PDL_KEY
    allowedNetworks: [127.0.0.0/8]
`, provider.URL)), 0o644))

	port, err := harness.FreePort()
	require.NoError(t, err)
	apiURL := "http://127.0.0.1:" + strconv.Itoa(port)
	env := []string{"DATABASE_URL=" + site.DatabaseURL, "API_ADDR=127.0.0.1:" + strconv.Itoa(port), "API_RATE_LIMIT=0",
		"CALLBACK_ALLOWED_NETWORKS=127.0.0.0/8", "LOG_LEVEL=warn", "PROVIDERS_FILE=" + file, "PDL_KEY=pdl-secret"}
	api, err := harness.NewProc("api", filepath.Join(bin, "api"), env, site.WorkDir)
	require.NoError(t, err)
	worker, err := harness.NewProc("worker-1", filepath.Join(bin, "worker"), env, site.WorkDir)
	require.NoError(t, err)
	for _, p := range []*harness.Proc{api, worker} {
		require.NoError(t, p.Start())
		t.Cleanup(p.Close)
	}
	require.NoError(t, harness.WaitReady(ctx, apiURL, 30*time.Second))

	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(rcv.Close)
	body, _ := json.Marshal(map[string]any{"linkedinUrl": "linkedin.com/in/kill-test", "callbackUrl": rcv.URL})
	req, _ := http.NewRequest(http.MethodPost, apiURL+"/v1/linkedin-to-phone", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", site.Key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var accepted struct{ ID string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&accepted))
	resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)

	// The provider answered; the outcome is stored and waits to be learned: kill the worker.
	select {
	case <-locked:
	case <-time.After(30 * time.Second):
		t.Fatal("the provider was not called")
	}
	watch, err := pgx.Connect(ctx, site.DatabaseURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = watch.Close(ctx) })
	require.Eventually(t, func() bool {
		var n int
		err := watch.QueryRow(ctx, `SELECT count(*) FROM provider_calls WHERE resolution_id = $1 AND finding IS NOT NULL`,
			accepted.ID).Scan(&n)
		return err == nil && n == 1
	}, 10*time.Second, 10*time.Millisecond)
	worker.Signal(syscall.SIGKILL, 10*time.Second)
	require.NoError(t, lock.Rollback(ctx))

	// Another worker runs the job again once River's rescuer takes it for dead.
	require.NoError(t, worker.Start())
	require.Eventually(t, func() bool {
		var status string
		err := watch.QueryRow(ctx, `SELECT status FROM resolutions WHERE id = $1`, accepted.ID).Scan(&status)
		return err == nil && status == "completed"
	}, 100*time.Second, 200*time.Millisecond)
	var result []byte
	require.NoError(t, watch.QueryRow(ctx, `SELECT result FROM resolutions WHERE id = $1`, accepted.ID).Scan(&result))
	require.Contains(t, string(result), `"sources": ["pdl"]`)
	require.Contains(t, string(result), "+14155550142")
	require.EqualValues(t, 1, calls.Load(), "the paid call was not made twice")
}
