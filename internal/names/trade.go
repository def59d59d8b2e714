package names

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// Trade words across languages. "Nordwind Energy" is Nordwind Energie GmbH, and "Büttner Steel
// Construction" Büttner Stahlbau GmbH: a company's trade word is often said in English. The
// English trade words of trade_words_en.txt are concepts; trade_words.tsv gives each one's
// forms in the other languages (Wiktionary's translations and definitions), and its English
// initialisms ("IT" for information technology). English words are
// known by their Snowball stem ("Consulting", "Consultants", "Consultancy"), and words of
// other languages as written, with any ending of one or two letters ("Immobilien" of Immobilie,
// "Costruzioni" of costruzione), or of two concepts when it is two forms joined, as German,
// Dutch and Nordic languages write them ("Stahlbau", "Staalbouw", "Maskinfabrik"), and so are
// the plurals and the trade's workshop a language makes of a form (tradePlurals,
// tradeDerived: "Möbler", "Fromagerie"). Two words
// that are forms of one concept pair (WordSimilarity), as do two words joined and the
// compound they are written as; the graph finds a word's forms through its concept tokens,
// variants of every word that has concepts (WordVariants). The tokens are stored with the
// graph's variants: a change of trade_words.tsv or of the rules here needs a migration that
// empties company_term_variants, as migrations/00020_trade_words.sql does.

// tradeSimilarity is how alike two forms of one concept are: less than a typing error in a
// word of five letters, so that a name as written, or mistyped, comes before its translation.
const tradeSimilarity = 0.6

// tradeMinStem is the fewest letters two forms of a word share when their endings differ.
const tradeMinStem = 5

// tradeMinPart is the fewest letters of either word of a compound ("Bau").
const tradeMinPart = 3

// tradeLinks are the letters German, Dutch and Nordic compounds may join two words with
// ("Heizungsbau", "Maschinenbau").
var tradeLinks = []string{"s", "n", "en", "e", "er"}

var (
	// tradeWords are the concepts: the English words, folded, without spaces.
	tradeWords []string
	// tradeIndex maps each folded form of a concept, and each of a foreign form's stems
	// (tradeKeys), to the concepts it is a form of.
	tradeIndex = map[string][]int32{}
	// tradePrefixes holds the first tradeMinPart letters of every form: a word that starts
	// otherwise is no form, nor two joined.
	tradePrefixes = map[string]bool{}
)

// tradeKeys returns the keys a folded form is known by: itself, and itself without its last
// one or two letters while at least tradeMinStem letters are left.
func tradeKeys(f string) []string {
	keys := []string{f}
	for k := 1; k <= 2 && len(f)-k >= tradeMinStem; k++ {
		keys = append(keys, f[:len(f)-k])
	}
	return keys
}

// englishStem is the Snowball (Porter2) stem of a folded English word.
func englishStem(w string) string {
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	return env.Current()
}

// tradeGeneralWords are the English words of general trades, which a compound's second word
// may be: "-bau", "-technik", "-werke", "-bouw", "-teknik".
var tradeGeneralWords = []string{"construction", "building", "technology", "engineering", "works", "industry"}

// tradeEnglishPrefixes holds the first four letters of every English word.
var tradeEnglishPrefixes = map[string]bool{}

// tradeGeneral holds their concepts.
var tradeGeneral = map[int32]bool{}

// tradeInitials maps each English initialism of a concept ("it", information technology:
// trade_words.tsv's language en) to that concept.
var tradeInitials = map[string]int32{}

// tradeEnglish maps the stem of each English word, and of each phrase written as one word
// ("realestate"), to its concept.
var tradeEnglish = map[string]int32{}

