package resolve

import (
	"context"
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/openresolve/openresolve/internal/names"
	"github.com/openresolve/openresolve/internal/store"
)

// Company-name matching. A wrong company is worse than none, and a miss is a failure too, so a
// name is compared word by word with every company that shares a word with it, or a word
// within one typing error of one of its words (names.CompareCompanies), each word weighing by
// how rare it is among the graph's company names. The best candidate is answered when its
// score reaches names.CompanyCalibration.Answer; its confidence is the measured share of
// right answers at its score, shared with candidates that score alike (namesakes). How the
// calibration was measured: README, "How confident is confidence".

const (
	// candidateBudget is how many companies the rarest words of a query may bring as
	// candidates, at most three words.
	candidateBudget = 2000
	// narrowAbove is how many companies the rarest word of a query may be in before
	// candidates are first sought among those holding the two rarest words both.
	narrowAbove = 50
	// maxCandidates is how many companies are compared with the query; at most 64.
	maxCandidates = 60
	// countryPrior is how much more a candidate counts, among namesakes, when its country is
	// one the query's legal form is used in ("GmbH": Germany, Austria, Switzerland).
	countryPrior = 4
	// legalPrior is how much more a candidate counts when its name ends with the very legal
	// form the query gives.
	legalPrior = 2
)

// CompanyMatch is one company a name may mean.
type CompanyMatch struct {
	Domain, Name string
	// Score is the evidence that the name is the company's name or one of its aliases, in
	// nats (names.Comparison.Score); Prior weighs it against namesakes; Share is its part of
	// the evidence among all candidates; Confidence the probability that it is the one meant.
	Score, Prior, Share, Confidence float64
	// MatchedBy is company_name, company_alias, or company_name_fuzzy when words differ.
	MatchedBy string
	employees *int32 // the larger of two namesakes comes first
}

// matchCompanyName returns the companies name may mean, best first, and only those scoring at
// least the calibration's Answer: nothing rather than a poor guess. country (an ISO code or
// "") restricts them.
func (g graph) matchCompanyName(ctx context.Context, name, country string) ([]CompanyMatch, error) {
	all, err := g.companyCandidates(ctx, name, country, names.CompanyCalibration.Answer)
	if err != nil {
		return nil, err
	}
	cal := names.CompanyCalibration
	out := all[:0]
	for _, m := range all {
		if m.Score >= cal.Answer {
			out = append(out, m)
		}
	}
	return out, nil
}

