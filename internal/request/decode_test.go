package request

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/netguard"
)

func TestSnakeCase(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"callbackUrl": "callback_url", "externalId": "external_id", "linkedinUrl": "linkedin_url",
		"companyName": "company_name", "email": "email", "ip": "ip", "fullName": "full_name",
	} {
		require.Equal(t, want, snakeCase(in))
	}
}

func TestFieldsLookup(t *testing.T) {
	t.Parallel()
	f, err := Decode([]byte(`{"callback_url":"https://a.example/","externalId":null,"email":" x@y.io "}`))
	require.NoError(t, err)
	v, name, ok, err := f.Str("callbackUrl", 100)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "callback_url", name)
	require.Equal(t, "https://a.example/", v)

	_, _, ok, err = f.Str("externalId", 10)
	require.NoError(t, err)
	require.False(t, ok, "null is absent")

	v, _, ok, _ = f.Str("email", 100)
	require.True(t, ok)
	require.Equal(t, "x@y.io", v)

	// camelCase wins when both spellings are present.
	f, err = Decode([]byte(`{"callback_url":"https://snake.example/","callbackUrl":"https://camel.example/"}`))
	require.NoError(t, err)
	v, _, _, _ = f.Str("callbackUrl", 100)
	require.Equal(t, "https://camel.example/", v)
}

func TestParseCallbackURL(t *testing.T) {
	t.Parallel()
	loopbackOK := netguard.Policy{Allowed: mustPrefixes(t, "127.0.0.0/8")}
	tests := []struct {
		url    string
		policy netguard.Policy
		code   string // "" when accepted
	}{
		{"https://client.example.com/cb/123?token=x#frag", netguard.Policy{}, ""},
		{"HTTP://client.example.com", netguard.Policy{}, ""},
		{"http://8.8.8.8:8080/cb", netguard.Policy{}, ""},
		{"http://[2606:4700::1111]/cb", netguard.Policy{}, ""},
		{"http://127.0.0.1:9000/cb", loopbackOK, ""},
		{"http://localhost:9000/cb", loopbackOK, ""},
		{"http://127.0.0.1:9000/cb", netguard.Policy{}, "callback_url_forbidden"},
		{"http://localhost/cb", netguard.Policy{}, "callback_url_forbidden"},
		{"http://api.localhost/cb", netguard.Policy{}, "callback_url_forbidden"},
		{"http://LOCALHOST./cb", netguard.Policy{}, "callback_url_forbidden"},
		{"http://0.0.0.0/", netguard.Policy{}, "callback_url_forbidden"},
		{"http://100.64.1.1/", netguard.Policy{}, "callback_url_forbidden"},
		{"http://[fd00::1]/", netguard.Policy{}, "callback_url_forbidden"},
		{"http://[fe80::1%25eth0]/", netguard.Policy{}, "validation_failed"},
		{"http://017700000001/", netguard.Policy{}, "callback_url_forbidden"},
		{"mailto:jane@example.com", netguard.Policy{}, "validation_failed"},
		{"javascript:alert(1)", netguard.Policy{}, "validation_failed"},
		{"//client.example.com/cb", netguard.Policy{}, "validation_failed"},
		{"https://", netguard.Policy{}, "validation_failed"},
		{"https://:443/", netguard.Policy{}, "validation_failed"},
		{"https://client.example.com:0/", netguard.Policy{}, "validation_failed"},
		{"https://user@client.example.com/", netguard.Policy{}, "validation_failed"},
		{"https://client example.com/", netguard.Policy{}, "validation_failed"},
	}
	for _, tc := range tests {
		f := Fields{"callbackUrl": []byte(`"` + tc.url + `"`)}
		_, err := CallbackURL(f, tc.policy)
		if tc.code == "" {
			require.NoError(t, err, tc.url)
			continue
		}
		var apiErr *Error
		require.True(t, errors.As(err, &apiErr), "%s: %v", tc.url, err)
		require.Equal(t, tc.code, apiErr.Code, tc.url)
		require.Equal(t, "callbackUrl", apiErr.Field, tc.url)
	}
}

