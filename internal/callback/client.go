package callback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"

	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/webhook"
)

// ErrForbiddenAddress is returned when the address a callback would connect to is neither
// public nor in the allowed networks.
var ErrForbiddenAddress = netguard.ErrForbidden

// maxResponseBody is how much of a receiver's answer is read (and thrown away) so that the
// connection can be reused; a longer answer closes the connection instead.
const maxResponseBody = 64 << 10

// ClientConfig configures a Client.
type ClientConfig struct {
	// Policy says which addresses may be dialed besides public ones.
	Policy netguard.Policy
	// Timeout bounds each attempt, from dialing to the end of the answer's headers.
	Timeout time.Duration
	// Resolver resolves callback host names; the system's when nil.
	Resolver *net.Resolver
	// UserAgent is sent with every delivery.
	UserAgent string
}

// Client sends callbacks. It keeps connections alive between deliveries to the same receiver,
// follows no redirects, ignores proxy settings (a proxy would dial on our behalf, unchecked),
// and refuses, in the dialer itself, to connect to an address the policy does not permit:
// the check sees the address after DNS resolution, which defeats DNS rebinding.
type Client struct {
	http      *http.Client
	userAgent string
}

// NewClient returns a Client for cfg.
func NewClient(cfg ClientConfig) *Client {
	return &Client{http: netguard.HTTPClient(cfg.Policy, cfg.Timeout, cfg.Resolver), userAgent: cfg.UserAgent}
}

// CloseIdleConnections closes kept-alive connections; used at shutdown.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// Message is one signed callback.
type Message struct {
	// ID is the resolution id, sent as webhook-id.
	ID string
	// Timestamp is the unix time the signature covers, sent as webhook-timestamp.
	Timestamp int64
	// Signature is the webhook-signature header value.
	Signature string
	// Body is the JSON document.
	Body []byte
}

// Outcome is what one delivery attempt came to.
type Outcome struct {
	// StatusCode is the receiver's HTTP status, 0 when there was no answer.
	StatusCode int
	// Err explains a failure in one line; nil when the receiver accepted the callback.
	Err error
	// RetryAfter is the receiver's Retry-After on a 429 or 503, capped at MaxRetryAfter.
	RetryAfter    time.Duration
	HasRetryAfter bool
	// Started and Duration time the attempt.
	Started  time.Time
	Duration time.Duration
}

// Delivered reports whether the receiver accepted the callback (any 2xx).
func (o Outcome) Delivered() bool { return o.Err == nil }

// Gone reports whether the receiver asked us to stop (410).
func (o Outcome) Gone() bool { return o.StatusCode == http.StatusGone }

// Send POSTs msg to target once and reports what happened. It never returns the target URL in
// an error, since callback URLs often carry tokens.
func (c *Client) Send(ctx context.Context, target string, msg Message) (out Outcome) {
	out.Started = time.Now()
	defer func() { out.Duration = time.Since(out.Started) }()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(msg.Body))
	if err != nil {
		out.Err = errors.New("invalid callback URL")
		return out
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set(webhook.HeaderID, msg.ID)
	req.Header.Set(webhook.HeaderTimestamp, fmt.Sprint(msg.Timestamp))
	req.Header.Set(webhook.HeaderSignature, msg.Signature)

	resp, err := c.http.Do(req)
	if err != nil {
		out.Err = describeTransportError(err)
		return out
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBody))
	_ = resp.Body.Close()

	out.StatusCode = resp.StatusCode
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return out
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		out.Err = fmt.Errorf("receiver answered %d; redirects are not followed", resp.StatusCode)
	default:
		out.Err = fmt.Errorf("receiver answered %d", resp.StatusCode)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		out.RetryAfter, out.HasRetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return out
}

// describeTransportError turns a client error into one line without the URL.
func describeTransportError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	var nerr net.Error
	switch {
	case errors.Is(err, ErrForbiddenAddress):
		var operr *net.OpError
		if errors.As(err, &operr) && operr.Err != nil {
			return fmt.Errorf("refused to connect: %w", unwrapSyscall(operr.Err))
		}
		return err
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		return errors.New("timed out waiting for the receiver")
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("connection refused")
	case errors.Is(err, syscall.ECONNRESET):
		return errors.New("connection reset by the receiver")
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Errorf("could not resolve host %s", dnsErr.Name)
	}
	return err
}

func unwrapSyscall(err error) error {
	var serr *net.OpError
	if errors.As(err, &serr) && serr.Err != nil {
		return serr.Err
	}
	return err
}