// companyCandidates scores the candidate companies for name, best first, with confidences. It
// leaves out companies it can tell from the words' statistics alone cannot score floor: it
// never fetches and ranks what cannot win (math.Inf(-1) asks for every candidate).
func (g graph) companyCandidates(ctx context.Context, name, country string, floor float64) ([]CompanyMatch, error) {
	q := names.ParseCompany(name)
	words := q.Regular()
	if len(words) == 0 {
		return nil, nil
	}
	// The graph's terms within one edit of each query word (of its term, or of its text where
	// a typo changed the skeleton more), and of each two neighbouring words written as one
	// ("North Wind" for "Northwind"). A probe's owner is its word, or len(words)+i for the
	// pair from word i.
	probes := make([]names.Word, 0, len(words)*2)
	probes = append(probes, words...)
	for i := 0; i+1 < len(words); i++ {
		probes = append(probes, names.WordOf(words[i].Text+words[i+1].Text))
	}
	var ep store.CompanyTermExpandParams
	for i, p := range probes {
		for _, v := range names.WordVariants(p) {
			ep.Variants = append(ep.Variants, v)
			ep.Owners = append(ep.Owners, int32(i))
		}
	}
	expanded, err := g.q.CompanyTermExpand(ctx, g.db, ep)
	if err != nil {
		return nil, err
	}
	total := 0
	df := map[string]int{}
	groups := make([]termGroup, len(probes))
	for i := range groups {
		groups[i].owner, groups[i].word = i, -1
	}
	for _, r := range expanded {
		if r.Owner < 0 {
			total = int(r.Companies)
			continue
		}
		df[r.Term] = int(r.Companies)
		gr := &groups[r.Owner]
		gr.terms, gr.dfs = append(gr.terms, r.Term), append(gr.dfs, int(r.Companies))
		gr.df += int(r.Companies)
	}
	weight := func(term string) float64 { return names.Weight(term, df[term], total) }
	// A word no company name holds may be a legal form misspelt ("Compnay"): set aside.
	unknown := map[string]bool{}
	for _, w := range words {
		if df[w.Term] == 0 && names.MisspeltLegal(w) {
			unknown[w.Text] = true
		}
	}
	if len(unknown) > 0 {
		q = q.Without(func(w names.Word) bool { return unknown[w.Text] })
	}
	// alone reports whether query word i can pair with no company's word but through the
	// terms of its own probe: not joined with a neighbour ("North Wind", "Northwind").
	alone := func(i int) bool {
		return (i == 0 || len(groups[len(words)+i-1].terms) == 0) &&
			(i+1 == len(words) || len(groups[len(words)+i].terms) == 0)
	}
	// A query word no term of the graph is within one edit of, alone or joined, is missing
	// from every candidate (names.CompareCompanies pairs only such words): its weight is lost
	// whatever the candidate. When even a candidate sharing the rest of the query at the
	// greatest weight a match can have cannot make up for it, none can reach floor.
	joined, lost, err := g.joinedWords(ctx, words, len(groups), func(i int) bool {
		return !unknown[words[i].Text] && len(groups[i].terms) == 0 && alone(i) && len(words[i].Trade) == 0
	}, weight)
	if err != nil {
		return nil, err
	}
	for _, gr := range joined {
		groups = append(groups, gr)
		for i, t := range gr.terms {
			df[t] = gr.dfs[i]
		}
	}
	if names.IDF(1, total)-lost < floor {
		return nil, nil
	}

	// Candidates: when even the rarest word is in many names, first those holding both of the
	// two rarest words (the index intersects their lists without reading the names); else, or
	// when none of those is a good match, those holding any of the rarest words, as many words
	// as candidateBudget takes.
	var found []termGroup
	for _, gr := range groups {
		if len(gr.terms) > 0 {
			found = append(found, gr)
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].df < found[j].df })
	p := store.CompanyListByTermsParams{Country: country, MaxRows: maxCandidates}
	for _, gr := range found {
		for _, t := range gr.terms {
			p.RankTerms = append(p.RankTerms, t)
			p.RankWeights = append(p.RankWeights, weight(t))
		}
	}
	// fetch scores the candidates holding one of anyTerms and one of alsoTerms, and says
	// whether the fetch was cut at maxCandidates.
	fetch := func(anyTerms, alsoTerms []string) ([]CompanyMatch, bool, error) {
		p.AnyTerms, p.AlsoTerms = anyTerms, alsoTerms
		rows, err := g.q.CompanyListByTerms(ctx, g.db, p)
		if err != nil {
			return nil, false, err
		}
		// The weights of the candidates' words the query did not bring.
		var missing []string
		for _, r := range rows {
			for _, t := range r.NameTerms {
				if _, ok := df[t]; !ok {
					df[t] = 0
					missing = append(missing, t)
				}
			}
		}
		if len(missing) > 0 {
			counts, err := g.q.CompanyTermCounts(ctx, g.db, missing)
			if err != nil {
				return nil, false, err
			}
			for _, c := range counts {
				df[c.Term] = int(c.Companies)
			}
		}
		return scoreRows(q, rows, df, total), len(rows) >= maxCandidates, nil
	}
	// fetchNarrow is fetch, through fewer names where the fetch's own order allows. When
	// alsoTerms shares terms with anyTerms, the companies it fetches include every company
	// holding anyTerms's shared terms and little else (the second probe found "industries"
	// again, or both are the rarest word's terms). Those holding a term of anyTerms and one of
	// the others (alsoTerms's own, or else any other term ranked) are a few thousand where the
	// rest may be 50,000 ("Bue Mill Finance"), and when each outranks every company holding
	// none of the others, they come first in the order: when they fill the fetch, they are its
	// answer.
	rank := map[string]float64{} // what holding each term adds to a company's place in the order
	for i, t := range p.RankTerms {
		rank[t] += p.RankWeights[i]
	}
	// A fetch of one list held by more companies than candidateBudget (a word in 50,000 names,
	// or two words joined, "VantageMedical") may instead first fetch the companies holding
	// two of its terms (splitTerms).
	heldBy := func(terms []string) (n int) {
		for _, t := range terms {
			n += df[t]
		}
		return n
	}
	fetchNarrow := func(anyTerms, alsoTerms []string) ([]CompanyMatch, bool, error) {
		if others := narrowTerms(anyTerms, alsoTerms, rank); others != nil {
			out, full, err := fetch(anyTerms, others)
			if err != nil || full {
				return out, full, err
			}
		} else if slices.Equal(anyTerms, alsoTerms) && heldBy(anyTerms) > candidateBudget {
			if one, rest := splitTerms(anyTerms, rank); one != nil {
				out, full, err := fetch(one, rest)
				if err != nil || full {
					return out, full, err
				}
			}
		}
		return fetch(anyTerms, alsoTerms)
	}
	// lacking is the most a candidate holding none of the terms of found[k] can score.
	// A candidate holding none of the terms of found[k] misses its query word: a word whose
	// probes joined with a neighbour found only terms of its own (a pair probe's variants
	// reach the word alone: "Atlas Sy" finds atlas), or a word two of the graph's words
	// joined in one way only, of which found[k] is a part.
	parts := map[int]int{}
	for _, gr := range groups {
		if gr.word >= 0 {
			parts[gr.word]++
		}
	}
	lacking := func(k int) float64 {
		o := found[k].owner
		switch {
		case found[k].word >= 0 && parts[found[k].word] == 2:
			o = found[k].word
		case o >= len(words):
			return math.Inf(1) // a probe of two words joined
		default:
			for _, p := range []int{len(words) + o - 1, len(words) + o} {
				if p >= len(words) && p < len(probes) {
					for _, t := range groups[p].terms {
						if !slices.Contains(found[k].terms, t) {
							return math.Inf(1) // the word may pair joined with a neighbour
						}
					}
				}
			}
		}
		least := total
		for j, gr := range found {
			for _, t := range gr.terms {
				if j != k {
					least = min(least, max(df[t], 1))
				}
			}
		}
		return names.IDF(least, total) - weight(words[o].Term) - lost
	}
	var union []string
	budget, cut := 0, false
	for i, gr := range found {
		if i > 0 && (budget+gr.df > candidateBudget || i >= 3) {
			break
		}
		budget += gr.df
		union = append(union, gr.terms...)
		for _, t := range gr.terms {
			cut = cut || df[t] >= maxCandidates
		}
	}
	// The second rarest probe that brings a term the rarest does not: two probes may find the
	// same terms ("Facon Transport" and its words joined both find transport), and the
	// companies holding both would be all those holding one.
	second := slices.IndexFunc(found, func(gr termGroup) bool {
		return slices.ContainsFunc(gr.terms, func(t string) bool { return !slices.Contains(found[0].terms, t) })
	})
	if second > 0 && found[0].df > narrowAbove {
		out, _, err := fetchNarrow(found[0].terms, found[second].terms)
		if err != nil || len(out) > 0 && out[0].Score >= names.CompanyCalibration.Answer {
			return out, err
		}
		// The companies holding any of the rarest words that this did not fetch lack the
		// rarest or the second (the same order ranks both fetches). Such a company loses that
		// word's weight; when the fetch is cut at maxCandidates, what it shares counts as its
		// rarest matched term does (scoreRows), at most the rarest term of the other probes.
		// When neither can reach floor, there is nothing more to find.
		if cut && lacking(0) < floor && lacking(second) < floor {
			return out, nil
		}
	}
	out, _, err := fetchNarrow(union, union)
	return out, err
}

