package providers

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/go-openapi/jsonpointer"
)

// Query is what a provider is asked: the fields of the stored request that providers use,
// already normalized by the API (a LinkedIn URL as linkedin.com/in/<slug>, an email lowercased).
type Query struct {
	LinkedInURL string `json:"linkedinUrl,omitempty"`
	Email       string `json:"email,omitempty"`
	FullName    string `json:"fullName,omitempty"`
	Domain      string `json:"domain,omitempty"`
	CompanyName string `json:"companyName,omitempty"`
}

// names splits FullName into a first and a last name: the first word, and the rest.
func (q Query) names() (first, last string) {
	f := strings.Fields(q.FullName)
	if len(f) < 2 {
		return "", ""
	}
	return f[0], strings.Join(f[1:], " ")
}

// Finding is what a provider found, in the graph's terms: a person with their identifiers,
// a company, or both. Learn writes it into the graph through the import's path, which checks
// every value as it checks a file's.
type Finding struct {
	Person  *Person  `json:"person,omitempty"`
	Company *Company `json:"company,omitempty"`
}

// Person is a person a provider found.
type Person struct {
	FullName      string  `json:"fullName,omitempty"`
	FirstName     string  `json:"firstName,omitempty"`
	LastName      string  `json:"lastName,omitempty"`
	Title         string  `json:"title,omitempty"`
	LinkedInURL   string  `json:"linkedinUrl,omitempty"`
	Country       string  `json:"country,omitempty"`
	CompanyDomain string  `json:"companyDomain,omitempty"`
	CompanyName   string  `json:"companyName,omitempty"`
	Emails        []Email `json:"emails,omitempty"`
	Phones        []Phone `json:"phones,omitempty"`
}

// Email is an address and its kind: work or personal.
type Email struct {
	Address string `json:"address"`
	Type    string `json:"type"`
}

// Phone is a number and its kind: mobile, direct or office.
type Phone struct {
	Number string `json:"number"`
	Type   string `json:"type"`
}

// Company is a company a provider found.
type Company struct {
	Domain   string `json:"domain"`
	Name     string `json:"name,omitempty"`
	Industry string `json:"industry,omitempty"`
	Country  string `json:"country,omitempty"`
}

// empty reports whether f holds nothing the graph could keep.
func (f Finding) empty() bool {
	p := f.Person
	return (p == nil || (p.LinkedInURL == "" && len(p.Emails) == 0 && len(p.Phones) == 0)) &&
		(f.Company == nil || f.Company.Domain == "")
}

// Reading is what an answer says: found (with a Finding), nothing found, or a failure;
// Retry says whether asking again after a backoff may help (a rate limit, a server error), as
// opposed to an account refused or exhausted, when the next provider is asked.
type Reading struct {
	Found   bool
	Finding Finding
	Err     error
	Retry   bool
}

// ErrNoInput is returned by a preset that cannot ask with what the request holds (Hunter's
// email finder without a name and a domain, say): the provider is skipped.
var ErrNoInput = errors.New("the request lacks what this provider is asked with")

// preset is a provider's documented request and answer shapes.
type preset struct {
	endpoints []string
	needsKey  bool
	// request builds the call for endpoint's query q.
	request func(ctx context.Context, p *Provider, endpoint string, q Query) (*http.Request, error)
	// read reads an answer: its status and body.
	read func(p *Provider, endpoint string, status int, body []byte) Reading
}

var presets = map[string]preset{
	"peopledatalabs": {
		endpoints: []string{"enrichment", "linkedin-to-phone", "linkedin-to-hem"},
		needsKey:  true, request: pdlRequest, read: pdlRead,
	},
	"hunter": {
		endpoints: []string{"enrichment", "organization-domain-finder"},
		needsKey:  true, request: hunterRequest, read: hunterRead,
	},
	"generic": {
		endpoints: []string{"enrichment", "linkedin-to-phone", "linkedin-to-hem"},
		request:   genericRequest, read: genericRead,
	},
}

