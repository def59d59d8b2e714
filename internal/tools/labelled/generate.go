// Package labelled generates labelled questions for the resolvers: a graph of companies and
// their people in 26 countries and 13 languages, and queries that restyle, abbreviate,
// misspell, transliterate and shorten their names, or name companies and people that are not
// there, each with the answer it should get. make quality asks them through the API and
// measures the answers; make calibrate fits the confidence on a set of another seed.
//
// The generator knows nothing of how names are matched: its vocabularies, legal forms and
// abbreviations are its own lists, written from how companies and people are named.
package labelled

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	edlib "github.com/hbollon/go-edlib"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Company is a company of the generated graph.
type Company struct {
	Domain, Name, Country, LinkedIn string
	Aliases                         []string
	Employees                       int
	People                          []Person

	base  string // the name without its legal form
	legal legalForm
	kind  string // how the base was made: place, surname, brand, ...
	// distinctive are the base's words that identify it (not industry or generic words).
	distinctive []string
	lang        *language
	namesake    bool
}

// Person is a person of the generated graph.
type Person struct {
	ID, Given, Middle, Family string
	lang                      *language
}

// FullName is the name as the graph holds it.
func (p Person) FullName() string {
	if p.Middle != "" {
		return p.Given + " " + p.Middle + " " + p.Family
	}
	return p.Given + " " + p.Family
}

// Question is one labelled question.
type Question struct {
	// Group is what is measured: "present name", "absent name", "person", "person absent",
	// "linkedin", "domain", "domain finder" or "domain finder absent"; Kind the kind of
	// variant.
	Group, Kind string
	// Endpoint is enrichment or organization-domain-finder.
	Endpoint                                            string
	CompanyName, Domain, LinkedInURL, FullName, Country string
	// WantDomain is the company that should be answered, "" for not_found; WantPerson the
	// person, "" for none (person questions only).
	WantDomain, WantPerson string
}

// Set is a generated graph with its questions.
type Set struct {
	Companies []Company
	Questions []Question
}

// Sizes says how many of each are made.
type Sizes struct {
	Companies, Present, Absent, People, LinkedIn, Domains, DomainFinder int
}

// DefaultSizes is the set make quality measures: about 10,000 questions on 3,000 companies.
var DefaultSizes = Sizes{Companies: 3000, Present: 5900, Absent: 2000, People: 1000, LinkedIn: 500, Domains: 500, DomainFinder: 1000}

// FitSizes is the set make calibrate fits on: more questions on as many companies.
var FitSizes = Sizes{Companies: 3000, Present: 9000, Absent: 3000, People: 3000, DomainFinder: 2000}

type generator struct {
	r       *rand.Rand
	byKey   map[string][]int // canonical base names and aliases in the graph: company indexes
	domains map[string]bool
	brands  map[string]bool
	set     Set
}

// Generate makes a graph and its questions; the same seed and sizes give the same set.
func Generate(seed uint64, s Sizes) Set {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d)), byKey: map[string][]int{},
		domains: map[string]bool{}, brands: map[string]bool{}}
	for len(g.set.Companies) < s.Companies {
		g.addCompany()
	}
	for range s.Present {
		g.presentQuestion()
	}
	for range s.Absent {
		g.absentQuestion()
	}
	for range s.People {
		g.personQuestion()
	}
	for range s.LinkedIn {
		g.linkedInQuestion()
	}
	for range s.Domains {
		g.domainQuestion()
	}
	for range s.DomainFinder {
		g.domainFinderQuestion()
	}
	return g.set
}

func (g *generator) pick(list []string) string { return list[g.r.IntN(len(list))] }
func (g *generator) chance(p float64) bool     { return g.r.Float64() < p }

