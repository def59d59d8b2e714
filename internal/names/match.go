package names

import (
	"math"
	"slices"
	"sort"
	"strings"

	edlib "github.com/hbollon/go-edlib"
)

// TermSimilarity says how alike two terms are: 1 when equal, less for one typing error (a
// letter added, dropped or replaced, or two neighbouring letters swapped) in terms of at least
// minFuzzyLength letters, 0 otherwise: two errors in one word are another word ("Talon",
// "Talora"). A typo weighs more in a short word: in 5 letters it gives 0.7, in 10 letters 0.85.
func TermSimilarity(a, b string) float64 {
	if a == b {
		return 1
	}
	short, long := min(len(a), len(b)), max(len(a), len(b))
	if short < minFuzzyLength || long-short > 1 || hasDigit(a) || hasDigit(b) {
		return 0
	}
	if long-short > 1 {
		return 0
	}
	d := edlib.OSADamerauLevenshteinDistance(a, b)
	if d > 1 {
		return 0
	}
	return 1 - float64(d)*1.5/float64(long)
}

// WordSimilarity compares two words by their terms, and by their folded texts for a typing
// error that the skeleton would make larger ("Wallae" against "Wallace"): the better of the two;
// else two forms of one trade concept ("Energy", "Energie") are tradeSimilarity alike.
func WordSimilarity(a, b Word) float64 {
	s := max(TermSimilarity(a.Term, b.Term), TermSimilarity(a.Text, b.Text))
	if s == 0 && sameTrade(a.Trade, b.Trade) {
		return tradeSimilarity
	}
	return s
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// referenceCompanies is the size of graph weights are scaled to: the size of the labelled
// graph the calibration is fitted on (make calibrate).
const referenceCompanies = 3000

// genericWeight caps the weight of generic business words ("Group", "Holdings",
// "International", and their kin in other languages): as if one name in twenty held them,
// however rare they are in the graph, since people add and drop them freely.
const genericWeight = 3.0

// genericTerms are the terms of those words.
var genericTerms = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`group groups holding holdings international global worldwide company
		companies enterprises partners partnership associates brothers sons solutions services gruppe gruppen
		groupe grupo gruppo groep grupa yhtyma internacional internazionale internationale partner partenaires`) {
		m[Term(w)] = true
	}
	return m
}()

// Weight is what sharing a term says, given the df of n companies holding it: its IDF, at
// most genericWeight for a generic business word.
func Weight(term string, df, n int) float64 {
	w := IDF(df, n)
	if genericTerms[term] {
		w = min(w, genericWeight)
	}
	return w
}

// IDF is the weight of a term that df of n companies' names hold: sharing a rare word says
// much, sharing "International" little; a term no name holds weighs most. In a graph larger
// than referenceCompanies it depends on the share of names holding the term, as if the graph
// held referenceCompanies names, so that scores, and the calibration measured on them, mean
// the same in a graph of any size; in a smaller one on the count itself: a word only one of a
// few companies holds is as telling as one only one of thousands holds.
func IDF(df, n int) float64 {
	d := float64(max(df, 0))
	if n > referenceCompanies {
		d = d * referenceCompanies / float64(n)
	}
	return math.Log(1 + referenceCompanies/(d+0.5))
}

// Comparison is how the words of two company names pair up.
type Comparison struct {
	// Matched are the terms of the candidate's words that found a partner in the query.
	Matched []string
	// Similarity is the matched words' mean similarity, weighted: 1 when every pair is equal,
	// less for typing errors.
	Similarity float64
	// Unmatched is the weight of the query's words that found no partner.
	Unmatched float64
	// LeftOut is the weight of the candidate's words that found no partner.
	LeftOut float64
	// Leading is true when the query's words are, as they are, the first words of the
	// candidate's name, and the query gives no legal form: a short form of it ("Nordwind" of
	// Nordwind Energie GmbH).
	Leading bool
}

// leftOut is how much the candidate's words a query leaves out count against it when the
// query is a short form of the name: its first words, each as written (Comparison.Leading).
// People name a company by its distinctive words and leave out its trade word ("Nordwind" for
// Nordwind Energie GmbH); a query that also says another word is another name ("Nordwind
// Solar"), one that drops a leading word is less often the same ("Ashworth Landscaping" for
// Aurora Ashworth Landscaping), and a typing error on top of a dropped word is as often
// another company's name: those count every word whole.
const leftOut = 0.4