// narrowTerms returns the terms that, fetched with anyTerms, give the first companies of the
// fetch of anyTerms and alsoTerms when there are enough of them, or nil when there are none
// such. rank is what holding each ranked term adds to a company's place in the fetch's order.
// The terms are alsoTerms's own when it shares some with anyTerms, else every other ranked
// term when it shares all; either way the companies holding none of them are fetched too, but
// rank lower than every company holding one of them (and a term of anyTerms) only when the
// least of the one and of the other outweigh all the terms the former may hold.
func narrowTerms(anyTerms, alsoTerms []string, rank map[string]float64) []string {
	var others []string
	for _, t := range alsoTerms {
		if !slices.Contains(anyTerms, t) {
			others = append(others, t)
		}
	}
	if len(others) == len(alsoTerms) {
		return nil // nothing shared: nothing to leave out
	}
	if len(others) == 0 {
		for t := range rank {
			if !slices.Contains(anyTerms, t) {
				others = append(others, t)
			}
		}
		slices.Sort(others)
	}
	least, other, rest := math.Inf(1), math.Inf(1), 0.0
	for _, t := range anyTerms {
		least = min(least, rank[t])
	}
	for t, w := range rank {
		if slices.Contains(others, t) {
			other = min(other, w)
		} else {
			rest += w // a company holding none of the others holds at most these
		}
	}
	if len(others) == 0 || least+other <= rest+1e-9 { // apart by more than rounding
		return nil
	}
	return others
}

