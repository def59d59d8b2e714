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
`)
	got := defined(entries, []string{"building", "dairy", "paper"})
	require.Equal(t, map[string][]string{"building": {"edilizia"}, "dairy": {"laticínio"}}, got,
		"the first meaning only, by its stem or first word")
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
