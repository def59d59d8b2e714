package names

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestParseCompany(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, key, legal string
		countries      []string
	}{
		{"Acme Logistics", "acme logistics", "", nil},
		{"ACME LOGISTICS, INC.", "acme logistics", "inc", []string{"CA", "PH", "US", "ZA"}},
		{"acme-logistics llc", "acme logistics", "llc", []string{"PH", "US"}},
		{"The Acme Logistics Company", "acme logistics", "company", []string{"US"}},
		{"Müller Maschinenbau GmbH & Co. KG", "muler maschinenbau", "gmbhandcokg", []string{"DE"}},
		{"Mueller Maschinenbau Gesellschaft mit beschraenkter Haftung", "muler maschinenbau", "gmbh", []string{"AT", "CH", "DE", "LI"}},
		{"Kabushiki Kaisha Toyota Jidosha", "toyota jidosha", "", []string{"JP"}},
		{"The Kabushiki Kaisha Toyota Jidosha", "toyota jidosha", "", []string{"JP"}},
		{"Toyota Jidosha K.K.", "toyota jidosha", "kk", []string{"JP"}},
		{"Nordic Timber Aktiebolag", "nordic timber", "ab", []string{"FI", "SE"}},
		{"Ørsted Wind A/S", "orsted wind", "as", []string{"CZ", "DK", "LV", "NO", "SK", "TR"}},
		{"Oersted Wind Aktieselskab", "orsted wind", "as", []string{"DK"}},
		{"Intl Business Mgmt Svcs Pty Ltd", "international busines management services", "ptyltd", []string{"AU", "ZA"}},
		{"Kowalski sp. z o.o.", "kowalski", "spzoo", []string{"PL"}},
		{"Kowalski sp z oo", "kowalski", "spzoo", []string{"PL"}},
		{"Spółka z ograniczoną odpowiedzialnością Kowalski", "kowalski", "", []string{"PL"}},
		{"ООО Газпром", "ooo gazprom", "", nil}, // a form of three letters is not taken at the start
		{"Grupo Bimbo, S.A.B. de C.V.", "grupo bimbo", "sabdecv", []string{"MX"}},
		{"PP Sangyo K.K.", "pp sangyo", "kk", []string{"JP"}},
		{"Smith & Sons", "smith sons", "", nil},
		{"Smith and Sons", "smith sons", "", nil},
		{"O'Reilly Media, Inc.", "oreily media", "inc", []string{"CA", "PH", "US", "ZA"}},
		{"3M Company", "3m", "company", []string{"US"}},
		{"Limited", "limited", "", nil},
		{"The Company", "the company", "", nil},
		{"", "", "", nil},
	}
	for _, tc := range tests {
		c := ParseCompany(tc.in)
		require.Equal(t, tc.key, c.Key(), tc.in)
		if tc.legal != "" {
			require.Equal(t, legalClassOf(tc.legal), c.Legal, tc.in)
		}
		require.Equal(t, tc.countries, c.Countries, tc.in)
	}
	// A legal form however written is one form: the tie-break between namesakes.
	require.Equal(t, ParseCompany("Summit Health Ltd").Legal, ParseCompany("Summit Health Limited").Legal)
	require.NotEqual(t, ParseCompany("Summit Health Ltd").Legal, ParseCompany("Summit Health Inc.").Legal)
}

func TestTerm(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"intl": "international", "international": "international", "mgmt": "management", "svcs": "services",
		"mfg": "manufacturing", "technologies": "technology", "tech": "technology", "centre": "center",
		"muller": "muler", "mueller": "muler", "strasse": "strase", "aalborg": "alborg", "acme": "acme", "pp": "pp",
	} {
		require.Equal(t, want, Term(in), in)
	}
}

