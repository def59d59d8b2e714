package resolve

import (
	"context"
	"encoding/json"
	"testing"

	graphimport "github.com/openresolve/openresolve/internal/importer"
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
	d := Deps{Graph: pool, DNS: dns.Resolver()}
	h := normalize.HashEmail("jane.doe@acmelogistics.com")
	for _, bc := range []struct {
		name     string
		resolver Resolver
		req      any
	}{
		{"enrichment/domain", NewEnrichment(d), EnrichmentRequest{Domain: "acmelogistics.com", FullName: "Jane Doe"}},
		{"enrichment/name", NewEnrichment(d), EnrichmentRequest{CompanyName: "Acme Logistics, Inc."}},
		{"enrichment/fuzzy", NewEnrichment(d), EnrichmentRequest{CompanyName: "Acme Logistcs"}},
		{"deanonymization/observation", NewDeanonymization(d), DeanonymizationRequest{IP: "64.207.100.23"}},
		{"deanonymization/hem", NewDeanonymization(d), DeanonymizationRequest{IP: "8.8.8.8", HEM: h.SHA256}},
		{"linkedin-to-phone", NewLinkedInToPhone(d), LinkedInRequest{"linkedin.com/in/janedoe"}},
		{"linkedin-to-hem", NewLinkedInToHEM(d), LinkedInRequest{"linkedin.com/in/janedoe"}},
		{"email-to-hem", NewEmailToHEM(d), EmailToHEMRequest{"jane.doe@acmelogistics.com"}},
		{"ip-to-company", NewIPToCompany(d), IPRequest{IP: "64.207.100.7"}},
		{"domain-finder/graph", NewDomainFinder(d), DomainFinderRequest{CompanyName: "Acme Logistics"}},
		{"domain-finder/dns", NewDomainFinder(d), DomainFinderRequest{CompanyName: "Initrode Systems"}},
		{"keyword-to-lead", NewKeywordToLead(d), KeywordLeadRequest{Keyword: "supply chain", Limit: 25}},
	} {
		raw, _ := json.Marshal(bc.req)
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bc.resolver.Resolve(ctx, raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
