package normalize

import (
	"errors"
	"net/netip"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// ErrInvalidDomain is returned for a value that has no registrable domain.
var ErrInvalidDomain = errors.New("not a domain name")

// idnaProfile converts names to punycode with the checks browsers apply to host names.
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))

// Domain returns the registrable domain of s ("https://www.Shop.Example.co.uk:8443/x" is
// "example.co.uk"): lowercased, without scheme, userinfo, www., port or path, in punycode,
// reduced with the public-suffix list. IP addresses, single labels and bare public suffixes
// are refused.
func Domain(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2048 || !validText(s) {
		return "", ErrInvalidDomain
	}
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.TrimPrefix(s, "//")
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if strings.HasPrefix(s, "[") { // an IPv6 literal
		return "", ErrInvalidDomain
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return "", ErrInvalidDomain
	}
	if isIP(s) {
		return "", ErrInvalidDomain
	}
	ascii, err := idnaProfile.ToASCII(s)
	if err != nil || ascii == "" || len(ascii) > 253 {
		return "", ErrInvalidDomain
	}
	ascii = strings.TrimPrefix(strings.ToLower(ascii), "www.")
	for _, label := range strings.Split(ascii, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", ErrInvalidDomain
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", ErrInvalidDomain
			}
		}
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(ascii)
	if err != nil {
		return "", ErrInvalidDomain
	}
	// A name under a suffix that is not in the list (like "corp.internal") reduces to its last
	// two labels; only names under an ICANN or listed private suffix are real domains.
	if suffix, icann := publicsuffix.PublicSuffix(reg); !icann && !strings.Contains(suffix, ".") {
		return "", ErrInvalidDomain
	}
	if isIP(reg) {
		return "", ErrInvalidDomain
	}
	return reg, nil
}

// isIP reports whether s is an IP address, asking netip only of what could be one (an IPv6
// address holds a colon, an IPv4 address ends in a digit): its errors cost an allocation,
// and nearly every domain would pay it.
func isIP(s string) bool {
	if s == "" || strings.IndexByte(s, ':') < 0 && (s[len(s)-1] < '0' || s[len(s)-1] > '9') {
		return false
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}
