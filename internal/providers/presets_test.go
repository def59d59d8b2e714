package providers

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func testProviders(t *testing.T) map[string]*Provider {
	t.Helper()
	ps, err := Parse([]byte(`
providers:
  - {name: pdl, preset: peopledatalabs, endpoints: [enrichment, linkedin-to-phone], url: "https://api.peopledatalabs.com", apiKeyEnv: K}
  - {name: hunter, preset: hunter, endpoints: [enrichment, organization-domain-finder], url: "https://api.hunter.io", apiKeyEnv: K}
  - name: inhouse
    preset: generic
    endpoints: [linkedin-to-phone]
    url: http://10.0.0.5:8080/
    apiKeyEnv: K
    path: /people?profile={linkedinUrl}&name={fullName}
    headers: {Authorization: "Bearer {apiKey}"}
    fields: {fullName: /name, phones: /contact/phones, email: /contact/email, linkedinUrl: /profile}
`), func(string) string { return "s3cret" })
	require.NoError(t, err)
	out := map[string]*Provider{}
	for _, p := range ps {
		out[p.Name] = p
	}
	return out
}

func TestParse(t *testing.T) {
	t.Parallel()
	ps := testProviders(t)
	require.Len(t, ps, 3)
	require.Equal(t, Duration(DefaultTimeout), ps["pdl"].Timeout)
	require.Equal(t, Duration(DefaultCacheFor), ps["pdl"].CacheFor)
	require.True(t, ps["pdl"].Serves("linkedin-to-phone"))
	require.False(t, ps["pdl"].Serves("ip-to-company"))

	env := func(k string) string { return map[string]string{"K": "x"}[k] }
	for name, doc := range map[string]string{
		"unknown preset":             `providers: [{name: a, preset: clearbit, endpoints: [enrichment], url: "https://x", apiKeyEnv: K}]`,
		"endpoint not served":        `providers: [{name: a, preset: hunter, endpoints: [linkedin-to-phone], url: "https://x", apiKeyEnv: K}]`,
		"no endpoints":               `providers: [{name: a, preset: hunter, url: "https://x", apiKeyEnv: K}]`,
		"secret not set":             `providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "https://x", apiKeyEnv: NOPE}]`,
		"no secret named":            `providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "https://x"}]`,
		"bad url":                    `providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "ftp://x", apiKeyEnv: K}]`,
		"userinfo in url":            `providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "https://u:p@x", apiKeyEnv: K}]`,
		"bad duration":               `providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "https://x", apiKeyEnv: K, timeout: soon}]`,
		"bad network":                `providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "https://x", apiKeyEnv: K, allowedNetworks: [lan]}]`,
		"twice":                      `providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "https://x", apiKeyEnv: K}, {name: a, preset: hunter, endpoints: [enrichment], url: "https://y", apiKeyEnv: K}]`,
		"bad name":                   `providers: [{name: "A B", preset: hunter, endpoints: [enrichment], url: "https://x", apiKeyEnv: K}]`,
		"unknown key":                `providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "https://x", apiKeyEnv: K, apiKey: inline}]`,
		"generic, no path":           `providers: [{name: a, preset: generic, endpoints: [enrichment], url: "https://x", fields: {email: /e}}]`,
		"generic, bad field":         `providers: [{name: a, preset: generic, endpoints: [enrichment], url: "https://x", path: /p, fields: {salary: /s}}]`,
		"generic, bad ptr":           `providers: [{name: a, preset: generic, endpoints: [enrichment], url: "https://x", path: /p, fields: {email: e}}]`,
		"generic fields on a preset": `providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "https://x", apiKeyEnv: K, path: /p}]`,
		"generic, key not named":     `providers: [{name: a, preset: generic, endpoints: [enrichment], url: "https://x", path: "/p?k={apiKey}", fields: {email: /e}}]`,
		"negative budget":            `providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "https://x", apiKeyEnv: K, monthlyBudget: -1}]`,
	} {
		_, err := Parse([]byte(doc), env)
		require.Error(t, err, name)
	}
}

