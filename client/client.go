// Package client calls the OpenResolve API from Go: a typed method per endpoint and one for a
// resolution's status. Results arrive at the request's CallbackURL; verify them with package
// webhook, and decode them into the Result types here.
//
//	c := client.New("https://resolve.example.com", os.Getenv("OPENRESOLVE_API_KEY"))
//	a, err := c.EmailToHEM(ctx, client.EmailToHEMRequest{
//		Email:   "jane.doe@example.com",
//		Request: client.Request{CallbackURL: "https://me.example.com/cb", ExternalID: "row-7"},
//	})
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls one OpenResolve API with one API key. It is safe for concurrent use.
type Client struct {
	base  string
	key   string
	http  *http.Client
	agent string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests through hc instead of a client with a 30-second timeout.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.agent = ua } }

// New returns a Client for the API at baseURL (such as http://localhost:8080) and apiKey.
func New(baseURL, apiKey string, opts ...Option) *Client {
	c := &Client{
		base:  strings.TrimSuffix(baseURL, "/"),
		key:   apiKey,
		http:  &http.Client{Timeout: 30 * time.Second},
		agent: "openresolve-go",
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Request holds the fields every endpoint takes.
type Request struct {
	// CallbackURL is where the result is POSTed (required).
	CallbackURL string `json:"callbackUrl"`
	// ExternalID is echoed in the callback and the status (optional, at most 256 characters).
	ExternalID string `json:"externalId,omitempty"`
	// IdempotencyKey, when set, is sent as the Idempotency-Key header: a repeat with the same
	// request gets the first answer and starts no new work.
	IdempotencyKey string `json:"-"`
}

func (r Request) idempotencyKey() string { return r.IdempotencyKey }

// Accepted is the API's 202 answer: the request is stored and its result will be POSTed to
// CallbackURL.
type Accepted struct {
	ID          string    `json:"id"`
	Status      string    `json:"status"`
	Message     string    `json:"message"`
	CallbackURL string    `json:"callbackUrl"`
	RequestedAt time.Time `json:"requestedAt"`
}

// Error is an error answer of the API.
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int `json:"-"`
	// Code is the contract's error code: invalid_json, unauthorized, not_found,
	// payload_too_large, unsupported_media_type, validation_failed, callback_url_forbidden,
	// idempotency_mismatch, rate_limited or unavailable.
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the field to blame, where there is one.
	Field string `json:"field,omitempty"`
	// RetryAfter is the wait the API asked for (429), if any.
	RetryAfter time.Duration `json:"-"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("openresolve: %d %s (%s): %s", e.StatusCode, e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("openresolve: %d %s: %s", e.StatusCode, e.Code, e.Message)
}

// Temporary reports whether sending the same request again soon may succeed (429
// rate_limited, 503); a used-up quota (429 quota_exceeded) is not, until the next month.
// Send it with the same IdempotencyKey, so that it cannot be accepted twice.
func (e *Error) Temporary() bool {
	return (e.StatusCode == http.StatusTooManyRequests && e.Code != "quota_exceeded") ||
		e.StatusCode == http.StatusServiceUnavailable
}

// IsCode reports whether err is an API error with this code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

type idempotent interface{ idempotencyKey() string }

// start POSTs one resolution request.
func (c *Client) start(ctx context.Context, endpoint string, req idempotent) (*Accepted, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var a Accepted
	if err := c.do(ctx, http.MethodPost, "/v1/"+endpoint, body, req.idempotencyKey(), http.StatusAccepted, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func (c *Client) do(ctx context.Context, method, path string, body []byte, idemKey string, want int, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("x-api-key", c.key)
	req.Header.Set("User-Agent", c.agent)
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		e := &Error{StatusCode: resp.StatusCode}
		var doc struct {
			Error *Error `json:"error"`
		}
		doc.Error = e
		if json.Unmarshal(b, &doc) != nil || e.Code == "" {
			e.Code, e.Message = "http_"+strconv.Itoa(resp.StatusCode), strings.TrimSpace(string(b))
		}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			e.RetryAfter = time.Duration(s) * time.Second
		}
		return e
	}
	return json.Unmarshal(b, out)
}

// Resolution is the answer of GetResolution.
type Resolution struct {
	ID          string     `json:"id"`
	Endpoint    string     `json:"endpoint"`
	Status      string     `json:"status"` // processing, completed, not_found or failed
	ExternalID  *string    `json:"externalId"`
	RequestedAt time.Time  `json:"requestedAt"`
	CompletedAt *time.Time `json:"completedAt"`
	// Result is the callback body once resolved (null before); Decode it into the endpoint's
	// Result type.
	Result   json.RawMessage `json:"result"`
	Callback CallbackState   `json:"callback"`
	// ProviderCalls are the upstream providers asked, or skipped and why, in order.
	ProviderCalls []ProviderCall `json:"providerCalls"`
}

// ProviderCall is one upstream provider a resolution asked: outcome found, not_found, error
// or skipped (Reason: budget, circuit, rate or negative_cache).
type ProviderCall struct {
	Provider   string `json:"provider"`
	Outcome    string `json:"outcome"`
	Reason     string `json:"reason,omitempty"`
	DurationMs int    `json:"durationMs"`
}

// Decode unmarshals the result into v, such as an *EnrichmentResult.
func (r *Resolution) Decode(v any) error {
	if len(r.Result) == 0 || string(r.Result) == "null" {
		return errors.New("openresolve: the resolution has no result yet")
	}
	return json.Unmarshal(r.Result, v)
}

// CallbackState is the delivery of a resolution's callback.
type CallbackState struct {
	Status         string     `json:"status"` // pending, delivered or failed
	Attempts       int        `json:"attempts"`
	LastStatusCode *int       `json:"lastStatusCode"`
	LastError      *string    `json:"lastError"`
	DeliveredAt    *time.Time `json:"deliveredAt"`
}

// GetResolution returns the state of a resolution this API key started.
func (c *Client) GetResolution(ctx context.Context, id string) (*Resolution, error) {
	var r Resolution
	if err := c.do(ctx, http.MethodGet, "/v1/resolutions/"+url.PathEscape(id), nil, "", http.StatusOK, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