func TestTermSimilarity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want float64
	}{
		{"logistics", "logistics", 1},
		{"logistics", "logsitics", 1 - 1.5/9}, // two letters swapped: one edit
		{"logistics", "logistic", 1 - 1.5/9},  // one dropped
		{"logistics", "logistcs", 1 - 1.5/9},
		{"acme", "acne", 1 - 1.5/4},
		{"talon", "talora", 0}, // two edits: another word
		{"abc", "abd", 0},      // too short for a typo
		{"3m", "3n", 0},        // digits match exactly or not at all
		{"logistics", "logisticians", 0},
	}
	for _, tc := range tests {
		require.InDelta(t, tc.want, TermSimilarity(tc.a, tc.b), 1e-9, "%s %s", tc.a, tc.b)
		require.InDelta(t, tc.want, TermSimilarity(tc.b, tc.a), 1e-9, "%s %s", tc.b, tc.a)
	}
	// A typo next to a spelling the skeleton folds ("ae", a doubled letter) still counts once.
	require.Greater(t, WordSimilarity(Word{Text: "wallae", Term: skeleton("wallae")}, Word{Text: "wallace", Term: skeleton("wallace")}), 0.0)
}

func TestVariants(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"abc"}, Variants("abc"))
	require.Equal(t, []string{"acme", "cme", "ame", "ace", "acm"}, Variants("acme"))
	require.Equal(t, []string{"mule", "ule", "mle", "mue", "mul"}, Variants("mule"))
	// Every pair of terms one edit apart shares a variant.
	r := rand.New(rand.NewPCG(1, 2))
	letters := "abcdefghijklmnopqrstuvwxyz"
	for range 2000 {
		n := 4 + r.IntN(8)
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[r.IntN(26)]
		}
		a := string(b)
		e := []byte(a)
		switch i := 1 + r.IntN(n-2); r.IntN(4) {
		case 0:
			e[i], e[i+1] = e[i+1], e[i]
		case 1:
			e[i] = letters[r.IntN(26)]
		case 2:
			e = append(e[:i], e[i+1:]...)
		default:
			e = append(e[:i], append([]byte{letters[r.IntN(26)]}, e[i:]...)...)
		}
		va, ve := Variants(a), Variants(string(e))
		require.True(t, slices.ContainsFunc(va, func(v string) bool { return slices.Contains(ve, v) }), "%s %s", a, e)
	}
}

func TestCompareCompanies(t *testing.T) {
	t.Parallel()
	// Weights as in a graph of 3,000 companies: "cumberland" in 5 names, industry words in 30,
	// "international" in 300.
	df := map[string]int{"cumberland": 5, "solar": 30, "water": 30, "international": 300, "talora": 1, "renewables": 30}
	weight := func(term string) float64 { return IDF(df[term], 3000) }
	score := func(q, c string) float64 {
		cmp := CompareCompanies(ParseCompany(q), ParseCompany(c), weight)
		least := 3000
		for _, t := range cmp.Matched {
			least = min(least, max(df[t], 1))
		}
		return cmp.Score(min(least, 1), 3000)
	}
	exact := score("Cumberland Solar International", "Cumberland Solar International Ltd")
	require.Greater(t, exact, 7.0)
	for _, variant := range []string{"CUMBERLAND SOLAR INTL", "Cumberland Solar International Limited", "Cumberlnad Solar International",
		"Cumberland Solar", "The Cumberland Solar International Company"} {
		s := score(variant, "Cumberland Solar International Ltd")
		require.Greater(t, s, 3.0, variant)
		require.LessOrEqual(t, s, exact, variant)
	}
	// A differing distinctive word sinks a candidate: these are other companies.
	require.Less(t, score("Cumberland Water International", "Cumberland Solar International Ltd"), 0.0)
	require.Less(t, score("Talon Renewables", "Talora Renewables"), 0.0)
	// Two words of one name are one word of the other.
	require.Greater(t, score("North Wind Technologies", "Northwind Technologies"), 6.0)

	// A short form, the first words as written and no legal form, leaves the name's other
	// words counting at leftOut; anything else counts them whole.
	df["nordwind"], df["energie"], df["aurora"] = 1, 5, 5
	answer := CompanyCalibration.Answer
	for _, c := range []struct {
		q, name string
		found   bool
	}{
		{"Nordwind", "Nordwind Energie GmbH", true},
		{"nordwind", "Nordwind Energie International AG", true},
		{"Nordwind Solar", "Nordwind Energie GmbH", false},                  // another trade
		{"Nordwind GmbH", "Nordwind Energie Solar International AG", false}, // a full name, not a short form
		{"Nordwnd", "Nordwind Energie Solar International AG", false},       // a typo on top
		{"Solar International", "Nordwind Solar International AG", false},   // the distinctive word left out
	} {
		s := score(c.q, c.name)
		require.Equal(t, c.found, s >= answer, "%q for %q: %.2f against %.2f", c.q, c.name, s, answer)
	}
}

