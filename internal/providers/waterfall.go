package providers

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/usage"
)

// The circuit breaker (CONTRACT.md section 11): CircuitFailures failed calls in a row skip a
// provider for CircuitOpenFor, then one trial call decides.
const (
	CircuitFailures = 5
	CircuitOpenFor  = 60 * time.Second
)

// Outcomes and reasons of a call, as in provider_calls and the status's providerCalls.
const (
	OutcomeFound    = "found"
	OutcomeNotFound = "not_found"
	OutcomeError    = "error"
	OutcomeSkipped  = "skipped"
)

// maxAnswer is the most of a provider's answer read.
const maxAnswer = 1 << 20

// maxAttempts bounds the attempts of one call (backoff 100 ms, 200 ms, 400 ms, or the
// provider's Retry-After), within the resolution's time limit either way.
const maxAttempts = 4

// Waterfall answers a question from the graph when it holds a fresh answer, and otherwise
// asks the providers that serve its endpoint, in order, until one finds something (see
// Resolve). It is safe for concurrent use.
type Waterfall struct {
	providers []*Provider
	pool      *pgxpool.Pool
	learner   *Learner
	clients   map[string]*http.Client
	logger    *slog.Logger
	queries   *store.Queries
	now       func() time.Time
	// Observe, when set, is told of every call made: provider, outcome and duration.
	Observe func(provider, outcome string, took time.Duration)
}

// New returns a Waterfall over providers, keeping its state in pool's database and learning
// into its graph (NewLearner); resolver, when not nil, is the DNS resolver providers' hosts are
// looked up with. Close stops it.
func New(providers []*Provider, pool *pgxpool.Pool, resolver *net.Resolver, logger *slog.Logger) *Waterfall {
	w := &Waterfall{providers: providers, pool: pool, learner: NewLearner(pool), clients: map[string]*http.Client{},
		logger: logger, queries: store.New(), now: time.Now}
	for _, p := range providers {
		w.clients[p.Name] = netguard.HTTPClient(netguard.Policy{Allowed: p.allowed}, time.Duration(p.Timeout), resolver)
	}
	return w
}

// Close stops the Waterfall once what it is learning is learned.
func (w *Waterfall) Close() {
	w.learner.Close()
	for _, c := range w.clients {
		c.CloseIdleConnections()
	}
}

// byKey runs the look-ups by key of tables that start empty and grow with every question with
// custom plans (store.CustomPlans): a generic plan made while a table was small scans it whole
// for good (measured: 0.97 ms a look-up of provider_calls at 27,000 rows).
func (w *Waterfall) byKey() store.DBTX { return store.CustomPlans{DB: w.pool} }

// Serves reports whether some provider serves endpoint.
func (w *Waterfall) Serves(endpoint string) bool {
	for _, p := range w.providers {
		if p.Serves(endpoint) {
			return true
		}
	}
	return false
}

// question identifies a question for the negative cache and the learned answers: a SHA-256
// of the endpoint and the query, so no identifier is kept in clear.
func question(endpoint string, q Query) []byte {
	doc, _ := json.Marshal(struct {
		E string `json:"e"`
		Q Query  `json:"q"`
	}{endpoint, q})
	h := sha256.Sum256(doc)
	return h[:]
}