// splitTerms divides terms, fetched alone (the companies holding any of them), into one term
// and the rest, such that the companies holding the one and one of the rest rank before every
// other company of that fetch, or returns nil when no such division is sure. The one is the
// term that weighs most; a company holding it and one of the rest holds at least both their
// weights, one holding it alone or only the rest at most the greater of its weight and all the
// rest's; rank's terms outside terms may add to either. When those companies fill the fetch,
// they are its answer, in its order.
func splitTerms(terms []string, rank map[string]float64) (one, rest []string) {
	if len(terms) < 2 {
		return nil, nil
	}
	top := terms[0]
	for _, t := range terms[1:] {
		if rank[t] > rank[top] || rank[t] == rank[top] && t < top {
			top = t
		}
	}
	least, all, extra := math.Inf(1), 0.0, 0.0
	for _, t := range terms {
		if t != top {
			rest = append(rest, t)
			least = min(least, rank[t])
			all += rank[t]
		}
	}
	for t, w := range rank {
		if !slices.Contains(terms, t) {
			extra += w
		}
	}
	if rank[top]+least <= max(rank[top], all)+extra+1e-9 { // apart by more than rounding
		return nil, nil
	}
	return []string{top}, rest
}

// termGroup is the graph's terms a probe of a query found, and how many companies hold each.
type termGroup struct {
	owner int // the query word, a pair of them (companyCandidates), or a part of one
	word  int // for a part of a query word two of the graph's words joined, that word; else -1
	terms []string
	dfs   []int
	df    int // their sum
}

// joinedWords looks at the query words maybe says may pair with no candidate's word (no
// graph term is within one edit of them, alone or joined with a neighbour): such a word may
// be two words of the graph written as one ("MapleRidge"), which a candidate holding both
// pairs with (names.CompareCompanies, names.JoinedParts). It returns the graph's terms for the
// two parts of each such word, as groups owned from owner on, and the weight of the words that
// are not: every candidate misses them. One look-up, when there are any.
func (g graph) joinedWords(ctx context.Context, words []names.Word, owner int, maybe func(int) bool,
	weight func(string) float64) (joined []termGroup, lost float64, err error) {
	type part struct{ word, cut, side int }
	var (
		parts []part
		p     store.CompanyTermExpandParams
	)
	for i, w := range words {
		if !maybe(i) {
			continue
		}
		for cut, forms := range names.JoinedParts(w.Term) {
			for side, fs := range forms {
				parts = append(parts, part{i, cut, side})
				for _, f := range fs {
					p.Variants = append(p.Variants, f)
					p.Owners = append(p.Owners, int32(len(parts)-1))
				}
			}
		}
	}
	held := map[part]*termGroup{}
	if len(p.Variants) > 0 {
		rows, err := g.q.CompanyTermExpand(ctx, g.db, p)
		if err != nil {
			return nil, 0, err
		}
		for _, r := range rows {
			if r.Owner < 0 {
				continue
			}
			gr := held[parts[r.Owner]]
			if gr == nil {
				gr = &termGroup{word: parts[r.Owner].word}
				held[parts[r.Owner]] = gr
			}
			gr.terms = append(gr.terms, r.Term)
			gr.dfs = append(gr.dfs, int(r.Companies))
			gr.df += int(r.Companies)
		}
	}
	isJoined := map[int]bool{}
	for _, pt := range parts {
		left, right := held[pt], held[part{pt.word, pt.cut, 1}]
		if pt.side == 0 && left != nil && right != nil {
			isJoined[pt.word] = true
			for _, gr := range []*termGroup{left, right} {
				gr.owner = owner + len(joined)
				joined = append(joined, *gr)
			}
		}
	}
	for i, w := range words {
		if maybe(i) && !isJoined[i] {
			lost += weight(w.Term)
		}
	}
	return joined, lost, nil
}