func TestPeople(t *testing.T) {
	t.Parallel()
	jane := ParsePerson("Jane Ann Doe")
	tests := []struct {
		q    string
		want bool // matches Jane Ann Doe
	}{
		{"Jane Doe", true}, {"JANE DOE", true}, {"Doe, Jane", true}, {"Doe Jane", true}, {"J. Doe", true},
		{"Jane A. Doe", true}, {"Dr. Jane Doe Jr.", true}, {"Jnae Doe", true}, {"Jane Deo", false},
		{"John Doe", false}, {"Jane Smith", false}, {"Jane B. Doe", true}, {"Doe", true},
	}
	for _, tc := range tests {
		s := ComparePeople(ParsePerson(tc.q), jane)
		require.Equal(t, tc.want, s > 0, "%s: %v", tc.q, s)
	}
	require.Greater(t, ComparePeople(ParsePerson("Jane Smiht"), ParsePerson("Jane Smith")), 0.8, "a typo in a name of four letters or more")
	require.Greater(t, ComparePeople(ParsePerson("Bob Smith"), ParsePerson("Robert Smith")), 0.8, "nickname")
	require.Greater(t, ComparePeople(ParsePerson("Liz Taylor"), ParsePerson("Elizabeth Taylor")), 0.8, "nickname")
	require.Greater(t, ComparePeople(ParsePerson("Jürgen Müller"), ParsePerson("Juergen Mueller")), 0.99, "transliteration")
	require.Greater(t, ComparePeople(ParsePerson("José García"), ParsePerson("Jose Garcia")), 0.99, "diacritics")
	require.Greater(t, ComparePeople(ParsePerson("VAN DEN BERG Ingrid"), ParsePerson("Ingrid van den Berg")), 0.99, "particles")
	require.Less(t, ComparePeople(ParsePerson("J. Doe"), jane), ComparePeople(ParsePerson("Jane Doe"), jane), "an initial says less")
	require.LessOrEqual(t, ComparePeople(ParsePerson("Doe"), jane), 0.5, "one word names nobody for certain")
}

func TestFitSteps(t *testing.T) {
	t.Parallel()
	// Rightness rising with the score: steps rise, and only the top ones reach 0.9, where
	// the answers together are right at least 99.5% of the time.
	var s []Sample
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 20000 {
		x := float64(i) / 2000 // 0 to 10
		p := 1 / (1 + math.Exp(-(x-3)*2))
		s = append(s, Sample{Raw: x, Right: r.Float64() < p})
	}
	steps := FitSteps(s, 40, 0.9, 0.995)
	require.NotEmpty(t, steps)
	for i := 1; i < len(steps); i++ {
		require.Greater(t, steps[i].P, steps[i-1].P)
		require.Greater(t, steps[i].From, steps[i-1].From)
	}
	var right, all int
	for _, x := range s {
		c := Calibration{Steps: steps}.Confidence(x.Raw, 1)
		if c >= 0.9 {
			all++
			if x.Right {
				right++
			}
		}
	}
	require.Greater(t, all, 5000)
	require.GreaterOrEqual(t, float64(right)/float64(all), 0.995)
}

