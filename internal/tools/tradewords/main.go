// Command tradewords writes internal/names/data/trade_words.tsv: the words, in the languages
// of the countries company names are matched for, of the English trade words in
// internal/names/data/trade_words_en.txt, taken from the English Wiktionary as the Open DSL
// Dictionary Project publishes it (https://github.com/open-dsl-dict/wiktionary-dict, extracted
// by Matthias Buchmeier; CC BY-SA 3.0 or GFDL): the translation tables of each English word
// (dsl/oneway/en-*-enwiktionary.dsl.dz), and, for the languages it has them, the words whose
// definitions are one of the English words (dsl/oneway/*-en-enwiktionary.dsl.dz), and the
// English initialisms that stand for one of them ("IT"). German has no German-English
// dictionary there; with GERMANIZER_DIR, a checkout of github.com/max-degterev/germanizer at
// f6f57fe7, the German words are those whose English translations in Wiktionary, as that
// project collected them (dictionary/nouns_wiktionary), name one of the words (germanNouns).
// With JPN_ENG_DICTD, the path of JMdict for dictd without its extension (Debian's
// dict-freedict-jpn-eng: /usr/share/dictd/freedict-jpn-eng), the Japanese words are also the
// nouns written in kanji one of whose glosses names one of the words, romanized (japanese.go).
// `make trade-words` runs it.
//
// Usage: tradewords DICT_DIR WORDS_FILE [GERMANIZER_DIR [JPN_ENG_DICTD]] > trade_words.tsv
package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	edlib "github.com/hbollon/go-edlib"
)

// languages are the dictionaries read: the languages of the countries the matcher knows
// legal forms for, other than English.
var languages = []string{"cs", "da", "de", "es", "fi", "fr", "it", "ja", "nl", "no", "pl", "pt", "sv"}

func main() {
	if len(os.Args) < 3 || len(os.Args) > 5 {
		fmt.Fprintln(os.Stderr, "usage: tradewords DICT_DIR WORDS_FILE [GERMANIZER_DIR [JPN_ENG_DICTD]]")
		os.Exit(2)
	}
	words, err := readWords(os.Args[2])
	if err != nil {
		fail(err)
	}
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(w, "# English trade words and their translations: english<TAB>language<TAB>forms (;-separated); language")
	fmt.Fprintln(w, "# en gives a word's English initialisms (\"IT\").")
	fmt.Fprintln(w, "# Written by `make trade-words` from the English Wiktionary's translation tables, as published")
	fmt.Fprintln(w, "# by the Open DSL Dictionary Project (github.com/open-dsl-dict/wiktionary-dict, extracted by")
	fmt.Fprintln(w, "# Matthias Buchmeier), and German from the English translations of Wiktionary's German nouns,")
	fmt.Fprintln(w, "# as github.com/max-degterev/germanizer collected them, and Japanese from JMdict (the EDRDG's,")
	fmt.Fprintln(w, "# CC BY-SA 3.0) as Debian's dict-freedict-jpn-eng publishes it. Licence: CC BY-SA 3.0")
	fmt.Fprintln(w, "# (trade_words.LICENSE). Do not edit by hand.")
	// A form that is also an English word of another meaning is left out: "studio", a
	// translation of "paper" in one of its senses, is a word of English names too.
	englishWords := map[string]bool{}
	initials := map[string][]string{}
	for _, lang := range languages {
		text, err := readText(filepath.Join(os.Args[1], "dsl", "oneway", "en-"+lang+"-enwiktionary.dsl.dz"))
		if err != nil {
			fail(err)
		}
		for head := range parseDSL(text) {
			englishWords[strings.ToLower(head)] = true
		}
		for word, forms := range initialisms(text, words) {
			for _, f := range forms {
				if !slices.Contains(initials[word], f) {
					initials[word] = append(initials[word], f)
				}
			}
		}
	}
	// The English initialisms of the words ("IT" for information technology), as language en.
	for _, word := range words {
		if forms := initials[word]; len(forms) > 0 {
			slices.Sort(forms)
			fmt.Fprintf(w, "%s\ten\t%s\n", word, strings.Join(forms, ";"))
		}
	}
	// A cognate stays ("assurance" for insurance): within an edit in three letters of the word.
	otherEnglish := func(form, word string) bool {
		f, w := strings.ToLower(form), strings.ReplaceAll(word, " ", "")
		if !englishWords[f] || stem(f) == stem(w) {
			return false
		}
		return edlib.LevenshteinDistance(f, w)*3 > max(len(f), len(w))
	}
	for _, lang := range languages {
		dir := filepath.Join(os.Args[1], "dsl", "oneway")
		entries, err := readDSL(filepath.Join(dir, "en-"+lang+"-enwiktionary.dsl.dz"))
		if err != nil {
			fail(err)
		}
		defined := map[string][]string{}
		if path := filepath.Join(dir, lang+"-en-enwiktionary.dsl.dz"); exists(path) {
			if defined, err = definedAs(path, words); err != nil {
				fail(err)
			}
		}
		// The languages without a dictionary of their own here have one from elsewhere.
		var more map[string][]string
		switch {
		case lang == "de" && len(os.Args) >= 4:
			more, err = germanNouns(filepath.Join(os.Args[3], "dictionary", "nouns_wiktionary"), words)
		case lang == "ja" && len(os.Args) == 5:
			var jmdict map[string][]string
			if jmdict, err = readDictd(os.Args[4]); err == nil {
				more = japaneseNouns(jmdict, words)
			}
		}
		if err != nil {
			fail(err)
		}
		for word, heads := range more {
			defined[word] = append(defined[word], heads...)
		}
		for _, word := range words {
			var forms []string
			for _, f := range append(translations(entries[word], lang), defined[word]...) {
				if !slices.Contains(forms, f) && !otherEnglish(f, word) {
					forms = append(forms, f)
				}
			}
			if len(forms) > 0 {
				fmt.Fprintf(w, "%s\t%s\t%s\n", word, lang, strings.Join(forms, ";"))
			}
		}
	}
	if err := w.Flush(); err != nil {
		fail(err)
	}
}

