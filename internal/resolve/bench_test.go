package resolve

import (
	"context"
	"encoding/json"
	"testing"

	graphimport "github.com/openresolve/openresolve/internal/graph"
	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// BenchmarkResolvers times each resolver on the demo graph that make run loads (1,000
// companies, 5,000 people): go test -run '^$' -bench Resolvers ./internal/resolve/
func BenchmarkResolvers(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.NewPool(b, pgtest.NewDatabase(b))
	demo := graphimport.Demo{Seed: 1, Companies: 1000, People: 5000}
	if err := demo.Load(ctx, &graphimport.Importer{Pool: pool}, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	dns := testkit.NewDNS(b)
	dns.Set("initrodesystems.com", "93.184.216.34")
	rs := Resolvers(Deps{Graph: pool, DNS: dns.Resolver()})
	h := normalize.HashEmail("jane.doe@acmelogistics.com")
	for _, bc := range []struct {
		name     string
		endpoint string
		req      any
	}{
		{"enrichment/domain", EndpointEnrichment, EnrichmentRequest{Domain: "acmelogistics.com", FullName: "Jane Doe"}},
		{"enrichment/name", EndpointEnrichment, EnrichmentRequest{CompanyName: "Acme Logistics, Inc."}},
		{"enrichment/fuzzy", EndpointEnrichment, EnrichmentRequest{CompanyName: "Acme Logistcs"}},
		{"deanonymization/observation", EndpointDeanonymization, DeanonymizationRequest{IP: "64.207.100.23"}},
		{"deanonymization/hem", EndpointDeanonymization, DeanonymizationRequest{IP: "8.8.8.8", HEM: h.SHA256}},
		{"linkedin-to-phone", EndpointLinkedInToPhone, LinkedInRequest{"linkedin.com/in/janedoe"}},
		{"linkedin-to-hem", EndpointLinkedInToHEM, LinkedInRequest{"linkedin.com/in/janedoe"}},
		{"email-to-hem", EndpointEmailToHEM, EmailToHEMRequest{"jane.doe@acmelogistics.com"}},
		{"ip-to-company", EndpointIPToCompany, IPRequest{IP: "64.207.100.7"}},
		{"domain-finder/graph", EndpointDomainFinder, DomainFinderRequest{CompanyName: "Acme Logistics"}},
		{"domain-finder/dns", EndpointDomainFinder, DomainFinderRequest{CompanyName: "Initrode Systems"}},
		{"keyword-to-lead", EndpointKeywordToLead, KeywordLeadRequest{Keyword: "supply chain", Limit: 25}},
	} {
		raw, _ := json.Marshal(bc.req)
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := rs[bc.endpoint].Resolve(ctx, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
