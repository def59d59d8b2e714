package names

import (
	"strings"
)

// Person is a person's name taken apart for matching: its words in order, given names first.
type Person struct {
	Parts []Part
}

// Part is one word of a person's name.
type Part struct {
	// Text is the word folded to lower-case ASCII; Term its skeleton.
	Text, Term string
}

// personTitles and personSuffixes are left out of a person's name: forms of address and
// generational or professional suffixes.
var (
	personTitles = map[string]bool{
		"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true, "sir": true,
		"dame": true, "herr": true, "frau": true, "mme": true, "mlle": true, "dott": true, "ing": true,
		"sra": true, "srta": true, "mag": true, "dipl": true,
	}
	// familyParticles join a family name ("van den Berg", "de la Cruz"): left out, so that the
	// name reads the same with them first or last.
	familyParticles = map[string]bool{
		"van": true, "von": true, "den": true, "der": true, "de": true, "del": true, "della": true, "di": true,
		"da": true, "do": true, "dos": true, "das": true, "du": true, "le": true, "la": true, "ter": true, "ten": true,
		"zu": true, "af": true, "al": true, "bin": true, "ibn": true,
	}
	personSuffixes = map[string]bool{
		"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "phd": true, "md": true, "esq": true,
		"mba": true, "cpa": true, "jun": true, "sen": true,
	}
)

// ParsePerson takes a person's name apart. "Doe, Jane" is read as "Jane Doe"; titles ("Dr.")
// and suffixes ("Jr.", "PhD") are left out.
func ParsePerson(name string) Person {
	if before, after, ok := strings.Cut(name, ","); ok {
		rest := foldWords(after)
		if len(rest) > 0 && !personSuffixes[rest[0]] && len(foldWords(before)) > 0 {
			name = after + " " + before
		}
	}
	var p Person
	words := foldWords(name)
	for i, w := range words {
		if personTitles[w] && i < len(words)-1 || personSuffixes[w] && i > 0 || familyParticles[w] && len(words) > 2 {
			continue
		}
		p.Parts = append(p.Parts, Part{Text: w, Term: skeleton(w)})
	}
	return p
}

// givenSimilarity compares two given names: the same name, a nickname of it ("Bob",
// "Robert"), an initial, or a typo.
func givenSimilarity(a, b Part) float64 {
	switch {
	case a.Term == b.Term:
		return 1
	case len(a.Text) == 1 || len(b.Text) == 1:
		if a.Text[0] == b.Text[0] {
			return 0.6
		}
		return 0
	case sameGiven(a.Text, b.Text):
		return 0.9
	}
	return 0.95 * partSimilarity(a, b)
}

// partSimilarity compares two words of names by skeleton and, for a typo the skeleton would
// make larger, by folded text.
func partSimilarity(a, b Part) float64 {
	return max(TermSimilarity(a.Term, b.Term), TermSimilarity(a.Text, b.Text))
}

// sameGiven reports whether two given names may be the same person's (one is a short form of
// the other, or both of one name).
func sameGiven(a, b string) bool {
	for _, x := range append(nicknames[a], a) {
		for _, y := range append(nicknames[b], b) {
			if x == y {
				return true
			}
		}
	}
	return false
}

// familySimilarity compares family names.
func familySimilarity(a, b Part) float64 {
	if len(a.Text) == 1 || len(b.Text) == 1 {
		return 0 // an initial does not name a family
	}
	return partSimilarity(a, b)
}

// ComparePeople scores how well the graph's name c matches the query name q, from 0 to 1.
// Both a given name and a family name must match, in either order ("Jane Doe", "Doe Jane");
// middle names and initials may be left out on either side but must not contradict. A query
// of one word names nobody for certain and scores at most half.
func ComparePeople(q, c Person) float64 {
	qp, cp := q.Parts, c.Parts
	if len(qp) == 0 || len(cp) == 0 {
		return 0
	}
	if len(qp) == 1 {
		best := familySimilarity(qp[0], cp[len(cp)-1])
		if len(cp) > 1 {
			best = max(best, givenSimilarity(qp[0], cp[0]))
		}
		return 0.5 * best
	}
	best := 0.0
	for _, order := range [2][]Part{qp, reversed(qp)} {
		best = max(best, compareOrdered(order, cp))
	}
	return best
}

// compareOrdered compares q, read as given names then family name, with c read the same way.
func compareOrdered(q, c []Part) float64 {
	if len(c) == 1 {
		return 0.5 * familySimilarity(q[len(q)-1], c[0])
	}
	fam := familySimilarity(q[len(q)-1], c[len(c)-1])
	// A family name of two words ("García Márquez") may be written with its first word only.
	if fam == 0 && len(c) > 2 {
		fam = 0.9 * familySimilarity(q[len(q)-1], c[len(c)-2])
	}
	giv := givenSimilarity(q[0], c[0])
	if fam == 0 || giv == 0 {
		return 0
	}
	score := 0.55*fam + 0.45*giv
	// Middle names: each one the query gives must fit one of the candidate's, if it has any.
	qm, cm := q[1:len(q)-1], c[1:len(c)-1]
	for _, m := range qm {
		if len(cm) == 0 {
			score *= 0.97
			continue
		}
		fit := 0.0
		for _, x := range cm {
			fit = max(fit, givenSimilarity(m, x))
		}
		if fit == 0 {
			score *= 0.8
		}
	}
	return score
}

func reversed(p []Part) []Part {
	out := make([]Part, len(p))
	for i, x := range p {
		out[len(p)-1-i] = x
	}
	return out
}
