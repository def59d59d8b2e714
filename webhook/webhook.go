// Package webhook verifies the callbacks OpenResolve sends, for receivers written in Go.
//
// Callbacks are signed the Standard Webhooks way (https://www.standardwebhooks.com): the
// headers webhook-id (the resolution id), webhook-timestamp (unix seconds) and
// webhook-signature, a space-separated list of "v1,<base64 HMAC-SHA256 of
// "<id>.<timestamp>.<body>">" keyed with the API key's signing secret ("whsec_..."). During a
// signing-secret rotation a callback carries two signatures, one per secret, so receivers can
// move to the new secret at their own pace.
//
// A Verifier checks the signature in constant time and refuses timestamps more than
// Tolerance (5 minutes, as the specification recommends) away from now, so a captured
// callback cannot be replayed later.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a callback's timestamp may be from now.
const DefaultTolerance = 5 * time.Minute

// MaxBodySize is the largest callback body VerifyRequest reads: the largest the server sends
// (a batch whose results would be larger sends a resultsUrl instead).
const MaxBodySize = 4 << 20

// Header names of a signed callback.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// Errors Verify returns; test them with errors.Is.
var (
	ErrMissingHeaders = errors.New("webhook: missing webhook-id, webhook-timestamp or webhook-signature header")
	ErrTimestamp      = errors.New("webhook: timestamp outside the tolerance")
	ErrSignature      = errors.New("webhook: no valid signature")
	ErrSecret         = errors.New("webhook: malformed signing secret")
)

// key returns the HMAC key of a secret: the bytes its base64 part encodes.
func key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(k) == 0 {
		return nil, ErrSecret
	}
	return k, nil
}

// Sign returns the signature of one message under secret: "v1," and the base64
// HMAC-SHA256 of "<id>.<timestamp>.<body>".
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	return sign(k, id, timestamp, body), nil
}

func sign(key []byte, id string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// ValidSignature reports whether header (the webhook-signature value) holds a valid v1
// signature of the message under secret. It does not look at the timestamp's age; Verifier
// does.
func ValidSignature(secret, id string, timestamp int64, body []byte, header string) bool {
	k, err := key(secret)
	if err != nil {
		return false
	}
	return validSignature([][]byte{k}, id, timestamp, body, header)
}

func validSignature(keys [][]byte, id string, timestamp int64, body []byte, header string) bool {
	for _, k := range keys {
		want := []byte(sign(k, id, timestamp, body))
		for _, sig := range strings.Fields(header) {
			if hmac.Equal([]byte(sig), want) {
				return true
			}
		}
	}
	return false
}

// Verifier verifies callbacks signed with any of its secrets (give two while you rotate).
type Verifier struct {
	keys [][]byte
	// Tolerance is how far the timestamp may be from now; DefaultTolerance when zero.
	Tolerance time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// NewVerifier returns a Verifier for the given signing secrets ("whsec_...").
func NewVerifier(secrets ...string) (*Verifier, error) {
	if len(secrets) == 0 {
		return nil, ErrSecret
	}
	v := &Verifier{}
	for _, s := range secrets {
		k, err := key(s)
		if err != nil {
			return nil, err
		}
		v.keys = append(v.keys, k)
	}
	return v, nil
}

// Verify checks a callback's headers against its body, exactly as received.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	id, ts, sig := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || ts == "" || sig == "" {
		return ErrMissingHeaders
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not unix seconds", ErrTimestamp, ts)
	}
	now, tol := time.Now, v.Tolerance
	if v.Now != nil {
		now = v.Now
	}
	if tol <= 0 {
		tol = DefaultTolerance
	}
	if d := now().Sub(time.Unix(sec, 0)); d > tol || d < -tol {
		return ErrTimestamp
	}
	if !validSignature(v.keys, id, sec, body, sig) {
		return ErrSignature
	}
	return nil
}

