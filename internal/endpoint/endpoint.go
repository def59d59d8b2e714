// Package endpoint is the table of OpenResolve's operations: each endpoint's name, how its
// request is read and normalized, the resolver that answers it, and the name of its result.
// The API serves the table, the worker resolves by it, and the tests of the OpenAPI document
// and of the Go client check that each covers every row.
package endpoint

import (
	"strings"

	"github.com/openresolve/openresolve/internal/request"
	"github.com/openresolve/openresolve/internal/resolve"
)

// Endpoint is one operation: POST /v1/<Name>.
type Endpoint struct {
	// Name is the path segment and the resolutions.endpoint value.
	Name string
	// Parse validates and normalizes the request's own fields (not callbackUrl or externalId)
	// into the document its resolver reads.
	Parse func(request.Fields) (any, error)
	// Resolver makes the endpoint's resolver.
	Resolver func(resolve.Deps) resolve.Resolver
	// Result names the callback body's type: its webhook in the OpenAPI document, whose
	// schema every callback of the endpoint matches.
	Result string
}

// Slug is the endpoint's name in the lead request style, /lead/resolution/<slug>:
// linkedin-to-phone is linkedin_to_phone.
func (e Endpoint) Slug() string { return strings.ReplaceAll(e.Name, "-", "_") }

// The endpoints' names.
const (
	Enrichment      = "enrichment"
	Deanonymization = "deanonymization"
	LinkedInToPhone = "linkedin-to-phone"
	LinkedInToHEM   = "linkedin-to-hem"
	EmailToHEM      = "email-to-hem"
	IPToCompany     = "ip-to-company"
	DomainFinder    = "organization-domain-finder"
	KeywordToLead   = "keyword-to-lead"
)

// All is every endpoint, in the contract's order.
var All = []Endpoint{
	{Enrichment, parseEnrichment, resolve.NewEnrichment, "enrichmentResult"},
	{Deanonymization, parseDeanonymization, resolve.NewDeanonymization, "deanonymizationResult"},
	{LinkedInToPhone, parseLinkedInProfile, resolve.NewLinkedInToPhone, "linkedinToPhoneResult"},
	{LinkedInToHEM, parseLinkedInProfile, resolve.NewLinkedInToHEM, "linkedinToHemResult"},
	{EmailToHEM, parseEmailToHEM, resolve.NewEmailToHEM, "emailToHemResult"},
	{IPToCompany, parseIPToCompany, resolve.NewIPToCompany, "ipToCompanyResult"},
	{DomainFinder, parseDomainFinder, resolve.NewDomainFinder, "organizationDomainFinderResult"},
	{KeywordToLead, parseKeywordToLead, resolve.NewKeywordToLead, "keywordToLeadResult"},
}

// Lookup returns the endpoint named name.
func Lookup(name string) (Endpoint, bool) {
	for _, e := range All {
		if e.Name == name {
			return e, true
		}
	}
	return Endpoint{}, false
}

// Resolvers makes every endpoint's resolver, by name.
func Resolvers(d resolve.Deps) map[string]resolve.Resolver {
	out := make(map[string]resolve.Resolver, len(All))
	for _, e := range All {
		out[e.Name] = e.Resolver(d)
	}
	return out
}