// foldKey is how the generator tells names apart: lower case, marks and punctuation gone.
func foldKey(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	f, _, _ := transform.String(t, strings.ToLower(s))
	return strings.Join(strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
}

func (g *generator) pickCountry() *country {
	if g.chance(0.2) {
		return countries[0] // the United States
	}
	if g.chance(0.08) {
		return countries[1]
	}
	return countries[2+g.r.IntN(len(countries)-2)]
}

// brand invents a word that sounds like a company name.
func (g *generator) brand() string {
	onsets := words(`T, Z, Qu, V, N, S, K, M, Dr, F, G, H, L, R, Br, Cr, Pr, Tr, Gr, Pl, Fl, St, Sk, X, Y, B, D, P, C, J, W, Vr`)
	vowels := words(`a, e, i, o, u, y, ae, io, ea, ou, ai`)
	codas := words(`, , , n, r, l, x, s, m, nt, rt, st, ck, v, ph, th, z`)
	ends := words(`a, ia, ix, on, ora, ex, is, us, io, yn, ar, el, o, ent, era, ium, ova, ic, ity, ify, ara, eon, ux`)
	for {
		var b strings.Builder
		n := 1 + g.r.IntN(2)
		for i := 0; i < n; i++ {
			b.WriteString(strings.ToLower(g.pick(onsets)))
			b.WriteString(g.pick(vowels))
			b.WriteString(g.pick(codas))
		}
		b.WriteString(g.pick(ends))
		w := b.String()
		if len(w) < 5 || len(w) > 11 || g.brands[w] {
			continue
		}
		g.brands[w] = true
		return strings.ToUpper(w[:1]) + w[1:]
	}
}

// baseName makes a company name without a legal form, its kind and its distinctive words.
func (g *generator) baseName(c *country) (string, string, []string) {
	l := c.lang
	ind := func() string {
		if g.chance(0.15) {
			return g.pick(english.industries)
		}
		return g.pick(l.industries)
	}
	gen := func() string {
		if g.chance(0.3) {
			return g.pick(english.generics)
		}
		return g.pick(l.generics)
	}
	switch x := g.r.Float64(); {
	case x < 0.30:
		p := g.pick(l.places)
		name := p + " " + ind()
		if g.chance(0.4) {
			name += " " + gen()
		}
		return name, "place", []string{p}
	case x < 0.50:
		s := g.pick(l.surnames)
		name := s + " " + ind()
		if l.connectors != nil && g.chance(0.2) {
			name = s + " " + g.pick(l.connectors)
		}
		return name, "surname", []string{s}
	case x < 0.70:
		b := g.brand()
		switch y := g.r.Float64(); {
		case y < 0.4:
			return b + " " + ind(), "brand", []string{b}
		case y < 0.7:
			return b + " " + gen(), "brand", []string{b}
		default:
			return b, "brand", []string{b}
		}
	case x < 0.78:
		a, b := g.pick(l.surnames), g.pick(l.surnames)
		if a == b {
			return a + " " + ind(), "surname", []string{a}
		}
		return a + " & " + b, "surnames", []string{a, b}
	case x < 0.84 && l == english:
		p := g.pick(append(l.places, g.brand()))
		return "The " + p + " " + g.pick([]string{"Company", "Group", "Partnership", "Collective", "Exchange"}), "the", []string{p}
	case x < 0.88:
		n := 2 + g.r.IntN(2)
		var b strings.Builder
		for range n {
			b.WriteByte(byte('A' + g.r.IntN(26)))
		}
		return b.String() + " " + ind(), "initials", []string{b.String()}
	case x < 0.94:
		p, a, b := g.pick(l.places), gen(), gen()
		if a == b {
			return p + " " + a, "generic", []string{p}
		}
		return p + " " + a + " " + b, "generic", []string{p}
	default:
		p, s := g.pick(l.places), g.pick(l.surnames)
		return p + " " + s + " " + ind(), "place surname", []string{p, s}
	}
}

func (g *generator) addCompany() {
	c := g.pickCountry()
	co := Company{Country: c.code, lang: c.lang}
	if len(g.set.Companies) > 10 && g.chance(0.03) {
		// A namesake: the name of a company elsewhere, registered here.
		other := g.set.Companies[g.r.IntN(len(g.set.Companies))]
		if other.Country == c.code {
			return
		}
		co.base, co.kind, co.distinctive, co.namesake = other.base, other.kind, other.distinctive, true
	} else {
		co.base, co.kind, co.distinctive = g.baseName(c)
		if len(g.byKey[canonical(co.base)]) > 0 {
			return
		}
	}
	co.legal = c.legal[g.r.IntN(len(c.legal))]
	co.Name = co.base
	switch {
	case g.chance(0.1):
		// no legal form
	case g.chance(0.12):
		co.Name = withLegal(co.base, co.legal.long, co.legal.prefix && g.chance(0.5))
	default:
		co.Name = withLegal(co.base, co.legal.short, false)
	}
	if g.chance(0.12) {
		if a := g.alias(co); len(g.byKey[canonical(a)]) == 0 {
			co.Aliases = []string{a}
		}
	}
	slug := asciiSlug(co.base)
	if slug == "" {
		return
	}
	domain := slug + "." + c.tld
	for i := 2; g.domains[domain]; i++ {
		domain = slug + strconv.Itoa(i) + "." + c.tld
	}
	g.domains[domain] = true
	co.Domain = domain
	co.LinkedIn = "linkedin.com/company/" + strings.ReplaceAll(domain, ".", "-")
	co.Employees = int(5 * math.Pow(10000, g.r.Float64()))
	for i := range g.r.IntN(7) {
		co.People = append(co.People, g.person(c, fmt.Sprintf("p_%s_%d", strings.ReplaceAll(domain, ".", "_"), i)))
	}
	if co.namesake {
		for _, i := range g.byKey[canonical(co.base)] {
			g.set.Companies[i].namesake = true
		}
	}
	for _, n := range append([]string{co.base}, co.Aliases...) {
		g.byKey[canonical(n)] = append(g.byKey[canonical(n)], len(g.set.Companies))
	}
	g.set.Companies = append(g.set.Companies, co)
}

// asciiSlug is a name as a domain label: letters as an ASCII keyboard writes them, nothing
// else.
func asciiSlug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'ø':
			b.WriteString("o")
		case 'æ':
			b.WriteString("ae")
		case 'ß':
			b.WriteString("ss")
		case 'ł':
			b.WriteString("l")
		case 'đ':
			b.WriteString("d")
		default:
			t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
			f, _, _ := transform.String(t, string(r))
			for _, c := range f {
				if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
					b.WriteRune(c)
				}
			}
		}
	}
	return b.String()
}

