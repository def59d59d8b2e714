package request

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/openresolve/openresolve/internal/netguard"
)

// MaxCallbackURLLength is the longest callbackUrl accepted.
const MaxCallbackURLLength = 2048

// CallbackURL checks callbackUrl: an absolute http or https URL without userinfo whose
// host, when it is a literal address (in any spelling a resolver would accept) or a name that
// always means this machine, is one the callback policy permits. Host names are checked again,
// after DNS, when the callback is dialed.
func CallbackURL(f Fields, policy netguard.Policy) (string, error) {
	v, name, err := f.RequiredStr("callbackUrl", MaxCallbackURLLength)
	if err != nil {
		return "", err
	}
	invalid := Invalid(name, "%s must be an absolute http or https URL.", name)
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Host == "" {
		return "", invalid
	}
	if u.User != nil {
		return "", Invalid(name, "%s must not contain a user name or password.", name)
	}
	host := u.Hostname()
	if host == "" || strings.ContainsAny(host, " %") {
		return "", invalid
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", invalid
		}
	}
	forbidden := &Error{Status: 422, Code: "callback_url_forbidden", Field: name,
		Message: "callbackUrl points to a loopback, private, link-local or otherwise non-public address."}
	if addr, ok := netguard.ParseHostAddr(host); ok {
		if !policy.Permits(addr) {
			return "", forbidden
		}
	} else if isLoopbackName(host) && !policy.Permits(netguard.Loopback) {
		return "", forbidden
	}
	return v, nil
}

// isLoopbackName reports whether host is a name that resolves to this machine everywhere
// (RFC 6761: localhost and names under .localhost).
func isLoopbackName(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}
