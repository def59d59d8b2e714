package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/endpoint"
	"github.com/openresolve/openresolve/internal/tools/testkit"
	"github.com/openresolve/openresolve/webhook"
)

// TestOpenAPI checks the served OpenAPI document against the running server: every request
// sent and every answer received, callbacks included, must match it, so the document cannot
// drift from the code.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	dns := testkit.NewDNS(t)
	dns.Set("initrodesystems.com", "93.184.216.34")
	s := newStack(t, stackOpts{dnsResolver: dns.Resolver()})
	testkit.LoadGraph(t, s.pool, testkit.FixtureGraph)
	rcv := testkit.NewReceiver(t)

	doc, check := openAPIChecker(t, s)

	cb := rcv.URL + "/cb"
	requests := []struct {
		path string
		body map[string]any
	}{
		{"/v1/enrichment", map[string]any{"companyName": "Acme Logistics", "fullName": "Jane Doe", "callbackUrl": cb, "externalId": "x-1"}},
		{"/v1/enrichment", map[string]any{"domain": "globex.com", "callback_url": cb}},
		{"/v1/enrichment", map[string]any{"companyName": "Initech", "callbackUrl": cb}},
		{"/v1/deanonymization", map[string]any{"ip": "64.207.100.23", "userAgent": "Mozilla/5.0", "callbackUrl": cb}},
		{"/v1/deanonymization", map[string]any{"ip": "8.8.4.4", "callbackUrl": cb}},
		{"/v1/linkedin-to-phone", map[string]any{"linkedinUrl": "https://www.linkedin.com/in/janedoe", "callbackUrl": cb}},
		{"/v1/linkedin-to-hem", map[string]any{"linkedin_url": "linkedin.com/in/janedoe", "callbackUrl": cb}},
		{"/v1/email-to-hem", map[string]any{"email": "Jane.Doe@AcmeLogistics.com", "callbackUrl": cb}},
		{"/v1/ip-to-company", map[string]any{"ip": "64.207.100.200", "callbackUrl": cb}},
		{"/v1/ip-to-company", map[string]any{"ip": "9.9.9.9", "callbackUrl": cb}},
		{"/v1/organization-domain-finder", map[string]any{"companyName": "Summit Health", "country": "GB", "callbackUrl": cb}},
		{"/v1/organization-domain-finder", map[string]any{"companyName": "Initrode Systems", "callbackUrl": cb}},
		{"/v1/keyword-to-lead", map[string]any{"keyword": "supply chain", "limit": 5, "callbackUrl": cb}},
		{"/v1/keyword-to-lead", map[string]any{"keyword": "underwater basket weaving", "callbackUrl": cb}},
		{"/lead/resolution/email_to_hem", map[string]any{"email": "jane@example.com", "callback_url": cb}},
		{"/lead/resolution/ip_to_company", map[string]any{"ip": "64.207.100.200", "callback_url": cb}},
		{"/v1/enrichment/bulk", map[string]any{"callbackUrl": cb, "externalId": "b-1", "items": []any{
			map[string]any{"companyName": "Acme Logistics", "externalId": "row-1"}, map[string]any{"companyName": "Initech"}}}},
		{"/v1/keyword-to-lead/bulk", map[string]any{"callbackUrl": cb, "skipInvalid": true, "items": []any{
			map[string]any{"keyword": "supply chain", "limit": 2}, map[string]any{"limit": 2}}}},
	}
	// The document and the requests above cover the endpoint table, and the document has no
	// resolution endpoint the table does not.
	asked := map[string]bool{}
	for _, rq := range requests {
		asked[rq.path] = true
	}
	lead := doc.Paths.Value("/lead/resolution/{slug}").Post.Parameters.GetByInAndName("path", "slug").Schema.Value.Enum
	var slugs []any
	for _, ep := range endpoint.All {
		item := doc.Paths.Value("/v1/" + ep.Name)
		require.True(t, item != nil && item.Post != nil, "POST /v1/%s is not in the document", ep.Name)
		require.NotNil(t, doc.Webhooks[ep.Result], "no webhook %s for %s", ep.Result, ep.Name)
		require.True(t, asked["/v1/"+ep.Name], "no request to %s", ep.Name)
		bulk := doc.Paths.Value("/v1/" + ep.Name + "/bulk")
		require.True(t, bulk != nil && bulk.Post != nil, "POST /v1/%s/bulk is not in the document", ep.Name)
		slugs = append(slugs, ep.Slug())
	}
	require.ElementsMatch(t, slugs, lead, "the lead style's slugs")
	for path, item := range doc.Paths.Map() {
		if item.Post != nil && strings.HasPrefix(path, "/v1/") {
			_, ok := endpoint.Lookup(strings.TrimSuffix(strings.TrimPrefix(path, "/v1/"), "/bulk"))
			require.True(t, ok, "%s is in the document but not in the endpoint table", path)
		}
	}

	endpointOf := map[string]string{}
	for _, rq := range requests {
		r := check(http.MethodPost, rq.path, rq.body, nil)
		require.Equal(t, http.StatusAccepted, r.Status, "%s: %s", rq.path, r.Body)
		m := r.json(t)
		id, _ := m["id"].(string)
		if res, ok := m["resolution"].(map[string]any); ok {
			id = res["id"].(string)
		}
		endpointOf[id] = rq.path
		if items, ok := m["resolutions"].([]any); ok { // a batch's item is a resolution too
			require.Eventually(t, func() bool {
				return check(http.MethodGet, "/v1/resolutions/"+items[0].(string), nil, nil).json(t)["status"] != "processing"
			}, 5*time.Second, 20*time.Millisecond)
		}
	}

	// Errors of each kind the contract lists.
	require.Equal(t, 400, check(http.MethodPost, "/v1/email-to-hem", []int{1}, nil).Status)
	require.Equal(t, 401, check(http.MethodPost, "/v1/email-to-hem", map[string]any{}, map[string]string{"x-api-key": "wrong"}).Status)
	require.Equal(t, 422, check(http.MethodPost, "/v1/email-to-hem", map[string]any{"email": "nope", "callbackUrl": cb}, nil).Status)
	require.Equal(t, 422, check(http.MethodPost, "/v1/ip-to-company", map[string]any{"ip": "10.0.0.1", "callbackUrl": cb}, nil).Status)
	require.Equal(t, 415, check(http.MethodPost, "/v1/email-to-hem", map[string]any{}, map[string]string{"Content-Type": "text/plain"}).Status)
	require.Equal(t, 422, check(http.MethodPost, "/lead/resolution/keyword_to_lead", map[string]any{"callback_url": cb}, nil).Status)
	require.Equal(t, 404, check(http.MethodGet, "/v1/resolutions/res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C", nil, nil).Status)
	require.Equal(t, 200, check(http.MethodGet, "/healthz", nil, map[string]string{"x-api-key": ""}).Status)
	require.Equal(t, 200, check(http.MethodGet, "/readyz", nil, map[string]string{"x-api-key": ""}).Status)
	require.Equal(t, 200, check(http.MethodGet, "/metrics", nil, map[string]string{"x-api-key": ""}).Status)

	// Every callback body matches its webhook's schema, and every finished status too.
	webhookOf := map[string]string{}
	for _, ep := range endpoint.All {
		webhookOf[ep.Name], webhookOf[ep.Slug()] = ep.Result, ep.Result
	}
	statuses := map[string]int{}
	for _, d := range rcv.WaitFor(t, len(requests), 20*time.Second) {
		id := d.Header.Get(webhook.HeaderID)
		path := endpointOf[id]
		name := path[strings.LastIndex(path, "/")+1:]
		webhookOf["bulk"] = "batchResult"
		hook := doc.Webhooks[webhookOf[name]]
		require.NotNil(t, hook, "no webhook for %s", path)
		for _, p := range hook.Post.Parameters {
			require.NotEmpty(t, d.Header.Get(p.Value.Name), "header %s", p.Value.Name)
			require.NoError(t, p.Value.Schema.Value.VisitJSON(d.Header.Get(p.Value.Name), openapi3.EnableJSONSchema2020()))
		}
		var v any
		require.NoError(t, json.Unmarshal(d.Body, &v))
		schema := hook.Post.RequestBody.Value.Content.Get("application/json").Schema.Value
		require.NoError(t, schema.VisitJSON(v, openapi3.EnableJSONSchema2020()), "%s callback %s", path, d.Body)
		statuses[v.(map[string]any)["status"].(string)]++

		if name == "bulk" {
			require.Eventually(t, func() bool {
				return check(http.MethodGet, "/v1/batches/"+id, nil, nil).json(t)["callback"].(map[string]any)["status"] == "delivered"
			}, 5*time.Second, 20*time.Millisecond)
			continue
		}
		s.waitCallbackState(id, "delivered", 5*time.Second)
		require.Equal(t, 200, check(http.MethodGet, "/v1/resolutions/"+id, nil, nil).Status)
	}
	require.Equal(t, map[string]int{"completed": 14, "not_found": 4}, statuses)

	// A failed resolution's callback matches too.
	var failed map[string]any
	require.NoError(t, json.Unmarshal([]byte(`{"id": "res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C", "status": "failed", "error": "The resolution could not be completed because of an internal error."}`), &failed))
	require.NoError(t, doc.Webhooks["emailToHemResult"].Post.RequestBody.Value.Content.Get("application/json").Schema.Value.VisitJSON(failed, openapi3.EnableJSONSchema2020()))
	// And the schemas are closed: an unknown field in a callback would be noticed.
	failed["surprise"] = 1
	require.Error(t, doc.Webhooks["emailToHemResult"].Post.RequestBody.Value.Content.Get("application/json").Schema.Value.VisitJSON(failed, openapi3.EnableJSONSchema2020()))
}

