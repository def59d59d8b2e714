package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
	"github.com/openresolve/openresolve/webhook"
)

// run runs the CLI against dbURL and returns its exit code, stdout and stderr.
func run(t *testing.T, ctx context.Context, dbURL string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(ctx, args, Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return dbURL
		}
		return ""
	}})
	return code, stdout.String(), stderr.String()
}

func TestMigrateAndKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewEmptyDatabase(t)

	code, out, _ := run(t, ctx, db, "migrate", "status")
	require.Equal(t, 0, code)
	require.Contains(t, out, "river")
	require.Regexp(t, `(?m)\spending$`, out)

	code, out, errOut := run(t, ctx, db, "migrate", "up")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "openresolve: applied 00001_pipeline.sql")
	code, out, _ = run(t, ctx, db, "migrate", "up")
	require.Equal(t, 0, code)
	require.NotContains(t, out, "applied", "a second run applies nothing")

	code, out, _ = run(t, ctx, db, "migrate", "status")
	require.Equal(t, 0, code)
	require.NotRegexp(t, `(?m)\spending$`, out)
	require.Contains(t, out, "openresolve  1")

	code, out, errOut = run(t, ctx, db, "keys", "create", "--name", "acme", "--json")
	require.Equal(t, 0, code, errOut)
	var created map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &created), out)
	require.Len(t, created, 4)
	require.Equal(t, "acme", created["name"])
	require.True(t, strings.HasPrefix(created["id"], "key_"))
	require.True(t, strings.HasPrefix(created["key"], "ork_"))
	require.True(t, strings.HasPrefix(created["signingSecret"], "whsec_"))

	code, out, _ = run(t, ctx, db, "keys", "list")
	require.Equal(t, 0, code)
	require.Contains(t, out, created["id"])
	require.Contains(t, out, "acme")
	require.NotContains(t, out, created["key"], "the key is never shown again")
	require.Contains(t, out, created["key"][:10])

	code, _, errOut = run(t, ctx, db, "keys", "create")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "--name is required")

	// Quotas: set at creation, changed, removed; nonsense refused.
	code, out, errOut = run(t, ctx, db, "keys", "create", "--name", "metered", "--quota", "500", "--json")
	require.Equal(t, 0, code, errOut)
	var metered map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &metered), out)
	require.Len(t, metered, 4, "the fixed output of keys create --json")
	code, out, _ = run(t, ctx, db, "keys", "list")
	require.Equal(t, 0, code)
	require.Regexp(t, metered["id"]+`\s+\S+\s+metered\s+500\s`, out)
	code, out, errOut = run(t, ctx, db, "keys", "quota", metered["id"], "none")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "no quota")
	code, out, _ = run(t, ctx, db, "keys", "list")
	require.Equal(t, 0, code)
	require.Regexp(t, metered["id"]+`\s+\S+\s+metered\s+-\s`, out)
	for _, args := range [][]string{
		{"keys", "quota", metered["id"], "-1"}, {"keys", "quota", metered["id"], "lots"}, {"keys", "quota", metered["id"]},
		{"keys", "create", "--name", "x", "--quota", "1.5"},
	} {
		code, _, errOut = run(t, ctx, db, args...)
		require.Equal(t, 1, code, "%v", args)
		require.NotEmpty(t, errOut)
	}
	code, _, errOut = run(t, ctx, db, "keys", "quota", "key_nope", "5")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "no key with id key_nope")
	code, _, errOut = run(t, ctx, db, "usage", "--from", "2026-12-31", "--to", "2026-12-01")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "to must not be before from")

	code, out, _ = run(t, ctx, db, "keys", "revoke", created["id"])
	require.Equal(t, 0, code)
	require.Contains(t, out, "revoked")
	code, _, errOut = run(t, ctx, db, "keys", "revoke", created["id"])
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "no active key")

	code, _, errOut = run(t, ctx, db, "frobnicate")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "unknown command")
	code, out, _ = run(t, ctx, db, "--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "callbacks replay")
}

