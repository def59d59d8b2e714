// Package netguard decides which IP addresses OpenResolve may talk to or accept as input.
//
// The same rules serve three places: the API refusing a callback URL whose host is a literal
// non-public address, the API refusing a private IP where a public one is required, and the
// callback client's dialer checking the address it is about to connect to (after DNS, so that
// rebinding cannot get through).
package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// nonPublic lists the special-purpose ranges (IANA IPv4 and IPv6 special-purpose registries)
// that are not covered by the netip.Addr predicates used in IsPublic.
var nonPublic = mustPrefixes(
	"0.0.0.0/8",       // "this network"
	"100.64.0.0/10",   // carrier-grade NAT
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // TEST-NET-1
	"192.88.99.0/24",  // 6to4 relay anycast (deprecated)
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // TEST-NET-2
	"203.0.113.0/24",  // TEST-NET-3
	"240.0.0.0/4",     // reserved, and the limited broadcast address
	"64:ff9b::/96",    // NAT64: may embed any IPv4 address, private ones included
	"64:ff9b:1::/48",  // local-use NAT64
	"100::/64",        // discard-only
	"2001::/23",       // IETF protocol assignments (Teredo, ORCHID, ...)
	"2001:db8::/32",   // documentation
	"2002::/16",       // 6to4: embeds an IPv4 address
	"3fff::/20",       // documentation
	"5f00::/16",       // segment routing SIDs
	"fec0::/10",       // deprecated site-local
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// IsPublic reports whether addr is a public unicast address: not loopback, private,
// link-local, multicast, unspecified, CGNAT, documentation or otherwise reserved.
// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
func IsPublic(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() || addr.Zone() != "" {
		return false
	}
	if !addr.IsGlobalUnicast() || addr.IsPrivate() || addr.IsLoopback() ||
		addr.IsLinkLocalUnicast() || addr.IsMulticast() || addr.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// Policy is the set of networks a callback may reach although they are not public, from
// CALLBACK_ALLOWED_NETWORKS. The zero Policy allows only public addresses.
type Policy struct {
	Allowed []netip.Prefix
}

// Permits reports whether a connection to addr is allowed.
func (p Policy) Permits(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, n := range p.Allowed {
		if n.Contains(addr) {
			return true
		}
	}
	return IsPublic(addr)
}

// ErrForbidden is returned by Control for an address the policy does not permit.
var ErrForbidden = errors.New("address is not public")

// Control is a net.Dialer Control function that refuses to connect to an address p does not
// permit. It sees the address actually dialed, after DNS resolution, which defeats DNS
// rebinding; callbacks and upstream providers are dialed through it.
func (p Policy) Control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbidden, address)
	}
	if !p.Permits(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrForbidden, ap.Addr().Unmap())
	}
	return nil
}

// HTTPClient returns a client that dials only the addresses p permits (Control), through no
// proxy (a proxy would dial on our behalf, unchecked), and follows no redirects; timeout bounds
// dialing, the TLS handshake and the wait for an answer's headers. resolver looks host names up;
// the system's when nil. Callbacks and upstream providers are reached through it.
func HTTPClient(p Policy, timeout time.Duration, resolver *net.Resolver) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Resolver: resolver, Control: p.Control}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          1024,
			MaxIdleConnsPerHost:   64,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
		},
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// ParsePrefixes parses a comma-separated list of CIDRs (or single addresses, taken as /32 or
// /128). Blank entries are skipped.
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, fmt.Errorf("invalid network %q: %w", part, err)
			}
			part = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()).String()
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("invalid network %q: %w", part, err)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// ParseHostAddr reads host the way a permissive resolver (inet_aton) would: a standard IPv4 or
// IPv6 literal (brackets allowed), or the legacy IPv4 spellings with one to four parts in
// decimal, octal (leading 0) or hex (0x), such as "2130706433" or "0x7f.1". It reports false
// when host is a name rather than an address.
func ParseHostAddr(host string) (netip.Addr, bool) {
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Unmap(), true
	}
	return parseLegacyIPv4(strings.TrimSuffix(h, "."))
}

func parseLegacyIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		if p == "" {
			return netip.Addr{}, false
		}
		base := 10
		digits := p
		switch {
		case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
			base, digits = 16, p[2:]
			if digits == "" {
				digits = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		v, err := strconv.ParseUint(digits, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	// The last part fills the remaining bytes; every earlier part is one byte.
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// Loopback is 127.0.0.1, the address loopback names such as "localhost" stand for.
var Loopback = netip.AddrFrom4([4]byte{127, 0, 0, 1})