// Resolve answers the stored request of resolution id, of endpoint: graph answers it when it
// holds an answer that is fresh (not learned from a provider longer ago than that provider's
// cacheFor); otherwise each provider serving endpoint is asked in turn, skipping one whose
// miss of this question is remembered, whose budget or rate is spent or whose circuit is open,
// until one finds something, which is learned into the graph and answered from it. Every
// call's outcome is stored before the next step, and a run that finds stored outcomes (a job
// run again after its worker died) goes on from them: a call is never made twice for one
// resolution. A found answer carries sources (["graph"], or the provider's name). graph reads
// the identity graph where resolvers read it (a replica, maybe); primary reads it where
// learned rows are written, to answer from them at once.
func (w *Waterfall) Resolve(ctx context.Context, id, endpoint string, request json.RawMessage, graph, primary resolve.Resolver) (resolve.Result, error) {
	var q Query
	if err := json.Unmarshal(request, &q); err != nil {
		return resolve.Result{}, fmt.Errorf("read the request: %w", err)
	}
	if !strings.HasPrefix(q.LinkedInURL, "linkedin.com/in/") {
		q.LinkedInURL = "" // a company's page: providers are asked about people
	}
	qid := question(endpoint, q)
	res, err := graph.Resolve(ctx, request)
	if err != nil {
		return res, err
	}
	if answers(endpoint, q, res) {
		fresh, err := w.fresh(ctx, qid)
		if err != nil {
			return res, err
		}
		if fresh {
			return withSources(res, "graph"), nil
		}
	}
	calls, err := w.queries.ProviderCallsOf(ctx, w.byKey(), id)
	if err != nil {
		return res, err
	}
	stored := map[string]store.ProviderCallsOfRow{}
	for _, c := range calls {
		stored[c.Provider] = c
	}
	for _, p := range w.providers {
		if !p.Serves(endpoint) {
			continue
		}
		c, done := stored[p.Name]
		if !done {
			if c, err = w.ask(ctx, id, endpoint, p, q, qid); err != nil {
				return resolve.Result{}, err
			}
		}
		if c.Outcome != OutcomeFound {
			continue
		}
		if c.Finding != nil { // not yet in the graph: a run that died before learning it
			var f Finding
			if err := json.Unmarshal(c.Finding, &f); err != nil {
				return resolve.Result{}, fmt.Errorf("stored finding of %s: %w", p.Name, err)
			}
			if err := w.learn(ctx, id, p.Name, qid, f); err != nil {
				return resolve.Result{}, err
			}
		}
		got, err := primary.Resolve(ctx, request)
		if err != nil || !answers(endpoint, q, got) {
			// Nothing the graph may answer with: what the provider said was suppressed, or
			// not valid where an import checks it.
			return got, err
		}
		return withSources(got, p.Name), nil
	}
	if res.Found { // stale, and no provider had better: the graph's answer stands
		return withSources(res, "graph"), nil
	}
	return res, nil
}

// answers reports whether r answers what q asks: it found something, and for an enrichment
// that names a person (by name, profile or email), that person.
func answers(endpoint string, q Query, r resolve.Result) bool {
	if !r.Found {
		return false
	}
	if endpoint == "enrichment" && (q.FullName != "" || q.LinkedInURL != "" || q.Email != "") {
		return r.Fields["person"] != nil && !isNilMap(r.Fields["person"])
	}
	return true
}

func isNilMap(v any) bool {
	m, ok := v.(map[string]any)
	return ok && m == nil
}

// FromGraph marks an answer of an endpoint no provider serves as the graph's (sources:
// ["graph"]), as every answer found says where it came from (CONTRACT.md section 11).
func FromGraph(r resolve.Result) resolve.Result {
	if !r.Found {
		return r
	}
	return withSources(r, "graph")
}

// withSources sets r's sources; r.Fields is a resolver's own answer, set in place.
func withSources(r resolve.Result, sources ...string) resolve.Result {
	if r.Fields == nil {
		r.Fields = map[string]any{}
	}
	r.Fields["sources"] = sources
	return r
}

// fresh reports whether the graph's answer to question may stand: it was not learned from a
// provider, or not longer ago than that provider's cacheFor.
func (w *Waterfall) fresh(ctx context.Context, qid []byte) (bool, error) {
	rows, err := w.queries.ProviderLearnedOf(ctx, w.byKey(), qid)
	if err != nil || len(rows) == 0 {
		return true, err
	}
	for _, p := range w.providers {
		if p.Name == rows[0].Provider {
			return w.now().Sub(rows[0].LearnedAt) <= time.Duration(p.CacheFor), nil
		}
	}
	return true, nil // a provider no longer configured: its rows stay as imported ones do
}

// learn writes f into the graph, records which question it answers, and drops the stored
// finding.
func (w *Waterfall) learn(ctx context.Context, id, provider string, qid []byte, f Finding) error {
	if err := w.learner.Learn(ctx, provider, f); err != nil {
		return fmt.Errorf("learn what %s found: %w", provider, err)
	}
	return w.queries.ProviderLearnedRecord(ctx, w.byKey(), store.ProviderLearnedRecordParams{Question: qid, Provider: provider,
		ResolutionID: id})
}