func TestListen(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	secret := callback.NewSecret()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr testkit.SyncBuffer
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"listen", "--addr", addr, "--secret", secret},
			Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
	}()

	body := []byte(`{"id":"res_1","status":"completed"}`)
	send := func(sig string) {
		var resp *http.Response
		require.Eventually(t, func() bool {
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/cb", bytes.NewReader(body))
			req.Header.Set("webhook-id", "res_1")
			req.Header.Set("webhook-timestamp", "1700000000")
			req.Header.Set("webhook-signature", sig)
			var err error
			resp, err = http.DefaultClient.Do(req)
			return err == nil
		}, 5*time.Second, 20*time.Millisecond)
		resp.Body.Close()
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
	}
	good, err := webhook.Sign(secret, "res_1", 1700000000, body)
	require.NoError(t, err)
	send(good)
	send("v1,AAAA")
	cancel()
	require.Equal(t, 0, <-done)
	out := stdout.String()
	require.Contains(t, out, "webhook-id=res_1  signature verified")
	require.Contains(t, out, "signature INVALID")
	require.Contains(t, out, `"status": "completed"`)
}

func TestImportAndSeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDatabase(t)
	dir := t.TempDir()
	path := dir + "/people.csv"
	require.NoError(t, os.WriteFile(path, []byte("person_id,full_name,linkedin_url\n"+
		"p1,Jane Doe,https://www.linkedin.com/in/janedoe\n"+
		"p2,,\n"+
		"p3,John Roe,https://example.com/in/john\n"), 0o644))

	code, out, errOut := run(t, ctx, db, "import", "people", path, "--json")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.JSONEq(t, `{"inserted": 1, "updated": 0, "rejected": 2, "suppressed": 0}`, lines[len(lines)-1])
	require.Contains(t, errOut, path+":3: rejected: full_name: required")
	require.Contains(t, errOut, path+":4: rejected: linkedin_url")

	// Flags may come first; a re-import updates.
	code, out, _ = run(t, ctx, db, "import", "--json", "people", path)
	require.Equal(t, 0, code)
	require.Contains(t, out, `{"inserted":0,"updated":1,"rejected":2,"suppressed":0}`)

	code, _, errOut = run(t, ctx, db, "import", "people", dir+"/missing.csv", "--json")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "no such file")
	code, _, errOut = run(t, ctx, db, "import", "unicorns", path)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "unknown kind")
	code, _, _ = run(t, ctx, db, "import", "people")
	require.Equal(t, 1, code)

	code, out, errOut = run(t, ctx, db, "seed", "demo", "--companies", "20", "--people", "50", "--seed", "3")
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `companies\s+21 inserted`, out)
	require.Regexp(t, `people\s+51 inserted`, out)
	// The same seed gives the same graph: everything updates, nothing is new.
	code, out, _ = run(t, ctx, db, "seed", "demo", "--companies", "20", "--people", "50", "--seed", "3")
	require.Equal(t, 0, code)
	require.Regexp(t, `companies\s+0 inserted\s+21 updated`, out)
	code, out, _ = run(t, ctx, db, "seed", "demo", "--if-empty")
	require.Equal(t, 0, code)
	require.Contains(t, out, "not seeding")
}

func TestHelp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// No database is needed, or touched, for help.
	const noDB = "postgres://nobody@127.0.0.1:1/none"
	for _, h := range commands {
		for _, args := range [][]string{
			append(strings.Fields(h.name), "--help"),
			append(strings.Fields(h.name), "-h"),
			append([]string{"help"}, strings.Fields(h.name)...),
		} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, out, errOut := run(t, ctx, noDB, args...)
				require.Equal(t, 0, code, errOut)
				require.Contains(t, out, "usage: openresolve "+h.name)
				require.Empty(t, errOut)
			})
		}
	}
	for _, group := range []string{"keys", "migrate", "callbacks", "seed"} {
		code, out, _ := run(t, ctx, noDB, group, "--help")
		require.Equal(t, 0, code, group)
		require.Contains(t, out, group+" ")
		require.NotContains(t, out, "listen", group)
	}
	code, out, _ := run(t, ctx, noDB, "keys", "create", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "-name")
	require.Contains(t, out, "-json")
	code, out, _ = run(t, ctx, noDB, "help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "rotate-secret")
}

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	defer srv.Close()
	ctx := context.Background()
	code, _, errOut := run(t, ctx, "", "healthcheck", srv.URL+"/readyz")
	require.Equal(t, 0, code, errOut)
	status = http.StatusServiceUnavailable
	code, _, errOut = run(t, ctx, "", "healthcheck", srv.URL+"/readyz")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "503")
	code, _, _ = run(t, ctx, "", "healthcheck", "http://127.0.0.1:1/")
	require.Equal(t, 1, code)
}
