package resolve

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	graphimport "github.com/openresolve/openresolve/internal/importer"
	"github.com/openresolve/openresolve/internal/names"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
)

// TestCandidateBoundsLoseNothing: the candidates companyCandidates leaves out because they
// cannot reach the answer score (a word no company has, a fallback fetch of companies lacking
// a word) are never ones that would have been answered. The demo graph's 30,000 companies
// share about a hundred words, so every word is held by hundreds of them and fetches are cut
// at maxCandidates, as in a graph of millions; its names are asked misspelt, cut short, with
// a word replaced by one nobody has, as one word, and with a word added.
func TestCandidateBoundsLoseNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	im := &graphimport.Importer{Pool: pool}
	_, err := im.Import(ctx, "companies", graphimport.Demo{Seed: 3, Companies: 30_000, People: 1}.Source("companies"))
	require.NoError(t, err)
	var sample []string
	rows, err := pool.Query(ctx, "SELECT name FROM companies ORDER BY md5(domain) LIMIT 300")
	require.NoError(t, err)
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		sample = append(sample, n)
	}
	require.NoError(t, rows.Err())
	require.Len(t, sample, 300)

	// 55 companies named "... Gruppe" (a generic word, weighing little, rarer here than any
	// other) and 60 named "Zorbanek ..." with 60 other words: "Zorbanek Lakeside Gruppe" is
	// none of them, no company holds its two rarest words, and "Zorbanek Lakeside" is found
	// only by the fetch of those holding any of its words, missing one that weighs little.
	csv := "domain,name\n"
	var zorbanek []string
	for i, n := range sample[:60] {
		w := strings.Fields(n)
		csv += fmt.Sprintf("zorbanek%d.de,Zorbanek %s\n", i, w[len(w)-1])
		zorbanek = append(zorbanek, "Zorbanek "+w[len(w)-1]+" Gruppe")
		if i < 55 {
			csv += fmt.Sprintf("gruppe%d.de,%s Gruppe\n", i, w[0])
		}
	}
	src, err := graphimport.NewCSV(strings.NewReader(csv))
	require.NoError(t, err)
	_, err = im.Import(ctx, "companies", src)
	require.NoError(t, err)

	g := graph{db: pool, q: NewMatcher(pool).g.q}
	rnd := rand.New(rand.NewPCG(3, 4))
	var queries []string
	for _, n := range sample {
		i := 1 + rnd.IntN(len(n)-2)
		words := strings.Fields(n)
		queries = append(queries,
			n[:i]+n[i+1:],                                          // a letter dropped
			n[:i]+"x"+n[i:],                                        // a letter added
			strings.Join(words[:len(words)-1], " "),                // the last word left out
			words[0]+" Qzvrtk "+words[len(words)-1],                // a word nobody has
			words[rnd.IntN(len(words))],                            // one word
			n+" Gruppe",                                            // a generic word nobody has
			n+" "+strings.Fields(sample[rnd.IntN(len(sample))])[0], // another name's word added
		)
	}
	queries = append(queries, zorbanek...)
	answer := names.CompanyCalibration.Answer
	bounded, answered := 0, 0
	for _, q := range queries {
		all, err := g.companyCandidates(ctx, q, "", math.Inf(-1))
		require.NoError(t, err)
		some, err := g.companyCandidates(ctx, q, "", answer)
		require.NoError(t, err)
		var want, got []CompanyMatch
		for _, m := range all {
			if m.Score >= answer {
				want = append(want, m)
			}
		}
		for _, m := range some {
			if m.Score >= answer {
				got = append(got, m)
			}
		}
		require.Equal(t, want, got, q)
		if len(some) < len(all) {
			bounded++
		}
		if len(want) > 0 {
			answered++
		}
	}
	t.Logf("%d queries, %d answered, %d with candidates left out by a bound", len(queries), answered, bounded)
	require.Greater(t, bounded, len(queries)/10, "the bounds are exercised")
	require.Greater(t, answered, len(queries)/2)
}

// TestNarrowTerms: the terms fetched first must leave out only companies that rank below
// every company holding one of them, or be nil.
func TestNarrowTerms(t *testing.T) {
	// "Bue Mill Finance": the rarest word finance, the others blu and mil (mil twice: the
	// word and the pair probe).
	rank := map[string]float64{"finance": 7.4, "blu": 3.6, "mil": 7.8, "hil": 3.9}
	for _, tc := range []struct {
		name      string
		anyTerms  []string
		alsoTerms []string
		rank      map[string]float64
		want      []string
	}{
		{"nothing shared: the fetch as asked", []string{"finance"}, []string{"blu"}, rank, nil},
		{"the rarest word alone: every other term", []string{"finance"}, []string{"finance"}, rank,
			[]string{"blu", "hil", "mil"}},
		{"the second probe found the first's term again: its own", []string{"industries"},
			[]string{"laboratories", "atlas", "industries"},
			map[string]float64{"industries": 11.1, "laboratories": 3.7, "atlas": 3.6}, []string{"laboratories", "atlas"}},
		{"a company without the others may outrank one with them", []string{"finance"}, []string{"finance", "blu"},
			map[string]float64{"finance": 3.7, "blu": 3.6, "data": 4.0}, nil},
		{"two terms of the rarest word held together outweigh one and another", []string{"finance", "financ"}, []string{"finance", "financ"},
			map[string]float64{"finance": 3.7, "financ": 3.7, "blu": 3.6}, nil},
		{"no other term ranked", []string{"pinacle"}, []string{"pinacle"}, map[string]float64{"pinacle": 3.6}, nil},
		{"a tie is not apart", []string{"a"}, []string{"a", "b"}, map[string]float64{"a": 2, "b": 1, "c": 1}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, narrowTerms(tc.anyTerms, tc.alsoTerms, tc.rank))
		})
	}
}

func TestSplitTerms(t *testing.T) {
	for _, tc := range []struct {
		name      string
		terms     []string
		rank      map[string]float64
		one, rest []string
	}{
		{"two words joined: those holding both", []string{"medical", "vantage"},
			map[string]float64{"medical": 3.71, "vantage": 3.60}, []string{"medical"}, []string{"vantage"}},
		{"one term: nothing to split", []string{"pinacle"}, map[string]float64{"pinacle": 3.6}, nil, nil},
		{"the rest held together outweighing the heaviest and the lightest", []string{"a", "b", "c", "d"},
			map[string]float64{"a": 2, "b": 1.5, "c": 1.5, "d": 1.5}, nil, nil},
		{"the heaviest and the lightest outweighing the rest held together", []string{"a", "b", "c"},
			map[string]float64{"a": 2, "b": 1.5, "c": 1.5}, []string{"a"}, []string{"b", "c"}},
		{"three terms, the heaviest and the lightest outweighing the rest", []string{"c", "b", "a"},
			map[string]float64{"a": 4, "b": 1.5, "c": 1}, []string{"a"}, []string{"c", "b"}},
		{"a term ranked outside may lift a company holding one", []string{"medical", "vantage"},
			map[string]float64{"medical": 3.71, "vantage": 3.60, "harbor": 3.7}, nil, nil},
		{"a tie is not apart", []string{"a", "b", "c"}, map[string]float64{"a": 2, "b": 1, "c": 1, "d": 1}, nil, nil},
		{"equal weights: the first term by its text", []string{"financ", "finance"},
			map[string]float64{"finance": 3.7, "financ": 3.7, "blu": 3.6}, []string{"financ"}, []string{"finance"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			one, rest := splitTerms(tc.terms, tc.rank)
			require.Equal(t, tc.one, one)
			require.Equal(t, tc.rest, rest)
		})
	}
}