// stem is the Snowball (Porter2) stem of an English word, as internal/names compares them.
func stem(w string) string {
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	return env.Current()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// definedAs reads a foreign-to-English dictionary and returns, for each English word, the
// one-word headwords (nouns and adjectives) a definition of which starts with that word (by
// its stem), or with two or three words the first of which is it ("dairy products"), or,
// for a phrase, with three words the first two of which are it ("real-estate agency"), as
// written or before a colon ("Masonry: the art, profession, ..."), qualifiers in
// parentheses left out.
func definedAs(path string, words []string) (map[string][]string, error) {
	entries, err := readDSL(path)
	if err != nil {
		return nil, err
	}
	return defined(entries, words), nil
}

// keyed maps the English words by how a dictionary's text names them: a word by its stem, a
// phrase as written.
func keyed(words []string) map[string]string {
	want := map[string]string{}
	for _, w := range words {
		if strings.Contains(w, " ") {
			want[w] = w
		} else {
			want[stem(w)] = w
		}
	}
	return want
}

// defined is definedAs on a dictionary read.
func defined(entries map[string][]sense, words []string) map[string][]string {
	want := keyed(words)
	// findPhrase finds a phrase as written, or as the first two of three words ("real estate
	// agency").
	findPhrase := func(item string) (string, bool) {
		if w, ok := want[item]; ok && strings.Contains(w, " ") {
			return w, true
		}
		if f := strings.Fields(item); len(f) == 3 {
			if w, ok := want[f[0]+" "+f[1]]; ok && strings.Contains(w, " ") {
				return w, true
			}
		}
		return "", false
	}
	find := func(item string) (string, bool) {
		if w, ok := want[stem(item)]; ok && !strings.Contains(item, " ") {
			return w, true
		}
		if w, ok := findPhrase(item); ok {
			return w, true
		}
		// A definition of two or three words names its first word's trade ("dairy
		// products", "printing office").
		if f := strings.Fields(item); len(f) == 2 || len(f) == 3 {
			if w, ok := want[stem(f[0])]; ok {
				return w, true
			}
		}
		return "", false
	}
	out := map[string][]string{}
	for _, head := range slices.Sorted(maps.Keys(entries)) {
		if strings.Contains(head, " ") || !letterRe.MatchString(head) {
			continue
		}
		for _, s := range entries[head] {
			if s.pos != "n" && s.pos != "adj" && s.pos != "m" && s.pos != "f" && s.pos != "m-p" && s.pos != "f-p" {
				continue
			}
			line, _, _ := strings.Cut(tagRe.ReplaceAllString(s.line, ""), ":")
			line = parenRe.ReplaceAllString(line, "")
			// The first meaning given, only: later ones are often another sense.
			first, _, _ := strings.Cut(strings.ReplaceAll(line, ";", ","), ",")
			item := strings.ToLower(strings.TrimSpace(spaceRe.ReplaceAllString(first, " ")))
			w, ok := find(item)
			if !ok && strings.Contains(item, "-") {
				// "real-estate" is the phrase real estate, but "water-soluble" is not water.
				w, ok = findPhrase(strings.ReplaceAll(item, "-", " "))
			}
			if ok && !slices.Contains(out[w], head) {
				out[w] = append(out[w], head)
			}
		}
	}
	return out
}

// germanNouns reads the German nouns of Wiktionary with their English translations, as
// github.com/max-degterev/germanizer collects them (dictionary/nouns_wiktionary/*.js, entries
// of `word: 'die Beratung, -en'` and `translation: 'discussion, consultation, advice'`), and
// returns, for each English word, the one-word nouns one of whose translations is that word
// (by its stem) or that phrase, qualifiers in parentheses and a leading "especially" left out.
func germanNouns(dir string, words []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, gender := range []string{"feminine", "masculine", "neuter"} {
		b, err := os.ReadFile(filepath.Join(dir, gender+".js"))
		if err != nil {
			return nil, err
		}
		germanTranslated(string(b), words, out)
	}
	return out, nil
}

// germanTranslated adds to out, for each English word, the one-word nouns of a germanizer
// file (js) one of whose translations is that word (by its stem) or that phrase.
func germanTranslated(js string, words []string, out map[string][]string) {
	want := keyed(words)
	for _, m := range germanRe.FindAllStringSubmatch(js, -1) {
		head, translation := m[1], strings.ReplaceAll(m[2], `\'`, "'")
		if !letterRe.MatchString(head) {
			continue
		}
		translation = parenRe.ReplaceAllString(translation, "")
		for _, item := range strings.FieldsFunc(translation, func(r rune) bool { return r == ',' || r == ';' }) {
			item = strings.ToLower(strings.TrimSpace(spaceRe.ReplaceAllString(item, " ")))
			// "engineering, especially mechanical engineering": the narrower sense too.
			item = strings.TrimPrefix(item, "especially ")
			key := item
			if !strings.Contains(item, " ") {
				key = stem(item)
			}
			if w, ok := want[key]; ok && !slices.Contains(out[w], head) {
				out[w] = append(out[w], head)
			}
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "tradewords:", err)
	os.Exit(1)
}

// readWords reads the English words, one a line, # comments left out.
func readWords(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out, nil
}

// initialisms returns, for each of the English words, the initialisms, acronyms and
// abbreviations an English dictionary's text gives for it: the headwords of two to five
// capitals whose sense is that word alone ("IT", initialism of information technology).
func initialisms(text string, words []string) map[string][]string {
	out := map[string][]string{}
	dslLines(text, func(head, line string) {
		if !strings.Contains(line, "[c darkblue]") || !initialRe.MatchString(head) {
			return
		}
		m := posRe.FindStringSubmatch(line)
		g := glossRe.FindStringSubmatch(line)
		if m == nil || g == nil || (m[1] != "initialism" && m[1] != "acronym" && m[1] != "abbreviation") {
			return
		}
		if word := strings.ToLower(strings.TrimSpace(g[1])); slices.Contains(words, word) && !slices.Contains(out[word], head) {
			out[word] = append(out[word], head)
		}
	})
	return out
}

// dslLines calls fn with each indented line of a DSL dictionary's text and the headword it
// is under, comments and blank lines left out.
func dslLines(text string, fn func(head, line string)) {
	var head string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, " "):
			head = strings.TrimSpace(line)
		default:
			fn(head, line)
		}
	}
}