func mustPrefixes(t *testing.T, s string) []netip.Prefix {
	t.Helper()
	p, err := netguard.ParsePrefixes(s)
	require.NoError(t, err)
	return p
}

// FuzzDecodeRequest feeds arbitrary bodies through the decoding and callback URL checks every
// request goes through: it must never panic, and whatever it accepts must be well-formed.
// (endpoint's FuzzParse does the same through every endpoint's parser.)
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"email":"a@b.co","callbackUrl":"https://c.example.com/"}`,
		`{"email":" A@B.CO ","callback_url":"http://127.0.0.1:9000/cb","external_id":"x"}`,
		`{"email":42,"callbackUrl":null}`,
		`{"email":"a@b.co","callbackUrl":"http://0x7f.1/","externalId":"` + strings.Repeat("z", 300) + `"}`,
		`[]`, `null`, `{}`, `{"a":{"b":[1,2,{"c":"d"}]}}`, "{\"email\":\"\xff\"}", `{"email":"a@b.co"}{}`,
	} {
		f.Add([]byte(s))
	}
	policy := netguard.Policy{Allowed: mustPrefixes(&testing.T{}, "127.0.0.0/8")}
	f.Fuzz(func(t *testing.T, body []byte) {
		fl, err := Decode(body)
		if err != nil {
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.Code != "invalid_json" || apiErr.Status != 400 {
				t.Fatalf("decode error %v is not invalid_json", err)
			}
			return
		}
		u, uerr := CallbackURL(fl, policy)
		var apiErr *Error
		if uerr != nil && (!errors.As(uerr, &apiErr) || apiErr.Status != 422 || apiErr.Field == "") {
			t.Fatalf("error %v is not a 422 naming a field", uerr)
		}
		if _, err := fl.IntIn("limit", 1, 100, 25); err != nil && (!errors.As(err, &apiErr) || apiErr.Status != 422) {
			t.Fatalf("error %v is not a 422", err)
		}
		if v, _, ok, err := fl.Str("email", 320); err == nil && ok && (!utf8.ValidString(v) || strings.TrimSpace(v) != v) {
			t.Fatalf("Str gave %q", v)
		}
		if uerr == nil && (len([]rune(u)) > MaxCallbackURLLength || !(strings.HasPrefix(strings.ToLower(u), "http://") || strings.HasPrefix(strings.ToLower(u), "https://"))) {
			t.Fatalf("accepted callback URL %q", u)
		}
	})
}

// FuzzBulkItems: a bulk request's items are 1 to max objects or a validation error naming
// items or one item; never a panic, never another kind of error for valid JSON.
func FuzzBulkItems(f *testing.F) {
	for _, s := range []string{
		`{"items":[{"email":"a@b.co"}]}`, `{"items":[]}`, `{"items":"x"}`, `{"items":[1,{"a":2}]}`,
		`{"items":[{"a":1},{"a":1,"a":2}]}`, `{"items":null}`, `{"items":[{},{},{}]}`, "{\"items\":[\"\xff\"]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fl, err := Decode(body)
		if err != nil {
			return
		}
		items, err := fl.Items("items", 3)
		if err != nil {
			var apiErr *Error
			if !errors.As(err, &apiErr) || (apiErr.Code != "validation_failed" && apiErr.Code != "invalid_json") {
				t.Fatalf("items error %v is neither validation_failed nor invalid_json", err)
			}
			if apiErr.Code == "validation_failed" && !strings.HasPrefix(apiErr.Field, "items") {
				t.Fatalf("items error names %q", apiErr.Field)
			}
			return
		}
		if len(items) < 1 || len(items) > 3 {
			t.Fatalf("%d items accepted", len(items))
		}
	})
}
