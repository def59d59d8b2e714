package names

import (
	"slices"
	"strings"
)

// Kind says what a word of a company name does.
type Kind uint8

const (
	// Regular words name the company and are compared.
	Regular Kind = iota
	// Stop words ("the", "and", "de") are left out of comparisons.
	Stop
	// Legal words are a legal form at either end of the name ("GmbH", "Kabushiki Kaisha").
	Legal
)

// Word is one word of a name.
type Word struct {
	// Text is the word folded to lower-case ASCII.
	Text string
	// Term is its matching form: abbreviation spelled out, then skeleton.
	Term string
	Kind Kind
	// Trade are the trade concepts it is a form of (trade.go), if any; shared between words,
	// never changed.
	Trade []int32
}

// Company is a company name taken apart for matching.
type Company struct {
	Words []Word
	// Legal is the legal form the name ends with, however written ("Ltd", "Limited"), as the
	// key of its class, or "".
	Legal string
	// Countries are where the name's legal forms are used (ISO 3166-1), a hint between
	// namesakes; empty when the name carries none.
	Countries []string
}

// stopWords are left out of comparisons: articles and conjunctions of the languages company
// names are written in. "The Acme Company" and "Acme" are the same name.
var stopWords = map[string]bool{
	"the": true, "and": true, "of": true, "for": true, "de": true, "del": true, "la": true, "le": true,
	"les": true, "du": true, "des": true, "der": true, "die": true, "das": true, "den": true, "und": true,
	"et": true, "y": true, "og": true, "och": true, "el": true, "los": true, "las": true, "il": true,
	"di": true, "da": true, "do": true, "dos": true, "van": true, "von": true, "het": true, "zu": true,
	"en": true, "e": true, "i": true, "a": true, "ja": true,
}

// Term is the matching form of a folded word: its skeleton, spelled out if it is an
// abbreviation.
func Term(word string) string {
	s := skeleton(word)
	if full, ok := abbreviations[s]; ok {
		return full
	}
	return s
}

// ParseCompany takes a company name apart: its words, which of them are a legal form (the
// longest known forms at the end, then at the start) and which are stop words. A name made
// only of such words keeps them all as regular words, so that it never becomes empty.
func ParseCompany(name string) Company {
	words := splitWords(name)
	out := Company{Words: make([]Word, len(words))}
	for i, w := range words {
		out.Words[i] = WordOf(w)
	}
	// Legal forms at the end, longest first, as many as there are ("GmbH & Co. KG"), found
	// by their words' skeletons, each made once.
	skels := make([]string, len(words))
	for i, w := range words {
		skels[i] = skeleton(w)
	}
	keyOf := func(from, to int) string { return strings.Join(skels[from:to], "") } // legalKey(words[from:to])
	var buf []byte
	end := len(words)
	for end > 0 {
		k := legalAt(skels, end-min(maxLegalWords, end), end, true, &buf)
		if k == 0 {
			break
		}
		key := keyOf(end-k, end)
		if out.Legal == "" {
			out.Legal = legalClassOf(key)
		}
		out.Countries = appendNew(out.Countries, legalForms[key]...)
		for i := end - k; i < end; i++ {
			out.Words[i].Kind = Legal
		}
		end -= k
	}
	// And at the start, after any stop words ("The Kabushiki Kaisha Toyota"), where only forms
	// of five letters or more are taken: shorter ones are as often a company's initials ("PP
	// Sangyo", "AB Logistics").
	start := 0
	for start < end && stopWords[words[start]] {
		start++
	}
	if k := legalAt(skels, start, end, false, &buf); k > 0 && start+k < end && len(keyOf(start, start+k)) >= 5 {
		out.Countries = appendNew(out.Countries, legalForms[keyOf(start, start+k)]...)
		for i := start; i < start+k; i++ {
			out.Words[i].Kind = Legal
		}
	}
	for i := 0; i < end; i++ {
		if out.Words[i].Kind == Legal {
			continue
		}
		if stopWords[words[i]] {
			out.Words[i].Kind = Stop
		}
	}
	if !slices.ContainsFunc(out.Words, func(w Word) bool { return w.Kind == Regular }) {
		for i := range out.Words {
			out.Words[i].Kind = Regular
		}
		out.Countries, out.Legal = nil, ""
	}
	slices.Sort(out.Countries)
	return out
}

// legalAt returns the length of the longest legal form that ends at end (atEnd) or starts at
// from (otherwise), within the words whose skeletons are skels[from:end]; 0 when none does.
// buf holds the keys tried.
func legalAt(skels []string, from, end int, atEnd bool, buf *[]byte) int {
	for k := min(maxLegalWords, end-from); k > 0; k-- {
		s, e := from, from+k
		if atEnd {
			s, e = end-k, end
		}
		*buf = (*buf)[:0]
		for _, sk := range skels[s:e] {
			*buf = append(*buf, sk...)
		}
		if _, ok := legalForms[string(*buf)]; ok {
			return k
		}
	}
	return 0
}