// sense is one sense of a headword: its part of speech and its translation line.
type sense struct{ pos, line string }

// readDSL reads a dictzip'd UTF-16 DSL dictionary into its senses by headword.
func readDSL(path string) (map[string][]sense, error) {
	text, err := readText(path)
	if err != nil {
		return nil, err
	}
	return parseDSL(text), nil
}

// readText reads a dictzip'd UTF-16 DSL dictionary's text.
func readText(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return "", err
	}
	raw, err := io.ReadAll(z)
	if err != nil {
		return "", err
	}
	return decodeUTF16(raw), nil
}

// parseDSL reads a DSL dictionary's text into its senses by headword.
func parseDSL(text string) map[string][]sense {
	out := map[string][]sense{}
	var pos string
	dslLines(text, func(head, line string) {
		switch {
		case strings.Contains(line, "[c darkblue]"):
			pos = ""
			if m := posRe.FindStringSubmatch(line); m != nil {
				pos = m[1]
			}
		case strings.Contains(line, "[m1]"):
			out[head] = append(out[head], sense{pos, line})
		}
	})
	return out
}

func decodeUTF16(b []byte) string {
	if len(b) >= 2 && b[0] == 0xff && b[1] == 0xfe {
		b = b[2:]
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u))
}

var (
	posRe     = regexp.MustCompile(`\[p\]<([a-z]+)>\[/p\]`)
	glossRe   = regexp.MustCompile(`^[^(]*\[i\]\(([^()]*)\)\[/i\]\s*$`)
	initialRe = regexp.MustCompile(`^[A-Z]{2,5}$`)
	germanRe  = regexp.MustCompile(`word: '(?:der|die|das) ([^,']+), [^']*',\s*translation: '((?:[^'\\]|\\.)*)'`)
	tagRe     = regexp.MustCompile(`\[p\].*?\[/p\]|\[i\].*?\[/i\]|\\\[.*?\\\]|\[/?m1?\]|\[/?[a-z]+\]`)
	parenRe   = regexp.MustCompile(`\([^)]*\)`)
	romajiRe  = regexp.MustCompile(`/([^/]*)/`)
	spaceRe   = regexp.MustCompile(`\s+`)
	letterRe  = regexp.MustCompile(`^[\p{L}']+$`) // one word: no spaces, no hyphens ("See-", "Elektro-Auto")
	nounOrAdj = []string{"n", "adj"}
)

// translations returns the one-word translations of a word's noun and adjective senses, in
// the order given, each once. Japanese ones are given in Latin letters (the dictionary's
// romanization), as company names are written abroad.
func translations(senses []sense, lang string) []string {
	var out []string
	for _, s := range senses {
		if !slices.Contains(nounOrAdj, s.pos) {
			continue
		}
		line := s.line
		if lang == "ja" {
			var romaji []string
			for _, m := range romajiRe.FindAllStringSubmatch(line, -1) {
				parts := strings.Split(m[1], ",")
				romaji = append(romaji, strings.TrimSpace(parts[len(parts)-1]))
			}
			line = strings.Join(romaji, ", ")
		}
		line = tagRe.ReplaceAllString(line, "")
		line = parenRe.ReplaceAllString(line, "")
		for _, item := range strings.Split(line, ",") {
			item = strings.TrimSpace(spaceRe.ReplaceAllString(item, " "))
			if lang == "ja" {
				item = strings.ReplaceAll(item, "-", "") // "dendō-no"
			}
			if item == "" || strings.Contains(item, " ") || !letterRe.MatchString(item) {
				continue
			}
			if !slices.Contains(out, item) {
				out = append(out, item)
			}
		}
	}
	return out
}
