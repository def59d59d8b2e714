package client_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/client"
	"github.com/openresolve/openresolve/internal/api"
	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/tools/testkit"
	"github.com/openresolve/openresolve/internal/worker"
	"github.com/openresolve/openresolve/webhook"
)

// server is a real API and worker on a fresh database holding the fixture graph.
func server(t *testing.T) (apiURL string, key apikey.Created) {
	t.Helper()
	dbURL := pgtest.NewDatabase(t)
	pool := pgtest.NewPool(t, dbURL)
	testkit.LoadGraph(t, pool, testkit.FixtureGraph)
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	loopback := netguard.Policy{Allowed: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}

	srv, err := api.New(api.Config{Pool: pool, Logger: logger, CallbackPolicy: loopback})
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })

	w, err := worker.New(worker.Config{
		Pool: pool, Logger: logger, Resolvers: resolve.Resolvers(resolve.Deps{Graph: pool}),
		Callbacks:         callback.NewClient(callback.ClientConfig{Policy: loopback, UserAgent: "OpenResolve/test"}),
		FetchPollInterval: 50 * time.Millisecond,
	})
	require.NoError(t, err)
	require.NoError(t, w.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = w.Stop(ctx)
	})
	key, err = apikey.Create(context.Background(), pool, "sdk")
	require.NoError(t, err)
	return hs.URL, key
}

// receiver verifies callbacks with the webhook package and hands them over.
func receiver(t *testing.T, secret string) (url string, events <-chan *webhook.Event) {
	t.Helper()
	v, err := webhook.NewVerifier(secret)
	require.NoError(t, err)
	ch := make(chan *webhook.Event, 16)
	var once sync.Map
	hs := httptest.NewServer(v.Handler(func(_ *http.Request, e *webhook.Event) error {
		if _, dup := once.LoadOrStore(e.ID, true); !dup {
			ch <- e
		}
		return nil
	}))
	t.Cleanup(hs.Close)
	return hs.URL, ch
}

func next(t *testing.T, events <-chan *webhook.Event) *webhook.Event {
	t.Helper()
	select {
	case e := <-events:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no callback within 10s")
		return nil
	}
}

