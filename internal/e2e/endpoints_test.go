package e2e

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// TestEveryEndpoint sends one request per endpoint, written the way clients write them, through
// the API and a worker to a receiver, against the fixture graph.
func TestEveryEndpoint(t *testing.T) {
	t.Parallel()
	dns := testkit.NewDNS(t)
	dns.Set("initrodesystems.com", "93.184.216.34")
	s := newStack(t, stackOpts{dnsResolver: dns.Resolver()})
	testkit.LoadGraph(t, s.pool, testkit.FixtureGraph)
	rcv := testkit.NewReceiver(t)

	cases := []struct {
		path   string
		body   map[string]any
		status string
		check  func(t *testing.T, body map[string]any)
	}{
		{"/v1/enrichment", map[string]any{"company_name": "ACME LOGISTICS, INC.", "full_name": "Jane Doe"}, "completed",
			func(t *testing.T, b map[string]any) {
				require.Equal(t, "Acme Logistics", b["companyName"])
				require.Equal(t, "123 Tech Boulevard", b["address"])
				require.EqualValues(t, 400, b["employees"])
				require.Equal(t, "company_name", b["matchedBy"])
				require.GreaterOrEqual(t, b["confidence"], 0.9)
				require.Equal(t, "jane.doe@acmelogistics.com", b["person"].(map[string]any)["email"])
			}},
		{"/v1/enrichment", map[string]any{"domain": "https://www.globex.com/contact"}, "completed",
			func(t *testing.T, b map[string]any) {
				require.Equal(t, "Globex Corporation", b["companyName"])
				require.Equal(t, "domain", b["matchedBy"])
			}},
		{"/v1/enrichment", map[string]any{"companyName": "Initech"}, "not_found", nil},
		{"/v1/deanonymization", map[string]any{"ip": "::ffff:64.207.100.23", "userAgent": "Mozilla/5.0", "pageUrl": "https://shop.example.com/pricing"}, "completed",
			func(t *testing.T, b map[string]any) {
				require.Equal(t, "64.207.100.23", b["ip"])
				require.Equal(t, "ip_observation", b["matchedBy"])
				require.Equal(t, "Jane Doe", b["person"].(map[string]any)["fullName"])
				require.Equal(t, "acmelogistics.com", b["company"].(map[string]any)["domain"])
			}},
		{"/v1/deanonymization", map[string]any{"ip": "8.8.4.4"}, "not_found", nil},
		{"/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "https://www.linkedin.com/in/JaneDoe/?trk=x"}, "completed",
			func(t *testing.T, b map[string]any) {
				require.Equal(t, "linkedin.com/in/janedoe", b["linkedinUrl"])
				require.Equal(t, "+14155550123", b["phones"].([]any)[0].(map[string]any)["number"])
			}},
		{"/v1/linkedin-to-hem", map[string]any{"linkedin_url": "uk.linkedin.com/in/janedoe"}, "completed",
			func(t *testing.T, b map[string]any) {
				require.Len(t, b["hashedEmails"], 2)
				require.Equal(t, "3a8416169b175765a4411279650d796a", b["hashedEmails"].([]any)[0].(map[string]any)["md5"])
			}},
		{"/v1/email-to-hem", map[string]any{"email": "Jane.Doe@AcmeLogistics.com"}, "completed",
			func(t *testing.T, b map[string]any) {
				require.Equal(t, "3a8416169b175765a4411279650d796a", b["md5"])
			}},
		{"/v1/ip-to-company", map[string]any{"ip": "64.207.100.200"}, "completed",
			func(t *testing.T, b map[string]any) {
				require.Equal(t, "64.207.100.0/24", b["network"].(map[string]any)["cidr"])
				require.Equal(t, "Acme Logistics", b["company"].(map[string]any)["companyName"])
			}},
		{"/v1/organization-domain-finder", map[string]any{"companyName": "Summit Health", "country": "gb"}, "completed",
			func(t *testing.T, b map[string]any) {
				require.Equal(t, "summit-health.co.uk", b["domain"])
				require.Equal(t, "Summit Health", b["companyName"])
			}},
		{"/v1/organization-domain-finder", map[string]any{"companyName": "Initrode Systems"}, "completed",
			func(t *testing.T, b map[string]any) {
				require.Equal(t, "initrodesystems.com", b["domain"])
				require.Equal(t, "dns", b["candidates"].([]any)[0].(map[string]any)["source"])
			}},
		{"/v1/keyword-to-lead", map[string]any{"keyword": "supply chain", "seniority": "VP", "limit": 5}, "completed",
			func(t *testing.T, b map[string]any) {
				require.EqualValues(t, 1, b["total"])
				require.Equal(t, "Jane Doe", b["leads"].([]any)[0].(map[string]any)["fullName"])
				require.Equal(t, "supply chain", b["keyword"])
			}},
	}
	ids := map[string]int{}
	for i, tc := range cases {
		body := map[string]any{"callbackUrl": rcv.URL + "/cb", "externalId": tc.path}
		for k, v := range tc.body {
			body[k] = v
		}
		r := s.post(tc.path, body, nil)
		require.Equal(t, http.StatusAccepted, r.Status, "%s: %s", tc.path, r.Body)
		ids[r.json(t)["id"].(string)] = i
	}
	deliveries := rcv.WaitFor(t, len(cases), 20*time.Second)
	require.Len(t, deliveries, len(cases))
	for _, d := range deliveries {
		var b map[string]any
		require.NoError(t, json.Unmarshal(d.Body, &b))
		i, ok := ids[d.Header.Get("webhook-id")]
		require.True(t, ok)
		tc := cases[i]
		require.Equal(t, tc.status, b["status"], "%s %v: %s", tc.path, tc.body, d.Body)
		require.Equal(t, tc.path, b["externalId"])
		if tc.check != nil {
			t.Run(tc.path, func(t *testing.T) { tc.check(t, b) })
		}
	}
}

