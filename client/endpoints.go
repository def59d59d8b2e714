package client

import "context"

// EnrichmentRequest is a request to /v1/enrichment: at least one of CompanyName, Domain,
// LinkedInURL and Email; FullName (with CompanyName or Domain) asks for a person there.
type EnrichmentRequest struct {
	Request
	CompanyName string `json:"companyName,omitempty"`
	Domain      string `json:"domain,omitempty"`
	LinkedInURL string `json:"linkedinUrl,omitempty"`
	Email       string `json:"email,omitempty"`
	FullName    string `json:"fullName,omitempty"`
}

// Enrichment starts a company (and person) enrichment; the result is an EnrichmentResult.
func (c *Client) Enrichment(ctx context.Context, r EnrichmentRequest) (*Accepted, error) {
	return c.start(ctx, "enrichment", r)
}

// DeanonymizationRequest is a request to /v1/deanonymization.
type DeanonymizationRequest struct {
	Request
	IP        string `json:"ip"`
	UserAgent string `json:"userAgent,omitempty"`
	PageURL   string `json:"pageUrl,omitempty"`
	// HEM is the md5 or sha256 hex of the visitor's email, when known.
	HEM string `json:"hem,omitempty"`
}

// Deanonymization starts a visitor look-up; the result is a DeanonymizationResult.
func (c *Client) Deanonymization(ctx context.Context, r DeanonymizationRequest) (*Accepted, error) {
	return c.start(ctx, "deanonymization", r)
}

// LinkedInRequest is a request to /v1/linkedin-to-phone or /v1/linkedin-to-hem.
type LinkedInRequest struct {
	Request
	// LinkedInURL is a profile (/in/) URL, in any of its spellings.
	LinkedInURL string `json:"linkedinUrl"`
}

// LinkedInToPhone starts a profile-to-phones look-up; the result is a LinkedInToPhoneResult.
func (c *Client) LinkedInToPhone(ctx context.Context, r LinkedInRequest) (*Accepted, error) {
	return c.start(ctx, "linkedin-to-phone", r)
}

// LinkedInToHEM starts a profile-to-hashed-emails look-up; the result is a LinkedInToHEMResult.
func (c *Client) LinkedInToHEM(ctx context.Context, r LinkedInRequest) (*Accepted, error) {
	return c.start(ctx, "linkedin-to-hem", r)
}

// EmailToHEMRequest is a request to /v1/email-to-hem.
type EmailToHEMRequest struct {
	Request
	Email string `json:"email"`
}

// EmailToHEM starts hashing an email; the result is an EmailToHEMResult.
func (c *Client) EmailToHEM(ctx context.Context, r EmailToHEMRequest) (*Accepted, error) {
	return c.start(ctx, "email-to-hem", r)
}

// IPToCompanyRequest is a request to /v1/ip-to-company.
type IPToCompanyRequest struct {
	Request
	IP string `json:"ip"`
}

// IPToCompany starts an IP-to-company look-up; the result is an IPToCompanyResult.
func (c *Client) IPToCompany(ctx context.Context, r IPToCompanyRequest) (*Accepted, error) {
	return c.start(ctx, "ip-to-company", r)
}

// DomainFinderRequest is a request to /v1/organization-domain-finder.
type DomainFinderRequest struct {
	Request
	CompanyName string `json:"companyName"`
	// Country is an ISO 3166-1 alpha-2 code that narrows the search.
	Country string `json:"country,omitempty"`
}

// OrganizationDomainFinder starts a name-to-domain search; the result is a DomainFinderResult.
func (c *Client) OrganizationDomainFinder(ctx context.Context, r DomainFinderRequest) (*Accepted, error) {
	return c.start(ctx, "organization-domain-finder", r)
}

// KeywordToLeadRequest is a request to /v1/keyword-to-lead.
type KeywordToLeadRequest struct {
	Request
	Keyword   string `json:"keyword"`
	Title     string `json:"title,omitempty"`
	Country   string `json:"country,omitempty"`
	Seniority string `json:"seniority,omitempty"`
	// Limit is how many leads to answer, 1 to 100; 0 means the API's default, 25.
	Limit int `json:"limit,omitempty"`
}

// KeywordToLead starts a lead search; the result is a KeywordToLeadResult.
func (c *Client) KeywordToLead(ctx context.Context, r KeywordToLeadRequest) (*Accepted, error) {
	return c.start(ctx, "keyword-to-lead", r)
}