func init() {
	// The English words, each once by its stem, and their forms (language and folded form).
	type entry struct {
		word  string
		forms map[[2]string]bool
	}
	var words []*entry
	byStem := map[string]*entry{}
	initials := map[string]*entry{} // English initialisms ("it"), by their words
	for _, r := range tsvRows(tradeWordsTSV) {
		word := strings.Join(foldWords(r[0]), "")
		e := byStem[englishStem(word)]
		if e == nil {
			e = &entry{word: word, forms: map[[2]string]bool{}}
			byStem[englishStem(word)] = e
			words = append(words, e)
		}
		if r[1] == "en" {
			for _, form := range list(r[2]) {
				if ws := foldWords(form); len(ws) == 1 {
					initials[ws[0]] = e
				}
			}
			continue
		}
		for _, form := range list(r[2]) {
			if ws := foldWords(form); len(ws) == 1 && len(ws[0]) >= tradeMinPart {
				e.forms[[2]string{r[1], ws[0]}] = true
			}
		}
	}
	// English words whose translations overlap are one concept: three forms or more, and a
	// quarter of the forms of the one with fewer ("commerce" and "trade", "lumber" and
	// "timber"). Fewer is chance: a word of many senses ("glass", "fabric") shares one or
	// two forms with many words.
	// isWord reports whether the rest of a word, past a stem or a beginning it shares with
	// another, is itself one of the words ("work" of "glasswork"), by its stem.
	stems := map[string]bool{}
	for _, e := range words {
		stems[englishStem(e.word)] = true
	}
	isWord := func(rest string) bool { return len(rest) >= tradeMinPart && stems[englishStem(rest)] }
	concept := make([]int, len(words))
	for i := range concept {
		concept[i] = i
	}
	var root func(int) int
	root = func(i int) int {
		for concept[i] != i {
			i = concept[i]
		}
		return i
	}
	for i, a := range words {
		for j := i + 1; j < len(words); j++ {
			b, shared := words[j], 0
			for f := range a.forms {
				if b.forms[f] {
					shared++
				}
			}
			// So are two whose stems are one and an ending of up to four letters ("machin",
			// "machineri"; "environ", "environment"), or of two after a stem of four ("roof",
			// "roofer"; "wine", "wineri"), not another of the words ("glass", "glasswork").
			sa, sb := englishStem(a.word), englishStem(b.word)
			if len(sa) > len(sb) {
				sa, sb = sb, sa
			}
			ending := len(sb) - len(sa)
			prefix := strings.HasPrefix(sb, sa) && (len(sa) >= 5 && ending <= 4 || len(sa) == 4 && ending <= 2) &&
				!isWord(sb[len(sa):])
			// And two that begin alike, five letters or more, and share a translation
			// ("automobile" and "automotive", "chemical" and "chemistry"), unless one goes on
			// with another of the words ("glass", "glassworks"; "metal", "metalworking").
			n := 0
			for n < len(a.word) && n < len(b.word) && a.word[n] == b.word[n] {
				n++
			}
			alike := n >= 5 && shared >= 1 && !isWord(a.word[n:]) && !isWord(b.word[n:])
			if prefix || alike || shared >= 3 && shared*4 >= min(len(a.forms), len(b.forms)) {
				if ra, rb := root(i), root(j); ra != rb {
					concept[max(ra, rb)] = min(ra, rb)
				}
			}
		}
	}
	ids := map[int]int32{}
	for i, e := range words {
		r := root(i)
		if _, ok := ids[r]; !ok {
			ids[r] = int32(len(tradeWords))
			tradeWords = append(tradeWords, words[r].word)
		}
		c := ids[r]
		tradeEnglish[englishStem(e.word)] = c
		tradePrefixes[e.word[:tradeMinPart]] = true
		tradeEnglishPrefixes[e.word[:min(4, len(e.word))]] = true
		for f := range e.forms {
			keys := append(tradeKeys(f[1]), tradePlurals(f[0], f[1])...)
			for _, k := range append(keys, tradeDerived(f[0], f[1])...) {
				tradePrefixes[k[:tradeMinPart]] = true
				if !slices.Contains(tradeIndex[k], c) {
					tradeIndex[k] = append(tradeIndex[k], c)
				}
			}
		}
	}
	for form, e := range initials {
		tradeInitials[form] = tradeEnglish[englishStem(e.word)]
	}
	for _, w := range tradeGeneralWords {
		if c, ok := tradeEnglish[englishStem(w)]; ok {
			tradeGeneral[c] = true
		}
	}
}