func TestEndpointValidation(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	cb := "https://client.example.com/cb"
	cases := []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"/v1/enrichment", map[string]any{"fullName": "Jane Doe"}, ""},
		{"/v1/enrichment", map[string]any{"domain": "not a domain"}, "domain"},
		{"/v1/enrichment", map[string]any{"domain": "localhost"}, "domain"},
		{"/v1/enrichment", map[string]any{"linkedinUrl": "https://linkedin.com.evil.example/in/x"}, "linkedinUrl"},
		{"/v1/enrichment", map[string]any{"email": "nope"}, "email"},
		{"/v1/enrichment", map[string]any{"companyName": "!!!"}, "companyName"},
		{"/v1/enrichment", map[string]any{"companyName": 7}, "companyName"},
		{"/v1/deanonymization", map[string]any{}, "ip"},
		{"/v1/deanonymization", map[string]any{"ip": "10.0.0.1"}, "ip"},
		{"/v1/deanonymization", map[string]any{"ip": "127.0.0.1"}, "ip"},
		{"/v1/deanonymization", map[string]any{"ip": "::1"}, "ip"},
		{"/v1/deanonymization", map[string]any{"ip": "192.0.2.1"}, "ip"},
		{"/v1/deanonymization", map[string]any{"ip": "8.8.8.8", "hem": "xyz"}, "hem"},
		{"/v1/deanonymization", map[string]any{"ip": "not-an-ip"}, "ip"},
		{"/v1/linkedin-to-phone", map[string]any{}, "linkedinUrl"},
		{"/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "https://www.linkedin.com/company/acme"}, "linkedinUrl"},
		{"/v1/linkedin-to-hem", map[string]any{"linkedin_url": "https://example.com/in/jane"}, "linkedin_url"},
		{"/v1/ip-to-company", map[string]any{"ip": "100.64.1.1"}, "ip"},
		{"/v1/ip-to-company", map[string]any{"ip": "fd00::1"}, "ip"},
		{"/v1/organization-domain-finder", map[string]any{}, "companyName"},
		{"/v1/organization-domain-finder", map[string]any{"companyName": "Acme", "country": "USA"}, "country"},
		{"/v1/keyword-to-lead", map[string]any{}, "keyword"},
		{"/v1/keyword-to-lead", map[string]any{"keyword": "sales", "limit": 0}, "limit"},
		{"/v1/keyword-to-lead", map[string]any{"keyword": "sales", "limit": 101}, "limit"},
		{"/v1/keyword-to-lead", map[string]any{"keyword": "sales", "limit": 2.5}, "limit"},
		{"/v1/keyword-to-lead", map[string]any{"keyword": "sales", "limit": "10"}, "limit"},
		{"/v1/keyword-to-lead", map[string]any{"keyword": "sales", "country": "XX"}, "country"},
	}
	for _, tc := range cases {
		body := map[string]any{"callbackUrl": cb}
		for k, v := range tc.body {
			body[k] = v
		}
		r := s.post(tc.path, body, nil)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s %v: %s", tc.path, tc.body, r.Body)
		e := r.json(t)["error"].(map[string]any)
		require.Equal(t, "validation_failed", e["code"], "%s %v", tc.path, tc.body)
		if tc.field == "" {
			require.NotContains(t, e, "field")
		} else {
			require.Equal(t, tc.field, e["field"], "%s %v", tc.path, tc.body)
		}
	}
	require.Equal(t, 0, s.count(`SELECT count(*) FROM resolutions`))
}

// TestGraphFromAnotherDatabase runs the resolvers against a graph in a database of its own, as
// with GRAPH_DATABASE_URL pointing at a read replica: the pipeline's database holds no graph.
func TestGraphFromAnotherDatabase(t *testing.T) {
	t.Parallel()
	graphURL := pgtest.NewDatabase(t)
	testkit.LoadGraph(t, pgtest.NewPool(t, graphURL), testkit.FixtureGraph)
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	startWorker(t, s, func(c *config.Config) { c.GraphDatabaseURL = graphURL })
	r := s.post("/v1/enrichment", map[string]any{"domain": "acmelogistics.com", "callbackUrl": rcv.URL}, nil)
	require.Equal(t, http.StatusAccepted, r.Status)
	var b map[string]any
	require.NoError(t, json.Unmarshal(rcv.WaitFor(t, 1, 10*time.Second)[0].Body, &b))
	require.Equal(t, "Acme Logistics", b["companyName"])
	require.Equal(t, 0, s.count(`SELECT count(*) FROM companies`))
}
