package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// dsl is a piece of a dictionary as the Open DSL Dictionary Project writes it (after UTF-16).
const dsl = `#NAME "Wiktionary English-German"
construction
	[b][c darkblue]~[/c][/b] [p]<n>[/p] [i](trade of building)[/i]
	[m1]Bau [p]<m>[/p], Bauwesen [p]<n>[/p][/m]

construction
	[b][c darkblue]~[/c][/b] [p]<n>[/p] [i](structure)[/i]
	[m1]Bauwerk [p]<n>[/p], Bau \[colloquial\] [p]<m>[/p][/m]

construct
	[b][c darkblue]~[/c][/b] [p]<v>[/p] [i](to build)[/i]
	[m1]bauen[/m]

maritime
	[b][c darkblue]~[/c][/b] [p]<adj>[/p]
	[m1]maritim, See- (in compounds), Elektro-Auto[/m]

shipbuilding
	[b][c darkblue]~[/c][/b] [p]<n>[/p]
	[m1]造船 /ぞうせん, zōsen/, 造船業 /zōsen-gyō/[/m]
`

func TestTranslations(t *testing.T) {
	entries := parseDSL(dsl)
	require.Equal(t, []string{"Bau", "Bauwesen", "Bauwerk"}, translations(entries["construction"], "de"), "each once, in order")
	require.Empty(t, translations(entries["construct"], "de"), "verbs are left out")
	require.Equal(t, []string{"maritim"}, translations(entries["maritime"], "de"), "no parts of compounds, no phrases")
	require.Equal(t, []string{"zōsen", "zōsengyō"}, translations(entries["shipbuilding"], "ja"), "Japanese in Latin letters")
}

func TestDefinedAs(t *testing.T) {
	// definedAs reads a file; its matching is checked through parseDSL's output here.
	entries := parseDSL(`edilizia
	[b][c darkblue]~[/c][/b] [p]<f>[/p]
	[m1]building (the trade)[/m]

laticínio
	[b][c darkblue]~[/c][/b] [p]<m>[/p]
	[m1]dairy products[/m]

studio
	[b][c darkblue]~[/c][/b] [p]<m>[/p]
	[m1]study, paper[/m]

inmobiliaria
	[b][c darkblue]~[/c][/b] [p]<f>[/p]
	[m1]real-estate agency[/m]

inmobiliario
	[b][c darkblue]~[/c][/b] [p]<adj>[/p]
	[m1]real-estate (related to real estate)[/m]

realista
	[b][c darkblue]~[/c][/b] [p]<adj>[/p]
	[m1]real, estate-minded[/m]

hidrosoluble
	[b][c darkblue]~[/c][/b] [p]<adj>[/p]
	[m1]water-soluble[/m]
`)
	got := defined(entries, []string{"building", "dairy", "paper", "real estate", "water"})
	require.Equal(t, map[string][]string{"building": {"edilizia"}, "dairy": {"laticínio"},
		"real estate": {"inmobiliaria", "inmobiliario"}}, got,
		"the first meaning only, by its stem or first word, or a phrase, hyphenated or before a third word")
}

func FuzzParseDSL(f *testing.F) {
	f.Add(dsl)
	f.Add("head\n\t[m1]a, b [p]<n>[/p][/m]\n")
	f.Fuzz(func(t *testing.T, text string) {
		entries := parseDSL(text)
		for _, senses := range entries {
			for _, lang := range []string{"de", "ja"} {
				for _, w := range translations(senses, lang) {
					if w == "" || strings.ContainsAny(w, " ,-") || !utf8.ValidString(w) {
						t.Fatalf("translation %q", w)
					}
				}
			}
		}
		defined(entries, []string{"building", "real estate"})
	})
}

func TestInitialisms(t *testing.T) {
	got := initialisms(`IT
	[b][c darkblue]~[/c][/b] [p]<initialism>[/p] [i](information technology)[/i]
	[m1]IT [p]<f>[/p][/m]

it
	[b][c darkblue]~[/c][/b] [p]<pron>[/p] [i](information technology)[/i]

EU
	[b][c darkblue]~[/c][/b] [p]<initialism>[/p] [i](European Union)[/i]

ICT
	[b][c darkblue]~[/c][/b] [p]<initialism>[/p] [i](information and communication technology)[/i] (in computing)
`, []string{"information technology", "computing"})
	require.Equal(t, map[string][]string{"information technology": {"IT"}}, got,
		"capitals only, standing for the word alone")
}

