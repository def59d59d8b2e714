package resolve

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	graphimport "github.com/openresolve/openresolve/internal/graph"
	"github.com/openresolve/openresolve/internal/pgtest"
	"github.com/openresolve/openresolve/internal/store"
)

// variant rewrites a company name the way people mistype or restyle it.
type variant struct {
	name string
	f    func(r *rand.Rand, s string) string
}

var variants = []variant{
	{"upper case", func(_ *rand.Rand, s string) string { return strings.ToUpper(s) }},
	{"lower case", func(_ *rand.Rand, s string) string { return strings.ToLower(s) }},
	{"legal form", func(r *rand.Rand, s string) string {
		return s + []string{", Inc.", " LLC", " Ltd", " GmbH", " S.A.", " PLC", " Corp."}[r.IntN(7)]
	}},
	{"punctuation", func(_ *rand.Rand, s string) string { return strings.ReplaceAll(s, " ", "-") + "." }},
	{"drop a letter", func(r *rand.Rand, s string) string {
		i := 1 + r.IntN(len(s)-2)
		return s[:i] + s[i+1:]
	}},
	{"swap letters", func(r *rand.Rand, s string) string {
		b := []byte(s)
		i := 1 + r.IntN(len(b)-3)
		b[i], b[i+1] = b[i+1], b[i]
		return string(b)
	}},
	{"wrong letter", func(r *rand.Rand, s string) string {
		b := []byte(s)
		i := 1 + r.IntN(len(b)-2)
		if unicode.IsLetter(rune(b[i])) {
			b[i] = byte('a' + r.IntN(26))
		}
		return string(b)
	}},
	{"extra word", func(r *rand.Rand, s string) string {
		return s + " " + []string{"Group", "Holdings", "International", "Global", "Services"}[r.IntN(5)]
	}},
	{"first word only", func(_ *rand.Rand, s string) string { return strings.Fields(s)[0] }},
}

// TestCompanyNameMatchingPrecision measures how often a company-name match is right, by
// confidence band, on variants of the names of a generated graph, and on names that are not
// in it at all. It holds the resolvers to their promise: an answer at 0.9 or more is right at
// least 99.5% of the time. Run with -v to see the table (quoted in the README).
func TestCompanyNameMatchingPrecision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	const companies = 3000
	demo := graphimport.Demo{Seed: 42, Companies: companies}
	_, err := (&graphimport.Importer{Pool: pool}).Import(ctx, "companies", demo.Source("companies"))
	require.NoError(t, err)
	g := graph{db: pool, q: store.New()}

	var domains []string
	names := map[string]string{}
	rows, err := pool.Query(ctx, `SELECT domain, name FROM companies ORDER BY domain`)
	require.NoError(t, err)
	for rows.Next() {
		var d, n string
		require.NoError(t, rows.Scan(&d, &n))
		domains = append(domains, d)
		names[d] = n
	}
	require.NoError(t, rows.Err())

	type band struct{ answered, right int }
	bands := map[string]*band{"≥ 0.9": {}, "0.5 – 0.9": {}, "< 0.5": {}}
	bandOf := func(c float64) string {
		switch {
		case c >= 0.9:
			return "≥ 0.9"
		case c >= 0.5:
			return "0.5 – 0.9"
		}
		return "< 0.5"
	}
	perVariant := map[string]*band{}
	perMatch := map[string]*band{}
	queries, unanswered := 0, 0
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 1600; i++ {
		d := domains[r.IntN(len(domains))]
		v := variants[i%len(variants)]
		q := v.f(r, names[d])
		cands, err := g.matchCompanyName(ctx, q, "")
		require.NoError(t, err)
		queries++
		if perVariant[v.name] == nil {
			perVariant[v.name] = &band{}
		}
		if len(cands) == 0 {
			unanswered++
			continue
		}
		b := bands[bandOf(cands[0].confidence)]
		by := cands[0].matchedBy
		if by == "company_name" && cands[0].confidence < ExactConfidence {
			by = "company_name (namesakes)"
		}
		if perMatch[by] == nil {
			perMatch[by] = &band{}
		}
		b.answered++
		perVariant[v.name].answered++
		perMatch[by].answered++
		if cands[0].company.Domain == d {
			b.right++
			perVariant[v.name].right++
			perMatch[by].right++
		}
	}

	// Names of companies that are not in the graph: any answer is wrong.
	absentFirst := []string{"Zephyr", "Quokka", "Obsidian", "Marigold", "Tundra", "Velvet", "Saffron", "Cobalt"}
	absentSecond := []string{"Bakery", "Robotics", "Vineyards", "Aerospace", "Textiles", "Ceramics", "Breweries", "Optics"}
	falseHigh, falseAny := 0, 0
	negatives := 0
	for _, a := range absentFirst {
		for _, b := range absentSecond {
			cands, err := g.matchCompanyName(ctx, a+" "+b, "")
			require.NoError(t, err)
			negatives++
			if len(cands) > 0 {
				falseAny++
				if cands[0].confidence >= 0.9 {
					falseHigh++
				}
			}
		}
	}

	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%d variant queries over %d companies (%d unanswered); %d absent names (%d answered, %d at ≥ 0.9)\n",
		queries, companies, unanswered, negatives, falseAny, falseHigh)
	fmt.Fprintf(&sb, "| confidence | answers | right | precision |\n|---|---|---|---|\n")
	for _, k := range []string{"≥ 0.9", "0.5 – 0.9", "< 0.5"} {
		b := bands[k]
		fmt.Fprintf(&sb, "| %s | %d | %d | %s |\n", k, b.answered, b.right, pct(b.right, b.answered))
	}
	fmt.Fprintf(&sb, "\n| matched by | answers | right |\n|---|---|---|\n")
	for _, k := range []string{"company_name", "company_name (namesakes)", "company_alias", "company_name_fuzzy"} {
		if b := perMatch[k]; b != nil {
			fmt.Fprintf(&sb, "| %s | %d | %s |\n", k, b.answered, pct(b.right, b.answered))
		}
	}
	fmt.Fprintf(&sb, "\n| variant | answers | right |\n|---|---|---|\n")
	for _, v := range variants {
		b := perVariant[v.name]
		fmt.Fprintf(&sb, "| %s | %d | %s |\n", v.name, b.answered, pct(b.right, b.answered))
	}
	t.Log(sb.String())

	high := bands["≥ 0.9"]
	// Zero wrong in n answers bounds the error rate below 3/n with 95% confidence (the rule
	// of three): 600 answers make that 0.5%.
	require.GreaterOrEqual(t, high.answered, 600, "too few confident answers to measure")
	require.GreaterOrEqual(t, float64(high.right)/float64(high.answered), 0.995, "precision at ≥ 0.9")
	require.Zero(t, falseHigh, "an absent company answered with high confidence")
	mid := bands["0.5 – 0.9"]
	if mid.answered > 0 {
		require.GreaterOrEqual(t, float64(mid.right)/float64(mid.answered), 0.8, "precision at 0.5 – 0.9")
	}
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}
