package client

// The callback bodies, one type per endpoint. Every one has the Outcome fields; decode a
// verified webhook.Event (or Resolution.Decode) into the type of the request's endpoint.

// Outcome holds the fields every result has.
type Outcome struct {
	ID         string `json:"id"`
	Status     string `json:"status"` // completed, not_found or failed
	ExternalID string `json:"externalId,omitempty"`
	// Error says why, when Status is failed.
	Error string `json:"error,omitempty"`
	// Sources says where an answer came from: ["graph"], or the upstream provider that
	// answered.
	Sources []string `json:"sources,omitempty"`
}

// Company is a company of the identity graph.
type Company struct {
	CompanyName *string `json:"companyName"`
	Domain      *string `json:"domain"`
	Address     *string `json:"address"`
	City        *string `json:"city"`
	Region      *string `json:"region"`
	PostalCode  *string `json:"postalCode"`
	Country     *string `json:"country"`
	Employees   *int    `json:"employees"`
	Industry    *string `json:"industry"`
	LinkedInURL *string `json:"linkedinUrl"`
	Description *string `json:"description"`
	Founded     *int    `json:"founded"`
}

// Person is a person of the identity graph.
type Person struct {
	FullName    *string `json:"fullName"`
	FirstName   *string `json:"firstName"`
	LastName    *string `json:"lastName"`
	Title       *string `json:"title"`
	Seniority   *string `json:"seniority"`
	Email       *string `json:"email"`
	Phone       *string `json:"phone"`
	LinkedInURL *string `json:"linkedinUrl"`
	Country     *string `json:"country"`
}

// EnrichmentResult is the result of Enrichment: the company's fields at the top level.
type EnrichmentResult struct {
	Outcome
	Company
	Person     *Person `json:"person"`
	Confidence float64 `json:"confidence"`
	MatchedBy  string  `json:"matchedBy"`
}

// DeanonymizationResult is the result of Deanonymization.
type DeanonymizationResult struct {
	Outcome
	IP        string   `json:"ip"`
	Person    *Person  `json:"person"`
	Company   *Company `json:"company"`
	MatchedBy string   `json:"matchedBy"` // ip_observation, hem or company_network
}

// Phone is a phone number of a person.
type Phone struct {
	Number   string  `json:"number"` // E.164
	Type     string  `json:"type"`   // mobile, direct or office
	Country  *string `json:"country"`
	Verified bool    `json:"verified"`
}

// LinkedInToPhoneResult is the result of LinkedInToPhone.
type LinkedInToPhoneResult struct {
	Outcome
	LinkedInURL string  `json:"linkedinUrl"`
	Phones      []Phone `json:"phones"`
}

// HashedEmail is one email of a person, hashed.
type HashedEmail struct {
	MD5    string `json:"md5"`
	SHA1   string `json:"sha1"`
	SHA256 string `json:"sha256"`
	Type   string `json:"type"` // work or personal
}

// LinkedInToHEMResult is the result of LinkedInToHEM.
type LinkedInToHEMResult struct {
	Outcome
	LinkedInURL  string        `json:"linkedinUrl"`
	HashedEmails []HashedEmail `json:"hashedEmails"`
}

// EmailToHEMResult is the result of EmailToHEM.
type EmailToHEMResult struct {
	Outcome
	Email  string `json:"email"`
	MD5    string `json:"md5"`
	SHA1   string `json:"sha1"`
	SHA256 string `json:"sha256"`
}

// Network is the most specific network holding an address.
type Network struct {
	CIDR  string  `json:"cidr"`
	Type  string  `json:"type"` // business, isp, hosting, education or government
	ASN   *int64  `json:"asn"`
	ASOrg *string `json:"asOrg"`
}

// IPToCompanyResult is the result of IPToCompany.
type IPToCompanyResult struct {
	Outcome
	IP      string   `json:"ip"`
	Company *Company `json:"company"`
	Network *Network `json:"network"`
}

// DomainCandidate is one domain the finder considered.
type DomainCandidate struct {
	Domain     string  `json:"domain"`
	Confidence float64 `json:"confidence"`
	Source     string  `json:"source"` // graph or dns
}

// DomainFinderResult is the result of OrganizationDomainFinder.
type DomainFinderResult struct {
	Outcome
	CompanyName string            `json:"companyName"`
	Domain      *string           `json:"domain"`
	Confidence  float64           `json:"confidence"`
	Candidates  []DomainCandidate `json:"candidates"`
}

// LeadCompany is the company of a lead.
type LeadCompany struct {
	CompanyName *string `json:"companyName"`
	Domain      *string `json:"domain"`
	Industry    *string `json:"industry"`
	Employees   *int    `json:"employees"`
}

// Lead is one person a keyword found.
type Lead struct {
	FullName    *string      `json:"fullName"`
	Title       *string      `json:"title"`
	Seniority   *string      `json:"seniority"`
	Email       *string      `json:"email"`
	LinkedInURL *string      `json:"linkedinUrl"`
	Country     *string      `json:"country"`
	Company     *LeadCompany `json:"company"`
}

// KeywordToLeadResult is the result of KeywordToLead: Total counts the matches exactly when
// TotalRelation is "eq" (up to 10,000) and is a lower bound when it is "gte"; Leads holds the
// best, the most senior first.
type KeywordToLeadResult struct {
	Outcome
	Keyword       string `json:"keyword"`
	Total         int    `json:"total"`
	TotalRelation string `json:"totalRelation"`
	Leads         []Lead `json:"leads"`
}
