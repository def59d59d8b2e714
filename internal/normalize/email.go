// Package normalize turns values from requests and import files into the one canonical form
// the identity graph stores, so that the same person or company is found however it was
// written.
package normalize

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrInvalidEmail is returned for a value that is not a syntactically valid email address.
var ErrInvalidEmail = errors.New("not a valid email address")

// Email trims and lowercases s and checks that it is a plain address: a dot-atom local part
// (RFC 5322, UTF-8 allowed as in RFC 6531) of at most 64 bytes, an @, and a domain name of at
// least two labels, 254 bytes in all. Quoted local parts, comments, display names and address
// literals are refused: no real mailbox in an identity graph is written that way.
func Email(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > 254 || !utf8.ValidString(s) {
		return "", ErrInvalidEmail
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return "", ErrInvalidEmail
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 || !validLocal(local) || !validDomain(domain) {
		return "", ErrInvalidEmail
	}
	return s, nil
}

func validLocal(local string) bool {
	if local == "" || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		if r >= utf8.RuneSelf {
			if r == utf8.RuneError || isSpaceOrControl(r) {
				return false
			}
			continue
		}
		if !isAtext(byte(r)) && r != '.' {
			return false
		}
	}
	return true
}

func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+/=?^_`{|}~-", c) >= 0
}

func isSpaceOrControl(r rune) bool {
	return r <= 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff
}

// validDomain accepts host names of two or more labels of letters, digits and hyphens (or
// non-ASCII letters, for internationalized names), none starting or ending with a hyphen, and a
// last label that is not all digits.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			switch {
			case r >= utf8.RuneSelf:
				if r == utf8.RuneError || isSpaceOrControl(r) {
					return false
				}
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-':
			default:
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return strings.Trim(tld, "0123456789") != ""
}

// Hashes are the hashed-email (HEM) forms of one normalized address: lowercase hex digests.
type Hashes struct {
	MD5    string
	SHA1   string
	SHA256 string
}

// HashEmail returns the md5, sha1 and sha256 of an email that Email has already normalized.
func HashEmail(normalized string) Hashes {
	m := md5.Sum([]byte(normalized))
	s1 := sha1.Sum([]byte(normalized))
	s2 := sha256.Sum256([]byte(normalized))
	return Hashes{
		MD5:    hex.EncodeToString(m[:]),
		SHA1:   hex.EncodeToString(s1[:]),
		SHA256: hex.EncodeToString(s2[:]),
	}
}
