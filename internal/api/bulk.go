package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/openresolve/openresolve/internal/endpoint"
	"github.com/openresolve/openresolve/internal/request"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/store"
)

// BatchAccepted is the body of the 202 answer to a bulk request.
type BatchAccepted struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Message     string `json:"message"`
	CallbackURL string `json:"callbackUrl"`
	RequestedAt string `json:"requestedAt"`
	Items       int    `json:"items"`
	// Resolutions holds each item's resolution id in input order, null for a rejected item.
	Resolutions []*string       `json:"resolutions"`
	Rejected    json.RawMessage `json:"rejected"`
}

// Rejected is an item refused under skipInvalid.
type Rejected struct {
	Index   int    `json:"index"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// bulk answers POST /v1/<endpoint>/bulk: the batch's own members and every item are checked
// first; one invalid item refuses the batch, naming it (items[3].email), unless skipInvalid.
func (s *Server) bulk(ep endpoint.Endpoint) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(ctxEndpoint, ep.Name)
		f, err := request.ReadBulk(c.Request())
		if err != nil {
			return err
		}
		callbackURL, err := request.CallbackURL(f, s.policy)
		if err != nil {
			return err
		}
		externalID, _, _, err := f.Str("externalId", 256)
		if err != nil {
			return err
		}
		skip, err := f.Bool("skipInvalid")
		if err != nil {
			return err
		}
		idemKey, err := idempotencyKey(c)
		if err != nil {
			return err
		}
		items, err := f.Items("items", resolution.MaxBatchItems)
		if err != nil {
			return err
		}
		b := resolution.Batch{APIKeyID: c.Get(ctxAPIKeyID).(string), Endpoint: ep.Name, CallbackURL: callbackURL,
			ExternalID: externalID, IdempotencyKey: idemKey, Items: len(items),
			JobMetadata: s.tracing.JobMetadata(c.Request().Context())}
		rejected := []Rejected{}
		for i, item := range items {
			it, err := readItem(ep, item, i)
			var re *request.Error
			switch {
			case err == nil:
				b.Valid = append(b.Valid, it)
				continue
			case !errors.As(err, &re):
				return err
			case !skip:
				return &request.Error{Status: re.Status, Code: re.Code, Field: itemField(i, re.Field),
					Message: fmt.Sprintf("items[%d]: %s", i, re.Message)}
			}
			rejected = append(rejected, Rejected{Index: i, Code: re.Code, Field: re.Field, Message: re.Message})
		}
		if len(b.Valid) == 0 {
			return request.Invalid("items", "No item is valid: %d rejected.", len(rejected))
		}
		if b.Rejected, err = json.Marshal(rejected); err != nil {
			return err
		}

		ctx := c.Request().Context()
		acc, err := s.accepter.AcceptBatch(ctx, b)
		if err != nil {
			return s.acceptError(c, ep.Name, "accept batch", err)
		}
		c.Set(ctxResolutionID, acc.ID)
		s.setQuota(c, acc.Quota)
		if !acc.Repeat {
			s.metrics.Accepted.WithLabelValues(ep.Name).Add(float64(len(b.Valid)))
		}
		ids := make([]*string, len(acc.Resolutions))
		for i := range acc.Resolutions {
			if acc.Resolutions[i] != "" {
				ids[i] = &acc.Resolutions[i]
			}
		}
		return c.JSON(http.StatusAccepted, BatchAccepted{ID: acc.ID, Status: resolution.Processing, Message: acceptedMessage,
			CallbackURL: acc.CallbackURL, RequestedAt: formatTime(acc.RequestedAt), Items: acc.Items,
			Resolutions: ids, Rejected: acc.Rejected})
	}
}

// readItem checks item i of a bulk request of ep: its endpoint's fields and its own
// externalId. The callback belongs to the batch.
func readItem(ep endpoint.Endpoint, f request.Fields, i int) (resolution.BatchItem, error) {
	if _, name, ok, _ := f.Str("callbackUrl", request.MaxBodyBytes); ok {
		return resolution.BatchItem{}, request.Invalid(name, "%s belongs to the batch, not to its items.", name)
	}
	doc, err := ep.Parse(f)
	if err != nil {
		return resolution.BatchItem{}, err
	}
	externalID, _, _, err := f.Str("externalId", 256)
	if err != nil {
		return resolution.BatchItem{}, err
	}
	raw, err := json.Marshal(doc)
	return resolution.BatchItem{Index: i, Request: raw, ExternalID: externalID}, err
}

func itemField(i int, field string) string {
	if field == "" {
		return fmt.Sprintf("items[%d]", i)
	}
	return fmt.Sprintf("items[%d].%s", i, field)
}

// Batch is the body of GET /v1/batches/{id}.
type Batch struct {
	ID          string          `json:"id"`
	Endpoint    string          `json:"endpoint"`
	Status      string          `json:"status"`
	ExternalID  *string         `json:"externalId"`
	RequestedAt string          `json:"requestedAt"`
	CompletedAt *string         `json:"completedAt"`
	Items       int32           `json:"items"`
	Counts      map[string]int  `json:"counts"`
	Callback    CallbackState   `json:"callback"`
	Results     json.RawMessage `json:"results,omitempty"`
	// ResultsURL replaces Results when they would make the callback larger than
	// resolution.MaxCallbackBytes.
	ResultsURL string `json:"resultsUrl,omitempty"`
}

func (s *Server) getBatch(c echo.Context) error {
	ctx := c.Request().Context()
	b, err := s.queries.BatchGetForKey(ctx, s.pool, store.BatchGetForKeyParams{
		ID: c.Param("id"), APIKeyID: c.Get(ctxAPIKeyID).(string),
	})
	if err != nil {
		return s.lookupError(ctx, "get batch", err)
	}
	c.Set(ctxResolutionID, b.ID)
	items, err := s.queries.BatchItems(ctx, s.pool, &b.ID)
	if err != nil {
		return s.dbError(ctx, "get batch items", err)
	}
	counts := map[string]int{resolution.Processing: 0, resolution.Completed: 0, resolution.NotFound: 0, resolution.Failed: 0}
	for _, it := range items {
		counts[it.Status]++
	}
	out := Batch{ID: b.ID, Endpoint: b.Endpoint, Status: b.Status, ExternalID: b.ExternalID,
		RequestedAt: formatTime(b.RequestedAt), CompletedAt: formatTimePtr(b.CompletedAt), Items: b.Items, Counts: counts,
		Callback: callbackState(b.CallbackStatus, b.CallbackAttempts, b.CallbackLastStatusCode, b.CallbackLastError,
			b.CallbackDeliveredAt)}
	if b.Result != nil {
		var doc struct {
			Results    json.RawMessage `json:"results"`
			ResultsURL string          `json:"resultsUrl"`
		}
		if err := json.Unmarshal(b.Result, &doc); err != nil {
			return err
		}
		out.Results, out.ResultsURL = doc.Results, doc.ResultsURL
	}
	return c.JSON(http.StatusOK, out)
}

// ResultsPage is the body of GET /v1/batches/{id}/results.
type ResultsPage struct {
	Results    []json.RawMessage `json:"results"`
	NextCursor *string           `json:"nextCursor"`
}

// getBatchResults pages through a completed batch's results in input order, each page at most
// resolution.MaxCallbackBytes. The cursor is the input index the page starts at, as the page
// before gave it.
func (s *Server) getBatchResults(c echo.Context) error {
	ctx := c.Request().Context()
	b, err := s.queries.BatchGetForKey(ctx, s.pool, store.BatchGetForKeyParams{
		ID: c.Param("id"), APIKeyID: c.Get(ctxAPIKeyID).(string),
	})
	if err != nil {
		return s.lookupError(ctx, "get batch", err)
	}
	c.Set(ctxResolutionID, b.ID)
	if b.Status != resolution.Completed {
		return &request.Error{Status: http.StatusNotFound, Code: "not_found",
			Message: "The batch has no results yet: it is still processing."}
	}
	from := 0
	if cur := c.QueryParam("cursor"); cur != "" {
		if from, err = strconv.Atoi(cur); err != nil || from < 0 || from > resolution.MaxBatchItems {
			return request.Invalid("cursor", "cursor: not one this API gave")
		}
	}
	// The page's brackets and field names take a few bytes of the page's budget.
	rows, err := s.queries.BatchResultsPage(ctx, s.pool, store.BatchResultsPageParams{
		BatchID: b.ID, FromIndex: int32(from), MaxBytes: resolution.MaxCallbackBytes - 64})
	if err != nil {
		return s.dbError(ctx, "get batch results", err)
	}
	page := ResultsPage{Results: make([]json.RawMessage, len(rows))}
	for i, r := range rows {
		page.Results[i] = r.Result
	}
	if n := len(rows); n > 0 && int(rows[0].Remaining) > n {
		next := strconv.Itoa(int(rows[n-1].BatchIndex) + 1)
		page.NextCursor = &next
	}
	return c.JSON(http.StatusOK, page)
}