// ask asks p, unless it is to be skipped, and stores the outcome before returning it. A
// provider that cannot be asked with what the request holds (ErrNoInput) is passed over
// without a record: it does not serve this question.
func (w *Waterfall) ask(ctx context.Context, id, endpoint string, p *Provider, q Query, qid []byte) (store.ProviderCallsOfRow, error) {
	rec := store.ProviderCallRecordParams{ResolutionID: id, Provider: p.Name}
	skip := func(reason string) (store.ProviderCallsOfRow, error) {
		rec.Outcome, rec.Reason = OutcomeSkipped, reason
		return w.record(ctx, rec)
	}
	req, err := p.preset.request(ctx, p, endpoint, q)
	switch {
	case errors.Is(err, ErrNoInput):
		return store.ProviderCallsOfRow{Provider: p.Name}, nil
	case err != nil:
		return store.ProviderCallsOfRow{}, err
	}
	before, err := w.queries.ProviderBeforeCall(ctx, w.byKey(), store.ProviderBeforeCallParams{Provider: p.Name, Question: qid})
	if err != nil {
		return store.ProviderCallsOfRow{}, err
	}
	if before.Missed {
		return skip("negative_cache")
	}
	if open, err := w.circuitOpen(ctx, p, before.OpenUntil); err != nil {
		return store.ProviderCallsOfRow{}, err
	} else if open {
		return skip("circuit")
	}
	now := w.now().UTC()
	month := usage.Month(now)
	if p.RatePerSecond > 0 {
		sec := now.Unix()
		taken, err := w.queries.ProviderRateTake(ctx, w.pool, store.ProviderRateTakeParams{Provider: p.Name, Second: sec,
			Rate: int32(max(1, p.RatePerSecond))})
		if err != nil {
			return store.ProviderCallsOfRow{}, err
		}
		if len(taken) == 0 {
			return skip("rate")
		}
		if taken[0] == 1 { // the second's first call clears the old seconds
			_ = w.queries.ProviderRatePurge(ctx, w.pool, store.ProviderRatePurgeParams{Provider: p.Name, Before: sec - 60})
		}
	}
	if p.MonthlyBudget > 0 {
		taken, err := w.queries.ProviderBudgetTake(ctx, w.pool, store.ProviderBudgetTakeParams{Provider: p.Name, Month: month,
			Budget: p.MonthlyBudget})
		if err != nil {
			return store.ProviderCallsOfRow{}, err
		}
		if len(taken) == 0 {
			return skip("budget")
		}
	}

	start := w.now()
	reading, status := w.call(ctx, p, endpoint, req)
	rec.DurationMs = int32(w.now().Sub(start).Milliseconds())
	rec.StatusCode = int32(status)
	switch {
	case reading.Err != nil:
		rec.Outcome, rec.Error = OutcomeError, reading.Err.Error()
	case reading.Found:
		rec.Outcome = OutcomeFound
		if rec.Finding, err = json.Marshal(reading.Finding); err != nil {
			return store.ProviderCallsOfRow{}, err
		}
	default:
		rec.Outcome = OutcomeNotFound
	}
	if w.Observe != nil {
		w.Observe(p.Name, rec.Outcome, w.now().Sub(start))
	}
	w.logger.InfoContext(ctx, "provider asked", slog.String("resolution_id", id), slog.String("provider", p.Name),
		slog.String("endpoint", endpoint), slog.String("outcome", rec.Outcome), slog.Int("status_code", status),
		slog.Int("duration_ms", int(rec.DurationMs)))
	row, err := w.record(ctx, rec)
	if err != nil {
		return row, err
	}
	// The circuit and the misses, once the outcome is safe.
	switch {
	case rec.Outcome == OutcomeError:
		err = w.queries.ProviderCircuitFailed(ctx, w.pool, store.ProviderCircuitFailedParams{Provider: p.Name,
			Threshold: CircuitFailures, OpenForSeconds: CircuitOpenFor.Seconds()})
	case before.Failures > 0 || before.OpenUntil != nil: // a closed circuit with no failure stays as it is
		err = w.queries.ProviderCircuitSucceeded(ctx, w.pool, p.Name)
	}
	if err == nil && rec.Outcome == OutcomeNotFound {
		err = w.queries.ProviderMissRemember(ctx, w.pool, store.ProviderMissRememberParams{Provider: p.Name, Question: qid,
			Until: w.now().Add(time.Duration(p.NegativeCacheFor))})
	}
	return row, err
}

