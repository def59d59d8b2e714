package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
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
