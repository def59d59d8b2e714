// Package names compares the names of companies and of people the way people write them:
// in any case and script, with or without legal forms, abbreviated or spelled out, with
// letters swapped, dropped or replaced, with ü written ue and ø written oe. It is pure logic:
// the resolvers give it the candidates and the word statistics they read from the graph.
//
// A name becomes words; each word a term, its matching form: folded to ASCII as a keyboard
// writes it (unidecode), abbreviations spelled out (abbreviations.tsv), then reduced to a
// skeleton that German and Nordic spellings share (ue → u, oe → o, ae → a, doubled letters
// once, a plural s dropped). Legal forms at either end of a company name are set aside
// (cleanco.tsv and legal_forms_long.tsv), as are words such as "the" and "and".
package names

import (
	"strings"
	"unicode/utf8"

	"github.com/gosimple/unidecode"
)

// Fold returns s in lower-case ASCII, each letter as people type it on an ASCII keyboard
// (ß as ss, ø as o, æ as ae, Cyrillic and other scripts transliterated).
func Fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ToLower(unidecode.Unidecode(s))
		}
	}
	return strings.ToLower(s) // ASCII is its own transliteration
}

// HasWords reports whether s holds a letter or a digit in any script.
func HasWords(s string) bool { return len(foldWords(s)) > 0 }

// splitWords folds s and splits it into words of letters and digits. "&" and "+" are the word
// "and"; apostrophes join ("O'Brien" is obrien, "Int'l" intl); a run of single letters is one
// word, as initials of a company name are ("S.A." is sa, "I.B.M." ibm).
func splitWords(s string) []string { return joinInitials(foldWords(s)) }

// foldWords is splitWords without joining initials.
func foldWords(s string) []string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	f := Fold(s)
	// The words' letters go into one buffer, made a string once; each word is a slice of it.
	buf := make([]byte, 0, len(f))
	var ends []int // where each word ends in buf; -1 for "and"
	flush := func(start int) {
		if len(buf) > start {
			ends = append(ends, len(buf))
		}
	}
	start := 0
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			buf = append(buf, c)
		case c == '\'' || c == '`':
			// joins: nothing
		case c == '&' || c == '+':
			flush(start)
			ends = append(ends, -1)
			start = len(buf)
		default:
			flush(start)
			start = len(buf)
		}
	}
	flush(start)
	all := string(buf)
	words := make([]string, 0, len(ends))
	from := 0
	for _, e := range ends {
		if e < 0 {
			words = append(words, "and")
			continue
		}
		words = append(words, all[from:e])
		from = e
	}
	return words
}

// joinInitials merges runs of one-letter words ("s a" from "S.A.") into one word ("sa").
func joinInitials(words []string) []string {
	out := words[:0:0]
	for i := 0; i < len(words); {
		j := i
		for j < len(words) && len(words[j]) == 1 {
			j++
		}
		if j-i > 1 {
			out = append(out, strings.Join(words[i:j], ""))
			i = j
			continue
		}
		out = append(out, words[i])
		i++
	}
	return out
}

// skeleton is the form of a folded word that spellings of one name share: ue, oe and ae as
// the vowel alone (ü, ö, ø, ä and æ as German and Nordic keyboards write them) and doubled
// letters once (å as aa, ß as ss, and a typed letter twice). Words with digits, and initials
// of three letters or fewer ("PP", "ABB"), are kept as they are.
func skeleton(w string) string {
	if len(w) <= 3 || strings.ContainsAny(w, "0123456789") {
		return w
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c == 'e' && i > 0 && (w[i-1] == 'a' || w[i-1] == 'o' || w[i-1] == 'u') {
			continue
		}
		if len(b) > 0 && b[len(b)-1] == c {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}