// Score is the evidence that the two names are one, in nats (a log-likelihood ratio): the
// weight of what they share, counted once however many words it spans (the IDF of the
// comboDF companies of n holding all the matched terms: "Rocky Mountain" is one thing, not
// two), less the weight of every word either name has that the other lacks, the name's at
// leftOut when the query is a part of it. A differing rare word sinks a candidate; a
// differing "Group" or "Holdings" barely moves it.
func (c Comparison) Score(comboDF, n int) float64 {
	left := c.LeftOut
	if c.Unmatched == 0 && c.Leading {
		left *= leftOut
	}
	if len(c.Matched) == 0 {
		return -c.Unmatched - left
	}
	return IDF(comboDF, n)*c.Similarity - c.Unmatched - left
}

// CompareCompanies pairs the regular words of the query name q with those of the candidate c:
// each word with its most similar partner (WordSimilarity), rare words first, each word once.
// Two words of one name written as one word of the other ("North Wind", "Northwind") pair too.
// weight gives a term's weight (its IDF).
func CompareCompanies(q, c Company, weight func(term string) float64) Comparison {
	qs, cs := q.Regular(), c.Regular()
	qs = mergeCompounds(qs, cs, true)
	cs = mergeCompounds(cs, qs, false)
	type pair struct {
		i, j   int
		sim, w float64
	}
	var pairs []pair
	for i := range qs {
		for j := range cs {
			if s := WordSimilarity(qs[i], cs[j]); s > 0 {
				pairs = append(pairs, pair{i, j, s, weight(cs[j].Term)})
			}
		}
	}
	sort.SliceStable(pairs, func(a, b int) bool {
		return pairs[a].sim*pairs[a].w > pairs[b].sim*pairs[b].w
	})
	usedQ, usedC := make([]bool, len(qs)), make([]bool, len(cs))
	var out Comparison
	var simWeight, matchedWeight float64
	for _, p := range pairs {
		if usedQ[p.i] || usedC[p.j] {
			continue
		}
		usedQ[p.i], usedC[p.j] = true, true
		out.Matched = append(out.Matched, cs[p.j].Term)
		simWeight += p.sim * p.w
		matchedWeight += p.w
	}
	if matchedWeight > 0 {
		out.Similarity = simWeight / matchedWeight
	}
	for i, w := range qs {
		if !usedQ[i] {
			out.Unmatched += weight(w.Term)
		}
	}
	out.Leading = out.Similarity == 1 && len(out.Matched) > 0 && q.Legal == ""
	for j, w := range cs {
		if !usedC[j] {
			out.LeftOut += weight(w.Term)
		}
		// The matched words come first, and the others after.
		if j > 0 && usedC[j] && !usedC[j-1] {
			out.Leading = false
		}
	}
	return out
}

// mergeCompounds joins two neighbouring words of a into one where the joined word is a word of
// b that neither of the two is on its own ("north wind" against "northwind"), or two trade
// words the compound b has ("steel construction" against "stahlbau"). With query, a is the
// query's words, and a trade word before a general one may stand for the trade of a word of
// b alone ("measurement technology" against "messtechnik"); a candidate's words do not
// ("Consultores Industrias" is not "Consulting").
func mergeCompounds(a, b []Word, query bool) []Word {
	if len(a) < 2 || len(b) == 0 {
		return a
	}
	terms := make(map[string]bool, len(b))
	var trade []int32
	for _, w := range b {
		terms[w.Term] = true
		trade = append(trade, w.Trade...)
	}
	var out []Word
	for i := 0; i < len(a); i++ {
		if i+1 < len(a) && !terms[a[i].Term] && !terms[a[i+1].Term] {
			joined := skeleton(a[i].Text + a[i+1].Text)
			if terms[joined] {
				out = append(out, Word{Text: a[i].Text + a[i+1].Text, Term: joined, Kind: Regular})
				i++
				continue
			}
			// Two trade words and the compound they are written as ("Steel Construction",
			// "Stahlbau").
			if len(trade) == 0 {
				out = append(out, a[i])
				continue
			}
			pairs := appendPairs(tradeForms(a[i].Text+a[i+1].Text), a[i].Trade, a[i+1].Trade)
			// A query's trade word before a general one is its trade too, as a compound's
			// is ("Measurement Technology", "Messtechnik": tradeConceptsOf).
			if query && slices.ContainsFunc(a[i+1].Trade, func(c int32) bool { return tradeGeneral[c] }) {
				pairs = append(pairs, a[i].Trade...)
			}
			if sameTrade(pairs, trade) {
				out = append(out, Word{Text: a[i].Text + a[i+1].Text, Term: joined, Kind: Regular, Trade: pairs})
				i++
				continue
			}
		}
		out = append(out, a[i])
	}
	return out
}