func TestFitCalibration(t *testing.T) {
	t.Parallel()
	var cases []Case
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 4000 {
		switch {
		case i%4 == 0: // absent: a poor best candidate
			cases = append(cases, Case{Scores: []float64{r.Float64() * 3}, Priors: []float64{1}, Right: []bool{false}})
		case i%10 == 1: // namesakes: two equal candidates, the second the right one half the time
			right := r.IntN(2) == 0
			cases = append(cases, Case{Scores: []float64{7, 7}, Priors: []float64{1, 1}, Right: []bool{!right, right}})
		default:
			cases = append(cases, Case{Scores: []float64{4 + r.Float64()*4, r.Float64()}, Priors: []float64{1, 1}, Right: []bool{true, false}})
		}
	}
	cal, st := FitCalibration(cases, 0.0025, []float64{0.5, 1, 3})
	require.Greater(t, cal.Answer, 2.9)
	require.LessOrEqual(t, st.AbsentAnswered, 3)
	require.Less(t, cal.Confidence(7, 0.5), 0.9, "namesakes share the confidence")
	require.GreaterOrEqual(t, cal.Confidence(6, 1), 0.9)
}

func FuzzParseCompany(f *testing.F) {
	for _, s := range []string{"Acme Logistics, Inc.", "Société Générale S.A.", "Smith & Co", "Inc", "Kabushiki Kaisha Toyota", "sp. z o.o.", "ООО"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c := ParseCompany(in)
		for _, w := range c.Words {
			if w.Text == "" || strings.ContainsAny(w.Text, " \t") || !utf8.ValidString(w.Term) {
				t.Fatalf("ParseCompany(%q): bad word %+v", in, w)
			}
		}
		if len(c.Words) > 0 && len(c.Regular()) == 0 {
			t.Fatalf("ParseCompany(%q) left no regular word: %+v", in, c.Words)
		}
		// Its own words, written out again, are the same name.
		texts := make([]string, len(c.Words))
		for i, w := range c.Words {
			texts[i] = w.Text
		}
		if again := ParseCompany(strings.Join(texts, " ")); again.Key() != c.Key() {
			t.Fatalf("ParseCompany(%q).Key() = %q, but its words %q give %q", in, c.Key(), texts, again.Key())
		}
	})
}

func FuzzParsePerson(f *testing.F) {
	for _, s := range []string{"Jane Doe", "Doe, Jane", "Dr. Jürgen Müller Jr.", "VAN DEN BERG Ingrid", ","} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p := ParsePerson(in)
		s := ComparePeople(p, p)
		if s < 0 || s > 1 || math.IsNaN(s) {
			t.Fatalf("ComparePeople(%q, itself) = %v", in, s)
		}
		if len(p.Parts) >= 2 && len(p.Parts[len(p.Parts)-1].Text) > 1 && s < 0.99 {
			t.Fatalf("ComparePeople(%q, itself) = %v, want 1", in, s)
		}
	})
}

func TestTradePlurals(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lang, form string
		want       []string
	}{
		{"sv", "mobel", []string{"mobler", "moblar"}},
		{"da", "mobel", []string{"mobler", "moblar"}},
		{"pt", "textil", []string{"texteis"}},
		{"pt", "metal", []string{"metais"}},
		{"pl", "okno", []string{"okna"}},
		{"pl", "mebel", []string{"meble"}},
		{"it", "vino", []string{"vini"}},
		{"de", "mobel", nil}, // German plurals keep the word (Möbel)
		{"it", "oro", nil},   // too short
	} {
		require.Equal(t, c.want, tradePlurals(c.lang, c.form), "%s %s", c.lang, c.form)
	}
}

func TestTradeDerived(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lang, form string
		want       []string
	}{
		{"fr", "fromage", []string{"fromagerie"}},
		{"fr", "boulanger", []string{"boulangerie"}},
		{"fr", "parfum", []string{"parfumerie"}},
		{"fr", "menuiserie", nil}, // derived already
		{"es", "carpintero", []string{"carpinteria"}},
		{"it", "rubinetto", []string{"rubinetteria", "rubinetterie"}},
		{"de", "backer", []string{"backerei"}},
		{"nl", "bakker", []string{"bakkerij"}},
		{"sv", "snickare", []string{"snickeri"}},
		{"da", "brygger", []string{"bryggeri"}},
		{"cs", "zamecnik", []string{"zamecnictvi"}},
		{"pl", "ogrodnik", []string{"ogrodnictwo"}},
		{"es", "mata", nil}, // too short: "materia" is another word
		{"pt", "padeiro", nil},
	} {
		require.Equal(t, c.want, tradeDerived(c.lang, c.form), "%s %s", c.lang, c.form)
	}
}