// alias is another name a company goes by: its distinctive words without the rest, a former
// name, or its name with a generic word.
func (g *generator) alias(c Company) string {
	switch w := strings.Fields(c.base); {
	case len(w) > 2 && c.kind == "brand":
		return strings.Join(w[:2], " ")
	case g.chance(0.5):
		return c.base + " " + g.pick(english.generics)
	default:
		return c.distinctive[0] + " " + g.pick(c.lang.industries)
	}
}

func withLegal(base, form string, prefix bool) string {
	if prefix {
		return form + " " + base
	}
	if strings.HasPrefix(form, "Co.,") || form == "Inc." && strings.HasSuffix(base, "s") {
		return base + ", " + form
	}
	return base + " " + form
}

func (g *generator) person(c *country, id string) Person {
	l := c.lang
	if g.chance(0.25) {
		l = english
	}
	p := Person{ID: id, Given: g.pick(l.given), Family: g.pick(l.surnames), lang: l}
	if g.chance(0.2) {
		if g.chance(0.5) {
			p.Middle = g.pick(l.given)
		} else {
			p.Middle = string(g.pick(l.given)[0]) + "."
		}
	}
	return p
}

// company picks a company for a question: any, or one with a namesake when namesake is set.
func (g *generator) company(namesake bool) Company {
	for {
		c := g.set.Companies[g.r.IntN(len(g.set.Companies))]
		if c.namesake == namesake {
			return c
		}
	}
}

func (g *generator) ask(group, kind, endpoint string, q Question) {
	q.Group, q.Kind, q.Endpoint = group, kind, endpoint
	g.set.Questions = append(g.set.Questions, q)
}

// variantKinds are the ways a present name is asked for, with their weights.
var variantKinds = []struct {
	name   string
	weight float64
}{
	{"as written", 1}, {"case", 1}, {"punctuation", 1}, {"legal form dropped", 1.5},
	{"legal form in full", 2}, {"legal form abbreviated", 1}, {"other legal form", 0.5},
	{"abbreviation", 2}, {"typo: letters swapped", 1.5}, {"typo: letter replaced", 1.5},
	{"typo: letter dropped", 1}, {"typo: letter added", 1}, {"the added or dropped", 1},
	{"transliteration", 2}, {"and or &", 0.5}, {"generic word dropped", 0.7}, {"generic word added", 0.7},
	{"alias", 0.5}, {"several at once", 3}, {"namesake", 0.7}, {"trade word left out", 2},
	{"trade word in English", 2},
}

func (g *generator) pickKind() string {
	total := 0.0
	for _, k := range variantKinds {
		total += k.weight
	}
	x := g.r.Float64() * total
	for _, k := range variantKinds {
		if x -= k.weight; x < 0 {
			return k.name
		}
	}
	return variantKinds[0].name
}

func (g *generator) presentQuestion() {
	for {
		kind := g.pickKind()
		c := g.company(kind == "namesake")
		q, ok := g.variant(c, kind)
		if !ok {
			continue
		}
		g.ask("present name", kind, "enrichment", Question{CompanyName: q, WantDomain: c.Domain})
		return
	}
}

