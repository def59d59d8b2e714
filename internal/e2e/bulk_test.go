package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/endpoint"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/tools/testkit"
	"github.com/openresolve/openresolve/webhook"
)

// TestBulk: a batch's items are resolved like single requests and the batch gets exactly one
// callback with every result in input order.
func TestBulk(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	testkit.LoadGraph(t, s.pool, testkit.FixtureGraph)
	rcv := testkit.NewReceiver(t)

	r := s.post("/v1/enrichment/bulk", map[string]any{"callbackUrl": rcv.URL + "/batch-7", "externalId": "batch-7",
		"items": []map[string]any{
			{"companyName": "ACME LOGISTICS, INC.", "externalId": "row-1"},
			{"domain": "https://www.globex.com/contact"},
			{"companyName": "Initech", "externalId": "row-3"},
		}}, nil)
	require.Equal(t, http.StatusAccepted, r.Status, "%s", r.Body)
	var acc struct {
		ID          string    `json:"id"`
		Status      string    `json:"status"`
		Message     string    `json:"message"`
		CallbackURL string    `json:"callbackUrl"`
		RequestedAt string    `json:"requestedAt"`
		Items       int       `json:"items"`
		Resolutions []*string `json:"resolutions"`
		Rejected    []any     `json:"rejected"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &acc))
	require.Regexp(t, `^bat_[0-9A-Z]{26}$`, acc.ID)
	require.Equal(t, "processing", acc.Status)
	require.Equal(t, 3, acc.Items)
	require.Len(t, acc.Resolutions, 3)
	require.Empty(t, acc.Rejected)

	d := rcv.WaitFor(t, 1, 10*time.Second)[0]
	require.Equal(t, "/batch-7", d.Path)
	require.Equal(t, acc.ID, d.Header.Get("webhook-id"))
	var body struct {
		ID         string           `json:"id"`
		Status     string           `json:"status"`
		ExternalID string           `json:"externalId"`
		Endpoint   string           `json:"endpoint"`
		Counts     map[string]int   `json:"counts"`
		Results    []map[string]any `json:"results"`
	}
	require.NoError(t, json.Unmarshal(d.Body, &body))
	require.Equal(t, acc.ID, body.ID)
	require.Equal(t, "completed", body.Status)
	require.Equal(t, "batch-7", body.ExternalID)
	require.Equal(t, "enrichment", body.Endpoint)
	require.Equal(t, map[string]int{"completed": 2, "not_found": 1, "failed": 0}, body.Counts)
	require.Len(t, body.Results, 3)
	for i, res := range body.Results {
		require.Equal(t, *acc.Resolutions[i], res["id"], "input order")
	}
	require.Equal(t, "Acme Logistics", body.Results[0]["companyName"])
	require.Equal(t, "row-1", body.Results[0]["externalId"])
	require.Equal(t, "Globex Corporation", body.Results[1]["companyName"])
	require.Equal(t, map[string]any{"id": *acc.Resolutions[2], "status": "not_found", "externalId": "row-3"}, body.Results[2])

	// Each item is a resolution of its own, with no callback of its own.
	item := s.status(*acc.Resolutions[0])
	require.Equal(t, "completed", item["status"])
	require.Eventually(t, func() bool { // an item's callback is its batch's
		return s.status(*acc.Resolutions[0])["callback"].(map[string]any)["status"] == "delivered"
	}, 5*time.Second, 10*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	require.Len(t, rcv.Deliveries(), 1, "one callback for the batch, none for its items")

	g := s.do(http.MethodGet, "/v1/batches/"+acc.ID, nil, nil)
	require.Equal(t, http.StatusOK, g.Status, "%s", g.Body)
	st := g.json(t)
	require.Equal(t, "completed", st["status"])
	require.Equal(t, "enrichment", st["endpoint"])
	require.Equal(t, "batch-7", st["externalId"])
	require.EqualValues(t, 3, st["items"])
	require.Equal(t, map[string]any{"processing": 0.0, "completed": 2.0, "not_found": 1.0, "failed": 0.0}, st["counts"])
	require.Len(t, st["results"], 3)
	require.NotNil(t, st["completedAt"])
	require.Equal(t, "delivered", st["callback"].(map[string]any)["status"])

	// Another key sees nothing.
	other := s.newKey("other")
	require.Equal(t, http.StatusNotFound, s.do(http.MethodGet, "/v1/batches/"+acc.ID, nil, map[string]string{"x-api-key": other.Key}).Status)

	// The operator views and replay know batches.
	require.Equal(t, 1, s.count(`SELECT count(*) FROM batch_overview WHERE id = $1 AND completed = 2 AND not_found = 1 AND callback_status = 'delivered'`, acc.ID))
	code, out, errOut := s.cliRun("callbacks", "replay", acc.ID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, acc.ID)
	again := rcv.WaitFor(t, 2, 10*time.Second)[1]
	require.JSONEq(t, string(d.Body), string(again.Body))
}

// TestBulkValidation: a batch is all or nothing, naming the item at fault, unless skipInvalid.
func TestBulkValidation(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{noWorker: true})
	rcv := testkit.NewReceiver(t)
	items := []map[string]any{{"email": "a@example.com"}, {"email": "not an email"}, {"email": "b@example.com", "externalId": "b"}}

	r := s.post("/v1/email-to-hem/bulk", map[string]any{"callbackUrl": rcv.URL, "items": items}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Body)
	require.Equal(t, "validation_failed", r.errorCode(t))
	require.Equal(t, "items[1].email", r.json(t)["error"].(map[string]any)["field"])
	require.Zero(t, s.count(`SELECT count(*) FROM batches`))
	require.Zero(t, s.count(`SELECT count(*) FROM resolutions`))

	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"callbackUrl": rcv.URL}, "items"},
		{map[string]any{"callbackUrl": rcv.URL, "items": []any{}}, "items"},
		{map[string]any{"callbackUrl": rcv.URL, "items": "x"}, "items"},
		{map[string]any{"callbackUrl": rcv.URL, "items": []any{"x"}}, "items[0]"},
		{map[string]any{"callbackUrl": rcv.URL, "items": make([]map[string]any, 1001)}, "items"},
		{map[string]any{"items": items[:1]}, "callbackUrl"},
		{map[string]any{"callbackUrl": rcv.URL, "items": []map[string]any{{"email": "a@b.co", "callbackUrl": rcv.URL}}}, "items[0].callbackUrl"},
	} {
		r := s.post("/v1/email-to-hem/bulk", c.body, nil)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Body)
		require.Equal(t, c.field, r.json(t)["error"].(map[string]any)["field"], "%s", r.Body)
	}

	r = s.post("/v1/email-to-hem/bulk", map[string]any{"callbackUrl": rcv.URL, "skipInvalid": true, "items": items}, nil)
	require.Equal(t, http.StatusAccepted, r.Status, "%s", r.Body)
	m := r.json(t)
	require.EqualValues(t, 3, m["items"])
	res := m["resolutions"].([]any)
	require.NotNil(t, res[0])
	require.Nil(t, res[1])
	require.NotNil(t, res[2])
	rej := m["rejected"].([]any)
	require.Len(t, rej, 1)
	require.Equal(t, 1.0, rej[0].(map[string]any)["index"])
	require.Equal(t, "email", rej[0].(map[string]any)["field"])
	require.Equal(t, "validation_failed", rej[0].(map[string]any)["code"])
	require.Equal(t, 2, s.count(`SELECT count(*) FROM resolutions WHERE batch_id = $1`, m["id"]))

	// Idempotency-Key covers the batch.
	key := map[string]string{"Idempotency-Key": "batch-once"}
	first := s.post("/v1/email-to-hem/bulk", map[string]any{"callbackUrl": rcv.URL, "items": items[:1]}, key)
	require.Equal(t, http.StatusAccepted, first.Status)
	repeat := s.post("/v1/email-to-hem/bulk", map[string]any{"callbackUrl": rcv.URL, "items": []any{map[string]any{"email": " A@Example.com"}}}, key)
	require.Equal(t, http.StatusAccepted, repeat.Status)
	require.Equal(t, first.json(t)["id"], repeat.json(t)["id"])
	require.Equal(t, first.json(t)["resolutions"], repeat.json(t)["resolutions"])
	other := s.post("/v1/email-to-hem/bulk", map[string]any{"callbackUrl": rcv.URL, "items": items[2:]}, key)
	require.Equal(t, http.StatusUnprocessableEntity, other.Status)
	require.Equal(t, "idempotency_mismatch", other.errorCode(t))

	// Every endpoint has its bulk route.
	for _, ep := range endpoint.All {
		r := s.post(fmt.Sprintf("/v1/%s/bulk", ep.Name), map[string]any{"callbackUrl": rcv.URL, "items": []any{map[string]any{}}}, nil)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, ep.Name)
		require.Regexp(t, `^items\[0\]`, r.json(t)["error"].(map[string]any)["field"], ep.Name)
	}
}

// TestBulkOneCallbackAcrossWorkers: the last items of a batch finish at once on different
// workers, and the batch still gets exactly one callback.
func TestBulkOneCallbackAcrossWorkers(t *testing.T) {
	t.Parallel()
	s := newStack(t, stackOpts{})
	startWorker(t, s, nil)
	startWorker(t, s, nil)
	rcv := testkit.NewReceiver(t)
	for round := range 3 {
		items := make([]map[string]any, 500)
		for i := range items {
			items[i] = map[string]any{"email": fmt.Sprintf("user%d.%d@example.com", round, i), "externalId": fmt.Sprint(i)}
		}
		r := s.post("/v1/email-to-hem/bulk", map[string]any{"callbackUrl": rcv.URL, "items": items}, nil)
		require.Equal(t, http.StatusAccepted, r.Status, "%s", r.Body)
	}
	ds := rcv.WaitFor(t, 3, 30*time.Second)
	time.Sleep(500 * time.Millisecond)
	require.Len(t, rcv.Deliveries(), 3, "one callback per batch")
	seen := map[string]bool{}
	for _, d := range ds {
		var b struct {
			ID      string           `json:"id"`
			Counts  map[string]int   `json:"counts"`
			Results []map[string]any `json:"results"`
		}
		require.NoError(t, json.Unmarshal(d.Body, &b))
		require.False(t, seen[b.ID])
		seen[b.ID] = true
		require.Equal(t, 500, b.Counts["completed"])
		for i, res := range b.Results {
			require.Equal(t, fmt.Sprint(i), res["externalId"])
		}
	}
	require.Equal(t, 3, s.count(`SELECT count(*) FROM river_job WHERE kind = 'callback' AND args ? 'batch_id'`))
	require.Zero(t, s.count(`SELECT count(*) FROM river_job WHERE kind = 'callback' AND args ? 'resolution_id'`))
}

// TestBulkLargeResults: a batch whose results would make its callback larger than 4 MiB sends
// counts and resultsUrl instead; the receiver verifies it with the webhook package, and the
// results are read page by page, each at most 4 MiB, all of them in input order. Every answer
// and the callback match the OpenAPI document.
func TestBulkLargeResults(t *testing.T) {
	t.Parallel()
	description := strings.Repeat("A company that makes very long descriptions. ", 130) // about 6 KB
	s := newStack(t, stackOpts{resolvers: map[string]resolve.Resolver{endpoint.Enrichment: resolve.ResolverFunc(
		func(_ context.Context, req json.RawMessage) (resolve.Result, error) {
			var in struct {
				CompanyName string `json:"companyName"`
			}
			if err := json.Unmarshal(req, &in); err != nil {
				return resolve.Result{}, err
			}
			return resolve.Result{Found: true, Fields: map[string]any{"companyName": in.CompanyName,
				"domain": "example.com", "description": description, "confidence": 0.99, "matchedBy": "domain"}}, nil
		})}})
	doc, check := openAPIChecker(t, s)

	verifier, err := webhook.NewVerifier(s.key.SigningSecret)
	require.NoError(t, err)
	events := make(chan *webhook.Event, 2)
	rcv := httptest.NewServer(verifier.Handler(func(_ *http.Request, e *webhook.Event) error {
		events <- e
		return nil
	}))
	t.Cleanup(rcv.Close)

	const n = 1000
	items := make([]any, n)
	for i := range items {
		items[i] = map[string]any{"companyName": fmt.Sprintf("Company %d", i), "externalId": fmt.Sprintf("row-%d", i)}
	}
	r := check(http.MethodPost, "/v1/enrichment/bulk", map[string]any{"callbackUrl": rcv.URL, "items": items}, nil)
	require.Equal(t, http.StatusAccepted, r.Status, "%s", r.Body)
	id := r.json(t)["id"].(string)

	var e *webhook.Event
	select {
	case e = <-events:
	case <-time.After(60 * time.Second):
		t.Fatal("no callback")
	}
	require.Equal(t, id, e.ID)
	require.LessOrEqual(t, len(e.Body), webhook.MaxBodySize)
	var body any
	require.NoError(t, json.Unmarshal(e.Body, &body))
	schema := doc.Webhooks["batchResult"].Post.RequestBody.Value.Content.Get("application/json").Schema.Value
	require.NoError(t, schema.VisitJSON(body, openapi3.EnableJSONSchema2020()), "%.500s", e.Body)
	m := body.(map[string]any)
	require.Equal(t, "/v1/batches/"+id+"/results", m["resultsUrl"])
	require.NotContains(t, m, "results")
	require.Equal(t, map[string]any{"completed": float64(n), "not_found": 0.0, "failed": 0.0}, m["counts"])
	_, err = e.Batch()
	require.ErrorIs(t, err, webhook.ErrResultsByURL)

	st := check(http.MethodGet, "/v1/batches/"+id, nil, nil).json(t)
	require.Equal(t, m["resultsUrl"], st["resultsUrl"])
	require.NotContains(t, st, "results")

	var got []string
	cursor, pages := "", 0
	for {
		path := m["resultsUrl"].(string)
		if cursor != "" {
			path += "?cursor=" + url.QueryEscape(cursor)
		}
		p := check(http.MethodGet, path, nil, nil)
		require.Equal(t, http.StatusOK, p.Status, "%.500s", p.Body)
		require.LessOrEqual(t, len(p.Body), 4<<20, "a page is at most 4 MiB")
		pages++
		var page struct {
			Results []struct {
				ExternalID  string `json:"externalId"`
				Description string `json:"description"`
			} `json:"results"`
			NextCursor *string `json:"nextCursor"`
		}
		require.NoError(t, json.Unmarshal(p.Body, &page))
		require.NotEmpty(t, page.Results)
		for _, res := range page.Results {
			require.Equal(t, description, res.Description)
			got = append(got, res.ExternalID)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	require.Equal(t, 2, pages, "about 6 MB of results in pages of at most 4 MiB")
	require.Len(t, got, n)
	for i, ext := range got {
		require.Equal(t, fmt.Sprintf("row-%d", i), ext, "input order")
	}

	require.Equal(t, http.StatusUnprocessableEntity, check(http.MethodGet, "/v1/batches/"+id+"/results?cursor=x", nil, nil).Status)
	other := s.newKey("other")
	require.Equal(t, http.StatusNotFound, check(http.MethodGet, "/v1/batches/"+id+"/results", nil, map[string]string{"x-api-key": other.Key}).Status)
}
