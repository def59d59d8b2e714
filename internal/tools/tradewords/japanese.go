package main

import (
	"compress/gzip"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Japanese trade words from JMdict, as FreeDict publishes it for dictd (Debian's
// dict-freedict-jpn-eng: freedict-jpn-eng.index and .dict.dz, CC BY-SA 3.0, the Electronic
// Dictionary Research and Development Group): the nouns written in kanji one of whose English
// glosses is a trade word, in Latin letters as company names write them abroad (運輸, うんゆ:
// Unyu; 工業, こうぎょう: Kogyo).

// readDictd reads a dictd dictionary: each headword's entries' texts.
func readDictd(prefix string) (map[string][]string, error) {
	index, err := os.ReadFile(prefix + ".index")
	if err != nil {
		return nil, err
	}
	f, err := os.Open(prefix + ".dict.dz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(z)
	if err != nil {
		return nil, err
	}
	return parseDictd(string(index), data), nil
}

// parseDictd reads a dictd index (headword, offset and length in dictd's base 64, tab-separated)
// against its data; an entry outside the data is left out.
func parseDictd(index string, data []byte) map[string][]string {
	out := map[string][]string{}
	for _, line := range strings.Split(index, "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			continue
		}
		off, ok1 := dictdNumber(f[1])
		n, ok2 := dictdNumber(f[2])
		if !ok1 || !ok2 || off+n > len(data) {
			continue
		}
		out[f[0]] = append(out[f[0]], string(data[off:off+n]))
	}
	return out
}

const dictdDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func dictdNumber(s string) (int, bool) {
	n := 0
	for _, c := range s {
		d := strings.IndexRune(dictdDigits, c)
		if d < 0 || n > 1<<40 {
			return 0, false
		}
		n = n*64 + d
	}
	return n, s != ""
}

var (
	kanjiRe   = regexp.MustCompile(`^\p{Han}+$`)
	readingRe = regexp.MustCompile(`(?:^|\s)(\p{Hiragana}+) /`)
	headRe    = regexp.MustCompile(`^[^/]*?(\p{Han}+) /`)
	senseRe   = regexp.MustCompile(`^\d+\.\s*`)
)

// japaneseNouns returns, for each English word, the romanized readings (four letters or more)
// of the JMdict nouns written in kanji whose first gloss is that word or its plural, or the
// singular of a phrase.
func japaneseNouns(entries map[string][]string, words []string) map[string][]string {
	out := map[string][]string{}
	for _, head := range slices.Sorted(maps.Keys(entries)) {
		if !kanjiRe.MatchString(head) {
			continue
		}
		for _, text := range entries[head] {
			lines := strings.Split(text, "\n")
			h, r := headRe.FindStringSubmatch(lines[0]), readingRe.FindStringSubmatch(lines[0])
			if h == nil || h[1] != head || r == nil {
				continue
			}
			romaji := Romaji(r[1])
			if len(romaji) < 4 {
				continue
			}
			// The first gloss of the first sense only, and only of a noun: later ones are
			// often another meaning ("design" among a plan's).
			noun := false
			for _, line := range lines[1:] {
				line = senseRe.ReplaceAllString(strings.TrimSpace(line), "")
				if strings.HasPrefix(line, "(") && strings.TrimSpace(unparen(line)) == "" {
					noun = strings.Contains(line, "(noun") // the sense's parts of speech
					continue
				}
				if line == "" {
					continue
				}
				first, _, _ := strings.Cut(unparen(line), ",")
				first, _, _ = strings.Cut(first, ";")
				item := strings.ToLower(strings.TrimSpace(spaceRe.ReplaceAllString(first, " ")))
				// As written, or its plural, or a phrase's singular ("building material"): a stem
				// would take "importance" for import, and "work" is not works.
				w := item
				if !slices.Contains(words, w) {
					w = strings.TrimSuffix(item, "s")
				}
				if !slices.Contains(words, w) && strings.Contains(item, " ") {
					w = item + "s"
				}
				if noun && slices.Contains(words, w) && !slices.Contains(out[w], romaji) {
					out[w] = append(out[w], romaji)
				}
				break
			}
		}
	}
	return out
}

// unparen leaves out what is in parentheses, nested ones too.
func unparen(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Romaji writes kana in Latin letters as Japanese company names are written abroad: Hepburn
// without long vowels (こうぎょう Kogyo, つうしょう Tsusho, じどうしゃ Jidosha). It returns ""
// for text that is not all kana.
func Romaji(kana string) string {
	rs := []rune(kana)
	for i, r := range rs {
		if r >= 'ァ' && r <= 'ヶ' {
			rs[i] = r - 0x60 // katakana as hiragana
		}
	}
	var b strings.Builder
	double := false
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if !unicode.Is(unicode.Hiragana, r) && r != 'ー' {
			return ""
		}
		var syl string
		if i+1 < len(rs) {
			if s, ok := kanaPairs[string(rs[i:i+2])]; ok {
				syl, i = s, i+1
			}
		}
		if syl == "" {
			switch r {
			case 'っ':
				double = true
				continue
			case 'ー':
				continue
			}
			syl = kanaSyllables[r]
		}
		if double && syl != "" {
			if strings.HasPrefix(syl, "ch") {
				b.WriteByte('t')
			} else {
				b.WriteByte(syl[0])
			}
			double = false
		}
		b.WriteString(syl)
	}
	s := b.String()
	// Long vowels are written once: ou and uu as o and u (oo is two words' vowels as often).
	s = strings.ReplaceAll(s, "ou", "o")
	return strings.ReplaceAll(s, "uu", "u")
}

var kanaSyllables = func() map[rune]string {
	m := map[rune]string{}
	rows := []struct {
		kana  string
		latin []string
	}{
		{"あいうえお", []string{"a", "i", "u", "e", "o"}},
		{"かきくけこ", []string{"ka", "ki", "ku", "ke", "ko"}},
		{"がぎぐげご", []string{"ga", "gi", "gu", "ge", "go"}},
		{"さしすせそ", []string{"sa", "shi", "su", "se", "so"}},
		{"ざじずぜぞ", []string{"za", "ji", "zu", "ze", "zo"}},
		{"たちつてと", []string{"ta", "chi", "tsu", "te", "to"}},
		{"だぢづでど", []string{"da", "ji", "zu", "de", "do"}},
		{"なにぬねの", []string{"na", "ni", "nu", "ne", "no"}},
		{"はひふへほ", []string{"ha", "hi", "fu", "he", "ho"}},
		{"ばびぶべぼ", []string{"ba", "bi", "bu", "be", "bo"}},
		{"ぱぴぷぺぽ", []string{"pa", "pi", "pu", "pe", "po"}},
		{"まみむめも", []string{"ma", "mi", "mu", "me", "mo"}},
		{"やゆよ", []string{"ya", "yu", "yo"}},
		{"らりるれろ", []string{"ra", "ri", "ru", "re", "ro"}},
		{"わゐゑをん", []string{"wa", "i", "e", "o", "n"}},
		{"ぁぃぅぇぉ", []string{"a", "i", "u", "e", "o"}},
	}
	for _, row := range rows {
		for i, r := range []rune(row.kana) {
			m[r] = row.latin[i]
		}
	}
	return m
}()

// kanaPairs are the syllables of a kana and a small ya, yu or yo: きゃ kya, しょ sho.
var kanaPairs = func() map[string]string {
	m := map[string]string{}
	for k, base := range map[string]string{"き": "ky", "ぎ": "gy", "し": "sh", "じ": "j", "ち": "ch", "ぢ": "j",
		"に": "ny", "ひ": "hy", "び": "by", "ぴ": "py", "み": "my", "り": "ry"} {
		for small, v := range map[string]string{"ゃ": "a", "ゅ": "u", "ょ": "o"} {
			m[k+small] = base + v
		}
	}
	return m
}()