// variant writes company c's name the way kind says; false when it does not apply to c.
func (g *generator) variant(c Company, kind string) (string, bool) {
	base := c.base
	legal := func(b string) string {
		if c.Name == c.base {
			return b
		}
		if strings.HasPrefix(c.Name, c.legal.long+" ") || strings.HasPrefix(c.Name, c.legal.short+" ") {
			return strings.Replace(c.Name, c.base, b, 1)
		}
		return strings.Replace(c.Name, c.base, b, 1)
	}
	switch kind {
	case "as written", "namesake":
		return c.Name, true
	case "case":
		if g.chance(0.5) {
			return strings.ToUpper(c.Name), true
		}
		return strings.ToLower(c.Name), true
	case "punctuation":
		s := strings.NewReplacer(",", "", ".", "", "&", " & ").Replace(c.Name)
		if g.chance(0.5) {
			s = strings.ReplaceAll(strings.Join(strings.Fields(s), " "), " ", "-")
		}
		return s, s != c.Name
	case "legal form dropped":
		return base, c.Name != base
	case "legal form in full":
		return withLegal(base, c.legal.long, c.legal.prefix && g.chance(0.5)), c.Name != withLegal(base, c.legal.long, false)
	case "legal form abbreviated":
		return withLegal(base, c.legal.short, false), c.Name != withLegal(base, c.legal.short, false)
	case "other legal form":
		for _, co := range countries {
			if co.code == c.Country && len(co.legal) > 1 {
				for {
					f := co.legal[g.r.IntN(len(co.legal))]
					if f.short != c.legal.short {
						return withLegal(base, f.short, false), true
					}
				}
			}
		}
		return "", false
	case "abbreviation":
		b, ok := g.abbreviate(base)
		return legal(b), ok
	case "typo: letters swapped", "typo: letter replaced", "typo: letter dropped", "typo: letter added":
		b, ok := g.typo(base, kind)
		return legal(b), ok
	case "the added or dropped":
		if strings.HasPrefix(base, "The ") {
			return legal(strings.TrimPrefix(base, "The ")), true
		}
		return "The " + c.Name, true
	case "transliteration":
		b := g.transliterate(c.Name)
		return b, b != c.Name
	case "and or &":
		if strings.Contains(base, " & ") {
			return legal(strings.Replace(base, " & ", " "+c.lang.and+" ", 1)), true
		}
		if strings.Contains(base, " and ") {
			return legal(strings.Replace(base, " and ", " & ", 1)), true
		}
		return "", false
	case "generic word dropped":
		w := strings.Fields(base)
		if len(w) < 3 || !isGeneric(w[len(w)-1]) {
			return "", false
		}
		return legal(strings.Join(w[:len(w)-1], " ")), true
	case "generic word added":
		if strings.HasPrefix(base, "The ") {
			return "", false
		}
		return legal(base + " " + g.pick([]string{"Group", "Holdings", "International", "Global"})), true
	case "alias":
		if len(c.Aliases) == 0 {
			return "", false
		}
		return c.Aliases[0], true
	case "several at once":
		return g.several(c)
	case "trade word left out":
		return g.shortForm(c)
	case "trade word in English":
		b, ok := g.tradeInEnglish(c, false)
		if !ok {
			return "", false
		}
		for _, i := range g.byKey[canonical(b)] {
			if g.set.Companies[i].Domain != c.Domain {
				return "", false // another company's name too
			}
		}
		return legal(b), true
	}
	return "", false
}

// tradeInEnglish is a company's base name with its local trade word said in English
// ("Büttner Steel Construction" for Büttner Stahlbau), or, with other, with the English of
// another trade word of its language ("Büttner Glassworks"): false when the name has no trade
// word with an English rendering.
func (g *generator) tradeInEnglish(c Company, other bool) (string, bool) {
	if c.lang == english {
		return "", false
	}
	for _, x := range c.lang.industries {
		en, ok := inEnglish[x]
		if !ok || !slices.Contains(strings.Fields(c.base), x) {
			continue
		}
		if other {
			for range 10 {
				y := g.pick(c.lang.industries)
				if e, ok := inEnglish[y]; ok && y != x && foldKey(e) != foldKey(en) {
					return strings.Join(append(append([]string(nil), c.distinctive...), e), " "), true
				}
			}
			return "", false
		}
		return strings.Replace(c.base, x, en, 1), true
	}
	return "", false
}

// shortForm is a company's name reduced to its distinctive words ("Nordwind" for Nordwind
// Energie GmbH), as people name a company they know: the trade and generic words and the
// legal form left out. It applies when the name has more than those words and no other
// company of the graph holds its distinctive words.
func (g *generator) shortForm(c Company) (string, bool) {
	short := strings.Join(c.distinctive, " ")
	if c.kind == "surnames" {
		short = strings.Join(c.distinctive, " & ")
	}
	if canonical(short) == canonical(c.base) || c.namesake {
		return "", false
	}
	return short, g.holders(c.distinctive, false) == 1
}