// openAPIChecker loads the document the stack serves and returns it with check, which sends
// a request and validates it and its answer against the document.
func openAPIChecker(t *testing.T, s *stack) (*openapi3.T, func(method, path string, body any, headers map[string]string) response) {
	t.Helper()
	ctx := context.Background()
	raw := s.do(http.MethodGet, "/openapi.json", nil, map[string]string{"x-api-key": ""})
	require.Equal(t, http.StatusOK, raw.Status)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw.Body)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(ctx))
	require.Equal(t, "3.1.0", doc.OpenAPI)
	doc.Servers = openapi3.Servers{{URL: s.apiURL}}
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)

	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	check := func(method, path string, body any, headers map[string]string) response {
		t.Helper()
		var b []byte
		if body != nil {
			var err error
			b, err = json.Marshal(body)
			require.NoError(t, err)
		}
		r := s.do(method, path, b, headers)

		req, err := http.NewRequest(method, s.apiURL+path, bytes.NewReader(b))
		require.NoError(t, err)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		route, params, err := router.FindRoute(req)
		require.NoError(t, err, "%s %s is not in the document", method, path)
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
		if r.Status < 400 {
			require.NoError(t, openapi3filter.ValidateRequest(ctx, in), "request %s %s", method, path)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.Status,
			Header: r.Header, Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(r.Body)
		require.NoError(t, openapi3filter.ValidateResponse(ctx, out), "answer to %s %s: %d %.2000s", method, path, r.Status, r.Body)
		return r
	}
	return doc, check
}

func TestDocsPage(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	noKey := map[string]string{"x-api-key": ""}
	page := s.do(http.MethodGet, "/docs", nil, noKey)
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Header.Get("Content-Type"), "text/html")
	require.Contains(t, string(page.Body), `spec-url="/openapi.json"`)
	// Everything the page loads comes from this server: no CDN.
	require.NotContains(t, string(page.Body), "https://")
	require.NotContains(t, string(page.Body), "http://")
	js := s.do(http.MethodGet, "/docs/redoc.standalone.js", nil, noKey)
	require.Equal(t, http.StatusOK, js.Status)
	require.Contains(t, js.Header.Get("Content-Type"), "javascript")
	require.Greater(t, len(js.Body), 1<<20)
}
