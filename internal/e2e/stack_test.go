package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/app"
	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/telemetry"
	"github.com/openresolve/openresolve/internal/tools/apptest"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
)

// stackOpts varies a stack; the zero value is testkit.Config's: loopback callbacks allowed
// both at accept and at dial time, no rate limit, and callbacks retried after 100 ms three
// times.
type stackOpts struct {
	apiPolicy    *netguard.Policy
	workerPolicy *netguard.Policy
	schedule     []time.Duration
	rateLimit    float64
	// resolvers replace the endpoints' own, by endpoint name.
	resolvers map[string]resolve.Resolver
	noWorker  bool
	// apiDatabaseURL, when set, is the URL the API connects with (a proxy in outage tests).
	apiDatabaseURL func(dbURL string) string
	dnsResolver    *net.Resolver
	dbTimeout      time.Duration
	// logs, when set, receives every log line of the API and the worker, at debug level.
	logs io.Writer
	// riverUI, when set, mounts River UI with these credentials (user, password).
	riverUI [2]string
	// tracing, when set, traces the API and the worker.
	tracing *telemetry.Tracing
	// quotaCounts, when set, is QUOTA_COUNTS.
	quotaCounts string
	// pollOnly is DATABASE_POLL_ONLY for the API and the worker.
	pollOnly bool
}

// stack is one API process and one worker process, as app builds them, on one database.
type stack struct {
	t      *testing.T
	dbURL  string
	pool   *pgxpool.Pool
	apiURL string
	worker *app.Worker
	key    apikey.Created
	logger *slog.Logger
	// workerCfg and workerOpts are what startWorker starts from.
	workerCfg  config.Config
	workerOpts []app.Option
}

// startWorker starts another worker process on the stack's database, stopped when t ends;
// mutate adjusts a copy of the stack's worker configuration, and opts add to its options.
func startWorker(t *testing.T, s *stack, mutate func(*config.Config), opts ...app.Option) *app.Worker {
	t.Helper()
	cfg := s.workerCfg
	if mutate != nil {
		mutate(&cfg)
	}
	return apptest.StartWorker(t, cfg, s.logger, append(slices.Clone(s.workerOpts), opts...)...)
}

func newStack(t *testing.T, o stackOpts) *stack {
	t.Helper()
	s := &stack{t: t, dbURL: pgtest.NewDatabase(t)}
	s.pool = pgtest.NewPool(t, s.dbURL)
	s.logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	if o.logs != nil {
		s.logger = slog.New(slog.NewJSONHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	cfg := apptest.Config(s.dbURL)
	cfg.APIRateLimit = o.rateLimit
	cfg.CallbackRetrySchedule = []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}
	if o.schedule != nil {
		cfg.CallbackRetrySchedule = o.schedule
	}
	if o.dbTimeout != 0 {
		cfg.DBTimeout = o.dbTimeout
	}
	cfg.RiverUIUser, cfg.RiverUIPassword = o.riverUI[0], o.riverUI[1]
	if o.quotaCounts != "" {
		cfg.QuotaCounts = o.quotaCounts
	}
	cfg.PollOnly = o.pollOnly
	var opts []app.Option
	if o.tracing != nil {
		opts = append(opts, app.WithTracing(o.tracing))
	}
	if o.dnsResolver != nil {
		opts = append(opts, app.WithDNS(o.dnsResolver))
	}

	apiCfg := cfg
	if o.apiPolicy != nil {
		apiCfg.CallbackAllowedNetworks = o.apiPolicy.Allowed
	}
	if o.apiDatabaseURL != nil {
		apiCfg.DatabaseURL = o.apiDatabaseURL(s.dbURL)
	}
	s.apiURL = apptest.StartAPI(t, apiCfg, s.logger, opts...)
	s.key = s.newKey("test")

	s.workerCfg = cfg
	if o.workerPolicy != nil {
		s.workerCfg.CallbackAllowedNetworks = o.workerPolicy.Allowed
	}
	s.workerOpts = opts
	for name, r := range o.resolvers {
		s.workerOpts = append(s.workerOpts, app.WithResolver(name, r))
	}
	if !o.noWorker {
		s.worker = startWorker(t, s, nil)
	}
	return s
}

func (s *stack) newKey(name string) apikey.Created {
	k, err := apikey.Create(context.Background(), s.pool, name)
	require.NoError(s.t, err)
	return k
}

// response is an API answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "body: %s", r.Body)
	return m
}

// errorCode returns error.code of an error answer.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	m := r.json(t)
	e, ok := m["error"].(map[string]any)
	require.True(t, ok, "not an error document: %s", r.Body)
	return e["code"].(string)
}

// do sends a request with the stack's key unless headers set the auth themselves.
func (s *stack) do(method, path string, body []byte, headers map[string]string) response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.apiURL+path, bytes.NewReader(body))
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-api-key", s.key.Key)
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

func (s *stack) post(path string, body any, headers map[string]string) response {
	s.t.Helper()
	b, err := json.Marshal(body)
	require.NoError(s.t, err)
	return s.do(http.MethodPost, path, b, headers)
}

// accept posts an email-to-hem request and requires a 202; it returns the resolution id.
func (s *stack) accept(callbackURL string, extra map[string]any) string {
	s.t.Helper()
	body := map[string]any{"email": "Jane.Doe@Example.com", "callbackUrl": callbackURL}
	for k, v := range extra {
		body[k] = v
	}
	r := s.post("/v1/email-to-hem", body, nil)
	require.Equal(s.t, http.StatusAccepted, r.Status, "body: %s", r.Body)
	return r.json(s.t)["id"].(string)
}

// status fetches GET /v1/resolutions/{id}.
func (s *stack) status(id string) map[string]any {
	s.t.Helper()
	r := s.do(http.MethodGet, "/v1/resolutions/"+id, nil, nil)
	require.Equal(s.t, http.StatusOK, r.Status, "body: %s", r.Body)
	return r.json(s.t)
}

// waitCallbackState polls the status until the callback reaches state.
func (s *stack) waitCallbackState(id, state string, timeout time.Duration) map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st := s.status(id)
		if st["callback"].(map[string]any)["status"] == state {
			return st
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("callback of %s did not become %s within %s: %v", id, state, timeout, st)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (s *stack) count(sql string, args ...any) int {
	s.t.Helper()
	var n int
	require.NoError(s.t, s.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}
