package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// receiver records when each callback arrived, by webhook-id, and accepts it.
type receiver struct {
	srv      *http.Server
	url      string
	mu       sync.Mutex
	arrivals map[string]time.Time
}

func newReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{url: "http://" + ln.Addr().String() + "/cb", arrivals: map[string]time.Time{}}
	r.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		now := time.Now()
		r.mu.Lock()
		if _, seen := r.arrivals[req.Header.Get("webhook-id")]; !seen {
			r.arrivals[req.Header.Get("webhook-id")] = now
		}
		r.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *receiver) arrival(id string) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.arrivals[id]
	return t, ok
}

// noop is the HTTP ceiling: a server that does what the API does on the wire and nothing else.
// It decodes the request, answers 202 at once, and posts a callback to the receiver, with no
// storage, no queue and no resolver in between.
type noop struct {
	srv    *http.Server
	url    string
	seq    atomic.Int64
	client *http.Client
}

func newNoop() (*noop, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	n := &noop{url: "http://" + ln.Addr().String(), client: &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	n.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(n.serve)}
	go func() { _ = n.srv.Serve(ln) }()
	return n, nil
}

func (n *noop) serve(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	cb, _ := body["callbackUrl"].(string)
	id := fmt.Sprintf("res_noop%d", n.seq.Add(1))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(map[string]string{"id": id, "status": "processing", "callbackUrl": cb})
	go func() {
		result, _ := json.Marshal(map[string]any{"id": id, "status": "completed"})
		req, _ := http.NewRequest(http.MethodPost, cb, bytes.NewReader(result))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("webhook-id", id)
		if resp, err := n.client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
}