// record stores a call's outcome and returns it as stored (the first record, should another
// run have stored one meanwhile).
func (w *Waterfall) record(ctx context.Context, rec store.ProviderCallRecordParams) (store.ProviderCallsOfRow, error) {
	stored, err := w.queries.ProviderCallRecord(ctx, w.pool, rec)
	if err != nil {
		return store.ProviderCallsOfRow{}, err
	}
	if len(stored) == 1 {
		return store.ProviderCallsOfRow(stored[0]), nil
	}
	rows, err := w.queries.ProviderCallsOf(ctx, w.byKey(), rec.ResolutionID)
	if err != nil {
		return store.ProviderCallsOfRow{}, err
	}
	for _, r := range rows {
		if r.Provider == rec.Provider {
			return r, nil
		}
	}
	return store.ProviderCallsOfRow{}, fmt.Errorf("the call to %s was not stored", rec.Provider)
}

// circuitOpen reports whether p, whose circuit is open until openUntil (nil: closed), is to be
// skipped; a circuit whose open time is up lets one caller through, for a trial.
func (w *Waterfall) circuitOpen(ctx context.Context, p *Provider, openUntil *time.Time) (bool, error) {
	if openUntil == nil {
		return false, nil
	}
	if openUntil.After(w.now()) {
		return true, nil
	}
	n, err := w.queries.ProviderCircuitTrial(ctx, w.pool, store.ProviderCircuitTrialParams{Provider: p.Name,
		OpenForSeconds: CircuitOpenFor.Seconds()})
	return n == 0, err
}

// call makes the call, again after a backoff while the answer says it may pass (429, 5xx,
// 403 for Hunter, a timeout, a connection error) and time is left: each attempt within the
// provider's timeout and ctx's deadline, a Retry-After honoured when it fits.
func (w *Waterfall) call(ctx context.Context, p *Provider, endpoint string, req *http.Request) (Reading, int) {
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, time.Duration(p.Timeout))
		resp, err := w.clients[p.Name].Do(req.Clone(actx))
		var r Reading
		status := 0
		var wait time.Duration
		if err != nil {
			r = Reading{Err: fmt.Errorf("%s: %w", p.Name, describe(err)), Retry: !errors.Is(err, netguard.ErrForbidden)}
		} else {
			status = resp.StatusCode
			body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
			resp.Body.Close()
			if rerr != nil {
				r = Reading{Err: fmt.Errorf("%s: reading the answer: %w", p.Name, describe(rerr)), Retry: true}
			} else {
				r = p.preset.read(p, endpoint, status, body)
				if ra, ok := callback.ParseRetryAfter(resp.Header.Get("Retry-After"), w.now()); ok {
					wait = ra
				}
			}
		}
		cancel()
		if r.Err == nil || !r.Retry || attempt == maxAttempts {
			return r, status
		}
		wait = max(wait, backoff+time.Duration(rand.Int64N(int64(backoff))))
		if dl, ok := ctx.Deadline(); ok && w.now().Add(wait+time.Duration(p.Timeout)/4).After(dl) {
			return r, status // no time left for another attempt: the next provider is asked
		}
		select {
		case <-ctx.Done():
			return r, status
		case <-time.After(wait):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// describe says what went wrong with a call without the URL, which may carry the secret (a
// Hunter key is a query parameter).
func describe(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var te interface{ Timeout() bool }
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &te) && te.Timeout():
		return errors.New("timed out")
	case errors.Is(err, netguard.ErrForbidden):
		return errors.New("the provider's address is neither public nor in its allowedNetworks")
	}
	return err
}
