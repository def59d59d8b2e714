package resolve

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/importer"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
)

// TestKeywordToLeadAtCount checks the two ways keyword-to-lead finds its page against an
// exhaustive ranking of every match: below the count's cap the page comes from the counted
// matches, beyond it from the walk of people_lead_order_idx, and total stops at the cap. The
// cap is 1,000 here rather than LeadCountTo, so that a small graph goes past it.
func TestKeywordToLeadAtCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	// A segment every 100 people instead of every 65,536, so that a count crosses many.
	_, err := pool.Exec(ctx, "ALTER SEQUENCE people_lead_seq INCREMENT BY 655")
	require.NoError(t, err)
	require.NoError(t, importer.Demo{Seed: 3, Companies: 400, People: 12_000}.Load(ctx, &importer.Importer{Pool: pool}, nil))
	var segments int
	require.NoError(t, pool.QueryRow(ctx, "SELECT lead_segments()").Scan(&segments))
	require.Greater(t, segments, 100)
	const countTo = 1_000
	r := KeywordToLead{g: Deps{Graph: pool}.graph(), countTo: countTo}
	q := store.New()

	// best is every match ranked, the first n.
	best := func(keyword, country, seniority string, n int) ([]string, int) {
		query, err := q.LeadQuery(ctx, pool, store.LeadQueryParams{Keyword: keyword, Country: country, Seniority: seniority})
		require.NoError(t, err)
		match, err := q.LeadMatch(ctx, pool, store.LeadMatchParams{Query: leadTerms(query.Words, query.Segments), N: int32(len(query.Words)),
			CountTo: 1_000_000, MaxRows: int32(n)})
		require.NoError(t, err)
		return match.PersonIds, int(match.Total)
	}
	ids := func(m map[string]any) []string {
		var out []string
		for _, l := range m["leads"].([]any) {
			url := l.(map[string]any)["linkedinUrl"].(string)
			var id string
			require.NoError(t, pool.QueryRow(ctx, "SELECT person_id FROM people WHERE linkedin_url = $1", url).Scan(&id))
			out = append(out, id)
		}
		return out
	}

	for _, tc := range []struct {
		name, keyword, country, seniority string
		gte                               bool
	}{
		{"a common word, beyond the cap", "supply chain", "", "", true},
		{"filtered by country, beyond the cap", "software", "US", "", true},
		{"filtered by country and seniority", "software", "DE", "vp", false},
		{"a rare word", "warehousing", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, m := resolveJSON(t, r, KeywordLeadRequest{Keyword: tc.keyword, Country: tc.country, Seniority: tc.seniority, Limit: 30})
			want, total := best(tc.keyword, tc.country, tc.seniority, 30)
			require.NotEmpty(t, want)
			require.Equal(t, want, ids(m))
			if tc.gte {
				require.Greater(t, total, countTo)
				require.EqualValues(t, countTo, m["total"])
				require.Equal(t, "gte", m["totalRelation"])
			} else {
				require.LessOrEqual(t, total, countTo)
				require.EqualValues(t, total, m["total"])
				require.Equal(t, "eq", m["totalRelation"])
			}
		})
	}
}

// TestKeywordToLeadLeavesOutSuppressed: a suppressed person is not a lead, and the next one
// takes their place on the page.
func TestKeywordToLeadLeavesOutSuppressed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := newFixture(t)
	r := NewKeywordToLead(Deps{Graph: pool})
	name := func(m map[string]any) []string {
		var out []string
		for _, l := range m["leads"].([]any) {
			out = append(out, l.(map[string]any)["fullName"].(string))
		}
		return out
	}
	_, m := resolveJSON(t, r, KeywordLeadRequest{Keyword: "supply chain", Limit: 1})
	require.Equal(t, []string{"Jane Doe"}, name(m))

	im := &importer.Importer{Pool: pool}
	_, err := im.Import(ctx, "suppressions", importer.NewJSONLines(strings.NewReader(`{"linkedin_url": "https://www.linkedin.com/in/janedoe"}`)))
	require.NoError(t, err)
	_, m = resolveJSON(t, r, KeywordLeadRequest{Keyword: "supply chain", Limit: 1})
	require.Equal(t, []string{"Max Müller"}, name(m))
}

// TestLeadTermsIsLeadQuery holds leadTerms, which pairs a question's words with the segments
// in Go, to lead_query, the SQL function that defines them, across several segments.
func TestLeadTermsIsLeadQuery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	_, err := pool.Exec(ctx, "SELECT setval('people_lead_seq', 3 * 65536 + 17)")
	require.NoError(t, err)
	q := store.New()
	for _, tc := range []struct{ keyword, country, seniority string }{
		{"supply chain", "", ""},
		{"Machine Learning engineers", "de", "VP"},
		{"payments", "US", "head of sales"},
		{"the of and", "", ""}, // no word to match
		{"", "US", ""},
	} {
		var want []string
		require.NoError(t, pool.QueryRow(ctx, "SELECT lead_query($1, $2, $3)", tc.keyword, tc.country, tc.seniority).Scan(&want))
		got, err := q.LeadQuery(ctx, pool, store.LeadQueryParams{Keyword: tc.keyword, Country: tc.country, Seniority: tc.seniority})
		require.NoError(t, err)
		require.EqualValues(t, 4, got.Segments)
		if len(want) == 0 {
			require.Empty(t, got.Words, tc.keyword)
			continue
		}
		require.Equal(t, want, leadTerms(got.Words, got.Segments), tc.keyword)
	}
}