// PresetNames lists the presets.
func PresetNames() []string {
	var out []string
	for n := range presets {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func get(ctx context.Context, base, path string, params url.Values) (*http.Request, error) {
	u := strings.TrimRight(base, "/") + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	return http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
}

// failure reads the statuses every preset shares: 429 and 5xx may pass, anything else not.
func failure(provider string, status int) Reading {
	return Reading{Err: fmt.Errorf("%s answered HTTP %d", provider, status),
		Retry: status == http.StatusTooManyRequests || status >= 500}
}

// People Data Labs, Person Enrichment API (GET /v5/person/enrich): the key in X-Api-Key; a
// profile, an email, or a name with a company; 200 with {"status", "likelihood", "data"} for a
// match, 404 for none, 401 and 402 for a key refused or out of credits, 429 for the rate.

func pdlRequest(ctx context.Context, p *Provider, _ string, q Query) (*http.Request, error) {
	params := url.Values{}
	switch {
	case q.LinkedInURL != "":
		params.Set("profile", q.LinkedInURL)
	case q.Email != "":
		params.Set("email", q.Email)
	case q.FullName != "" && (q.Domain != "" || q.CompanyName != ""):
		params.Set("name", q.FullName)
		params.Set("company", cmp.Or(q.Domain, q.CompanyName))
	default:
		return nil, ErrNoInput
	}
	req, err := get(ctx, p.URL, "/v5/person/enrich", params)
	if err == nil {
		req.Header.Set("X-Api-Key", p.secret)
	}
	return req, err
}

// pdlPerson is the part of PDL's Person Schema a finding keeps.
type pdlPerson struct {
	FullName          string   `json:"full_name"`
	FirstName         string   `json:"first_name"`
	LastName          string   `json:"last_name"`
	JobTitle          string   `json:"job_title"`
	LinkedInURL       string   `json:"linkedin_url"`
	JobCompanyName    string   `json:"job_company_name"`
	JobCompanyWebsite string   `json:"job_company_website"`
	WorkEmail         *string  `json:"work_email"`
	PersonalEmails    []string `json:"personal_emails"`
	Emails            []struct {
		Address string  `json:"address"`
		Type    *string `json:"type"`
	} `json:"emails"`
	MobilePhone  *string  `json:"mobile_phone"`
	PhoneNumbers []string `json:"phone_numbers"`
}

func pdlRead(p *Provider, _ string, status int, body []byte) Reading {
	switch {
	case status == http.StatusNotFound:
		return Reading{}
	case status != http.StatusOK:
		return failure(p.Name, status)
	}
	var doc struct {
		Status int        `json:"status"`
		Data   *pdlPerson `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Reading{Err: fmt.Errorf("%s: the answer is not the documented JSON: %w", p.Name, err)}
	}
	if doc.Data == nil || (doc.Status != 0 && doc.Status != http.StatusOK) {
		return Reading{}
	}
	d := doc.Data
	per := &Person{FullName: d.FullName, FirstName: d.FirstName, LastName: d.LastName, Title: d.JobTitle,
		LinkedInURL: d.LinkedInURL, CompanyDomain: d.JobCompanyWebsite, CompanyName: d.JobCompanyName}
	addEmail := func(a, typ string) {
		a = strings.TrimSpace(a)
		if a != "" && !slices.ContainsFunc(per.Emails, func(e Email) bool { return strings.EqualFold(e.Address, a) }) {
			per.Emails = append(per.Emails, Email{Address: a, Type: typ})
		}
	}
	if d.WorkEmail != nil {
		addEmail(*d.WorkEmail, "work")
	}
	for _, e := range d.Emails {
		typ := "work"
		if e.Type != nil && *e.Type == "personal" {
			typ = "personal"
		}
		addEmail(e.Address, typ)
	}
	for _, a := range d.PersonalEmails {
		addEmail(a, "personal")
	}
	addPhone := func(n, typ string) {
		n = strings.TrimSpace(n)
		if n != "" && !slices.ContainsFunc(per.Phones, func(x Phone) bool { return x.Number == n }) {
			per.Phones = append(per.Phones, Phone{Number: n, Type: typ})
		}
	}
	if d.MobilePhone != nil {
		addPhone(*d.MobilePhone, "mobile")
	}
	for _, n := range d.PhoneNumbers {
		addPhone(n, "direct")
	}
	f := Finding{Person: per}
	return Reading{Found: !f.empty(), Finding: f}
}

// Hunter: the Email Finder (GET /v2/email-finder: a domain or company, and a name) for a
// person, the Domain Search (GET /v2/domain-search?company=) for a company's domain; the key
// in the api_key parameter. Nothing found is a 404, or a 200 whose data.email (data.domain)
// is null; 401 is a key refused, 429 an account out of requests (not retried), 403 the rate
// (retried).

func hunterRequest(ctx context.Context, p *Provider, endpoint string, q Query) (*http.Request, error) {
	params := url.Values{"api_key": {p.secret}}
	if endpoint == "organization-domain-finder" {
		if q.CompanyName == "" {
			return nil, ErrNoInput
		}
		params.Set("company", q.CompanyName)
		return get(ctx, p.URL, "/v2/domain-search", params)
	}
	first, last := q.names()
	if first == "" || (q.Domain == "" && q.CompanyName == "") {
		return nil, ErrNoInput
	}
	if q.Domain != "" {
		params.Set("domain", q.Domain)
	} else {
		params.Set("company", q.CompanyName)
	}
	params.Set("first_name", first)
	params.Set("last_name", last)
	return get(ctx, p.URL, "/v2/email-finder", params)
}

func hunterRead(p *Provider, endpoint string, status int, body []byte) Reading {
	switch status {
	case http.StatusOK:
	case http.StatusNotFound:
		return Reading{}
	case http.StatusForbidden: // Hunter's rate limit
		return Reading{Err: fmt.Errorf("%s answered HTTP 403 (rate limit)", p.Name), Retry: true}
	case http.StatusTooManyRequests: // Hunter's "usage exceeded": no use asking again
		return Reading{Err: fmt.Errorf("%s answered HTTP 429 (the account's requests are used up)", p.Name)}
	default:
		return failure(p.Name, status)
	}
	var doc struct {
		Data *struct {
			// Email Finder
			Email       *string `json:"email"`
			FirstName   string  `json:"first_name"`
			LastName    string  `json:"last_name"`
			Position    string  `json:"position"`
			LinkedInURL string  `json:"linkedin_url"`
			PhoneNumber *string `json:"phone_number"`
			Company     string  `json:"company"`
			// both
			Domain *string `json:"domain"`
			// Domain Search
			Organization string `json:"organization"`
			Industry     string `json:"industry"`
			Country      string `json:"country"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Reading{Err: fmt.Errorf("%s: the answer is not the documented JSON: %w", p.Name, err)}
	}
	d := doc.Data
	if d == nil {
		return Reading{}
	}
	var f Finding
	if endpoint == "organization-domain-finder" {
		if d.Domain == nil || *d.Domain == "" {
			return Reading{}
		}
		f.Company = &Company{Domain: *d.Domain, Name: d.Organization, Industry: d.Industry, Country: d.Country}
	} else {
		if d.Email == nil || *d.Email == "" {
			return Reading{}
		}
		per := &Person{FirstName: d.FirstName, LastName: d.LastName, Title: d.Position, LinkedInURL: d.LinkedInURL,
			CompanyName: d.Company, Emails: []Email{{Address: *d.Email, Type: "work"}}}
		per.FullName = strings.TrimSpace(d.FirstName + " " + d.LastName)
		if d.Domain != nil {
			per.CompanyDomain = *d.Domain
		}
		if d.PhoneNumber != nil && *d.PhoneNumber != "" {
			per.Phones = []Phone{{Number: *d.PhoneNumber, Type: "direct"}}
		}
		f.Person = per
	}
	return Reading{Found: !f.empty(), Finding: f}
}

// The generic preset: the file's template and pointers.

// GenericFields are the answer fields a generic provider's pointers may name; emails and
// phones point at an array of strings, the others at a string.
var GenericFields = []string{"fullName", "firstName", "lastName", "title", "linkedinUrl", "country", "email",
	"emails", "phone", "phones", "companyDomain", "companyName"}

func checkGeneric(c Config) error {
	if c.Path == "" {
		return errors.New("path: the generic preset needs a path template")
	}
	switch strings.ToUpper(c.Method) {
	case "", http.MethodGet, http.MethodPost:
	default:
		return fmt.Errorf("method %q: GET or POST", c.Method)
	}
	if len(c.Fields) == 0 {
		return errors.New("fields: map at least one answer field to a JSON Pointer")
	}
	uses := strings.Contains(c.Path, "{apiKey}")
	for _, v := range c.Headers {
		uses = uses || strings.Contains(v, "{apiKey}")
	}
	if uses && c.APIKeyEnv == "" {
		return errors.New("{apiKey} is used, but apiKeyEnv does not name where the secret is")
	}
	for name, ptr := range c.Fields {
		if !slices.Contains(GenericFields, name) {
			return fmt.Errorf("fields: %q is not one of %s", name, strings.Join(GenericFields, ", "))
		}
		if _, err := jsonpointer.New(ptr); err != nil {
			return fmt.Errorf("fields: %s: %q is not a JSON Pointer", name, ptr)
		}
	}
	return nil
}

// fill replaces the placeholders of a template: {apiKey} with the secret, {field} with the
// query's field; escape is applied to each value (url.QueryEscape in a URL). A placeholder
// whose field the query lacks makes the provider unable to ask: ErrNoInput.
func fill(tmpl string, p *Provider, q Query, escape func(string) string) (string, error) {
	first, last := q.names()
	values := map[string]string{"linkedinUrl": q.LinkedInURL, "email": q.Email, "fullName": q.FullName,
		"firstName": first, "lastName": last, "domain": q.Domain, "companyName": q.CompanyName, "apiKey": p.secret}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String(), nil
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String(), nil
		}
		name := tmpl[i+1 : i+j]
		v, known := values[name]
		if !known {
			return "", fmt.Errorf("unknown placeholder {%s}", name)
		}
		if v == "" {
			return "", ErrNoInput
		}
		b.WriteString(tmpl[:i])
		b.WriteString(escape(v))
		tmpl = tmpl[i+j+1:]
	}
}