// scoreRows scores candidate rows against the query q: each against its name and each alias,
// the best of them counting. df holds the companies holding each term, total in all.
func scoreRows(q names.Company, rows []store.CompanyListByTermsRow, df map[string]int, total int) []CompanyMatch {
	weight := func(term string) float64 { return names.Weight(term, df[term], total) }
	// How many candidates hold all of a set of terms: what a match on them is worth. The
	// candidates are all the companies holding the anchor words unless they were cut at
	// maxCandidates; then the rarest term's count bounds it. holders has a bit per candidate
	// (maxCandidates fits one word).
	holders := map[string]uint64{}
	for i, r := range rows {
		for _, t := range r.NameTerms {
			holders[t] |= 1 << i
		}
	}
	comboDF := func(terms []string) int {
		least, all := total, ^uint64(0)
		for _, t := range terms {
			least = min(least, max(df[t], 1))
			all &= holders[t]
		}
		if len(rows) >= maxCandidates {
			return least
		}
		return max(1, min(bits.OnesCount64(all), least))
	}
	score := func(c names.Company) float64 {
		cmp := names.CompareCompanies(q, c, weight)
		return cmp.Score(comboDF(cmp.Matched), total)
	}

	out := make([]CompanyMatch, 0, len(rows))
	for _, r := range rows {
		m := CompanyMatch{Domain: r.Domain, Name: r.Name, employees: r.Employees, Prior: 1, MatchedBy: "company_name"}
		cn := names.ParseCompany(r.Name)
		m.Score = score(cn)
		exact := cn.Key() == q.Key()
		for _, a := range r.Aliases {
			an := names.ParseCompany(a)
			if s := score(an); s > m.Score {
				m.Score, m.MatchedBy, exact = s, "company_alias", an.Key() == q.Key()
			}
		}
		if !exact {
			m.MatchedBy = "company_name_fuzzy"
		}
		if r.Country != nil && len(q.Countries) > 0 && slices.Contains(q.Countries, *r.Country) {
			m.Prior = countryPrior
		}
		if q.Legal != "" && cn.Legal == q.Legal {
			m.Prior *= legalPrior
		}
		out = append(out, m)
	}
	scoreCandidates(out)
	return out
}

// scoreCandidates orders candidates best first (score and prior, then size, then domain) and
// gives each its share and confidence.
func scoreCandidates(ms []CompanyMatch) {
	cal := names.CompanyCalibration
	scores, priors := make([]float64, len(ms)), make([]float64, len(ms))
	for i, m := range ms {
		scores[i], priors[i] = m.Score, m.Prior
	}
	shares := cal.Shares(scores, priors)
	for i := range ms {
		ms[i].Share = shares[i]
		ms[i].Confidence = cal.Confidence(ms[i].Score, ms[i].Share)
	}
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if a.Share != b.Share {
			return a.Share > b.Share
		}
		if ea, eb := deref32(a.employees), deref32(b.employees); ea != eb {
			return ea > eb
		}
		return a.Domain < b.Domain
	})
}

func deref32(p *int32) int32 {
	if p == nil {
		return -1
	}
	return *p
}

// floor2 keeps confidences readable, rounding down so as never to overstate one: 0.998 is
// 0.99, not a certain 1.
func floor2(f float64) float64 { return math.Floor(f*100+1e-9) / 100 }
