package normalize

import (
	"errors"
	"net/netip"
	"strings"
)

// ErrInvalidIP is returned for a value that is not an IP address.
var ErrInvalidIP = errors.New("not an IP address")

// IP parses an IPv4 or IPv6 address; IPv4-mapped IPv6 addresses become IPv4. Zones are refused.
func IP(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, ErrInvalidIP
	}
	return a.Unmap(), nil
}

// HashedEmail checks a hashed email: lowercase hex of md5 (32), sha1 (40) or sha256 (64). It
// returns the lowercased hash and its kind.
func HashedEmail(s string) (hash, kind string, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch len(s) {
	case 32:
		kind = "md5"
	case 40:
		kind = "sha1"
	case 64:
		kind = "sha256"
	default:
		return "", "", errors.New("not an md5, sha1 or sha256 hex digest")
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", "", errors.New("not an md5, sha1 or sha256 hex digest")
		}
	}
	return s, kind, nil
}
