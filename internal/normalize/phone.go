package normalize

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// ErrInvalidPhone is returned for a value that is not a valid phone number.
var ErrInvalidPhone = errors.New("not a valid phone number")

// Phone returns a phone number in E.164 ("+14155550123") and its country, parsed with
// libphonenumber's metadata (github.com/nyaruka/phonenumbers). A number written without "+"
// is read as a national number of defaultCountry (ISO 3166-1 alpha-2). Numbers the metadata
// says cannot exist are refused.
func Phone(s, defaultCountry string) (e164, country string, err error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 || !validText(s) {
		return "", "", ErrInvalidPhone
	}
	region := strings.ToUpper(strings.TrimSpace(defaultCountry))
	if !strings.HasPrefix(s, "+") && !strings.HasPrefix(s, "00") && region == "" {
		return "", "", ErrInvalidPhone
	}
	n, ok := readE164(s)
	if !ok {
		if n, err = phonenumbers.Parse(s, region); err != nil {
			return "", "", ErrInvalidPhone
		}
	}
	country, ok = regionOf(n)
	if !ok {
		return "", "", ErrInvalidPhone
	}
	return phonenumbers.Format(n, phonenumbers.E164), country, nil
}

// readE164 reads a number already written in E.164 ("+" and up to 15 digits, as most of a
// vendor's phones file is) without the parser's general extraction, whose patterns were most
// of an import's phone time: the country calling code is the one of its first 1 to 3 digits
// the metadata knows (no code is a prefix of another), the rest the national number. false
// when the number is not written so, or does not write back to itself (a national number with
// a leading zero, which the parser keeps apart), or when the national number begins with what
// one of the calling code's regions strips or rewrites as a national prefix (Madagascar's
// seven-digit numbers gain a "20"): Phone then parses it in full.
func readE164(s string) (*phonenumbers.PhoneNumber, bool) {
	if len(s) < 4 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return nil, false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil, false
		}
	}
	for k := 1; k <= 3 && 1+k < len(s); k++ {
		cc, _ := strconv.Atoi(s[1 : 1+k])
		if len(phonenumbers.GetRegionCodesForCountryCode(cc)) == 0 {
			continue
		}
		for _, p := range nationalPrefixes()[cc] {
			if p.MatchString(s[1+k:]) {
				return nil, false
			}
		}
		national, err := strconv.ParseUint(s[1+k:], 10, 64)
		if err != nil {
			return nil, false
		}
		code := int32(cc)
		n := &phonenumbers.PhoneNumber{CountryCode: &code, NationalNumber: &national}
		return n, phonenumbers.Format(n, phonenumbers.E164) == s
	}
	return nil, false
}

// nationalPrefixes are, by country calling code, the national prefixes for parsing of its
// regions (libphonenumber's metadata), anchored at the start of a national number.
var nationalPrefixes = sync.OnceValue(func() map[int][]*regexp.Regexp {
	out := map[int][]*regexp.Regexp{}
	c, err := phonenumbers.MetadataCollection()
	if err != nil {
		panic(err) // the metadata is compiled in
	}
	for _, md := range c.GetMetadata() {
		if p := md.GetNationalPrefixForParsing(); p != "" {
			cc := int(md.GetCountryCode())
			out[cc] = append(out[cc], regexp.MustCompile("^(?:"+p+")"))
		}
	}
	return out
})

// regionOf is phonenumbers.GetRegionCodeForNumber and then IsValidNumberForRegion (which is
// IsValidNumber once the region is known), without checking the number's types twice: of a
// calling code shared by several regions (+1, +44, +7) the region is the first whose leading
// digits match or, for one without leading digits, whose types the number matches, which
// makes it valid there. Matching the types is most of a phone's time in an import.
func regionOf(n *phonenumbers.PhoneNumber) (string, bool) {
	regions := phonenumbers.GetRegionCodesForCountryCode(int(n.GetCountryCode()))
	if len(regions) <= 1 {
		region := phonenumbers.GetRegionCodeForNumber(n)
		return region, phonenumbers.IsValidNumberForRegion(n, region)
	}
	national := phonenumbers.GetNationalSignificantNumber(n)
	for _, region := range regions {
		if lead := leadingDigits()[region]; lead != nil {
			if lead.MatchString(national) {
				return region, phonenumbers.IsValidNumberForRegion(n, region)
			}
		} else if phonenumbers.IsValidNumberForRegion(n, region) {
			return region, true
		}
	}
	return "", false
}

// leadingDigits are, by region, the leading digits that tell its numbers from those of the
// other regions of its calling code (libphonenumber's metadata), anchored at the start.
var leadingDigits = sync.OnceValue(func() map[string]*regexp.Regexp {
	out := map[string]*regexp.Regexp{}
	c, err := phonenumbers.MetadataCollection()
	if err != nil {
		panic(err) // the metadata is compiled in
	}
	for _, md := range c.GetMetadata() {
		if p := md.GetLeadingDigits(); p != "" {
			out[md.GetId()] = regexp.MustCompile("^(?:" + p + ")")
		}
	}
	return out
})
