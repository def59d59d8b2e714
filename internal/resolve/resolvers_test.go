package resolve

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

func resolveJSON(t *testing.T, r Resolver, req any) (Result, map[string]any) {
	t.Helper()
	raw, err := json.Marshal(req)
	require.NoError(t, err)
	res, err := r.Resolve(context.Background(), raw)
	require.NoError(t, err)
	// Compare through JSON, as the client sees it.
	b, err := json.Marshal(res.Fields)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return res, m
}

func mustDomain(t *testing.T, s string) string {
	d, err := normalize.Domain(s)
	require.NoError(t, err)
	return d
}

func mustLinkedIn(t *testing.T, s string) string {
	c, _, err := normalize.LinkedIn(s)
	require.NoError(t, err)
	return c
}

func TestEnrichment(t *testing.T) {
	t.Parallel()
	pool := newFixture(t)
	r := NewEnrichment(Deps{Graph: pool})

	t.Run("by domain, however written", func(t *testing.T) {
		for _, in := range []string{"acmelogistics.com", "https://www.AcmeLogistics.com/about", "mail.acmelogistics.com:443"} {
			res, m := resolveJSON(t, r, EnrichmentRequest{Domain: mustDomain(t, in)})
			require.True(t, res.Found, in)
			require.Equal(t, "Acme Logistics", m["companyName"])
			require.Equal(t, "123 Tech Boulevard", m["address"])
			require.EqualValues(t, 400, m["employees"])
			require.Equal(t, "linkedin.com/company/acme-logistics", m["linkedinUrl"])
			require.EqualValues(t, 2009, m["founded"])
			require.Equal(t, 1.0, m["confidence"])
			require.Equal(t, "domain", m["matchedBy"])
			require.NotContains(t, m, "person", "no person was named")
		}
	})

	t.Run("by company name variants", func(t *testing.T) {
		for _, in := range []string{"Acme Logistics", "ACME LOGISTICS", "Acme Logistics, Inc.", "acme-logistics llc",
			"  acme   logistics ", "The Acme Logistics Company", "Acme Logistics Incorporated"} {
			res, m := resolveJSON(t, r, EnrichmentRequest{CompanyName: in})
			require.True(t, res.Found, in)
			require.Equal(t, "acmelogistics.com", m["domain"], in)
			require.GreaterOrEqual(t, m["confidence"], 0.9, in)
			require.Equal(t, "company_name", m["matchedBy"], in)
		}
		_, m := resolveJSON(t, r, EnrichmentRequest{CompanyName: "Acme Freight Inc"})
		require.Equal(t, "acmelogistics.com", m["domain"])
		require.Equal(t, "company_alias", m["matchedBy"])
		require.GreaterOrEqual(t, m["confidence"], 0.9)
	})

	t.Run("typos, abbreviations and transliteration", func(t *testing.T) {
		for _, in := range []string{"Acme Logistcs", "Acme Lgoistics", "Amce Logistics Inc."} {
			res, m := resolveJSON(t, r, EnrichmentRequest{CompanyName: in})
			require.True(t, res.Found, in)
			require.Equal(t, "acmelogistics.com", m["domain"], in)
			require.Equal(t, "company_name_fuzzy", m["matchedBy"], in)
			require.Greater(t, m["confidence"], 0.5, in)
		}
		_, m := resolveJSON(t, r, EnrichmentRequest{CompanyName: "Acme Logistik Gesellschaft mit beschraenkter Haftung"})
		require.Equal(t, "acme-logistik.de", m["domain"], "the legal form spelled out, with ä as ae")
	})

	t.Run("namesakes share the confidence; a legal form of their country decides", func(t *testing.T) {
		_, m := resolveJSON(t, r, EnrichmentRequest{CompanyName: "Summit Health"})
		require.Equal(t, "summithealth.com", m["domain"], "5000 employees beat 300")
		require.Less(t, m["confidence"], 0.9)
		_, m = resolveJSON(t, r, EnrichmentRequest{CompanyName: "Summit Health Limited"})
		require.Equal(t, "summit-health.co.uk", m["domain"], "Ltd and Limited are the British company's")
	})

	t.Run("a person at the company", func(t *testing.T) {
		_, m := resolveJSON(t, r, EnrichmentRequest{CompanyName: "Acme Logistics", FullName: "jane  DOE"})
		p := m["person"].(map[string]any)
		require.Equal(t, "Jane Doe", p["fullName"])
		require.Equal(t, "Jane", p["firstName"])
		require.Equal(t, "Doe", p["lastName"])
		require.Equal(t, "VP of Operations", p["title"])
		require.Equal(t, "vp", p["seniority"])
		require.Equal(t, "jane.doe@acmelogistics.com", p["email"], "work and verified first")
		require.Equal(t, "+14155550123", p["phone"], "verified mobile first")
		require.Equal(t, "linkedin.com/in/janedoe", p["linkedinUrl"])
		require.Equal(t, "US", p["country"])

		_, m = resolveJSON(t, r, EnrichmentRequest{Domain: "acmelogistics.com", FullName: "Nobody Here"})
		require.Nil(t, m["person"])
		require.Equal(t, "Acme Logistics", m["companyName"])
	})

	t.Run("by email and LinkedIn", func(t *testing.T) {
		for _, req := range []EnrichmentRequest{
			{Email: "jane.doe@gmail.com"},
			{LinkedInURL: mustLinkedIn(t, "https://uk.linkedin.com/in/JaneDoe/details")},
		} {
			_, m := resolveJSON(t, r, req)
			require.Equal(t, "acmelogistics.com", m["domain"])
			require.Equal(t, "Jane Doe", m["person"].(map[string]any)["fullName"])
			require.Equal(t, 1.0, m["confidence"])
		}
		_, m := resolveJSON(t, r, EnrichmentRequest{LinkedInURL: mustLinkedIn(t, "linkedin.com/company/summit-health/about")})
		require.Equal(t, "summithealth.com", m["domain"])
		require.Equal(t, "linkedin_url", m["matchedBy"])

		// An unknown address at the company's own domain names the company, not a person.
		_, m = resolveJSON(t, r, EnrichmentRequest{Email: "new.hire@acmelogistics.com"})
		require.Equal(t, "acmelogistics.com", m["domain"])
		require.Equal(t, "email_domain", m["matchedBy"])
		require.Nil(t, m["person"])
		// A free-mail address names nobody.
		res, _ := resolveJSON(t, r, EnrichmentRequest{Email: "someone@gmail.com"})
		require.False(t, res.Found)
	})

	t.Run("the strongest input that matches wins", func(t *testing.T) {
		_, m := resolveJSON(t, r, EnrichmentRequest{Domain: "unknown-domain.com", CompanyName: "Globex"})
		require.Equal(t, "globex.com", m["domain"])
		require.Equal(t, "company_name", m["matchedBy"], `"Globex" is "Globex Corporation" without its legal form`)
		_, m = resolveJSON(t, r, EnrichmentRequest{Domain: "globex.com", CompanyName: "Acme Logistics"})
		require.Equal(t, "globex.com", m["domain"])
	})

	t.Run("not found", func(t *testing.T) {
		for _, req := range []EnrichmentRequest{
			{CompanyName: "Initech"}, {Domain: "initech.com"}, {LinkedInURL: "linkedin.com/in/nobody"},
			{CompanyName: "Zzyzx Quantum Bakery"},
		} {
			res, _ := resolveJSON(t, r, req)
			require.False(t, res.Found, "%+v", req)
		}
	})
}