// tradePlurals returns the plurals of a folded form of language lang that change more than
// an ending tradeKeys drops: Swedish, Danish and Norwegian nouns in -el lose its e (möbel,
// möbler), Portuguese ones in -il and -al end -eis and -ais (têxtil, têxteis), Polish neuter
// nouns in -o end -a and nouns in -el -le (okno, okna; mebel, meble), Italian ones in -o end
// -i (vino, vini).
func tradePlurals(lang, f string) []string {
	if len(f) < 4 {
		return nil
	}
	stem := func(n int) string { return f[:len(f)-n] }
	var out []string
	switch lang {
	case "sv", "da", "no":
		if strings.HasSuffix(f, "el") {
			out = append(out, stem(2)+"ler", stem(2)+"lar")
		}
	case "pt":
		if strings.HasSuffix(f, "il") {
			out = append(out, stem(2)+"eis")
		} else if strings.HasSuffix(f, "al") {
			out = append(out, stem(2)+"ais")
		}
	case "pl":
		if strings.HasSuffix(f, "el") {
			out = append(out, stem(2)+"le")
		} else if strings.HasSuffix(f, "o") {
			out = append(out, stem(1)+"a")
		}
	case "it":
		if strings.HasSuffix(f, "o") {
			out = append(out, stem(1)+"i")
		}
	}
	return out
}

// tradeDerived returns the nouns each language derives from a folded form f of language lang
// for the trade or the workshop of it, which company names are often written with: French
// -erie (fromage, fromagerie; boulanger, boulangerie), Spanish and Italian -ería and -eria of
// a noun in a vowel (carpintero, carpintería; rubinetto, rubinetteria), German -ei and Dutch
// -ij of a noun in -er (Bäcker, Bäckerei; bakker, bakkerij), Swedish, Danish and Norwegian
// -eri (snickare, snickeri; snedker, snedkeri; brygger, bryggeri), and Czech -ctví and Polish
// -ctwo of a noun in -ník and -nik (zámečník, zámečnictví). They are known as written (and
// with a plural s), and only of forms of tradeMinStem letters or more: not by tradeKeys's
// shorter stems, which would take "Vesterål" for a vesteri.
func tradeDerived(lang, f string) []string {
	if len(f) < tradeMinStem {
		return nil // "mata", materia: a short word's are other words
	}
	vowel := strings.ContainsRune("aeiouy", rune(f[len(f)-1]))
	var out []string
	switch lang {
	case "fr":
		switch {
		case strings.HasSuffix(f, "erie"):
		case strings.HasSuffix(f, "er"):
			out = append(out, f+"ie")
		case strings.HasSuffix(f, "e"):
			out = append(out, f[:len(f)-1]+"erie")
		case !vowel:
			out = append(out, f+"erie")
		}
	case "es", "it":
		stem := f[:len(f)-1]
		if strings.HasSuffix(f, "ero") || strings.HasSuffix(f, "era") {
			stem = f[:len(f)-3] // carpintero, carpintería
		}
		if vowel && !strings.HasSuffix(f, "eria") {
			out = append(out, stem+"eria")
			if lang == "it" {
				out = append(out, stem+"erie") // the plural
			}
		}
	case "de":
		if strings.HasSuffix(f, "er") {
			out = append(out, f+"ei")
		}
	case "nl":
		if strings.HasSuffix(f, "er") {
			out = append(out, f+"ij")
		}
	case "sv", "da", "no":
		switch {
		case strings.HasSuffix(f, "eri"):
		case strings.HasSuffix(f, "are"):
			out = append(out, f[:len(f)-3]+"eri")
		case strings.HasSuffix(f, "er"):
			out = append(out, f+"i")
		case !vowel:
			out = append(out, f+"eri")
		}
	case "cs":
		if strings.HasSuffix(f, "nik") {
			out = append(out, f[:len(f)-1]+"ctvi")
		}
	case "pl":
		if strings.HasSuffix(f, "nik") {
			out = append(out, f[:len(f)-1]+"ctwo")
		}
	}
	return out
}

