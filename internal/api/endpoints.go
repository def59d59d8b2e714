package api

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/openresolve/openresolve/internal/names"
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
		{name: resolve.EndpointEnrichment, parse: parseEnrichment},
		{name: resolve.EndpointDeanonymization, parse: parseDeanonymization},
		{name: resolve.EndpointLinkedInToPhone, parse: parseLinkedInProfile},
		{name: resolve.EndpointLinkedInToHEM, parse: parseLinkedInProfile},
		{name: resolve.EndpointEmailToHEM, parse: parseEmailToHEM},
		{name: resolve.EndpointIPToCompany, parse: parseIPToCompany},
		{name: resolve.EndpointDomainFinder, parse: parseDomainFinder},
		{name: resolve.EndpointKeywordToLead, parse: parseKeywordToLead},
	}
}

func parseEnrichment(f fields) (any, error) {
	var req resolve.EnrichmentRequest
	var err error
	if req.CompanyName, _, _, err = f.str("companyName", 300); err != nil {
		return nil, err
	}
	if v, name, ok, err := f.str("domain", 2048); err != nil {
		return nil, err
	} else if ok {
		if req.Domain, err = normalize.Domain(v); err != nil {
			return nil, validationFailed(name, "%s must be a domain name such as example.com.", name)
		}
	}
	if v, name, ok, err := f.str("linkedinUrl", 2048); err != nil {
		return nil, err
	} else if ok {
		if req.LinkedinURL, _, err = normalize.LinkedIn(v); err != nil {
			return nil, validationFailed(name, "%s must be a LinkedIn profile (/in/) or company (/company/) URL.", name)
		}
	}
	if v, name, ok, err := f.str("email", 320); err != nil {
		return nil, err
	} else if ok {
		if req.Email, err = normalize.Email(v); err != nil {
			return nil, validationFailed(name, "%s must be a valid email address.", name)
		}
	}
	if req.FullName, _, _, err = f.str("fullName", 300); err != nil {
		return nil, err
	}
	if req.CompanyName == "" && req.Domain == "" && req.LinkedinURL == "" && req.Email == "" {
		return nil, validationFailed("", "At least one of companyName, domain, linkedinUrl or email is required.")
	}
	if req.CompanyName != "" && !names.HasWords(req.CompanyName) {
		return nil, validationFailed("companyName", "companyName must contain letters or digits.")
	}
	return req, nil
}

// publicIP reads a required ip field that must be a public unicast address.
func publicIP(f fields) (string, error) {
	v, name, err := f.requiredStr("ip", 64)
	if err != nil {
		return "", err
	}
	ip, err := normalize.IP(v)
	if err != nil {
		return "", validationFailed(name, "%s must be an IPv4 or IPv6 address.", name)
	}
	if !netguard.IsPublic(ip) {
		return "", validationFailed(name, "%s must be a public unicast address, not a private, loopback or reserved one.", name)
	}
	return ip.String(), nil
}

func parseDeanonymization(f fields) (any, error) {
	var req resolve.DeanonymizationRequest
	var err error
	if req.IP, err = publicIP(f); err != nil {
		return nil, err
	}
	if req.UserAgent, _, _, err = f.str("userAgent", 2048); err != nil {
		return nil, err
	}
	if req.PageURL, _, _, err = f.str("pageUrl", 2048); err != nil {
		return nil, err
	}
	if v, name, ok, err := f.str("hem", 128); err != nil {
		return nil, err
	} else if ok {
		if req.HEM, _, err = normalize.HashedEmail(v); err != nil {
			return nil, validationFailed(name, "%s must be the md5, sha1 or sha256 hex digest of an email.", name)
		}
	}
	return req, nil
}

func parseLinkedInProfile(f fields) (any, error) {
	v, name, err := f.requiredStr("linkedinUrl", 2048)
	if err != nil {
		return nil, err
	}
	u, err := normalize.LinkedInProfileURL(v)
	if err != nil {
		return nil, validationFailed(name, "%s must be a LinkedIn profile URL (linkedin.com/in/...).", name)
	}
	return resolve.LinkedInRequest{LinkedinURL: u}, nil
}

func parseIPToCompany(f fields) (any, error) {
	ip, err := publicIP(f)
	if err != nil {
		return nil, err
	}
	return resolve.IPRequest{IP: ip}, nil
}

// country reads an optional ISO 3166-1 alpha-2 country field.
func country(f fields) (string, error) {
	v, name, ok, err := f.str("country", 16)
	if err != nil || !ok {
		return "", err
	}
	c, valid := normalize.Country(v)
	if !valid {
		return "", validationFailed(name, "%s must be an ISO 3166-1 alpha-2 country code such as US.", name)
	}
	return c, nil
}

func parseDomainFinder(f fields) (any, error) {
	v, name, err := f.requiredStr("companyName", 300)
	if err != nil {
		return nil, err
	}
	if !names.HasWords(v) {
		return nil, validationFailed(name, "%s must contain letters or digits.", name)
	}
	c, err := country(f)
	if err != nil {
		return nil, err
	}
	return resolve.DomainFinderRequest{CompanyName: v, Country: c}, nil
}

func parseKeywordToLead(f fields) (any, error) {
	var req resolve.KeywordLeadRequest
	var err error
	var name string
	if req.Keyword, name, err = f.requiredStr("keyword", 200); err != nil {
		return nil, err
	}
	if !names.HasWords(req.Keyword) {
		return nil, validationFailed(name, "%s must contain letters or digits.", name)
	}
	if req.Title, _, _, err = f.str("title", 200); err != nil {
		return nil, err
	}
	if req.Country, err = country(f); err != nil {
		return nil, err
	}
	if req.Seniority, _, _, err = f.str("seniority", 50); err != nil {
		return nil, err
	}
	req.Seniority = strings.ToLower(req.Seniority)
	if req.Limit, err = f.intIn("limit", 1, 100, resolve.DefaultLeadLimit); err != nil {
		return nil, err
	}
	return req, nil
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
