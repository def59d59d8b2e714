package normalize

import (
	"errors"
	"net/url"
	"strings"
)

// ErrInvalidLinkedIn is returned for a value that is not a LinkedIn profile or company URL.
var ErrInvalidLinkedIn = errors.New("not a LinkedIn profile or company URL")

// LinkedIn kinds.
const (
	LinkedInProfile = "in"
	LinkedInCompany = "company"
)

// LinkedIn returns the canonical form of a LinkedIn profile or company URL,
// "linkedin.com/in/<slug>" or "linkedin.com/company/<slug>", and its kind. It accepts any
// scheme or none, the www. or a country subdomain, and drops everything after the slug; the
// slug is percent-decoded and lowercased. Any host other than linkedin.com or one of its
// subdomains (such as linkedin.com.evil.example) is refused.
func LinkedIn(s string) (canonical, kind string, err error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2048 {
		return "", "", ErrInvalidLinkedIn
	}
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	} else {
		s = strings.TrimPrefix(s, "//")
	}
	u, err := url.Parse("https://" + s)
	if err != nil || u.User != nil {
		return "", "", ErrInvalidLinkedIn
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host != "linkedin.com" && !strings.HasSuffix(host, ".linkedin.com") {
		return "", "", ErrInvalidLinkedIn
	}
	parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	if len(parts) < 2 {
		return "", "", ErrInvalidLinkedIn
	}
	kind = strings.ToLower(parts[0])
	if kind != LinkedInProfile && kind != LinkedInCompany {
		return "", "", ErrInvalidLinkedIn
	}
	slug, err := url.PathUnescape(parts[1])
	if err != nil {
		return "", "", ErrInvalidLinkedIn
	}
	slug = strings.ToLower(strings.TrimSpace(slug))
	if slug == "" || len(slug) > 200 || strings.ContainsAny(slug, "/?#\\ \t\r\n") || !validText(slug) {
		return "", "", ErrInvalidLinkedIn
	}
	return "linkedin.com/" + kind + "/" + slug, kind, nil
}

// LinkedInProfileURL is LinkedIn for values that must be a profile (/in/) URL.
func LinkedInProfileURL(s string) (string, error) {
	c, kind, err := LinkedIn(s)
	if err != nil || kind != LinkedInProfile {
		return "", ErrInvalidLinkedIn
	}
	return c, nil
}

// LinkedInCompanyURL is LinkedIn for values that must be a company URL.
func LinkedInCompanyURL(s string) (string, error) {
	c, kind, err := LinkedIn(s)
	if err != nil || kind != LinkedInCompany {
		return "", ErrInvalidLinkedIn
	}
	return c, nil
}
