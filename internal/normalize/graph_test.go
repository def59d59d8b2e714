package normalize

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/require"
)

func TestLinkedIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, kind string // want "" for invalid
	}{
		{"https://www.linkedin.com/in/jane-doe-42/", "linkedin.com/in/jane-doe-42", "in"},
		{"http://linkedin.com/in/Jane-Doe", "linkedin.com/in/jane-doe", "in"},
		{"linkedin.com/in/janedoe?trk=public_profile#about", "linkedin.com/in/janedoe", "in"},
		{"www.linkedin.com/in/janedoe/details/experience/", "linkedin.com/in/janedoe", "in"},
		{"https://uk.linkedin.com/in/janedoe", "linkedin.com/in/janedoe", "in"},
		{"HTTPS://DE.LINKEDIN.COM/IN/JaneDoe", "linkedin.com/in/janedoe", "in"},
		{"https://www.linkedin.com/in/j%C3%A9r%C3%B4me-dupont", "linkedin.com/in/jérôme-dupont", "in"},
		{"//linkedin.com/in/x", "linkedin.com/in/x", "in"},
		{"https://www.linkedin.com/company/acme-logistics/about/", "linkedin.com/company/acme-logistics", "company"},
		{"linkedin.com.:443/company/acme", "linkedin.com/company/acme", "company"},
		{"https://linkedin.com.evil.example/in/janedoe", "", ""},
		{"https://evillinkedin.com/in/janedoe", "", ""},
		{"https://linkedin.co/in/janedoe", "", ""},
		{"https://user@linkedin.com/in/janedoe", "", ""},
		{"https://www.linkedin.com/feed/", "", ""},
		{"https://www.linkedin.com/in/", "", ""},
		{"https://www.linkedin.com/in/%2F", "", ""},
		{"https://www.linkedin.com/in/%zz", "", ""},
		{"https://www.linkedin.com/pub/jane/1/2/3", "", ""},
		{"janedoe", "", ""},
		{"", "", ""},
	}
	for _, tc := range tests {
		got, kind, err := LinkedIn(tc.in)
		if tc.want == "" {
			require.Error(t, err, "%q accepted as %q", tc.in, got)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
		require.Equal(t, tc.kind, kind, tc.in)
	}
	_, err := LinkedInProfileURL("linkedin.com/company/acme")
	require.Error(t, err)
	_, err = LinkedInCompanyURL("linkedin.com/in/jane")
	require.Error(t, err)
}