func TestRequests(t *testing.T) {
	t.Parallel()
	ps := testProviders(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, provider, endpoint string
		q                        Query
		url                      string // "" when the provider cannot ask (ErrNoInput)
		header                   [2]string
	}{
		{"pdl by profile", "pdl", "linkedin-to-phone", Query{LinkedInURL: "linkedin.com/in/ada"},
			"https://api.peopledatalabs.com/v5/person/enrich?profile=linkedin.com%2Fin%2Fada", [2]string{"X-Api-Key", "s3cret"}},
		{"pdl by email", "pdl", "enrichment", Query{Email: "ada@example.com"},
			"https://api.peopledatalabs.com/v5/person/enrich?email=ada%40example.com", [2]string{"X-Api-Key", "s3cret"}},
		{"pdl by name at a company", "pdl", "enrichment", Query{FullName: "Ada Lovelace", Domain: "example.com"},
			"https://api.peopledatalabs.com/v5/person/enrich?company=example.com&name=Ada+Lovelace", [2]string{"X-Api-Key", "s3cret"}},
		{"pdl with a company alone", "pdl", "enrichment", Query{Domain: "example.com"}, "", [2]string{}},
		{"hunter email finder", "hunter", "enrichment", Query{FullName: "Ada King Lovelace", Domain: "example.com"},
			"https://api.hunter.io/v2/email-finder?api_key=s3cret&domain=example.com&first_name=Ada&last_name=King+Lovelace", [2]string{}},
		{"hunter needs two names", "hunter", "enrichment", Query{FullName: "Ada", Domain: "example.com"}, "", [2]string{}},
		{"hunter domain search", "hunter", "organization-domain-finder", Query{CompanyName: "Nordwind Energie"},
			"https://api.hunter.io/v2/domain-search?api_key=s3cret&company=Nordwind+Energie", [2]string{}},
		{"generic", "inhouse", "linkedin-to-phone", Query{LinkedInURL: "linkedin.com/in/ada", FullName: "Ada L"},
			"http://10.0.0.5:8080/people?profile=linkedin.com%2Fin%2Fada&name=Ada+L", [2]string{"Authorization", "Bearer s3cret"}},
		{"generic lacking a placeholder's field", "inhouse", "linkedin-to-phone", Query{LinkedInURL: "linkedin.com/in/ada"}, "", [2]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ps[tc.provider]
			req, err := p.preset.request(ctx, p, tc.endpoint, tc.q)
			if tc.url == "" {
				require.ErrorIs(t, err, ErrNoInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.url, req.URL.String())
			if tc.header[0] != "" {
				require.Equal(t, tc.header[1], req.Header.Get(tc.header[0]))
			}
		})
	}
}

func TestReadAnswers(t *testing.T) {
	t.Parallel()
	ps := testProviders(t)
	for _, tc := range []struct {
		name, provider, endpoint string
		status                   int
		body                     string
		found, failed, retry     bool
		check                    func(t *testing.T, f Finding)
	}{
		{"pdl match", "pdl", "linkedin-to-phone", 200, `{"status": 200, "likelihood": 9, "data": {"full_name": "sean thorne",
			"linkedin_url": "linkedin.com/in/seanthorne", "work_email": "sean@peopledatalabs.com", "personal_emails": ["sean@gmail.com"],
			"emails": [{"address": "sean@peopledatalabs.com", "type": "current_professional"}], "mobile_phone": "+14155550100",
			"phone_numbers": ["+14155550100", "+14155550101"], "job_company_website": "peopledatalabs.com"}}`, true, false, false,
			func(t *testing.T, f Finding) {
				require.Equal(t, []Email{{"sean@peopledatalabs.com", "work"}, {"sean@gmail.com", "personal"}}, f.Person.Emails)
				require.Equal(t, []Phone{{"+14155550100", "mobile"}, {"+14155550101", "direct"}}, f.Person.Phones)
				require.Equal(t, "peopledatalabs.com", f.Person.CompanyDomain)
			}},
		{"pdl match with nothing to keep", "pdl", "linkedin-to-phone", 200, `{"status": 200, "data": {"full_name": "x"}}`, false, false, false, nil},
		{"pdl no match", "pdl", "linkedin-to-phone", 404, `{"status": 404, "error": {"type": "not_found"}}`, false, false, false, nil},
		{"pdl key refused", "pdl", "linkedin-to-phone", 401, `{"status": 401}`, false, true, false, nil},
		{"pdl out of credits", "pdl", "linkedin-to-phone", 402, `{"status": 402}`, false, true, false, nil},
		{"pdl rate limit", "pdl", "linkedin-to-phone", 429, `{"status": 429}`, false, true, true, nil},
		{"pdl server error", "pdl", "linkedin-to-phone", 503, ``, false, true, true, nil},
		{"pdl malformed", "pdl", "linkedin-to-phone", 200, `{"status": 200, "data": [`, false, true, false, nil},
		{"hunter email", "hunter", "enrichment", 200, `{"data": {"first_name": "Alexis", "last_name": "Ohanian",
			"email": "alexis@reddit.com", "score": 97, "domain": "reddit.com", "position": "Cofounder", "phone_number": null}, "meta": {}}`,
			true, false, false, func(t *testing.T, f Finding) {
				require.Equal(t, "Alexis Ohanian", f.Person.FullName)
				require.Equal(t, []Email{{"alexis@reddit.com", "work"}}, f.Person.Emails)
				require.Empty(t, f.Person.Phones)
			}},
		{"hunter email null", "hunter", "enrichment", 200, `{"data": {"email": null, "domain": "reddit.com"}}`, false, false, false, nil},
		{"hunter 404", "hunter", "enrichment", 404, `{"errors": [{"id": "not_found"}]}`, false, false, false, nil},
		{"hunter rate limit is 403", "hunter", "enrichment", 403, `{}`, false, true, true, nil},
		{"hunter out of requests is 429", "hunter", "enrichment", 429, `{}`, false, true, false, nil},
		{"hunter key refused", "hunter", "enrichment", 401, `{}`, false, true, false, nil},
		{"hunter domain", "hunter", "organization-domain-finder", 200, `{"data": {"domain": "stripe.com", "organization": "Stripe",
			"industry": "Finance", "country": "US", "emails": []}}`, true, false, false, func(t *testing.T, f Finding) {
			require.Equal(t, &Company{Domain: "stripe.com", Name: "Stripe", Industry: "Finance", Country: "US"}, f.Company)
		}},
		{"hunter no domain", "hunter", "organization-domain-finder", 200, `{"data": {"domain": null}}`, false, false, false, nil},
		{"generic", "inhouse", "linkedin-to-phone", 200, `{"name": "Ada", "profile": "linkedin.com/in/ada",
			"contact": {"phones": ["+14155550123", "", 7], "email": "ada@example.com"}}`, true, false, false, func(t *testing.T, f Finding) {
			require.Equal(t, []Phone{{"+14155550123", "mobile"}}, f.Person.Phones)
			require.Equal(t, []Email{{"ada@example.com", "work"}}, f.Person.Emails)
		}},
		{"generic, pointers lead nowhere", "inhouse", "linkedin-to-phone", 200, `{"unrelated": true}`, false, false, false, nil},
		{"generic not JSON", "inhouse", "linkedin-to-phone", 200, `<html>`, false, true, false, nil},
		{"generic 404", "inhouse", "linkedin-to-phone", 404, ``, false, false, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ps[tc.provider]
			r := p.preset.read(p, tc.endpoint, tc.status, []byte(tc.body))
			require.Equal(t, tc.found, r.Found, "%+v", r)
			require.Equal(t, tc.failed, r.Err != nil, "%v", r.Err)
			require.Equal(t, tc.retry, r.Retry)
			if r.Err != nil {
				require.NotContains(t, r.Err.Error(), "s3cret")
			}
			if tc.check != nil {
				tc.check(t, r.Finding)
			}
		})
	}
}

