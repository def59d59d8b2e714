package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/client"
	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/endpoint"
	"github.com/openresolve/openresolve/internal/tools/apptest"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
	"github.com/openresolve/openresolve/webhook"
)

// server is a real API and worker on a fresh database holding the fixture graph.
func server(t *testing.T) (apiURL string, key apikey.Created) {
	t.Helper()
	dbURL := pgtest.NewDatabase(t)
	pool := pgtest.NewPool(t, dbURL)
	testkit.LoadGraph(t, pool, testkit.FixtureGraph)
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := apptest.Config(dbURL)
	apiURL = apptest.StartAPI(t, cfg, logger)
	apptest.StartWorker(t, cfg, logger)
	key, err := apikey.Create(context.Background(), pool, "sdk")
	require.NoError(t, err)
	return apiURL, key
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

// strict decodes a callback into v, refusing a field v has no place for: a client type that
// misses a field of its result fails here.
func strict(t *testing.T, e *webhook.Event, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(e.Body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(v), "%s", e.Body)
}

func TestClientAgainstTheServer(t *testing.T) {
	t.Parallel()
	apiURL, key := server(t)
	cbURL, events := receiver(t, key.SigningSecret)
	c := client.New(apiURL, key.Key)
	ctx := context.Background()
	req := func(ext string) client.Request { return client.Request{CallbackURL: cbURL, ExternalID: ext} }

	// One row per endpoint: the method that asks it, and what its result decodes to.
	methods := map[string]struct {
		call  func() (*client.Accepted, error)
		check func(e *webhook.Event)
	}{
		endpoint.EmailToHEM: {
			func() (*client.Accepted, error) {
				return c.EmailToHEM(ctx, client.EmailToHEMRequest{Request: req("hem"), Email: "Jane.Doe@AcmeLogistics.com"})
			},
			func(e *webhook.Event) {
				var hem client.EmailToHEMResult
				strict(t, e, &hem)
				require.Equal(t, "3a8416169b175765a4411279650d796a", hem.MD5)
				require.Equal(t, "completed", hem.Status)
			},
		},
		endpoint.Enrichment: {
			func() (*client.Accepted, error) {
				return c.Enrichment(ctx, client.EnrichmentRequest{Request: req("enr"), CompanyName: "Acme Logistics", FullName: "Jane Doe"})
			},
			func(e *webhook.Event) {
				var enr client.EnrichmentResult
				strict(t, e, &enr)
				require.Equal(t, "Acme Logistics", *enr.CompanyName)
				require.Equal(t, 400, *enr.Employees)
				require.Equal(t, "jane.doe@acmelogistics.com", *enr.Person.Email)
				require.Equal(t, "company_name", enr.MatchedBy)
			},
		},
		endpoint.Deanonymization: {
			func() (*client.Accepted, error) {
				return c.Deanonymization(ctx, client.DeanonymizationRequest{Request: req("dea"), IP: "64.207.100.23"})
			},
			func(e *webhook.Event) {
				var dea client.DeanonymizationResult
				strict(t, e, &dea)
				require.Equal(t, "Jane Doe", *dea.Person.FullName)
				require.Equal(t, "acmelogistics.com", *dea.Company.Domain)
			},
		},
		endpoint.LinkedInToPhone: {
			func() (*client.Accepted, error) {
				return c.LinkedInToPhone(ctx, client.LinkedInRequest{Request: req("ph"), LinkedInURL: "https://www.linkedin.com/in/janedoe"})
			},
			func(e *webhook.Event) {
				var ph client.LinkedInToPhoneResult
				strict(t, e, &ph)
				require.Equal(t, "+14155550123", ph.Phones[0].Number)
			},
		},
		endpoint.LinkedInToHEM: {
			func() (*client.Accepted, error) {
				return c.LinkedInToHEM(ctx, client.LinkedInRequest{Request: req("lh"), LinkedInURL: "linkedin.com/in/janedoe"})
			},
			func(e *webhook.Event) {
				var lh client.LinkedInToHEMResult
				strict(t, e, &lh)
				require.Len(t, lh.HashedEmails, 2)
			},
		},
		endpoint.IPToCompany: {
			func() (*client.Accepted, error) {
				return c.IPToCompany(ctx, client.IPToCompanyRequest{Request: req("ip"), IP: "64.207.100.200"})
			},
			func(e *webhook.Event) {
				var ip client.IPToCompanyResult
				strict(t, e, &ip)
				require.Equal(t, "64.207.100.0/24", ip.Network.CIDR)
				require.Equal(t, int64(64500), *ip.Network.ASN)
			},
		},
		endpoint.DomainFinder: {
			func() (*client.Accepted, error) {
				return c.OrganizationDomainFinder(ctx, client.DomainFinderRequest{Request: req("df"), CompanyName: "Summit Health", Country: "GB"})
			},
			func(e *webhook.Event) {
				var df client.DomainFinderResult
				strict(t, e, &df)
				require.Equal(t, "summit-health.co.uk", *df.Domain)
				require.Equal(t, "graph", df.Candidates[0].Source)
			},
		},
		endpoint.KeywordToLead: {
			func() (*client.Accepted, error) {
				return c.KeywordToLead(ctx, client.KeywordToLeadRequest{Request: req("kw"), Keyword: "supply chain", Limit: 1})
			},
			func(e *webhook.Event) {
				var kw client.KeywordToLeadResult
				strict(t, e, &kw)
				require.Equal(t, 2, kw.Total)
				require.Equal(t, "eq", kw.TotalRelation)
				require.Len(t, kw.Leads, 1)
			},
		},
	}
	for _, ep := range endpoint.All {
		m, ok := methods[ep.Name]
		require.True(t, ok, "the client has no method for %s", ep.Name)
		t.Run(ep.Name, func(t *testing.T) {
			a, err := m.call()
			require.NoError(t, err)
			require.Equal(t, "processing", a.Status)
			require.WithinDuration(t, time.Now(), a.RequestedAt, 5*time.Second)
			e := next(t, events)
			require.Equal(t, a.ID, e.ID)
			m.check(e)

			// The status call reaches the same resolution, of this endpoint, and decodes the same.
			var res *client.Resolution
			require.Eventually(t, func() bool {
				res, err = c.GetResolution(ctx, a.ID)
				require.NoError(t, err)
				return res.Callback.Status == "delivered"
			}, 5*time.Second, 20*time.Millisecond)
			require.Equal(t, ep.Name, res.Endpoint)
			require.Equal(t, e.ExternalID, *res.ExternalID)
			require.Equal(t, 1, res.Callback.Attempts)
			require.Equal(t, http.StatusNoContent, *res.Callback.LastStatusCode)
			require.JSONEq(t, string(e.Body), string(res.Result))
		})
	}
	require.Len(t, methods, len(endpoint.All), "a method for an endpoint that does not exist")
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

// TestClientBulk: a bulk method per endpoint, a typed batch callback, and GetBatch.
func TestClientBulk(t *testing.T) {
	t.Parallel()
	apiURL, key := server(t)
	url, events := receiver(t, key.SigningSecret)
	ctx := context.Background()
	c := client.New(apiURL, key.Key)

	a, err := c.EnrichmentBulk(ctx, client.Bulk[client.EnrichmentRequest]{CallbackURL: url, ExternalID: "b-1", SkipInvalid: true,
		Items: []client.EnrichmentRequest{
			{Request: client.Request{ExternalID: "row-1"}, CompanyName: "Acme Logistics"},
			{},
			{Domain: "globex.com"},
		}})
	require.NoError(t, err)
	require.Equal(t, 3, a.Items)
	require.Nil(t, a.Resolutions[1])
	require.Equal(t, []client.Rejected{{Index: 1, Code: "validation_failed", Field: a.Rejected[0].Field, Message: a.Rejected[0].Message}}, a.Rejected)

	e := next(t, events)
	require.True(t, e.IsBatch())
	require.Equal(t, a.ID, e.ID)
	require.Equal(t, webhook.BatchCounts{Completed: 2}, e.Counts)
	var br client.BatchResult[client.EnrichmentResult]
	strict(t, e, &br)
	require.Equal(t, "enrichment", br.Endpoint)
	require.Equal(t, "b-1", br.ExternalID)
	require.Len(t, br.Results, 2)
	require.Equal(t, "row-1", br.Results[0].ExternalID)
	require.Equal(t, "Acme Logistics", *br.Results[0].CompanyName)
	require.Equal(t, "Globex Corporation", *br.Results[1].CompanyName)
	items, err := e.Batch()
	require.NoError(t, err)
	first, err := webhook.Parse(items[0])
	require.NoError(t, err)
	require.Equal(t, *a.Resolutions[0], first.ID)

	var b *client.Batch
	require.Eventually(t, func() bool {
		b, err = c.GetBatch(ctx, a.ID)
		require.NoError(t, err)
		return b.Callback.Status == "delivered"
	}, 5*time.Second, 20*time.Millisecond)
	require.Equal(t, "completed", b.Status)
	require.Equal(t, client.BatchCounts{Completed: 2}, b.Counts)
	var results []client.EnrichmentResult
	require.NoError(t, b.DecodeResults(&results))
	require.Len(t, results, 2)

	// Every endpoint has its bulk method: each reaches its route, which checks the items.
	bulk := map[string]func() (*client.BatchAccepted, error){
		endpoint.Enrichment: func() (*client.BatchAccepted, error) {
			return c.EnrichmentBulk(ctx, client.Bulk[client.EnrichmentRequest]{CallbackURL: url, Items: []client.EnrichmentRequest{{}}})
		},
		endpoint.Deanonymization: func() (*client.BatchAccepted, error) {
			return c.DeanonymizationBulk(ctx, client.Bulk[client.DeanonymizationRequest]{CallbackURL: url, Items: []client.DeanonymizationRequest{{}}})
		},
		endpoint.LinkedInToPhone: func() (*client.BatchAccepted, error) {
			return c.LinkedInToPhoneBulk(ctx, client.Bulk[client.LinkedInRequest]{CallbackURL: url, Items: []client.LinkedInRequest{{}}})
		},
		endpoint.LinkedInToHEM: func() (*client.BatchAccepted, error) {
			return c.LinkedInToHEMBulk(ctx, client.Bulk[client.LinkedInRequest]{CallbackURL: url, Items: []client.LinkedInRequest{{}}})
		},
		endpoint.EmailToHEM: func() (*client.BatchAccepted, error) {
			return c.EmailToHEMBulk(ctx, client.Bulk[client.EmailToHEMRequest]{CallbackURL: url, Items: []client.EmailToHEMRequest{{}}})
		},
		endpoint.IPToCompany: func() (*client.BatchAccepted, error) {
			return c.IPToCompanyBulk(ctx, client.Bulk[client.IPToCompanyRequest]{CallbackURL: url, Items: []client.IPToCompanyRequest{{}}})
		},
		endpoint.DomainFinder: func() (*client.BatchAccepted, error) {
			return c.OrganizationDomainFinderBulk(ctx, client.Bulk[client.DomainFinderRequest]{CallbackURL: url, Items: []client.DomainFinderRequest{{}}})
		},
		endpoint.KeywordToLead: func() (*client.BatchAccepted, error) {
			return c.KeywordToLeadBulk(ctx, client.Bulk[client.KeywordToLeadRequest]{CallbackURL: url, Items: []client.KeywordToLeadRequest{{}}})
		},
	}
	for _, ep := range endpoint.All {
		call, ok := bulk[ep.Name]
		require.True(t, ok, "no bulk method for %s", ep.Name)
		_, err := call()
		var apiErr *client.Error
		require.True(t, errors.As(err, &apiErr), "%s: %v", ep.Name, err)
		require.Equal(t, "validation_failed", apiErr.Code, ep.Name)
		require.Regexp(t, `^items\[0\]`, apiErr.Field, ep.Name)
	}
	require.Len(t, bulk, len(endpoint.All))
}
