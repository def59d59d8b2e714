package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// validText reports whether s is valid UTF-8 without control characters.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// foldKey lowercases s, strips diacritics, turns "&" into "and" and every run of anything but
// letters and digits into one space. It is the shared first step of the matching keys.
func foldKey(s string) []string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	folded = strings.ToLower(folded)
	folded = strings.ReplaceAll(folded, "&", " and ")
	// Apostrophes join rather than split: "O'Brien" is "obrien".
	folded = strings.NewReplacer("'", "", "’", "", "`", "").Replace(folded)
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// legalSuffixes are the words of company legal forms dropped from the end of a name key.
// Dotted forms ("S.A.", "N.V.") arrive here as single letters and are joined first.
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "llc": true, "llp": true, "lp": true, "ltd": true,
	"limited": true, "corp": true, "corporation": true, "co": true, "plc": true, "gmbh": true,
	"mbh": true, "ag": true, "kg": true, "ug": true, "sa": true, "sas": true, "sarl": true,
	"srl": true, "spa": true, "bv": true, "nv": true, "oy": true, "oyj": true, "ab": true,
	"as": true, "asa": true, "aps": true, "pty": true, "pte": true, "kk": true, "sl": true,
	"slu": true, "se": true, "pc": true, "pllc": true, "lda": true, "sro": true, "zoo": true,
	"company": true,
}

// CompanyKey returns the matching key of a company name: folded as foldKey does, with legal
// forms removed from the end ("Acme Logistics, Inc." and "ACME LOGISTICS" share the key
// "acme logistics"). A name made only of legal words keeps them, so it never becomes empty.
func CompanyKey(name string) string {
	words := joinInitials(foldKey(name))
	end := len(words)
	for end > 1 && legalSuffixes[words[end-1]] {
		end--
	}
	// "and co" / "& co" trails as well.
	if end > 1 && words[end-1] == "and" && end < len(words) {
		end--
	}
	return strings.Join(words[:end], " ")
}

// joinInitials merges runs of one-letter words ("s a" from "S.A.") into one word ("sa").
func joinInitials(words []string) []string {
	out := words[:0:0]
	for i := 0; i < len(words); {
		if utf8.RuneCountInString(words[i]) == 1 {
			j := i
			var b strings.Builder
			for j < len(words) && utf8.RuneCountInString(words[j]) == 1 {
				b.WriteString(words[j])
				j++
			}
			if j-i > 1 {
				out = append(out, b.String())
				i = j
				continue
			}
		}
		out = append(out, words[i])
		i++
	}
	return out
}

// PersonKey returns the matching key of a person's name: folded, words in order.
func PersonKey(name string) string { return strings.Join(foldKey(name), " ") }

// Country returns the ISO 3166-1 alpha-2 code of s in upper case ("us" is "US"; the
// exceptionally reserved "UK" is "GB"), or false when s is not an assigned country code.
func Country(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 2 {
		return "", false
	}
	r, err := language.ParseRegion(s)
	if err != nil || !r.IsCountry() {
		return "", false
	}
	if c := r.String(); c != "UK" {
		return c, true
	}
	return "GB", true
}
