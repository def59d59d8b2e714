package normalize

import (
	"errors"
	"strings"

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
	n, err := phonenumbers.Parse(s, region)
	if err != nil {
		return "", "", ErrInvalidPhone
	}
	// IsValidNumber is this check after finding the region, which is the costly part (the
	// phones file of an import was bound by it): find it once for both.
	country = phonenumbers.GetRegionCodeForNumber(n)
	if !phonenumbers.IsValidNumberForRegion(n, country) {
		return "", "", ErrInvalidPhone
	}
	return phonenumbers.Format(n, phonenumbers.E164), country, nil
}