// tradeForms returns the concepts a folded word is a form of.
func tradeForms(w string) []int32 {
	if len(w) < tradeMinPart || !tradePrefixes[w[:tradeMinPart]] {
		return nil
	}
	// An English trade word is its own concept only. Its stem starts with its first four
	// letters, or three when shorter ("tap"): only such words are stemmed.
	if len(w) < 4 || tradeEnglishPrefixes[w[:4]] || tradeEnglishPrefixes[w[:3]] {
		if c, ok := tradeEnglish[englishStem(w)]; ok {
			return []int32{c}
		}
	}
	var out []int32
	keys := tradeKeys(w)
	if len(w) > tradeMinPart && w[len(w)-1] == 's' {
		keys = append(keys, w[:len(w)-1]) // a plural s ("Vins")
	}
	if s, ok := strings.CutSuffix(w, "oes"); ok && len(s) >= tradeMinPart {
		keys = append(keys, s+"ao") // Portuguese ("Construções", construção)
	}
	for _, k := range keys {
		for _, c := range tradeIndex[k] {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// tradeMemo remembers the concepts of the words asked lately: a graph's names repeat their
// words, and stemming and splitting each one again cost a third of taking a name apart. It is
// emptied when it holds tradeMemoSize words.
var (
	tradeMemo      atomic.Pointer[sync.Map]
	tradeMemoCount atomic.Int64
)

const tradeMemoSize = 1 << 17

// tradeConcepts returns the concepts of a folded word: those it is a form of, and the pairs
// of concepts of two forms it is made of (tradePair): "glassworks" is a concept and glass and
// works, as "Glaswerke" is.
func tradeConcepts(w string) []int32 {
	if c, ok := tradeInitials[w]; ok {
		return []int32{c}
	}
	if len(w) < tradeMinPart || !tradePrefixes[w[:tradeMinPart]] {
		return nil
	}
	memo := tradeMemo.Load()
	if memo == nil || tradeMemoCount.Load() >= tradeMemoSize {
		memo = &sync.Map{}
		tradeMemo.Store(memo)
		tradeMemoCount.Store(0)
	}
	if cs, ok := memo.Load(w); ok {
		return cs.([]int32)
	}
	cs := tradeConceptsOf(w)
	if _, loaded := memo.LoadOrStore(w, cs); !loaded {
		tradeMemoCount.Add(1)
	}
	return cs
}

// tradeConceptsOf is tradeConcepts without the memo.
func tradeConceptsOf(w string) []int32 {
	out := tradeForms(w)
	if len(w) < 2*tradeMinPart || !tradePrefixes[w[:tradeMinPart]] {
		return out
	}
	for k := tradeMinPart; k <= len(w)-tradeMinPart; k++ {
		right := tradeForms(w[k:])
		if len(right) == 0 {
			continue
		}
		left := w[:k]
		lefts := tradeForms(left)
		for _, l := range tradeLinks {
			if s, ok := strings.CutSuffix(left, l); ok && len(s) >= tradeMinPart {
				lefts = append(lefts, tradeForms(s)...)
			}
		}
		out = appendPairs(out, lefts, right)
		// A trade compound whose second word is a general one is the first word's trade too:
		// Heizungsbau is heating, Messtechnik measurement.
		if slices.ContainsFunc(right, func(c int32) bool { return tradeGeneral[c] }) {
			for _, c := range lefts {
				if !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// tradePair is the concept of two concepts said one after the other.
func tradePair(a, b int32) int32 { return int32(len(tradeWords)) + a*int32(len(tradeWords)) + b }

func appendPairs(out, lefts, rights []int32) []int32 {
	for _, a := range lefts {
		for _, b := range rights {
			if p := tradePair(a, b); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// tradeToken is the variant every form of concept c has (WordVariants): "~energy",
// "~steel+construction". Words are letters and digits, so no word is a token.
func tradeToken(c int32) string {
	n := int32(len(tradeWords))
	if c < n {
		return "~" + tradeWords[c]
	}
	c -= n
	return "~" + tradeWords[c/n] + "+" + tradeWords[c%n]
}

// tradeTokens returns the tokens of a word's concepts, and of each concept of a word made of
// two, so that "Stahlbau" finds "Steel Construction" written apart too.
func tradeTokens(concepts []int32) []string {
	n := int32(len(tradeWords))
	var out []string
	for _, c := range concepts {
		out = append(out, tradeToken(c))
		if c >= n {
			out = append(out, tradeToken((c-n)/n), tradeToken((c-n)%n))
		}
	}
	return out
}

// sameTrade reports whether two words are forms of one concept.
func sameTrade(a, b []int32) bool {
	for _, c := range a {
		if slices.Contains(b, c) {
			return true
		}
	}
	return false
}