func TestDeanonymization(t *testing.T) {
	t.Parallel()
	pool := newFixture(t)
	r := NewDeanonymization(Deps{Graph: pool})

	// Two people were seen at this address: the most recent wins.
	res, m := resolveJSON(t, r, DeanonymizationRequest{IP: "64.207.100.23"})
	require.True(t, res.Found)
	require.Equal(t, "ip_observation", m["matchedBy"])
	require.Equal(t, "Jane Doe", m["person"].(map[string]any)["fullName"])
	require.Equal(t, "Acme Logistics", m["company"].(map[string]any)["companyName"])
	require.Equal(t, "64.207.100.23", m["ip"])

	// No observation: the hashed email given with the request, in any of its three forms.
	h := normalize.HashEmail("john.smith@summithealth.com")
	for _, hem := range []string{h.MD5, h.SHA1, h.SHA256} {
		_, m = resolveJSON(t, r, DeanonymizationRequest{IP: "73.1.2.3", HEM: hem})
		require.Equal(t, "hem", m["matchedBy"])
		require.Equal(t, "John Smith", m["person"].(map[string]any)["fullName"])
		require.Equal(t, "summithealth.com", m["company"].(map[string]any)["domain"])
	}

	// Neither: the company whose own network holds the address.
	_, m = resolveJSON(t, r, DeanonymizationRequest{IP: "64.207.100.99"})
	require.Equal(t, "company_network", m["matchedBy"])
	require.Nil(t, m["person"])
	require.Equal(t, "acmelogistics.com", m["company"].(map[string]any)["domain"])
	_, m = resolveJSON(t, r, DeanonymizationRequest{IP: "2a01:4f8::1"})
	require.Equal(t, "summithealth.com", m["company"].(map[string]any)["domain"])

	// ISP and hosting networks name nobody, even with a company attached.
	for _, ip := range []string{"73.1.2.3", "64.207.1.1", "34.64.0.1", "8.8.8.8"} {
		res, m := resolveJSON(t, r, DeanonymizationRequest{IP: ip})
		require.False(t, res.Found, ip)
		require.Nil(t, m["person"])
		require.Nil(t, m["company"])
	}
}