// FuzzRead: no answer a provider sends makes a reader panic, and a reading that found
// something holds something the graph could keep; failures never carry the secret.
func FuzzRead(f *testing.F) {
	f.Add("pdl", 200, `{"status": 200, "data": {"linkedin_url": "linkedin.com/in/x", "mobile_phone": "+1"}}`)
	f.Add("hunter", 200, `{"data": {"email": "a@b.c", "domain": "b.c"}}`)
	f.Add("inhouse", 200, `{"name": "x", "contact": {"phones": ["+1"]}}`)
	f.Add("pdl", 429, ``)
	f.Fuzz(func(t *testing.T, provider string, status int, body string) {
		ps := testProviders(t)
		p := ps[provider]
		if p == nil {
			p = ps["pdl"]
		}
		for _, endpoint := range p.Endpoints {
			r := p.preset.read(p, endpoint, status, []byte(body))
			if r.Found {
				require.False(t, r.Finding.empty())
			}
			if r.Err != nil {
				require.False(t, strings.Contains(r.Err.Error(), "s3cret"))
				require.False(t, r.Found)
			}
			if status == http.StatusNotFound {
				require.False(t, r.Found)
			}
		}
	})
}

// FuzzParse: any file is a list of checked providers or an error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add(`providers: [{name: a, preset: hunter, endpoints: [enrichment], url: "https://x", apiKeyEnv: K}]`)
	f.Add(`providers: [{name: g, preset: generic, endpoints: [enrichment], url: "https://x", path: "/p?q={email}", fields: {email: /e}}]`)
	f.Fuzz(func(t *testing.T, doc string) {
		ps, err := Parse([]byte(doc), func(string) string { return "k" })
		if err != nil {
			return
		}
		for _, p := range ps {
			require.NotEmpty(t, p.Endpoints)
			require.Positive(t, p.Timeout)
		}
	})
}

// TestREADMEExample: the README's providers file is one Parse accepts, as written.
func TestREADMEExample(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(doc), "## Upstream providers")
	require.True(t, ok)
	_, rest, ok = strings.Cut(rest, "```yaml\n")
	require.True(t, ok)
	yamlDoc, _, ok := strings.Cut(rest, "```")
	require.True(t, ok)
	ps, err := Parse([]byte(yamlDoc), func(string) string { return "secret" })
	require.NoError(t, err)
	require.Len(t, ps, 3)
	require.Equal(t, int64(5000), ps[0].MonthlyBudget)
}