func TestDomain(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"example.com", "example.com"},
		{"  Example.COM ", "example.com"},
		{"https://www.example.com/path?q=1#x", "example.com"},
		{"http://user:pw@shop.example.com:8443/", "example.com"},
		{"www.example.co.uk", "example.co.uk"},
		{"a.b.c.example.co.uk", "example.co.uk"},
		{"example.com.", "example.com"},
		{"bücher.de", "xn--bcher-kva.de"},
		{"https://www.Bücher.DE/shop", "xn--bcher-kva.de"},
		{"xn--bcher-kva.de", "xn--bcher-kva.de"},
		{"foo.blogspot.com", "foo.blogspot.com"},
		{"mail.example.com.au", "example.com.au"},
		{"com", ""},
		{"co.uk", ""},
		{"localhost", ""},
		{"corp.internal", ""},
		{"192.168.1.1", ""},
		{"http://[::1]/", ""},
		{"exa mple.com", ""},
		{"-example.com", ""},
		{"example-.com", ""},
		{"exa_mple.com", ""},
		{"", ""},
		{"https://", ""},
	}
	for _, tc := range tests {
		got, err := Domain(tc.in)
		if tc.want == "" {
			require.Error(t, err, "%q accepted as %q", tc.in, got)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestPhone(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, country, want, wantCountry string }{
		{"+1 415-555-0123", "", "+14155550123", "US"},
		{"+1 (650) 253-0000", "", "+16502530000", "US"},
		{"650.253.0000", "US", "+16502530000", "US"},
		{"(650) 253 0000", "us", "+16502530000", "US"},
		{"+44 20 7946 0958", "", "+442079460958", "GB"},
		{"020 7946 0958", "GB", "+442079460958", "GB"},
		{"+49 30 901820", "", "+4930901820", "DE"},
		{"030 901820", "DE", "+4930901820", "DE"},
		{"0044 20 7946 0958", "US", "", ""}, // 00 is not the international prefix from the US
		{"011 44 20 7946 0958", "US", "+442079460958", "GB"},
		{"650 253 0000", "", "", ""},
		{"+1 000", "", "", ""},
		{"call me", "US", "", ""},
		{"", "US", "", ""},
	}
	for _, tc := range tests {
		got, country, err := Phone(tc.in, tc.country)
		if tc.want == "" {
			require.Error(t, err, "%q accepted as %q", tc.in, got)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
		require.Equal(t, tc.wantCountry, country, tc.in)
	}
}

func TestCountry(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"us": "US", " DE ": "DE", "UK": "GB", "gb": "GB"} {
		got, ok := Country(in)
		require.True(t, ok, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "USA", "U", "ZZ", "12", "EU"} {
		_, ok := Country(in)
		require.False(t, ok, in)
	}
}

func TestIPAndHashedEmail(t *testing.T) {
	t.Parallel()
	a, err := IP(" ::ffff:8.8.8.8 ")
	require.NoError(t, err)
	require.Equal(t, "8.8.8.8", a.String())
	a, err = IP("2001:4860:4860::8888")
	require.NoError(t, err)
	require.Equal(t, "2001:4860:4860::8888", a.String())
	for _, bad := range []string{"", "8.8.8", "fe80::1%eth0", "example.com", "1.2.3.4/24"} {
		_, err := IP(bad)
		require.Error(t, err, bad)
	}
	h, kind, err := HashedEmail(strings.ToUpper("0cba00ca3da1b283a57287bcceb17e35"))
	require.NoError(t, err)
	require.Equal(t, "md5", kind)
	require.Equal(t, "0cba00ca3da1b283a57287bcceb17e35", h)
	_, kind, _ = HashedEmail("a3caddb38202511eab803116294dc020f7c4f8a2")
	require.Equal(t, "sha1", kind)
	_, kind, _ = HashedEmail("86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d")
	require.Equal(t, "sha256", kind)
	for _, bad := range []string{"", "abc", strings.Repeat("g", 32), strings.Repeat("a", 33)} {
		_, _, err := HashedEmail(bad)
		require.Error(t, err, bad)
	}
}

func FuzzLinkedIn(f *testing.F) {
	for _, s := range []string{"https://www.linkedin.com/in/jane-doe/", "linkedin.com/company/acme", "https://linkedin.com.evil.example/in/x", "uk.linkedin.com/in/%C3%A9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, kind, err := LinkedIn(in)
		if err != nil {
			return
		}
		if !strings.HasPrefix(c, "linkedin.com/"+kind+"/") || c != strings.ToLower(c) {
			t.Fatalf("LinkedIn(%q) = %q", in, c)
		}
		again, _, err := LinkedIn(c)
		if err != nil || again != c {
			t.Fatalf("LinkedIn(%q) = %q is not stable: %q, %v", in, c, again, err)
		}
	})
}

func FuzzDomain(f *testing.F) {
	for _, s := range []string{"https://www.example.co.uk/x", "bücher.de", "com", "192.168.1.1", "a.b.c.d.e.f.example.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Domain(in)
		if err != nil {
			return
		}
		again, err := Domain(d)
		if err != nil || again != d {
			t.Fatalf("Domain(%q) = %q is not stable: %q, %v", in, d, again, err)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"+1 650 253 0000", "020 7946 0958", "+49 30 901820", "00"} {
		f.Add(s, "GB")
	}
	f.Fuzz(func(t *testing.T, in, country string) {
		e164, _, err := Phone(in, country)
		if err != nil {
			return
		}
		again, _, err := Phone(e164, "")
		if err != nil || again != e164 || !strings.HasPrefix(e164, "+") {
			t.Fatalf("Phone(%q, %q) = %q is not stable: %q, %v", in, country, e164, again, err)
		}
	})
}

func FuzzIPAndHashedEmail(f *testing.F) {
	for _, s := range []string{"8.8.8.8", "::ffff:1.2.3.4", "fe80::1%eth0", "0cba00ca3da1b283a57287bcceb17e35", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if a, err := IP(in); err == nil {
			if a.Is4In6() || a.Zone() != "" {
				t.Fatalf("IP(%q) = %v is not normalized", in, a)
			}
			if b, err := IP(a.String()); err != nil || b != a {
				t.Fatalf("IP(%q) = %v is not stable", in, a)
			}
		}
		if h, kind, err := HashedEmail(in); err == nil {
			if h != strings.ToLower(h) || map[string]int{"md5": 32, "sha1": 40, "sha256": 64}[kind] != len(h) {
				t.Fatalf("HashedEmail(%q) = %q, %q", in, h, kind)
			}
		}
		if c, ok := Country(in); ok && (len(c) != 2 || c != strings.ToUpper(c)) {
			t.Fatalf("Country(%q) = %q", in, c)
		}
	})
}

// BenchmarkPhone is a phone as an import normalizes it: the phones file of a graph is bound
// by this (go test -run '^$' -bench Phone ./internal/normalize/).
// TestPhoneE164 holds the E.164 reading to the full parse: every number written in E.164 gets
// the same answer both ways, over every country calling code the metadata knows, with
// national numbers of every length (valid ones among them), leading zeros included.
func TestPhoneE164(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	parse := func(s string) (string, string, bool) {
		n, err := phonenumbers.Parse(s, "")
		if err != nil {
			return "", "", false
		}
		country := phonenumbers.GetRegionCodeForNumber(n)
		if !phonenumbers.IsValidNumberForRegion(n, country) {
			return "", "", false
		}
		return phonenumbers.Format(n, phonenumbers.E164), country, true
	}
	valid, fast := 0, 0
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		for range 200 {
			digits := make([]byte, 4+r.IntN(10))
			for i := range digits {
				digits[i] = byte('0' + r.IntN(10))
			}
			if r.IntN(4) > 0 { // most from an example number's first digits, to be valid
				if ex := phonenumbers.GetExampleNumberForType(phonenumbers.GetRegionCodeForCountryCode(cc), phonenumbers.MOBILE); ex != nil {
					digits = []byte(strconv.FormatUint(ex.GetNationalNumber(), 10))
					for i := max(len(digits)-2, 0); i < len(digits); i++ {
						digits[i] = byte('0' + r.IntN(10))
					}
				}
			}
			s := "+" + strconv.Itoa(cc) + string(digits)
			want, wantCountry, ok := parse(s)
			got, country, err := Phone(s, "")
			require.Equal(t, ok, err == nil, "%s", s)
			require.Equal(t, want, got, "%s", s)
			require.Equal(t, wantCountry, country, "%s", s)
			if ok {
				valid++
			}
			if _, _, _, ok := readE164(s); ok {
				fast++
			}
		}
	}
	require.Greater(t, valid, 10000, "valid numbers among them")
	require.Greater(t, fast, 20000, "numbers read without the parser")
}