func TestLinkedInToPhoneAndHEM(t *testing.T) {
	t.Parallel()
	pool := newFixture(t)
	d := Deps{Graph: pool}
	for _, in := range []string{"https://www.linkedin.com/in/JaneDoe/", "linkedin.com/in/janedoe?trk=x", "http://de.linkedin.com/in/janedoe#top"} {
		url, err := normalize.LinkedInProfileURL(in)
		require.NoError(t, err)
		res, m := resolveJSON(t, NewLinkedInToPhone(d), LinkedInRequest{url})
		require.True(t, res.Found, in)
		require.Equal(t, "linkedin.com/in/janedoe", m["linkedinUrl"])
		require.Equal(t, []any{
			map[string]any{"number": "+14155550123", "type": "mobile", "country": "US", "verified": true},
			map[string]any{"number": "+14155550100", "type": "office", "country": "US", "verified": true},
		}, m["phones"], "verified mobile numbers first")

		res, m = resolveJSON(t, NewLinkedInToHEM(d), LinkedInRequest{url})
		require.True(t, res.Found, in)
		work, personal := normalize.HashEmail("jane.doe@acmelogistics.com"), normalize.HashEmail("jane.doe@gmail.com")
		require.Equal(t, []any{
			map[string]any{"md5": work.MD5, "sha1": work.SHA1, "sha256": work.SHA256, "type": "work"},
			map[string]any{"md5": personal.MD5, "sha1": personal.SHA1, "sha256": personal.SHA256, "type": "personal"},
		}, m["hashedEmails"], "work addresses first")
	}
	// A known person without phones or emails, and an unknown profile.
	for _, url := range []string{"linkedin.com/in/annlee", "linkedin.com/in/nobody"} {
		res, m := resolveJSON(t, NewLinkedInToPhone(d), LinkedInRequest{url})
		require.False(t, res.Found, url)
		require.Equal(t, []any{}, m["phones"])
		res, m = resolveJSON(t, NewLinkedInToHEM(d), LinkedInRequest{url})
		require.False(t, res.Found, url)
		require.Equal(t, []any{}, m["hashedEmails"])
	}
}

