package names

import (
	_ "embed"
	"strings"
)

// The word lists, embedded. Each is a TSV file with # comments; see the file for its source.
var (
	//go:embed data/cleanco.tsv
	cleancoTSV string
	//go:embed data/legal_forms_long.tsv
	legalLongTSV string
	//go:embed data/abbreviations.tsv
	abbreviationsTSV string
	//go:embed data/nicknames.tsv
	nicknamesTSV string
	//go:embed data/trade_words.tsv
	tradeWordsTSV string
)

// tsvRows returns the rows of a TSV text, comments and blank lines left out.
func tsvRows(text string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimRight(line, "\r"); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}

// list splits a ;-separated cell.
func list(cell string) []string {
	var out []string
	for _, p := range strings.Split(cell, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// The tables built from the data files once, at start.
var (
	// legalForms holds the countries of each legal form, keyed by its folded words joined
	// ("gmbh", "spzoo", "kabushikikaisha"), so that however its letters are spaced and dotted
	// ("sp. z o.o.", "sp z oo") it is one form; maxLegalWords is the most words one may span.
	legalForms    = map[string][]string{}
	maxLegalWords int
	// abbreviations maps the skeleton of a form of a word to its full form's ("intl":
	// "international").
	abbreviations = map[string]string{}
	// legalWords are the legal forms of one word of five letters or more, for recognizing
	// them misspelt ("Compnay", "Limted").
	legalWords []string
	// legalClass maps a legal form's key to the key standing for every way of writing it
	// ("limited" and "ltd"), as legal_forms_long.tsv pairs them.
	legalClass = map[string]string{}
	// nicknames maps a folded given name or short form to the given names it may stand for.
	nicknames = map[string][]string{}
)

func init() {
	addLegal := func(form string, countries []string) {
		words := splitWords(form)
		if len(words) == 0 {
			return
		}
		key := legalKey(words)
		legalForms[key] = appendNew(legalForms[key], countries...)
		maxLegalWords = max(maxLegalWords, len(foldWords(form)))
		if len(words) == 1 && len(key) >= 5 {
			legalWords = appendNew(legalWords, key)
		}
	}
	for _, r := range tsvRows(cleancoTSV) {
		var countries []string
		if len(r) > 2 {
			countries = list(r[2])
		}
		addLegal(r[0], countries)
	}
	for _, r := range tsvRows(legalLongTSV) {
		countries := list(r[2])
		addLegal(r[0], countries)
		for _, a := range list(r[1]) {
			addLegal(a, countries)
			sameLegal(legalKey(splitWords(r[0])), legalKey(splitWords(a)))
		}
	}
	for _, r := range tsvRows(abbreviationsTSV) {
		full := skeleton(Fold(r[0]))
		for _, a := range list(r[1]) {
			// Forms of more than one word ("co-op") would map each of their words.
			if w := splitWords(a); len(w) == 1 && skeleton(w[0]) != full {
				abbreviations[skeleton(w[0])] = full
			}
		}
	}
	for _, r := range tsvRows(nicknamesTSV) {
		given := Fold(r[0])
		nicknames[given] = appendNew(nicknames[given], given)
		for _, n := range list(r[1]) {
			n = Fold(n)
			nicknames[n] = appendNew(nicknames[n], given)
		}
	}
}

// sameLegal records that two legal-form keys are one form (a union of classes).
func sameLegal(a, b string) {
	ra, rb := legalClassOf(a), legalClassOf(b)
	if ra != rb {
		legalClass[rb] = ra
	}
}

// legalClassOf returns the key standing for a legal form's class.
func legalClassOf(k string) string {
	for {
		p, ok := legalClass[k]
		if !ok || p == k {
			return k
		}
		k = p
	}
}

// legalKey is how a legal form is looked up: its words' skeletons joined, so that however
// its letters are spaced, dotted and transliterated ("sp. z o.o.", "sp z oo"; "osakeyhtiö",
// "osakeyhtioe") it is one form.
func legalKey(words []string) string {
	var b strings.Builder
	for _, w := range words {
		b.WriteString(skeleton(w))
	}
	return b.String()
}

func appendNew(s []string, add ...string) []string {
	for _, a := range add {
		found := false
		for _, x := range s {
			if x == a {
				found = true
				break
			}
		}
		if !found {
			s = append(s, a)
		}
	}
	return s
}
