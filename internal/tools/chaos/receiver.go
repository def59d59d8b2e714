package chaos

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/webhook"
)

// Receiver modes.
const (
	modeOK      = "ok"
	modeError   = "5xx"
	modeTimeout = "timeout"
	modeRefuse  = "refuse"
	modeReset   = "reset"
)

// receiver is the client's callback endpoint. It can fail on purpose, and it counts every
// delivery it accepted (answered 2xx) per resolution id.
type receiver struct {
	addr   string
	secret string
	srv    *http.Server

	mode atomic.Value // string

	mu        sync.Mutex
	ln        net.Listener
	accepted  map[string][]time.Time
	requests  int
	badSig    int
	listening bool
}

func newReceiver(secret string) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{addr: ln.Addr().String(), secret: secret, ln: ln, accepted: map[string][]time.Time{}, listening: true}
	r.mode.Store(modeOK)
	r.srv = &http.Server{Handler: http.HandlerFunc(r.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *receiver) setMode(m string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mode.Store(m)
	switch {
	case m == modeRefuse && r.listening:
		r.listening = false
		return r.ln.Close()
	case m != modeRefuse && !r.listening:
		ln, err := net.Listen("tcp", r.addr)
		if err != nil {
			return err
		}
		r.ln, r.listening = ln, true
		go func() { _ = r.srv.Serve(ln) }()
	}
	return nil
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests++
	r.mu.Unlock()
	switch r.mode.Load().(string) {
	case modeError:
		w.WriteHeader(http.StatusBadGateway)
		return
	case modeTimeout:
		time.Sleep(config.Default().CallbackTimeout + time.Second)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	case modeReset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
				_ = conn.Close()
				return
			}
		}
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	id := req.Header.Get(webhook.HeaderID)
	ts, _ := strconv.ParseInt(req.Header.Get("webhook-timestamp"), 10, 64)
	if !webhook.ValidSignature(r.secret, id, ts, body, req.Header.Get("webhook-signature")) {
		r.mu.Lock()
		r.badSig++
		r.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.WriteHeader(http.StatusNoContent)
	r.mu.Lock()
	r.accepted[id] = append(r.accepted[id], time.Now())
	r.mu.Unlock()
}

func (r *receiver) snapshot() (map[string][]time.Time, int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string][]time.Time, len(r.accepted))
	for k, v := range r.accepted {
		out[k] = append([]time.Time(nil), v...)
	}
	return out, r.requests, r.badSig
}

func (r *receiver) close() {
	_ = r.srv.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.listening {
		if err := r.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			return
		}
	}
}