func TestClientAgainstTheServer(t *testing.T) {
	t.Parallel()
	apiURL, key := server(t)
	cbURL, events := receiver(t, key.SigningSecret)
	c := client.New(apiURL, key.Key)
	ctx := context.Background()
	req := func(ext string) client.Request { return client.Request{CallbackURL: cbURL, ExternalID: ext} }

	// Each method reaches its endpoint, and its result decodes into its type.
	a, err := c.EmailToHEM(ctx, client.EmailToHEMRequest{Request: req("hem"), Email: "Jane.Doe@AcmeLogistics.com"})
	require.NoError(t, err)
	require.Equal(t, "processing", a.Status)
	require.WithinDuration(t, time.Now(), a.RequestedAt, 5*time.Second)
	e := next(t, events)
	require.Equal(t, a.ID, e.ID)
	require.Equal(t, "hem", e.ExternalID)
	var hem client.EmailToHEMResult
	require.NoError(t, e.Decode(&hem))
	require.Equal(t, "3a8416169b175765a4411279650d796a", hem.MD5)
	require.Equal(t, "completed", hem.Status)

	_, err = c.Enrichment(ctx, client.EnrichmentRequest{Request: req("enr"), CompanyName: "Acme Logistics", FullName: "Jane Doe"})
	require.NoError(t, err)
	var enr client.EnrichmentResult
	require.NoError(t, next(t, events).Decode(&enr))
	require.Equal(t, "Acme Logistics", *enr.CompanyName)
	require.Equal(t, 400, *enr.Employees)
	require.Equal(t, "jane.doe@acmelogistics.com", *enr.Person.Email)
	require.Equal(t, "company_name", enr.MatchedBy)

	_, err = c.Deanonymization(ctx, client.DeanonymizationRequest{Request: req("dea"), IP: "64.207.100.23"})
	require.NoError(t, err)
	var dea client.DeanonymizationResult
	require.NoError(t, next(t, events).Decode(&dea))
	require.Equal(t, "Jane Doe", *dea.Person.FullName)
	require.Equal(t, "acmelogistics.com", *dea.Company.Domain)

	_, err = c.LinkedInToPhone(ctx, client.LinkedInRequest{Request: req("ph"), LinkedInURL: "https://www.linkedin.com/in/janedoe"})
	require.NoError(t, err)
	var ph client.LinkedInToPhoneResult
	require.NoError(t, next(t, events).Decode(&ph))
	require.Equal(t, "+14155550123", ph.Phones[0].Number)

	_, err = c.LinkedInToHEM(ctx, client.LinkedInRequest{Request: req("lh"), LinkedInURL: "linkedin.com/in/janedoe"})
	require.NoError(t, err)
	var lh client.LinkedInToHEMResult
	require.NoError(t, next(t, events).Decode(&lh))
	require.Len(t, lh.HashedEmails, 2)

	_, err = c.IPToCompany(ctx, client.IPToCompanyRequest{Request: req("ip"), IP: "64.207.100.200"})
	require.NoError(t, err)
	var ip client.IPToCompanyResult
	require.NoError(t, next(t, events).Decode(&ip))
	require.Equal(t, "64.207.100.0/24", ip.Network.CIDR)
	require.Equal(t, int64(64500), *ip.Network.ASN)

	_, err = c.OrganizationDomainFinder(ctx, client.DomainFinderRequest{Request: req("df"), CompanyName: "Summit Health", Country: "GB"})
	require.NoError(t, err)
	var df client.DomainFinderResult
	require.NoError(t, next(t, events).Decode(&df))
	require.Equal(t, "summit-health.co.uk", *df.Domain)
	require.Equal(t, "graph", df.Candidates[0].Source)

	a, err = c.KeywordToLead(ctx, client.KeywordToLeadRequest{Request: req("kw"), Keyword: "supply chain", Limit: 1})
	require.NoError(t, err)
	var kw client.KeywordToLeadResult
	require.NoError(t, next(t, events).Decode(&kw))
	require.Equal(t, 2, kw.Total)
	require.Len(t, kw.Leads, 1)

	// The status call, decoded the same way.
	var res *client.Resolution
	require.Eventually(t, func() bool {
		res, err = c.GetResolution(ctx, a.ID)
		require.NoError(t, err)
		return res.Callback.Status == "delivered"
	}, 5*time.Second, 20*time.Millisecond)
	require.Equal(t, "keyword-to-lead", res.Endpoint)
	require.Equal(t, "kw", *res.ExternalID)
	require.Equal(t, 1, res.Callback.Attempts)
	require.Equal(t, http.StatusNoContent, *res.Callback.LastStatusCode)
	var again client.KeywordToLeadResult
	require.NoError(t, res.Decode(&again))
	require.Equal(t, kw, again)
}

func TestClientErrors(t *testing.T) {
	t.Parallel()
	apiURL, key := server(t)
	ctx := context.Background()
	c := client.New(apiURL, key.Key)

	_, err := c.EmailToHEM(ctx, client.EmailToHEMRequest{Request: client.Request{CallbackURL: "http://127.0.0.1:1/cb"}, Email: "not an email"})
	var apiErr *client.Error
	require.True(t, errors.As(err, &apiErr))
	require.Equal(t, http.StatusUnprocessableEntity, apiErr.StatusCode)
	require.Equal(t, "validation_failed", apiErr.Code)
	require.Equal(t, "email", apiErr.Field)
	require.False(t, apiErr.Temporary())

	_, err = client.New(apiURL, "wrong").GetResolution(ctx, "res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C")
	require.True(t, client.IsCode(err, "unauthorized"), "%v", err)
	_, err = c.GetResolution(ctx, "res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C")
	require.True(t, client.IsCode(err, "not_found"), "%v", err)

	// The same Idempotency-Key gets the same resolution.
	r := client.EmailToHEMRequest{Request: client.Request{CallbackURL: "http://127.0.0.1:1/cb", IdempotencyKey: "k-1"}, Email: "a@b.co"}
	first, err := c.EmailToHEM(ctx, r)
	require.NoError(t, err)
	second, err := c.EmailToHEM(ctx, r)
	require.NoError(t, err)
	require.Equal(t, first.ID, second.ID)
	r.Email = "c@d.co"
	_, err = c.EmailToHEM(ctx, r)
	require.True(t, client.IsCode(err, "idempotency_mismatch"), "%v", err)
}