// MisspeltLegal reports whether a word is a legal form of one word with a typing error
// ("Compnay", "Limted"). Only a word the graph does not know should be taken for one: many
// real words are a letter away from a legal form ("Corporación").
func MisspeltLegal(w Word) bool {
	for _, l := range legalWords {
		if WordSimilarity(w, Word{Text: l, Term: l}) > 0 {
			return true
		}
	}
	return false
}

// Without returns the name with the regular words for which drop is true set aside as legal
// words.
func (c Company) Without(drop func(Word) bool) Company {
	out := Company{Words: append([]Word(nil), c.Words...), Legal: c.Legal, Countries: c.Countries}
	for i, w := range out.Words {
		if w.Kind == Regular && drop(w) {
			out.Words[i].Kind = Legal
		}
	}
	return out
}

// Regular returns the words that name the company.
func (c Company) Regular() []Word {
	out := make([]Word, 0, len(c.Words))
	for _, w := range c.Words {
		if w.Kind == Regular {
			out = append(out, w)
		}
	}
	return out
}

// Terms returns the distinct terms of the regular words, sorted: what the graph indexes a
// company name by.
func (c Company) Terms() []string {
	var out []string
	for _, w := range c.Words {
		if w.Kind == Regular {
			out = append(out, w.Term)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Key is the regular words' terms in order, joined by spaces: two names with the same key are
// the same name however each was written.
func (c Company) Key() string {
	var b strings.Builder
	for _, w := range c.Words {
		if w.Kind == Regular {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w.Term)
		}
	}
	return b.String()
}

// CompanyWords returns the distinct regular words of a company's name and aliases: each text
// with its term, what the graph's index of misspellings is built from.
func CompanyWords(name string, aliases []string) []Word {
	seen := map[string]bool{}
	var out []Word
	for _, n := range append([]string{name}, aliases...) {
		for _, w := range ParseCompany(n).Regular() {
			if !seen[w.Text] {
				seen[w.Text] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// CompanyTerms returns the distinct terms of a company's name and aliases, sorted.
func CompanyTerms(name string, aliases []string) []string {
	return CompanyTermsOf(ParseCompany(name), aliases)
}

// CompanyTermsOf is CompanyTerms of a name already parsed.
func CompanyTermsOf(name Company, aliases []string) []string {
	out := name.Terms()
	for _, a := range aliases {
		out = append(out, ParseCompany(a).Terms()...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// minFuzzyLength is the shortest term matched with a typo; shorter ones must match exactly.
const minFuzzyLength = 4

// WordVariants are the variants of a word as written and of its term, when they differ (a
// misspelling is one edit from what was typed, not always from the term it folds to), and
// the tokens of its trade concepts, which every form of them shares (trade.go).
func WordVariants(w Word) []string {
	vs := Variants(w.Term)
	if w.Text != w.Term {
		vs = append(vs, Variants(w.Text)...)
	}
	return append(vs, tradeTokens(tradeConcepts(w.Text))...)
}

// WordOf returns the regular word a folded text is: its term and its trade concepts. A
// query's two words written as one are probed as WordOf their texts joined.
func WordOf(text string) Word {
	return Word{Text: text, Term: Term(text), Kind: Regular, Trade: tradeConcepts(text)}
}

// Variants returns term and every string made by deleting one of its letters. Two terms
// within one edit of each other (a letter inserted, deleted or replaced, or two neighbouring
// letters swapped) share at least one variant, so an index of variants finds a misspelt word's
// candidates with equality look-ups (the symmetric-delete method of SymSpell). Terms shorter
// than minFuzzyLength have only themselves.
func Variants(term string) []string {
	out := []string{term}
	if len(term) < minFuzzyLength || len(term) > 40 {
		return out
	}
	for i := range len(term) {
		v := term[:i] + term[i+1:]
		if i > 0 && term[i] == term[i-1] {
			continue // the same string as deleting the letter before
		}
		out = append(out, v)
	}
	return out
}

// JoinedParts returns the ways term may be two words of a name written as one, as
// CompareCompanies joins a candidate's neighbouring words (the skeleton of their texts
// joined): for each place term may be cut, the forms the first word's and the second word's
// terms or texts may take. It over-reaches rather than misses: a letter repeated across the
// cut and an e after a, o or u were dropped by the joined skeleton, and a word of three
// letters or less is its own term, not skeletonized.
func JoinedParts(term string) [][2][]string {
	var out [][2][]string
	for k := 1; k < len(term); k++ {
		l, r := term[:k], term[k:]
		lefts, rights := []string{l}, []string{r, l[k-1:] + r}
		if strings.IndexByte("aou", l[k-1]) >= 0 {
			rights = append(rights, "e"+r)
		}
		out = append(out, [2][]string{unskeletons(lefts), unskeletons(rights)})
	}
	return out
}

// unskeletons adds to forms, for each of three letters or less, what a word's text may have
// been before skeleton shortened it: a letter doubled, an e after a, o or u.
func unskeletons(forms []string) []string {
	out := forms
	for _, f := range forms {
		if len(f) > 3 {
			continue
		}
		for i := range len(f) {
			out = append(out, f[:i+1]+f[i:i+1]+f[i+1:])
			if strings.IndexByte("aou", f[i]) >= 0 {
				out = append(out, f[:i+1]+"e"+f[i+1:])
			}
		}
	}
	return out
}
