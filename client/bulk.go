package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// Bulk is a bulk request (POST /v1/<endpoint>/bulk): up to 1,000 items of one endpoint, one
// callback for the whole batch. Items are the endpoint's request type; their CallbackURL must
// be empty (the callback is the batch's), their ExternalID is their own.
type Bulk[T any] struct {
	CallbackURL string `json:"callbackUrl"`
	// ExternalID is the batch's, echoed in its callback (optional).
	ExternalID string `json:"externalId,omitempty"`
	// SkipInvalid goes ahead with the valid items and lists the others in Rejected, instead of
	// refusing the batch for one invalid item.
	SkipInvalid bool `json:"skipInvalid,omitempty"`
	Items       []T  `json:"items"`
	// IdempotencyKey, when set, is sent as the Idempotency-Key header for the whole batch.
	IdempotencyKey string `json:"-"`
}

func (b Bulk[T]) idempotencyKey() string { return b.IdempotencyKey }

// BatchAccepted is the 202 answer to a bulk request.
type BatchAccepted struct {
	ID          string    `json:"id"`
	Status      string    `json:"status"`
	Message     string    `json:"message"`
	CallbackURL string    `json:"callbackUrl"`
	RequestedAt time.Time `json:"requestedAt"`
	Items       int       `json:"items"`
	// Resolutions holds each item's resolution id in input order, nil for a rejected item.
	Resolutions []*string  `json:"resolutions"`
	Rejected    []Rejected `json:"rejected"`
}

