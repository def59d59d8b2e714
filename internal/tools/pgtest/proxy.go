package pgtest

import (
	"io"
	"net"
	"sync"
	"testing"
)

// ProxyMode is what a Proxy does with connections.
type ProxyMode int

const (
	// Forward passes connections through to the server.
	Forward ProxyMode = iota
	// Refuse closes existing connections and every new one at once: the server is down.
	Refuse
	// Blackhole accepts connections and never answers: the server hangs.
	Blackhole
)

// Proxy is a TCP proxy in front of Postgres that a test can cut, to stage an outage for one
// component without stopping the server other tests use.
type Proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	mode   ProxyMode
	conns  map[net.Conn]struct{}
}

// NewProxy listens on 127.0.0.1 and forwards to the host:port of the database URL u. It
// returns the proxy and u rewritten to go through it.
func NewProxy(t testing.TB, u string) (*Proxy, string) {
	t.Helper()
	cfg, err := parseHostPort(u)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, target: cfg, conns: map[net.Conn]struct{}{}}
	go p.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		p.closeAll()
	})
	return p, replaceHost(u, ln.Addr().String())
}

// SetMode switches the proxy; Refuse and Blackhole cut the connections already open.
func (p *Proxy) SetMode(m ProxyMode) {
	p.mu.Lock()
	p.mode = m
	p.mu.Unlock()
	if m != Forward {
		p.closeAll()
	}
}

func (p *Proxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

func (p *Proxy) track(c net.Conn) {
	p.mu.Lock()
	p.conns[c] = struct{}{}
	p.mu.Unlock()
}

func (p *Proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		mode := p.mode
		p.mu.Unlock()
		switch mode {
		case Refuse:
			_ = c.Close()
		case Blackhole:
			p.track(c) // held open, never answered, closed on the next mode change
		default:
			go p.forward(c)
		}
	}
}

func (p *Proxy) forward(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	p.track(c)
	p.track(s)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(s, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, s); done <- struct{}{} }()
	<-done
	_ = c.Close()
	_ = s.Close()
}
