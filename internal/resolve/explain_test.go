package resolve

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

var graphTables = regexp.MustCompile(`Seq Scan on (companies|company_terms|company_term_variants|people|emails|phones|networks|ip_observations|suppressions)\b`)

// TestEveryResolverQueryUsesAnIndex runs every resolver through the paths that touch the
// database, records the SQL it sends, and checks with EXPLAIN (sequential scans disabled, so
// the planner shows what an index can do even on a small table) that no query has to read a
// whole graph table.
func TestEveryResolverQueryUsesAnIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	testkit.LoadGraph(t, pgtest.NewPool(t, url), testkit.FixtureGraph)

	rec := &testkit.Recorder{}
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.ConnConfig.Tracer = rec
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	dns := testkit.NewDNS(t)
	d := Deps{Graph: pool, DNS: dns.Resolver()}
	h := normalize.HashEmail("john.smith@summithealth.com")
	for r, reqs := range map[Resolver][]any{
		NewEnrichment(d): {
			EnrichmentRequest{Domain: "acmelogistics.com", FullName: "Jane Doe"},
			EnrichmentRequest{LinkedInURL: "linkedin.com/company/acme-logistics"},
			EnrichmentRequest{LinkedInURL: "linkedin.com/in/janedoe"},
			EnrichmentRequest{Email: "jane.doe@gmail.com"},
			EnrichmentRequest{Email: "new@acmelogistics.com"},
			EnrichmentRequest{CompanyName: "Acme Freight"},
			EnrichmentRequest{CompanyName: "Acme Logistcs"},
		},
		NewDeanonymization(d): {
			DeanonymizationRequest{IP: "64.207.100.23"},
			DeanonymizationRequest{IP: "73.1.2.3", HEM: h.SHA256},
			DeanonymizationRequest{IP: "64.207.100.99"},
		},
		NewLinkedInToPhone(d): {LinkedInRequest{"linkedin.com/in/janedoe"}},
		NewLinkedInToHEM(d):   {LinkedInRequest{"linkedin.com/in/janedoe"}},
		NewIPToCompany(d):     {IPRequest{IP: "64.207.100.7"}},
		NewDomainFinder(d):    {DomainFinderRequest{CompanyName: "Summit Health", Country: "GB"}},
		NewKeywordToLead(d):   {KeywordLeadRequest{Keyword: "supply chain", Title: "VP", Country: "US", Seniority: "vp", Limit: 5}},
	} {
		for _, req := range reqs {
			raw, _ := json.Marshal(req)
			_, err := r.Resolve(ctx, raw)
			require.NoError(t, err, "%T", r)
		}
	}

	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, "SET enable_seqscan = off")
	require.NoError(t, err)
	queries := rec.Take()
	seen := map[string]bool{}
	suppressionChecks := 0
	for _, q := range queries {
		if seen[q.SQL] || strings.HasPrefix(strings.TrimSpace(q.SQL), "SET") {
			continue
		}
		seen[q.SQL] = true
		rows, err := conn.Query(ctx, "EXPLAIN "+q.SQL, q.Args...)
		require.NoError(t, err)
		var plan strings.Builder
		for rows.Next() {
			var line string
			require.NoError(t, rows.Scan(&line))
			plan.WriteString(line + "\n")
		}
		require.NoError(t, rows.Err())
		name := strings.SplitN(strings.TrimPrefix(q.SQL, "-- name: "), " ", 2)[0]
		require.False(t, graphTables.MatchString(plan.String()), "%s reads a whole table:\n%s", name, plan.String())
		if strings.Contains(q.SQL, "suppressions") {
			suppressionChecks++
			require.Contains(t, plan.String(), "suppressions_pkey", "%s checks suppressions by its key:\n%s", name, plan.String())
		}
	}
	require.GreaterOrEqual(t, suppressionChecks, 8, "every query that answers with a person, email or phone checks suppressions")
	require.GreaterOrEqual(t, len(seen), 14, "every graph query was run")
}