func TestIPToCompany(t *testing.T) {
	t.Parallel()
	pool := newFixture(t)
	r := NewIPToCompany(Deps{Graph: pool})

	// The /24 inside the ISP's /16 is more specific and wins.
	res, m := resolveJSON(t, r, IPRequest{IP: "64.207.100.7"})
	require.True(t, res.Found)
	require.Equal(t, map[string]any{"cidr": "64.207.100.0/24", "type": "business", "asn": 64500.0, "asOrg": "Acme Logistics"}, m["network"])
	require.Equal(t, "Acme Logistics", m["company"].(map[string]any)["companyName"])

	res, m = resolveJSON(t, r, IPRequest{IP: "64.207.5.5"})
	require.True(t, res.Found)
	require.Equal(t, "isp", m["network"].(map[string]any)["type"])
	require.Nil(t, m["company"], "ISP networks carry no company")

	_, m = resolveJSON(t, r, IPRequest{IP: "34.70.1.1"})
	require.Equal(t, "hosting", m["network"].(map[string]any)["type"])
	require.Nil(t, m["company"], "hosting networks carry no company, even with one attached")

	_, m = resolveJSON(t, r, IPRequest{IP: "2a01:4f8:1::5"})
	require.Equal(t, "summithealth.com", m["company"].(map[string]any)["domain"])

	res, m = resolveJSON(t, r, IPRequest{IP: "8.8.8.8"})
	require.False(t, res.Found)
	require.Nil(t, m["network"])
}

func TestDomainFinder(t *testing.T) {
	t.Parallel()
	pool := newFixture(t)
	dns := testkit.NewDNS(t)
	dns.Set("initrodesystems.com", "93.184.216.34")
	dns.Set("initrode-systems.co.uk", "93.184.216.35")
	dns.Set("initrode.com", "2606:2800:220:1:248:1893:25c8:1946")
	r := NewDomainFinder(Deps{Graph: pool, DNS: dns.Resolver()})

	t.Run("graph first", func(t *testing.T) {
		for _, in := range []string{"Acme Logistics", "ACME LOGISTICS, INC.", "Acme Freight"} {
			res, m := resolveJSON(t, r, DomainFinderRequest{CompanyName: in})
			require.True(t, res.Found, in)
			require.Equal(t, "acmelogistics.com", m["domain"], in)
			require.GreaterOrEqual(t, m["confidence"], 0.9, in)
			require.Equal(t, "graph", m["candidates"].([]any)[0].(map[string]any)["source"])
		}
	})

	t.Run("country decides between namesakes", func(t *testing.T) {
		_, m := resolveJSON(t, r, DomainFinderRequest{CompanyName: "Summit Health"})
		require.Equal(t, "summithealth.com", m["domain"])
		require.Len(t, m["candidates"], 2)
		require.Less(t, m["confidence"], 0.9)
		_, m = resolveJSON(t, r, DomainFinderRequest{CompanyName: "Summit Health", Country: "GB"})
		require.Equal(t, "summit-health.co.uk", m["domain"])
		require.Len(t, m["candidates"], 1)
		require.GreaterOrEqual(t, m["confidence"], 0.9)
	})

	t.Run("DNS otherwise", func(t *testing.T) {
		res, m := resolveJSON(t, r, DomainFinderRequest{CompanyName: "Initrode Systems Inc."})
		require.True(t, res.Found)
		require.Equal(t, "initrodesystems.com", m["domain"])
		require.Equal(t, []any{
			map[string]any{"domain": "initrodesystems.com", "confidence": 0.7, "source": "dns"},
			map[string]any{"domain": "initrode.com", "confidence": 0.35, "source": "dns"},
		}, m["candidates"])

		_, m = resolveJSON(t, r, DomainFinderRequest{CompanyName: "Initrode Systems", Country: "GB"})
		require.Equal(t, "initrodesystems.com", m["domain"])
		require.Equal(t, []any{
			map[string]any{"domain": "initrodesystems.com", "confidence": 0.65, "source": "dns"},
			map[string]any{"domain": "initrode-systems.co.uk", "confidence": 0.6, "source": "dns"},
			map[string]any{"domain": "initrode.com", "confidence": 0.3, "source": "dns"},
		}, m["candidates"])
	})

	t.Run("nothing anywhere", func(t *testing.T) {
		res, m := resolveJSON(t, r, DomainFinderRequest{CompanyName: "Vandelay Industries"})
		require.False(t, res.Found)
		require.Nil(t, m["domain"])
		require.Equal(t, []any{}, m["candidates"])
	})

	t.Run("DNS unreachable is an error, not an answer", func(t *testing.T) {
		dead := NewDomainFinder(Deps{Graph: pool, DNS: NewDNSResolver("127.0.0.1:1")})
		raw, _ := json.Marshal(DomainFinderRequest{CompanyName: "Vandelay Industries"})
		_, err := dead.Resolve(context.Background(), raw)
		require.ErrorContains(t, err, "DNS look-ups failed")
	})
}

