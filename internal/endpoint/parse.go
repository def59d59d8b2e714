package endpoint

import (
	"strings"

	"github.com/openresolve/openresolve/internal/names"
	"github.com/openresolve/openresolve/internal/netguard"
	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/request"
	"github.com/openresolve/openresolve/internal/resolve"
)

func parseEnrichment(f request.Fields) (any, error) {
	var req resolve.EnrichmentRequest
	var err error
	if req.CompanyName, _, _, err = f.Str("companyName", 300); err != nil {
		return nil, err
	}
	if v, name, ok, err := f.Str("domain", 2048); err != nil {
		return nil, err
	} else if ok {
		if req.Domain, err = normalize.Domain(v); err != nil {
			return nil, request.Invalid(name, "%s must be a domain name such as example.com.", name)
		}
	}
	if v, name, ok, err := f.Str("linkedinUrl", 2048); err != nil {
		return nil, err
	} else if ok {
		if req.LinkedInURL, _, err = normalize.LinkedIn(v); err != nil {
			return nil, request.Invalid(name, "%s must be a LinkedIn profile (/in/) or company (/company/) URL.", name)
		}
	}
	if v, name, ok, err := f.Str("email", 320); err != nil {
		return nil, err
	} else if ok {
		if req.Email, err = normalize.Email(v); err != nil {
			return nil, request.Invalid(name, "%s must be a valid email address.", name)
		}
	}
	if req.FullName, _, _, err = f.Str("fullName", 300); err != nil {
		return nil, err
	}
	if req.CompanyName == "" && req.Domain == "" && req.LinkedInURL == "" && req.Email == "" {
		return nil, request.Invalid("", "At least one of companyName, domain, linkedinUrl or email is required.")
	}
	if req.CompanyName != "" && !names.HasWords(req.CompanyName) {
		return nil, request.Invalid("companyName", "companyName must contain letters or digits.")
	}
	return req, nil
}

// publicIP reads a required ip field that must be a public unicast address.
func publicIP(f request.Fields) (string, error) {
	v, name, err := f.RequiredStr("ip", 64)
	if err != nil {
		return "", err
	}
	ip, err := normalize.IP(v)
	if err != nil {
		return "", request.Invalid(name, "%s must be an IPv4 or IPv6 address.", name)
	}
	if !netguard.IsPublic(ip) {
		return "", request.Invalid(name, "%s must be a public unicast address, not a private, loopback or reserved one.", name)
	}
	return ip.String(), nil
}

func parseDeanonymization(f request.Fields) (any, error) {
	var req resolve.DeanonymizationRequest
	var err error
	if req.IP, err = publicIP(f); err != nil {
		return nil, err
	}
	if req.UserAgent, _, _, err = f.Str("userAgent", 2048); err != nil {
		return nil, err
	}
	if req.PageURL, _, _, err = f.Str("pageUrl", 2048); err != nil {
		return nil, err
	}
	if v, name, ok, err := f.Str("hem", 128); err != nil {
		return nil, err
	} else if ok {
		if req.HEM, _, err = normalize.HashedEmail(v); err != nil {
			return nil, request.Invalid(name, "%s must be the md5, sha1 or sha256 hex digest of an email.", name)
		}
	}
	return req, nil
}

func parseLinkedInProfile(f request.Fields) (any, error) {
	v, name, err := f.RequiredStr("linkedinUrl", 2048)
	if err != nil {
		return nil, err
	}
	u, err := normalize.LinkedInProfileURL(v)
	if err != nil {
		return nil, request.Invalid(name, "%s must be a LinkedIn profile URL (linkedin.com/in/...).", name)
	}
	return resolve.LinkedInRequest{LinkedInURL: u}, nil
}

func parseIPToCompany(f request.Fields) (any, error) {
	ip, err := publicIP(f)
	if err != nil {
		return nil, err
	}
	return resolve.IPRequest{IP: ip}, nil
}

// country reads an optional ISO 3166-1 alpha-2 country field.
func country(f request.Fields) (string, error) {
	v, name, ok, err := f.Str("country", 16)
	if err != nil || !ok {
		return "", err
	}
	c, valid := normalize.Country(v)
	if !valid {
		return "", request.Invalid(name, "%s must be an ISO 3166-1 alpha-2 country code such as US.", name)
	}
	return c, nil
}

func parseDomainFinder(f request.Fields) (any, error) {
	v, name, err := f.RequiredStr("companyName", 300)
	if err != nil {
		return nil, err
	}
	if !names.HasWords(v) {
		return nil, request.Invalid(name, "%s must contain letters or digits.", name)
	}
	c, err := country(f)
	if err != nil {
		return nil, err
	}
	return resolve.DomainFinderRequest{CompanyName: v, Country: c}, nil
}

func parseKeywordToLead(f request.Fields) (any, error) {
	var req resolve.KeywordLeadRequest
	var err error
	var name string
	if req.Keyword, name, err = f.RequiredStr("keyword", 200); err != nil {
		return nil, err
	}
	if !names.HasWords(req.Keyword) {
		return nil, request.Invalid(name, "%s must contain letters or digits.", name)
	}
	if req.Title, _, _, err = f.Str("title", 200); err != nil {
		return nil, err
	}
	if req.Country, err = country(f); err != nil {
		return nil, err
	}
	if req.Seniority, _, _, err = f.Str("seniority", 50); err != nil {
		return nil, err
	}
	req.Seniority = strings.ToLower(req.Seniority)
	if req.Limit, err = f.IntIn("limit", 1, 100, resolve.DefaultLeadLimit); err != nil {
		return nil, err
	}
	return req, nil
}

func parseEmailToHEM(f request.Fields) (any, error) {
	v, name, err := f.RequiredStr("email", 320)
	if err != nil {
		return nil, err
	}
	email, err := normalize.Email(v)
	if err != nil {
		return nil, request.Invalid(name, "%s must be a valid email address.", name)
	}
	return resolve.EmailToHEMRequest{Email: email}, nil
}