// TestValidIn holds the compiled patterns to phonenumbers.IsValidNumberForRegion: every
// region of every calling code, from each type's example number, its last digits changed and
// a digit added or dropped.
func TestValidIn(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE,
		phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.VOIP,
		phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL}
	valid, checked := 0, 0
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		for _, region := range phonenumbers.GetRegionCodesForCountryCode(cc) {
			for _, typ := range types {
				ex := phonenumbers.GetExampleNumberForType(region, typ)
				if region == "001" {
					ex = phonenumbers.GetExampleNumberForNonGeoEntity(cc)
				}
				if ex == nil {
					continue
				}
				for i := range 30 {
					digits := []byte(phonenumbers.GetNationalSignificantNumber(ex))
					for j := max(len(digits)-1-i%4, 0); j < len(digits); j++ {
						digits[j] = byte('0' + r.IntN(10))
					}
					switch i % 3 {
					case 1:
						digits = append(digits, byte('0'+r.IntN(10)))
					case 2:
						digits = digits[:len(digits)-1]
					}
					national, err := strconv.ParseUint(string(digits), 10, 64)
					if err != nil || len(digits) == 0 || digits[0] == '0' {
						continue
					}
					code := int32(cc)
					n := &phonenumbers.PhoneNumber{CountryCode: &code, NationalNumber: &national}
					want := phonenumbers.IsValidNumberForRegion(n, region)
					require.Equal(t, want, validIn(cc, region, string(digits)), "+%d %s (%s)", cc, digits, region)
					checked++
					if want {
						valid++
					}
				}
			}
		}
	}
	require.Greater(t, valid, 5000, "valid numbers among %d", checked)
	require.Greater(t, checked-valid, 5000, "invalid numbers among %d", checked)
}

func BenchmarkPhone(b *testing.B) {
	for b.Loop() {
		if _, _, err := Phone("+1 (415) 555-0123", ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPhoneE164(b *testing.B) {
	for b.Loop() {
		if _, _, err := Phone("+14155550123", ""); err != nil {
			b.Fatal(err)
		}
	}
}