// VerifyRequest reads r's body (at most MaxBodySize bytes), verifies it and returns the
// callback it carries.
func (v *Verifier) VerifyRequest(r *http.Request) (*Event, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodySize+1))
	if err != nil {
		return nil, err
	}
	if len(body) > MaxBodySize {
		return nil, fmt.Errorf("webhook: body larger than %d bytes", MaxBodySize)
	}
	if err := v.Verify(r.Header, body); err != nil {
		return nil, err
	}
	return Parse(body)
}

// Event is a verified callback: the fields every callback has, and the whole body for the
// endpoint's own fields. A batch's callback (IsBatch) carries its items' results instead:
// Decode it into a client.BatchResult of the endpoint's result type, or use Batch.
type Event struct {
	// ID is the resolution id, or the batch id (also the webhook-id header): deliveries are at
	// least once, so use it to ignore a repeat.
	ID string `json:"id"`
	// Status is completed, not_found or failed; a batch's is completed.
	Status string `json:"status"`
	// Endpoint and Counts are set in a batch's callback only.
	Endpoint string      `json:"endpoint,omitempty"`
	Counts   BatchCounts `json:"counts"`
	// ExternalID is the request's externalId, when it had one.
	ExternalID string `json:"externalId,omitempty"`
	// Error says why, when Status is failed.
	Error string `json:"error,omitempty"`
	// ResultsURL is, for a batch whose results would make the callback larger than
	// MaxBodySize, where they are read page by page instead (client.BatchResults).
	ResultsURL string `json:"resultsUrl,omitempty"`
	// Body is the callback body as received.
	Body json.RawMessage `json:"-"`
}

// ErrResultsByURL is returned by Event.Batch for a batch whose results are not in the
// callback but at its ResultsURL.
var ErrResultsByURL = errors.New("webhook: the batch's results are too large for the callback: read them at its resultsUrl")

// Parse reads a callback body (already verified).
func Parse(body []byte) (*Event, error) {
	var e Event
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, fmt.Errorf("webhook: body is not a callback: %w", err)
	}
	e.Body = body
	return &e, nil
}

// Decode unmarshals the body into v, such as a client.EnrichmentResult, or a
// client.BatchResult[client.EnrichmentResult] for a batch.
func (e *Event) Decode(v any) error { return json.Unmarshal(e.Body, v) }

// IsBatch reports whether the event is a batch's callback (CONTRACT.md section 8).
func (e *Event) IsBatch() bool { return strings.HasPrefix(e.ID, "bat_") }

// BatchCounts counts a batch's items by outcome.
type BatchCounts struct {
	Completed int `json:"completed"`
	NotFound  int `json:"not_found"`
	Failed    int `json:"failed"`
}

// Batch returns a batch callback's results in input order, each the body a single request's
// callback would have carried: Parse each for its own Event, or Decode it into the
// endpoint's result type. An error when the event is not a batch's, and ErrResultsByURL when
// its results are too large to come with it.
func (e *Event) Batch() ([]json.RawMessage, error) {
	if !e.IsBatch() {
		return nil, fmt.Errorf("webhook: %s is not a batch's callback", e.ID)
	}
	var doc struct {
		Results    []json.RawMessage `json:"results"`
		ResultsURL string            `json:"resultsUrl"`
	}
	if err := json.Unmarshal(e.Body, &doc); err != nil {
		return nil, fmt.Errorf("webhook: batch body: %w", err)
	}
	if doc.Results == nil && doc.ResultsURL != "" {
		return nil, fmt.Errorf("%w (%s)", ErrResultsByURL, doc.ResultsURL)
	}
	return doc.Results, nil
}

// Handler returns an http.Handler that verifies each callback and passes it to fn: a nil
// error answers 204 (delivered), an error 500 (OpenResolve will retry); a callback that does
// not verify is answered 401 without calling fn.
func (v *Verifier) Handler(fn func(r *http.Request, e *Event) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		e, err := v.VerifyRequest(r)
		if err != nil {
			http.Error(w, "callback not verified", http.StatusUnauthorized)
			return
		}
		if err := fn(r, e); err != nil {
			http.Error(w, "callback not handled", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