// holders counts the graph's companies whose names hold every one of words, each as
// written or, with near, within a typing error (withinOneEdit).
func (g *generator) holders(words []string, near bool) int {
	same := func(a, b string) bool { return a == b || near && withinOneEdit(a, b) }
	n := 0
	for _, co := range g.set.Companies {
		have := strings.Fields(foldKey(co.Name))
		all := true
		for _, w := range words {
			for _, f := range strings.Fields(foldKey(w)) {
				all = all && slices.ContainsFunc(have, func(h string) bool { return same(h, f) })
			}
		}
		if all {
			n++
		}
	}
	return n
}

// withinOneEdit reports whether a and b are equal or one typing error apart: a letter added,
// dropped or replaced, or two neighbours swapped (the generator's own typos).
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	switch len(ra) - len(rb) {
	case 0:
		var diff []int
		for i := range ra {
			if ra[i] != rb[i] {
				diff = append(diff, i)
			}
		}
		return len(diff) == 1 || len(diff) == 2 && diff[1] == diff[0]+1 && ra[diff[0]] == rb[diff[1]] && ra[diff[1]] == rb[diff[0]]
	case 1:
		i := 0
		for i < len(rb) && ra[i] == rb[i] {
			i++
		}
		return string(ra[i+1:]) == string(rb[i:])
	}
	return false
}

// otherTrade is a company's distinctive words with another trade word than its own ("Nordwind
// Solar" when the graph holds Nordwind Energie GmbH): another company, absent from the graph.
func (g *generator) otherTrade(c Company) string {
	l := c.lang
	for _, x := range strings.Fields(c.base) {
		if slices.Contains(l.industries, x) || slices.Contains(english.industries, x) {
			for range 10 {
				n := g.pick(append(append([]string(nil), l.industries...), english.industries...))
				if !strings.Contains(n, " ") && foldKey(n) != foldKey(x) && !sameInEnglish(n, x) {
					return strings.Join(append(append([]string(nil), c.distinctive...), n), " ")
				}
			}
		}
	}
	return ""
}

// several applies two or three variants to one name.
func (g *generator) several(c Company) (string, bool) {
	base := c.base
	var applied []string
	for _, k := range g.r.Perm(5)[:2+g.r.IntN(2)] {
		switch k {
		case 0:
			if b, ok := g.abbreviate(base); ok {
				base, applied = b, append(applied, "abbreviation")
			}
		case 1:
			if b, ok := g.typo(base, []string{"typo: letters swapped", "typo: letter replaced", "typo: letter dropped"}[g.r.IntN(3)]); ok {
				base, applied = b, append(applied, "typo")
			}
		case 2:
			if b := g.transliterate(base); b != base {
				base, applied = b, append(applied, "transliteration")
			}
		case 3:
			base, applied = strings.ToUpper(base), append(applied, "case")
		case 4:
			if !strings.HasPrefix(base, "The ") && g.chance(0.5) {
				base, applied = "The "+base, append(applied, "the")
			}
		}
	}
	if len(applied) < 2 {
		return "", false
	}
	switch {
	case g.chance(0.5):
		return withLegal(base, c.legal.long, c.legal.prefix && g.chance(0.5)), true
	case g.chance(0.5):
		return base, true
	default:
		return withLegal(base, c.legal.short, false), true
	}
}

// genericWords are every language's generic words, folded.
var genericWords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range []*language{english, german, french, spanish, portuguese, italian, swedish, norwegian, danish, finnish, dutch, polish, czech, japanese} {
		for _, w := range l.generics {
			m[foldKey(w)] = true
		}
	}
	return m
}()

func isGeneric(w string) bool { return genericWords[foldKey(w)] }