func genericRequest(ctx context.Context, p *Provider, _ string, q Query) (*http.Request, error) {
	path, err := fill(p.Path, p, q, url.QueryEscape)
	if err != nil {
		return nil, err
	}
	method := cmp.Or(strings.ToUpper(p.Method), http.MethodGet)
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(p.URL, "/")+path, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range p.Headers {
		hv, err := fill(v, p, q, func(s string) string { return s })
		if err != nil {
			return nil, err
		}
		req.Header.Set(k, hv)
	}
	return req, nil
}

func genericRead(p *Provider, _ string, status int, body []byte) Reading {
	switch {
	case status == http.StatusNotFound:
		return Reading{}
	case status < 200 || status > 299:
		return failure(p.Name, status)
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return Reading{Err: fmt.Errorf("%s: the answer is not JSON: %w", p.Name, err)}
	}
	str := func(field string) string {
		v := pointed(doc, p.Fields[field])
		s, _ := v.(string)
		return strings.TrimSpace(s)
	}
	list := func(field string) []string {
		var out []string
		switch v := pointed(doc, p.Fields[field]).(type) {
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok && strings.TrimSpace(s) != "" {
					out = append(out, strings.TrimSpace(s))
				}
			}
		case string:
			if strings.TrimSpace(v) != "" {
				out = append(out, strings.TrimSpace(v))
			}
		}
		return out
	}
	per := &Person{FullName: str("fullName"), FirstName: str("firstName"), LastName: str("lastName"),
		Title: str("title"), LinkedInURL: str("linkedinUrl"), Country: str("country"),
		CompanyDomain: str("companyDomain"), CompanyName: str("companyName")}
	for _, e := range append(list("email"), list("emails")...) {
		if !slices.ContainsFunc(per.Emails, func(x Email) bool { return strings.EqualFold(x.Address, e) }) {
			per.Emails = append(per.Emails, Email{Address: e, Type: "work"})
		}
	}
	for _, n := range append(list("phone"), list("phones")...) {
		if !slices.ContainsFunc(per.Phones, func(x Phone) bool { return x.Number == n }) {
			per.Phones = append(per.Phones, Phone{Number: n, Type: "mobile"})
		}
	}
	f := Finding{Person: per}
	return Reading{Found: !f.empty(), Finding: f}
}

// pointed is the value at JSON Pointer ptr in doc; nil when ptr is empty or leads nowhere.
func pointed(doc any, ptr string) any {
	if ptr == "" {
		return nil
	}
	jp, err := jsonpointer.New(ptr)
	if err != nil {
		return nil
	}
	v, _, err := jp.Get(doc)
	if err != nil {
		return nil
	}
	return v
}
