package normalize

import (
	"errors"
	"regexp"
	"slices"
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
	if e164, national, cc, ok := readE164(s); ok {
		if country, ok := regionOf(cc, national); ok {
			return e164, country, nil
		}
		return "", "", ErrInvalidPhone
	}
	n, err := phonenumbers.Parse(s, region)
	if err != nil {
		return "", "", ErrInvalidPhone
	}
	country, ok := regionOf(int(n.GetCountryCode()), phonenumbers.GetNationalSignificantNumber(n))
	if !ok {
		return "", "", ErrInvalidPhone
	}
	return phonenumbers.Format(n, phonenumbers.E164), country, nil
}

// readE164 reads a number already written in E.164 ("+" and up to 15 digits, as most of a
// vendor's phones file is) without the parser's general extraction, whose patterns were most
// of an import's phone time: the country calling code is the one of its first 1 to 3 digits
// the metadata knows (no code is a prefix of another), the rest the national number, and the
// number is its own E.164. false when the number is not written so, or the national number
// begins with a zero (which the parser keeps apart), or when it begins with what one of the
// calling code's regions strips or rewrites as a national prefix (Madagascar's seven-digit
// numbers gain a "20"): Phone then parses it in full.
func readE164(s string) (e164, national string, cc int, ok bool) {
	if len(s) < 4 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return "", "", 0, false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", "", 0, false
		}
	}
	for k := 1; k <= 3 && 1+k < len(s); k++ {
		cc, _ := strconv.Atoi(s[1 : 1+k])
		if len(phonenumbers.GetRegionCodesForCountryCode(cc)) == 0 {
			continue
		}
		national := s[1+k:]
		if national[0] == '0' {
			return "", "", 0, false
		}
		for _, p := range nationalPrefixes()[cc] {
			if p.MatchString(national) {
				return "", "", 0, false
			}
		}
		return s, national, cc, true
	}
	return "", "", 0, false
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
// IsValidNumber once the region is known) for the number of calling code cc and national
// significant number national, without checking the number's types twice: of a calling code
// shared by several regions (+1, +44, +7) the region is the first whose leading digits match
// or, for one without leading digits, whose types the number matches, which makes it valid
// there. Matching the types is most of a phone's time in an import.
func regionOf(cc int, national string) (string, bool) {
	regions := phonenumbers.GetRegionCodesForCountryCode(cc)
	if len(regions) == 0 {
		return "", false
	}
	if len(regions) == 1 {
		return regions[0], validIn(cc, regions[0], national)
	}
	for _, region := range regions {
		if lead := leadingDigits()[region]; lead != nil {
			if lead.MatchString(national) {
				return region, validIn(cc, region, national)
			}
		} else if validIn(cc, region, national) {
			return region, true
		}
	}
	return "", false
}

// validIn is phonenumbers.IsValidNumberForRegion for a national significant number of a
// region of calling code cc: the number matches the region's general pattern and the pattern
// of one of its types (getNumberTypeHelper is not UNKNOWN). The library builds each pattern's
// text and looks it up in a cache shared under a lock, twice for each type it checks; here
// each region's patterns are compiled once.
func validIn(cc int, region, national string) bool {
	r := regionRules()[regionKey{cc, region}]
	if r == nil || !r.general.matches(national) {
		return false
	}
	for _, d := range r.types {
		if d.matches(national) {
			return true
		}
	}
	return !r.sameMobileAndFixedLine && r.mobile.matches(national)
}

type regionKey struct {
	cc     int
	region string
}

// numberRules are a region's number patterns: types holds premium rate, toll free, shared
// cost, VoIP, personal number, pager, UAN, voicemail and fixed line, each of which makes a
// number valid; mobile does too unless the region's mobile and fixed-line patterns are the
// same.
type numberRules struct {
	general, mobile        numberDesc
	types                  []numberDesc
	sameMobileAndFixedLine bool
}

// numberDesc is a PhoneNumberDesc: the national number's possible lengths (any, when none
// are listed) and its pattern, matched whole.
type numberDesc struct {
	lengths []int32
	pattern *regexp.Regexp
}

func (d numberDesc) matches(national string) bool {
	if d.pattern == nil {
		return false
	}
	if len(d.lengths) > 0 && !slices.Contains(d.lengths, int32(len(national))) {
		return false
	}
	return d.pattern.MatchString(national)
}

// regionRules are every region's numberRules, by calling code and region (the
// non-geographical entities, "001", are one a calling code).
var regionRules = sync.OnceValue(func() map[regionKey]*numberRules {
	c, err := phonenumbers.MetadataCollection()
	if err != nil {
		panic(err) // the metadata is compiled in
	}
	desc := func(d *phonenumbers.PhoneNumberDesc) numberDesc {
		if d == nil {
			return numberDesc{}
		}
		return numberDesc{lengths: d.GetPossibleLength(),
			pattern: regexp.MustCompile("^(?:" + d.GetNationalNumberPattern() + ")$")}
	}
	out := map[regionKey]*numberRules{}
	for _, md := range c.GetMetadata() {
		r := &numberRules{general: desc(md.GetGeneralDesc()), mobile: desc(md.GetMobile()),
			sameMobileAndFixedLine: md.GetSameMobileAndFixedLinePattern()}
		for _, d := range []*phonenumbers.PhoneNumberDesc{md.GetPremiumRate(), md.GetTollFree(),
			md.GetSharedCost(), md.GetVoip(), md.GetPersonalNumber(), md.GetPager(), md.GetUan(),
			md.GetVoicemail(), md.GetFixedLine()} {
			r.types = append(r.types, desc(d))
		}
		out[regionKey{int(md.GetCountryCode()), md.GetId()}] = r
	}
	return out
})

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
