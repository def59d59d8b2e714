package testkit

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/importer"
)

// FixtureGraph is a small identity graph, as CSV files by kind, that tests of the resolvers
// and the endpoints share: Acme Logistics and Jane Doe, two companies named Summit Health,
// networks of every type, and two people seen at one address.
var FixtureGraph = map[string]string{
	"companies": `domain,name,aliases,linkedin_url,address,city,region,postal_code,country,employees,industry,description,keywords,founded
acmelogistics.com,Acme Logistics,Acme Freight,https://www.linkedin.com/company/acme-logistics,123 Tech Boulevard,San Francisco,CA,94107,US,400,Logistics,Freight forwarding software,logistics;freight;supply chain,2009
acme-logistik.de,Acme Logistik GmbH,,,Hauptstraße 1,Berlin,Berlin,10115,DE,120,Logistics,Spedition,logistics,1999
summithealth.com,Summit Health,,https://www.linkedin.com/company/summit-health,1 Main Street,Boston,MA,02108,US,5000,Healthcare,Clinics,healthcare;clinics,1970
summit-health.co.uk,Summit Health Ltd,,,1 High Street,London,England,EC1A 1BB,GB,300,Healthcare,Clinics,healthcare,1990
globex.com,Globex Corporation,Globex,,,,,,US,2000,Manufacturing,Industrial machining and components,manufacturing;machining,1980
`,
	"people": `person_id,full_name,title,seniority,company_domain,linkedin_url,country,keywords
p_jane,Jane Doe,VP of Operations,vp,acmelogistics.com,https://www.linkedin.com/in/janedoe,US,supply chain;operations
p_john,John Smith,Director of Sales,director,summithealth.com,https://www.linkedin.com/in/johnsmith,US,sales;business development
p_ann,Ann Lee,Machinist,entry,globex.com,https://www.linkedin.com/in/annlee,US,machining
p_max,Max Müller,Head of Supply Chain,director,acme-logistik.de,https://www.linkedin.com/in/maxmueller,DE,supply chain;logistics
p_free,Free Agent,Consultant,senior,,https://www.linkedin.com/in/freeagent,FR,strategy
`,
	"emails": `email,person_id,type,verified
jane.doe@acmelogistics.com,p_jane,work,true
jane.doe@gmail.com,p_jane,personal,false
john.smith@summithealth.com,p_john,work,false
`,
	"phones": `phone,person_id,type,country,verified
+14155550100,p_jane,office,,true
+14155550123,p_jane,mobile,,true
+16502530000,p_john,direct,,false
`,
	"networks": `cidr,company_domain,type,asn,as_org
64.207.100.0/24,acmelogistics.com,business,64500,Acme Logistics
64.207.0.0/16,,isp,64501,Example ISP
73.0.0.0/12,,isp,64511,Example Broadband
34.64.0.0/12,globex.com,hosting,64508,Example Cloud
2a01:4f8::/32,summithealth.com,business,64502,Summit Health
`,
	"ip_observations": `ip,person_id,seen_at
64.207.100.23,p_jane,2026-10-30T09:12:00Z
64.207.100.23,p_john,2026-10-01T09:12:00Z
98.200.1.1,p_john,2026-09-01T00:00:00Z
`,
}

// LoadGraph imports CSV texts by kind through the real importer and fails t on any rejected row.
func LoadGraph(t testing.TB, pool *pgxpool.Pool, files map[string]string) {
	t.Helper()
	for _, kind := range importer.Kinds {
		if content, ok := files[kind]; ok {
			ImportCSV(t, pool, kind, content)
		}
	}
}

// ImportCSV imports one CSV text of kind through the real importer, fails t on any rejected
// row, and returns the counts.
func ImportCSV(t testing.TB, pool *pgxpool.Pool, kind, content string) importer.Result {
	t.Helper()
	src, err := importer.NewCSV(strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	im := &importer.Importer{Pool: pool, Reject: func(line int, reason string) {
		t.Fatalf("%s line %d rejected: %s", kind, line, reason)
	}}
	res, err := im.Import(context.Background(), kind, src)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