// abbreviate shortens one word of name that people shorten, or spells out one they shortened.
func (g *generator) abbreviate(name string) (string, bool) {
	w := strings.Fields(name)
	var idx []int
	for i, x := range w {
		if _, ok := abbreviated[x]; ok {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return name, false
	}
	i := idx[g.r.IntN(len(idx))]
	forms := abbreviated[w[i]]
	w[i] = forms[g.r.IntN(len(forms))]
	return strings.Join(w, " "), true
}

// keyboard holds each letter's neighbours on a QWERTY keyboard.
var keyboard = map[rune]string{
	'q': "wa", 'w': "qes", 'e': "wrd", 'r': "etf", 't': "ryg", 'y': "tuh", 'u': "yij", 'i': "uok", 'o': "ipl",
	'p': "ol", 'a': "qsz", 's': "awdz", 'd': "sefx", 'f': "drgc", 'g': "fthv", 'h': "gyjb", 'j': "hukn",
	'k': "jilm", 'l': "kop", 'z': "asx", 'x': "zsdc", 'c': "xdfv", 'v': "cfgb", 'b': "vghn", 'n': "bhjm", 'm': "njk",
}

// typo makes one typing error in one word of name of at least five letters, never in its
// first letter.
func (g *generator) typo(name, kind string) (string, bool) {
	w := strings.Fields(name)
	var idx []int
	for i, x := range w {
		if utf8.RuneCountInString(x) >= 5 && strings.IndexFunc(x, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return name, false
	}
	i := idx[g.r.IntN(len(idx))]
	r := []rune(w[i])
	p := 1 + g.r.IntN(len(r)-2)
	switch kind {
	case "typo: letters swapped":
		if r[p] == r[p+1] {
			return name, false
		}
		r[p], r[p+1] = r[p+1], r[p]
	case "typo: letter replaced":
		n := keyboard[unicode.ToLower(r[p])]
		if n == "" {
			n = "aeiou"
		}
		c := rune(n[g.r.IntN(len(n))])
		if unicode.IsUpper(r[p]) {
			c = unicode.ToUpper(c)
		}
		if c == r[p] {
			return name, false
		}
		r[p] = c
	case "typo: letter dropped":
		r = append(r[:p], r[p+1:]...)
	case "typo: letter added":
		r = append(r[:p], append([]rune{r[p]}, r[p:]...)...)
	}
	w[i] = string(r)
	return strings.Join(w, " "), true
}

// transliterate writes a name as an ASCII keyboard would: German and Nordic letters spelled
// out (ü as ue, ø as oe, å as aa, ß as ss) or stripped of their marks (é as e).
func (g *generator) transliterate(name string) string {
	spell := g.chance(0.6)
	var b strings.Builder
	for _, r := range name {
		low := unicode.ToLower(r)
		var out string
		switch low {
		case 'ü', 'ö', 'ä':
			if spell {
				out = map[rune]string{'ü': "ue", 'ö': "oe", 'ä': "ae"}[low]
			} else {
				out = map[rune]string{'ü': "u", 'ö': "o", 'ä': "a"}[low]
			}
		case 'ø':
			out = "o"
			if spell {
				out = "oe"
			}
		case 'æ':
			out = "ae"
		case 'å':
			out = "a"
			if spell {
				out = "aa"
			}
		case 'ß':
			out = "ss"
		case 'ł':
			out = "l"
		default:
			t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
			out, _, _ = transform.String(t, string(low))
		}
		if unicode.IsUpper(r) && out != "" {
			out = strings.ToUpper(out[:1]) + out[1:]
		}
		b.WriteString(out)
	}
	return b.String()
}

// absentQuestion asks for a company that is not in the graph: a new name made like the
// others, a present name with one distinctive word changed for another, or with one edited
// beyond a typo.
func (g *generator) absentQuestion() {
	for {
		var name, kind string
		switch x := g.r.Float64(); {
		case x < 0.4:
			c := g.pickCountry()
			name, _, _ = g.baseName(c)
			kind = "absent: new name"
		case x < 0.65:
			c := g.company(false)
			name, kind = g.swapWord(c), "absent: one word changed"
		case x < 0.8:
			c := g.company(false)
			name, kind = g.editWord(c), "absent: distinctive word edited"
		case x < 0.9:
			// A short form of a name no company holds ("Vantor" alone), nor one within a
			// typing error of it (that would be a typo of a present name).
			_, _, distinctive := g.baseName(g.pickCountry())
			name, kind = strings.Join(distinctive, " "), "absent: short form"
			if g.holders(distinctive, true) > 0 {
				name = ""
			}
		case x < 0.95:
			c := g.company(false)
			name, kind = g.otherTrade(c), "absent: other trade word"
		default:
			// The name of a company that is there, with the English of another of its
			// language's trade words ("Büttner Glassworks" for Büttner Stahlbau GmbH).
			c := g.company(false)
			name, kind = "", "absent: other trade word in English"
			if b, ok := g.tradeInEnglish(c, true); ok {
				name = b
			}
		}
		if name == "" || len(g.byKey[canonical(name)]) > 0 {
			continue
		}
		if g.chance(0.6) {
			c := g.pickCountry()
			name = withLegal(name, c.legal[g.r.IntN(len(c.legal))].short, false)
		}
		g.ask("absent name", kind, "enrichment", Question{CompanyName: name})
		return
	}
}

// inEnglishFolded is inEnglish folded: a trade word said in English is the same word.
var inEnglishFolded = func() map[string]string {
	m := map[string]string{}
	for local, en := range inEnglish {
		m[foldKey(local)] = foldKey(en)
	}
	return m
}()

// canonical is what tells two names apart for the generator: trade words in English, folded, without "and" in any
// language and without generic words (a name with a generic word added or dropped is the same
// name), doubled letters once, words in order. Two names with one canonical form are one
// name, or namesakes.
func canonical(name string) string {
	var out []string
	f := " " + foldKey(name) + " "
	for local, en := range inEnglishFolded {
		f = strings.ReplaceAll(f, " "+local+" ", " "+en+" ")
	}
	for _, w := range strings.Fields(f) {
		if genericWords[w] || w == "the" || w == "company" || w == "co" || andWords[w] {
			continue
		}
		var b strings.Builder
		for i := 0; i < len(w); i++ {
			if i == 0 || w[i] != w[i-1] {
				b.WriteByte(w[i])
			}
		}
		out = append(out, b.String())
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

var andWords = map[string]bool{"and": true, "und": true, "et": true, "y": true, "e": true, "og": true,
	"och": true, "i": true, "a": true, "ja": true, "en": true}

// swapWord replaces one word of a company's name that is not generic with another of its kind.
func (g *generator) swapWord(c Company) string {
	w := strings.Fields(c.base)
	if len(w) < 2 {
		return ""
	}
	i := g.r.IntN(len(w))
	if isGeneric(w[i]) || w[i] == "&" || w[i] == "The" || andWords[strings.ToLower(w[i])] || len(w[i]) <= 3 {
		return ""
	}
	var pool []string
	switch l := c.lang; {
	case slices.Contains(l.industries, w[i]) || slices.Contains(english.industries, w[i]):
		pool = append(append(pool, l.industries...), english.industries...)
	case slices.Contains(l.surnames, w[i]):
		pool = l.surnames
	case slices.Contains(l.places, w[i]):
		pool = l.places
	default:
		return strings.Replace(c.base, w[i], g.brand(), 1)
	}
	n := g.pick(pool)
	if strings.Contains(n, " ") || n == w[i] || sameInEnglish(n, w[i]) {
		return ""
	}
	w[i] = n
	return strings.Join(w, " ")
}

// sameInEnglish reports whether two trade words say one thing, one of them in English
// ("Energi" and "Energy"): a name with one for the other is the same name.
func sameInEnglish(a, b string) bool {
	ea, oka := inEnglish[a]
	eb, okb := inEnglish[b]
	return oka && foldKey(ea) == foldKey(b) || okb && foldKey(eb) == foldKey(a) || oka && okb && foldKey(ea) == foldKey(eb)
}

// editWord changes a company's distinctive word by two or three letters: a different name,
// not a typo ("Talora Renewables", "Talon Renewables").
func (g *generator) editWord(c Company) string {
	d := c.distinctive[0]
	r := []rune(d)
	if len(r) < 5 || strings.Contains(d, " ") {
		return ""
	}
	vowels := []rune("aeiouy")
	cons := []rune("bcdfgklmnprstvz")
	n := len(r)
	switch g.r.IntN(3) {
	case 0: // a new ending
		r = append(r[:n-2], cons[g.r.IntN(len(cons))], vowels[g.r.IntN(len(vowels))], cons[g.r.IntN(len(cons))])
	case 1: // two letters inside replaced
		i := 1 + g.r.IntN(n-3)
		r[i], r[i+1] = cons[g.r.IntN(len(cons))], vowels[g.r.IntN(len(vowels))]
	default: // a shorter word
		r = r[:n-2]
	}
	nd := string(r)
	if edlib.OSADamerauLevenshteinDistance(canonical(nd), canonical(d)) < 2 {
		return "" // one edit is a typo, not another name; nor is a doubled letter
	}
	return strings.Replace(c.base, d, nd, 1)
}

func (g *generator) companyWithPeople() Company {
	for {
		c := g.set.Companies[g.r.IntN(len(g.set.Companies))]
		if len(c.People) > 0 {
			return c
		}
	}
}

var personKinds = []string{"as written", "case", "diacritics dropped", "transliteration", "nickname",
	"initial", "middle name added", "middle name dropped", "family name first", "typo", "several at once", "absent"}

func (g *generator) personQuestion() {
	for {
		c := g.companyWithPeople()
		p := c.People[g.r.IntN(len(c.People))]
		kind := personKinds[g.r.IntN(len(personKinds))]
		name, ok := g.personVariant(p, kind)
		if !ok {
			continue
		}
		want := p.ID
		if kind == "absent" {
			other := g.companyWithPeople().People[0]
			if slices.ContainsFunc(c.People, func(x Person) bool {
				return foldKey(x.Given+" "+x.Family) == foldKey(other.Given+" "+other.Family) || foldKey(x.Family) == foldKey(other.Family)
			}) {
				continue
			}
			name, want = other.FullName(), ""
		} else if slices.ContainsFunc(c.People, func(x Person) bool {
			return x.ID != p.ID && foldKey(x.Family) == foldKey(p.Family) && x.Given[0] == p.Given[0]
		}) {
			continue // two people the query cannot tell apart
		}
		q := Question{Domain: c.Domain, FullName: name, WantDomain: c.Domain, WantPerson: want}
		if g.chance(0.15) && !c.namesake {
			q.Domain, q.CompanyName = "", c.Name
		}
		group := "person"
		if want == "" {
			group = "person absent"
		}
		g.ask(group, "person: "+kind, "enrichment", q)
		return
	}
}

func (g *generator) personVariant(p Person, kind string) (string, bool) {
	full := p.FullName()
	switch kind {
	case "as written", "absent":
		return full, true
	case "case":
		return strings.ToUpper(full), true
	case "diacritics dropped":
		t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		s, _, _ := transform.String(t, full)
		return s, s != full
	case "transliteration":
		s := g.transliterate(full)
		return s, s != full
	case "nickname":
		n, ok := nicknamed[p.Given]
		if !ok {
			return "", false
		}
		return g.pick(n) + " " + p.Family, true
	case "initial":
		return string([]rune(p.Given)[0]) + ". " + p.Family, true
	case "middle name added":
		if p.Middle != "" {
			return "", false
		}
		return p.Given + " " + string(g.pick(p.lang.given)[0]) + ". " + p.Family, true
	case "middle name dropped":
		if p.Middle == "" {
			return "", false
		}
		return p.Given + " " + p.Family, true
	case "family name first":
		if g.chance(0.5) {
			return p.Family + ", " + p.Given, true
		}
		return strings.ToUpper(p.Family) + " " + p.Given, true
	case "typo":
		s, ok := g.typo(p.Family, "typo: letters swapped")
		if !ok {
			s, ok = g.typo(p.Family, "typo: letter dropped")
		}
		return p.Given + " " + s, ok
	case "several at once":
		given := p.Given
		if n, ok := nicknamed[given]; ok && g.chance(0.5) {
			given = g.pick(n)
		}
		return p.Family + ", " + g.transliterate(given), true
	}
	return "", false
}

// linkedInQuestion asks by a company LinkedIn URL written one of the ways people paste it.
func (g *generator) linkedInQuestion() {
	c := g.set.Companies[g.r.IntN(len(g.set.Companies))]
	slug := strings.TrimPrefix(c.LinkedIn, "linkedin.com/company/")
	forms := []string{
		"https://www.linkedin.com/company/" + slug + "/", "http://linkedin.com/company/" + slug,
		"https://uk.linkedin.com/company/" + slug + "?trk=public_profile", "linkedin.com/company/" + strings.ToUpper(slug) + "/about/",
		"www.linkedin.com/company/" + slug + "#people", "https://de.linkedin.com/company/" + slug + "/jobs",
	}
	g.ask("linkedin", "linkedin url", "enrichment", Question{LinkedInURL: g.pick(forms), WantDomain: c.Domain})
}

// domainQuestion asks by a company's domain written as a URL, a host, in capitals or with a
// port.
func (g *generator) domainQuestion() {
	c := g.set.Companies[g.r.IntN(len(g.set.Companies))]
	forms := []string{"https://www." + c.Domain + "/", strings.ToUpper(c.Domain), "http://" + c.Domain + "/about?ref=1",
		"www." + c.Domain, c.Domain + ":443", "mail." + c.Domain}
	g.ask("domain", "domain", "enrichment", Question{Domain: g.pick(forms), WantDomain: c.Domain})
}

// domainFinderQuestion asks the domain finder for a present company's name (written as a
// variant, with its country a quarter of the time), or an absent one.
func (g *generator) domainFinderQuestion() {
	if g.chance(0.2) {
		n := len(g.set.Questions)
		g.absentQuestion()
		q := g.set.Questions[n]
		g.set.Questions = g.set.Questions[:n]
		g.ask("domain finder absent", q.Kind, "organization-domain-finder", Question{CompanyName: q.CompanyName})
		return
	}
	for {
		kind := g.pickKind()
		c := g.company(kind == "namesake")
		name, ok := g.variant(c, kind)
		if !ok {
			continue
		}
		q := Question{CompanyName: name, WantDomain: c.Domain}
		if g.chance(0.25) || kind == "namesake" {
			q.Country = c.Country
		}
		g.ask("domain finder", kind, "organization-domain-finder", q)
		return
	}
}
