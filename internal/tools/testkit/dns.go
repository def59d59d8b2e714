// Package testkit holds real servers that tests run on 127.0.0.1: a DNS server whose answers
// a test controls, and a callback receiver that records what it gets.
package testkit

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// DNS is an authoritative DNS server on 127.0.0.1 (UDP and TCP) answering A and AAAA
// questions from a table the test fills. Each name holds a list of answers; a name with more
// than one answers them in turn, which is how a test stages DNS rebinding.
type DNS struct {
	Addr string
	mu   sync.Mutex
	recs map[string][]netip.Addr
	hits map[string]int
}

// NewDNS starts a DNS server, stopped when t ends.
func NewDNS(t testing.TB) *DNS {
	t.Helper()
	d, stop, err := StartDNS()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return d
}

// StartDNS starts a DNS server that answers NXDOMAIN until Set says otherwise; stop stops it.
func StartDNS() (d *DNS, stop func(), err error) {
	d = &DNS{recs: map[string][]netip.Addr{}, hits: map[string]int{}}
	// UDP and TCP on one port number: take a free UDP port and try again while its TCP twin
	// is taken.
	var (
		pc net.PacketConn
		ln net.Listener
	)
	for range 20 {
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			return nil, nil, err
		}
		if ln, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			break
		}
		_ = pc.Close()
	}
	if err != nil {
		return nil, nil, err
	}
	d.Addr = pc.LocalAddr().String()
	udp := &dns.Server{PacketConn: pc, Handler: d}
	tcp := &dns.Server{Listener: ln, Handler: d}
	go func() { _ = udp.ActivateAndServe() }()
	go func() { _ = tcp.ActivateAndServe() }()
	return d, func() {
		_ = udp.Shutdown()
		_ = tcp.Shutdown()
	}, nil
}

// Set makes name answer with addrs, one per query in turn (the last one repeats).
func (d *DNS) Set(name string, addrs ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	list := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		list[i] = netip.MustParseAddr(a)
	}
	d.recs[dns.Fqdn(strings.ToLower(name))] = list
	d.hits[dns.Fqdn(strings.ToLower(name))] = 0
}

// Resolver returns a resolver that asks only this server.
func (d *DNS) Resolver() *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var dialer net.Dialer
			return dialer.DialContext(ctx, network, d.Addr)
		},
	}
}

// ServeDNS implements dns.Handler.
func (d *DNS) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	for _, q := range req.Question {
		name := strings.ToLower(q.Name)
		d.mu.Lock()
		list, ok := d.recs[name]
		var addr netip.Addr
		if ok && (q.Qtype == dns.TypeA || q.Qtype == dns.TypeAAAA) {
			i := min(d.hits[name], len(list)-1)
			if q.Qtype == dns.TypeA {
				d.hits[name]++ // count one lookup per A question; AAAA follows the same turn
			}
			addr = list[i]
		}
		d.mu.Unlock()
		if !ok {
			m.Rcode = dns.RcodeNameError
			continue
		}
		hdr := dns.RR_Header{Name: q.Name, Class: dns.ClassINET, Ttl: 0}
		switch {
		case q.Qtype == dns.TypeA && addr.Is4():
			hdr.Rrtype = dns.TypeA
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: net.IP(addr.AsSlice())})
		case q.Qtype == dns.TypeAAAA && addr.Is6():
			hdr.Rrtype = dns.TypeAAAA
			m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr, AAAA: net.IP(addr.AsSlice())})
		}
	}
	_ = w.WriteMsg(m)
}