func TestTradeWords(t *testing.T) {
	t.Parallel()
	// Pairs of words of company names that say one trade, one of them in English or both in
	// other languages, and pairs that do not.
	same := func(a, b string) bool {
		cmp := CompareCompanies(ParseCompany("Nordwind "+a), ParseCompany("Nordwind "+b), func(string) float64 { return 3 })
		return cmp.Unmatched == 0 && cmp.LeftOut == 0
	}
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"Energy", "Energie", true},
		{"Energies", "Energía", true},
		{"Real Estate", "Immobilien", true}, // a phrase, and a plural of the translation
		{"Real Estate", "Vastgoed", true},
		{"Construction", "Costruzioni", true}, // another ending of costruzione
		{"Insurance", "Assurances", true},     // a cognate that is an English word too
		{"Steel Construction", "Stahlbau", true},
		{"Steel Construction", "Stålkonstruktion", true},
		{"Logistics", "Logistik", true},
		{"Construction", "Construções", true}, // a Portuguese plural
		{"Glassworks", "Glaswerke", true},     // glass and works, as the compound
		{"Machinery", "Maskin", true},         // machinery and machine are one
		{"Taps", "Rubinetti", true},           // an English word of three letters, plural
		{"Furniture", "Mobilio", true},
		{"Shipbuilding", "Zosen", true}, // Japanese, in Latin letters
		{"Consulting", "Consultants", true},
		{"Consulting", "Beratung", true},                    // a German noun's English translation
		{"Environmental Technology", "Umwelttechnik", true}, // environment and environmental are one
		{"IT", "Informatique", true},                        // an English initialism
		{"Automotive", "Automobile", true},                  // begin alike and share a translation
		{"Chemicals", "Chemie", true},
		{"Furniture", "Möbler", true}, // plurals that change more than an ending
		{"Textiles", "Têxteis", true},
		{"Windows", "Okna", true},
		{"Wines", "Vini", true},
		{"Transport", "Unyu", true}, // JMdict's nouns, romanized
		{"Industries", "Kogyo", true},
		{"Building Materials", "Kenzai", true},           // a phrase's singular
		{"Mechanical Engineering", "Maschinenbau", true}, // what a translation is "especially"
		{"Real Estate", "Inmobiliaria", true},            // "real-estate agency"
		{"Roofing", "Dachdeckerei", true},                // a stem of four letters and an ending of two
		{"Wineries", "Cantine", true},
		{"Shipyard", "Shipping", false}, // not an ending of four after a stem of four
		{"Cheese", "Fromagerie", true},  // a trade's workshop, derived from a form
		{"Taps", "Rubinetterie", true},
		{"Clothing", "Vesterål", false}, // not by a shorter stem of a derived word
		{"IT", "Technik", false},        // information technology is not technology
		{"Environmental", "Energie", false},
		{"Solar", "Energie", false},
		{"Studios", "Paper", false}, // "studio" is an English word of another meaning
		{"Sees", "Maritime", false}, // "See-" is no word
		{"Energy", "Elektro", false},
	} {
		require.Equal(t, c.same, same(c.a, c.b), "%s and %s", c.a, c.b)
		require.Equal(t, c.same, same(c.b, c.a), "%s and %s", c.b, c.a)
	}
	// A query's trade word before a general one stands for its trade; a candidate's does not
	// ("Atlantic Consulting" is not Atlántico Consultores Industrias).
	require.True(t, same("Measurement Technology", "Messtechnik"))
	require.False(t, same("Messtechnik", "Measurement Technology"))
	require.False(t, same("Consulting", "Consultores Industrias"))
	// A word that is no trade word has no concepts, and no tokens among its variants.
	require.Empty(t, tradeConcepts("cumberland"))
	require.NotContains(t, strings.Join(WordVariants(ParseCompany("Cumberland").Words[0]), " "), "~")
	require.Contains(t, WordVariants(ParseCompany("Stahlbau").Words[0]), "~steel+construction")
}
