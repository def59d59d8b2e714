package resolve

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// recorder is a pgx tracer that keeps every query run through it, with its arguments.
type recorder struct {
	mu      sync.Mutex
	queries []recorded
}

type recorded struct {
	sql  string
	args []any
}

func (r *recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	r.queries = append(r.queries, recorded{d.SQL, d.Args})
	r.mu.Unlock()
	return ctx
}

func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

var graphTables = regexp.MustCompile(`Seq Scan on (companies|company_terms|company_term_variants|people|emails|phones|networks|ip_observations)\b`)

// TestEveryResolverQueryUsesAnIndex runs every resolver through the paths that touch the
// database, records the SQL it sends, and checks with EXPLAIN (sequential scans disabled, so
// the planner shows what an index can do even on a small table) that no query has to read a
// whole graph table.
func TestEveryResolverQueryUsesAnIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	testkit.LoadGraph(t, pgtest.NewPool(t, url), testkit.FixtureGraph)

	rec := &recorder{}
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.ConnConfig.Tracer = rec
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	dns := testkit.NewDNS(t)
	rs := Resolvers(Deps{Graph: pool, DNS: dns.Resolver()})
	h := normalize.HashEmail("john.smith@summithealth.com")
	for endpoint, reqs := range map[string][]any{
		EndpointEnrichment: {
			EnrichmentRequest{Domain: "acmelogistics.com", FullName: "Jane Doe"},
			EnrichmentRequest{LinkedinURL: "linkedin.com/company/acme-logistics"},
			EnrichmentRequest{LinkedinURL: "linkedin.com/in/janedoe"},
			EnrichmentRequest{Email: "jane.doe@gmail.com"},
			EnrichmentRequest{Email: "new@acmelogistics.com"},
			EnrichmentRequest{CompanyName: "Acme Freight"},
			EnrichmentRequest{CompanyName: "Acme Logistcs"},
		},
		EndpointDeanonymization: {
			DeanonymizationRequest{IP: "64.207.100.23"},
			DeanonymizationRequest{IP: "73.1.2.3", HEM: h.SHA256},
			DeanonymizationRequest{IP: "64.207.100.99"},
		},
		EndpointLinkedInToPhone: {LinkedInRequest{"linkedin.com/in/janedoe"}},
		EndpointLinkedInToHEM:   {LinkedInRequest{"linkedin.com/in/janedoe"}},
		EndpointIPToCompany:     {IPRequest{IP: "64.207.100.7"}},
		EndpointDomainFinder:    {DomainFinderRequest{CompanyName: "Summit Health", Country: "GB"}},
		EndpointKeywordToLead:   {KeywordLeadRequest{Keyword: "supply chain", Title: "VP", Country: "US", Seniority: "vp", Limit: 5}},
	} {
		for _, req := range reqs {
			raw, _ := json.Marshal(req)
			_, err := rs[endpoint].Resolve(ctx, raw)
			require.NoError(t, err, endpoint)
		}
	}

	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, "SET enable_seqscan = off")
	require.NoError(t, err)
	rec.mu.Lock()
	queries := append([]recorded(nil), rec.queries...)
	rec.mu.Unlock()
	seen := map[string]bool{}
	for _, q := range queries {
		if seen[q.sql] || strings.HasPrefix(strings.TrimSpace(q.sql), "SET") {
			continue
		}
		seen[q.sql] = true
		rows, err := conn.Query(ctx, "EXPLAIN "+q.sql, q.args...)
		require.NoError(t, err)
		var plan strings.Builder
		for rows.Next() {
			var line string
			require.NoError(t, rows.Scan(&line))
			plan.WriteString(line + "\n")
		}
		require.NoError(t, rows.Err())
		name := strings.SplitN(strings.TrimPrefix(q.sql, "-- name: "), " ", 2)[0]
		require.False(t, graphTables.MatchString(plan.String()), "%s reads a whole table:\n%s", name, plan.String())
	}
	require.GreaterOrEqual(t, len(seen), 14, "every graph query was run")
}