// Rejected is an item a SkipInvalid batch left out, and why.
type Rejected struct {
	Index   int    `json:"index"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// BatchResult is a batch's callback (and GetBatch's Results once completed), with each
// item's result as the endpoint's result type R, in input order.
type BatchResult[R any] struct {
	ID         string      `json:"id"`
	Status     string      `json:"status"` // completed
	ExternalID string      `json:"externalId,omitempty"`
	Endpoint   string      `json:"endpoint"`
	Counts     BatchCounts `json:"counts"`
	Results    []R         `json:"results"`
	// ResultsURL is set instead of Results when they would make the callback larger than 4
	// MiB: read them with BatchResults.
	ResultsURL string `json:"resultsUrl,omitempty"`
}

// BatchCounts counts a batch's items by status.
type BatchCounts struct {
	Processing int `json:"processing"`
	Completed  int `json:"completed"`
	NotFound   int `json:"not_found"`
	Failed     int `json:"failed"`
}

// Batch is the answer of GetBatch.
type Batch struct {
	ID          string          `json:"id"`
	Endpoint    string          `json:"endpoint"`
	Status      string          `json:"status"` // processing or completed
	ExternalID  *string         `json:"externalId"`
	RequestedAt time.Time       `json:"requestedAt"`
	CompletedAt *time.Time      `json:"completedAt"`
	Items       int             `json:"items"`
	Counts      BatchCounts     `json:"counts"`
	Callback    CallbackState   `json:"callback"`
	Results     json.RawMessage `json:"results,omitempty"`
	// ResultsURL is set instead of Results for a batch whose results are larger than 4 MiB:
	// read them with BatchResults.
	ResultsURL string `json:"resultsUrl,omitempty"`
}

// DecodeResults unmarshals a completed batch's results into v, such as a
// *[]EnrichmentResult. A batch whose results are read with BatchResults has none here.
func (b *Batch) DecodeResults(v any) error {
	if b.ResultsURL != "" {
		return errors.New("openresolve: the batch's results are too large to come with it: read them with BatchResults")
	}
	if len(b.Results) == 0 {
		return errors.New("openresolve: the batch has no results yet")
	}
	return json.Unmarshal(b.Results, v)
}

// ResultsPage is one page of a batch's results (BatchResults).
type ResultsPage struct {
	Results    []json.RawMessage `json:"results"`
	NextCursor *string           `json:"nextCursor"`
}

// BatchResults returns the page of a completed batch's results that cursor names: "" for the
// first, then each page's NextCursor until it is nil. Pages are in input order, each at most
// 4 MiB.
func (c *Client) BatchResults(ctx context.Context, id, cursor string) (*ResultsPage, error) {
	path := "/v1/batches/" + url.PathEscape(id) + "/results"
	if cursor != "" {
		path += "?cursor=" + url.QueryEscape(cursor)
	}
	var p ResultsPage
	if err := c.do(ctx, http.MethodGet, path, nil, "", http.StatusOK, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// GetBatch returns the state of a batch this API key started.
func (c *Client) GetBatch(ctx context.Context, id string) (*Batch, error) {
	var b Batch
	if err := c.do(ctx, http.MethodGet, "/v1/batches/"+url.PathEscape(id), nil, "", http.StatusOK, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// startBulk POSTs one bulk request.
func (c *Client) startBulk(ctx context.Context, endpoint string, req idempotent) (*BatchAccepted, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var a BatchAccepted
	if err := c.do(ctx, http.MethodPost, "/v1/"+endpoint+"/bulk", body, req.idempotencyKey(), http.StatusAccepted, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// EnrichmentBulk starts many enrichments; the callback is a BatchResult[EnrichmentResult].
func (c *Client) EnrichmentBulk(ctx context.Context, b Bulk[EnrichmentRequest]) (*BatchAccepted, error) {
	return c.startBulk(ctx, "enrichment", b)
}

// DeanonymizationBulk starts many visitor look-ups; the callback is a
// BatchResult[DeanonymizationResult].
func (c *Client) DeanonymizationBulk(ctx context.Context, b Bulk[DeanonymizationRequest]) (*BatchAccepted, error) {
	return c.startBulk(ctx, "deanonymization", b)
}

// LinkedInToPhoneBulk starts many profile-to-phones look-ups; the callback is a
// BatchResult[LinkedInToPhoneResult].
func (c *Client) LinkedInToPhoneBulk(ctx context.Context, b Bulk[LinkedInRequest]) (*BatchAccepted, error) {
	return c.startBulk(ctx, "linkedin-to-phone", b)
}

// LinkedInToHEMBulk starts many profile-to-hashed-emails look-ups; the callback is a
// BatchResult[LinkedInToHEMResult].
func (c *Client) LinkedInToHEMBulk(ctx context.Context, b Bulk[LinkedInRequest]) (*BatchAccepted, error) {
	return c.startBulk(ctx, "linkedin-to-hem", b)
}

// EmailToHEMBulk starts hashing many emails; the callback is a BatchResult[EmailToHEMResult].
func (c *Client) EmailToHEMBulk(ctx context.Context, b Bulk[EmailToHEMRequest]) (*BatchAccepted, error) {
	return c.startBulk(ctx, "email-to-hem", b)
}

// IPToCompanyBulk starts many IP-to-company look-ups; the callback is a
// BatchResult[IPToCompanyResult].
func (c *Client) IPToCompanyBulk(ctx context.Context, b Bulk[IPToCompanyRequest]) (*BatchAccepted, error) {
	return c.startBulk(ctx, "ip-to-company", b)
}

// OrganizationDomainFinderBulk starts many name-to-domain searches; the callback is a
// BatchResult[DomainFinderResult].
func (c *Client) OrganizationDomainFinderBulk(ctx context.Context, b Bulk[DomainFinderRequest]) (*BatchAccepted, error) {
	return c.startBulk(ctx, "organization-domain-finder", b)
}

// KeywordToLeadBulk starts many lead searches; the callback is a
// BatchResult[KeywordToLeadResult].
func (c *Client) KeywordToLeadBulk(ctx context.Context, b Bulk[KeywordToLeadRequest]) (*BatchAccepted, error) {
	return c.startBulk(ctx, "keyword-to-lead", b)
}