func TestKeywordToLead(t *testing.T) {
	t.Parallel()
	pool := newFixture(t)
	r := NewKeywordToLead(Deps{Graph: pool})
	names := func(m map[string]any) []string {
		var out []string
		for _, l := range m["leads"].([]any) {
			out = append(out, l.(map[string]any)["fullName"].(string))
		}
		return out
	}

	res, m := resolveJSON(t, r, KeywordLeadRequest{Keyword: "supply chain", Limit: 25})
	require.True(t, res.Found)
	// Jane and Max match on their own keywords and title, Jane's company's keywords too; the
	// more senior comes first (Jane is a VP).
	require.Equal(t, []string{"Jane Doe", "Max Müller"}, names(m))
	require.EqualValues(t, 2, m["total"])
	require.Equal(t, "eq", m["totalRelation"])
	lead := m["leads"].([]any)[0].(map[string]any)
	require.Contains(t, lead, "company")
	require.Contains(t, lead, "email")

	// Company industry and description match too.
	_, m = resolveJSON(t, r, KeywordLeadRequest{Keyword: "machining", Limit: 25})
	require.Equal(t, []string{"Ann Lee"}, names(m))
	require.Equal(t, map[string]any{"companyName": "Globex Corporation", "domain": "globex.com",
		"industry": "Manufacturing", "employees": 2000.0}, m["leads"].([]any)[0].(map[string]any)["company"])

	// Filters and limit; total counts every match, not just those answered.
	_, m = resolveJSON(t, r, KeywordLeadRequest{Keyword: "logistics", Country: "DE", Limit: 25})
	require.Equal(t, []string{"Max Müller"}, names(m))
	_, m = resolveJSON(t, r, KeywordLeadRequest{Keyword: "supply chain", Seniority: "vp", Limit: 25})
	require.Equal(t, []string{"Jane Doe"}, names(m))
	_, m = resolveJSON(t, r, KeywordLeadRequest{Keyword: "supply chain", Title: "head of", Limit: 25})
	require.Equal(t, []string{"Max Müller"}, names(m))
	_, m = resolveJSON(t, r, KeywordLeadRequest{Keyword: "supply chain", Limit: 1})
	require.Len(t, m["leads"], 1)
	require.EqualValues(t, 2, m["total"])

	res, m = resolveJSON(t, r, KeywordLeadRequest{Keyword: "underwater basket weaving", Limit: 25})
	require.False(t, res.Found)
	require.EqualValues(t, 0, m["total"])
	require.Equal(t, []any{}, m["leads"])
}
