package api

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/resolve"
)

// endpoint is one POST /v1/<name> operation: parse validates and normalizes its own fields
// into the request the resolver will get.
type endpoint struct {
	name  string
	parse func(f fields) (any, error)
}

// endpoints lists the operations the API accepts.
func endpoints() []endpoint {
	return []endpoint{
		{name: resolve.EndpointEmailToHEM, parse: parseEmailToHEM},
	}
}

func parseEmailToHEM(f fields) (any, error) {
	v, name, err := f.requiredStr("email", 320)
	if err != nil {
		return nil, err
	}
	email, err := normalize.Email(v)
	if err != nil {
		return nil, validationFailed(name, "%s must be a valid email address.", name)
	}
	return resolve.EmailToHEMRequest{Email: email}, nil
}

// MaxCallbackURLLength is the longest callbackUrl accepted.
const MaxCallbackURLLength = 2048

// parseCallbackURL checks callbackUrl: an absolute http or https URL without userinfo whose
// host, when it is a literal address (in any spelling a resolver would accept) or a name that
// always means this machine, is one the callback policy permits. Host names are checked again,
// after DNS, when the callback is dialed.
func parseCallbackURL(f fields, policy netguard.Policy) (string, error) {
	v, name, err := f.requiredStr("callbackUrl", MaxCallbackURLLength)
	if err != nil {
		return "", err
	}
	invalid := validationFailed(name, "%s must be an absolute http or https URL.", name)
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Host == "" {
		return "", invalid
	}
	if u.User != nil {
		return "", validationFailed(name, "%s must not contain a user name or password.", name)
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
