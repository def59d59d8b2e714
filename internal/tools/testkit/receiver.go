package testkit

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Delivery is one request a Receiver got.
type Delivery struct {
	At     time.Time
	Path   string
	Header http.Header
	Body   []byte
	// Status is what the receiver answered.
	Status int
}

// Receiver is a callback receiver on 127.0.0.1. Respond decides each answer from the number
// of the request (1 for the first) and may write headers; nil answers 200.
type Receiver struct {
	*httptest.Server
	Respond func(n int, w http.ResponseWriter) int

	mu         sync.Mutex
	deliveries []Delivery
	notify     chan struct{}
}

// NewReceiver starts a Receiver, closed when t ends.
func NewReceiver(t testing.TB) *Receiver {
	r := &Receiver{notify: make(chan struct{}, 1)}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	n := len(r.deliveries) + 1
	respond := r.Respond
	r.mu.Unlock()
	status := http.StatusOK
	if respond != nil {
		status = respond(n, w)
	}
	r.mu.Lock()
	r.deliveries = append(r.deliveries, Delivery{At: time.Now(), Path: req.URL.Path, Header: req.Header.Clone(), Body: body, Status: status})
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	w.WriteHeader(status)
}

// Deliveries returns what the receiver got so far.
func (r *Receiver) Deliveries() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Delivery(nil), r.deliveries...)
}

// WaitFor waits until the receiver has had n requests, or fails t after timeout.
func (r *Receiver) WaitFor(t testing.TB, n int, timeout time.Duration) []Delivery {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if d := r.Deliveries(); len(d) >= n {
			return d
		}
		select {
		case <-r.notify:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("receiver: got %d requests, want %d within %s", len(r.Deliveries()), n, timeout)
		}
	}
}

// NewReceiverAt starts a Receiver listening on addr (such as "127.0.0.2:0"), closed when t ends.
func NewReceiverAt(t testing.TB, addr string) *Receiver {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	r := &Receiver{notify: make(chan struct{}, 1)}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	_ = r.Server.Listener.Close()
	r.Server.Listener = ln
	r.Server.Start()
	t.Cleanup(r.Close)
	return r
}