// germanJS is a piece of germanizer's dictionary/nouns_wiktionary/feminine.js.
const germanJS = `module.exports = [
  {
    word: 'die Beratung, -en',
    translation: 'discussion, consultation, advice',
  },
  {
    word: 'die Spedition, -en',
    translation: 'forwarding, carriage, (Speditionsfirma) forwarding agency, (Möbelspedition) furniture removal',
  },
  {
    word: 'die Abendbrotzeit, -en',
    translation: 'supper (the evening\'s meal), dinner',
  },
  {
    word: 'der Maschinenbau, -x',
    translation: 'engineering, especially mechanical engineering',
  },
  {
    word: 'die erneuerbare Energie, -n',
    translation: 'renewable energy',
  },
]`

func TestGermanTranslated(t *testing.T) {
	got := map[string][]string{}
	germanTranslated(germanJS, []string{"consulting", "forwarding", "removal", "renewable energy", "dinner",
		"engineering", "mechanical engineering"}, got)
	require.Equal(t, map[string][]string{"consulting": {"Beratung"}, "forwarding": {"Spedition"}, "dinner": {"Abendbrotzeit"},
		"engineering": {"Maschinenbau"}, "mechanical engineering": {"Maschinenbau"}}, got,
		"a translation by its stem, or what it is especially; phrases of other words and nouns of two words are left out")
}

func FuzzGermanTranslated(f *testing.F) {
	f.Add(germanJS)
	f.Fuzz(func(t *testing.T, js string) {
		out := map[string][]string{}
		germanTranslated(js, []string{"consulting", "real estate"}, out)
		for _, heads := range out {
			for _, h := range heads {
				if h == "" || strings.ContainsAny(h, " ,'") || !utf8.ValidString(h) {
					t.Fatalf("noun %q", h)
				}
			}
		}
	})
}

func TestRomaji(t *testing.T) {
	for _, c := range []struct{ kana, want string }{
		{"うんゆ", "unyu"},
		{"こうぎょう", "kogyo"}, // long vowels written once
		{"つうしょう", "tsusho"},
		{"じどうしゃ", "jidosha"},
		{"てっこう", "tekko"}, // a small tsu doubles what follows
		{"せいさくしょ", "seisakusho"},
		{"かいうん", "kaiun"},
		{"マッチ", "matchi"}, // katakana, and a doubled ch
		{"コンピューター", "konpyuta"},
		{"運輸", ""}, // not kana
	} {
		require.Equal(t, c.want, Romaji(c.kana), c.kana)
	}
}

// jmdict is a piece of JMdict as FreeDict writes it for dictd: an index and its data.
const jmdict = ` [ichi1]  [news1]  [nf03]  運輸 /x/,  [ichi1]  [news1]  [nf03] うんゆ /y/
(noun (common) (futsuumeishi))
transportation
 [ichi1]  電子 /x/,  [ichi1] でんし /y/
1. (noun (common) (futsuumeishi))
electron
2. (esp. as a prefix) electronic, electronics
 勤倹 /x/, きんけん /y/
(adjectival nouns or quasi-adjectives (keiyodoshi))
thrift, industry
 [news1]  建材 /x/,  [news1] けんざい /y/
(noun (common) (futsuumeishi))
building material
`

func TestJapaneseNouns(t *testing.T) {
	a, b, c := strings.Index(jmdict, " [ichi1]  電子"), strings.Index(jmdict, " 勤倹"), strings.Index(jmdict, " [news1]  建材")
	index := "運輸\tA\t" + dictdString(a) + "\n電子\t" + dictdString(a) + "\t" + dictdString(b-a) + "\n勤倹\t" +
		dictdString(b) + "\t" + dictdString(c-b) + "\n建材\t" + dictdString(c) + "\t" + dictdString(len(jmdict)-c) +
		"\nbad\t!\tA\n"
	entries := parseDictd(index, []byte(jmdict))
	require.Len(t, entries, 4, "the bad line is left out")
	got := japaneseNouns(entries, []string{"transportation", "electronics", "industry", "building materials"})
	require.Equal(t, map[string][]string{"transportation": {"unyu"}, "building materials": {"kenzai"}}, got,
		"a noun's first gloss only, or its plural: not a second sense, not another part of speech")
}

func dictdString(n int) string {
	if n == 0 {
		return "A"
	}
	var s string
	for ; n > 0; n /= 64 {
		s = string(dictdDigits[n%64]) + s
	}
	return s
}

func FuzzJapanese(f *testing.F) {
	f.Add("運輸\tA\tBk\n", jmdict)
	f.Fuzz(func(t *testing.T, index, data string) {
		entries := parseDictd(index, []byte(data))
		for _, forms := range japaneseNouns(entries, []string{"transportation", "real estate"}) {
			for _, f := range forms {
				if len(f) < 4 || strings.ContainsFunc(f, func(r rune) bool { return r < 'a' || r > 'z' }) {
					t.Fatalf("form %q", f)
				}
			}
		}
	})
}
