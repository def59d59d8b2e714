package endpoint

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/request"
	"github.com/openresolve/openresolve/internal/resolve"
)

func TestTable(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, e := range All {
		require.False(t, seen[e.Name], "%s twice", e.Name)
		seen[e.Name] = true
		got, ok := Lookup(e.Name)
		require.True(t, ok)
		require.Equal(t, e.Name, got.Name)
		require.NotNil(t, e.Resolver(resolve.Deps{}), e.Name)
		require.NotEmpty(t, e.Result, e.Name)
	}
	require.Len(t, Resolvers(resolve.Deps{}), len(All))
	require.Equal(t, "linkedin_to_phone", Endpoint{Name: LinkedInToPhone}.Slug())
	_, ok := Lookup("nope")
	require.False(t, ok)
}

// FuzzParse feeds every endpoint's parser any JSON object. A refusal must be a 422 of the
// contract's table; what a parser accepts is normalized for good: read again, as the
// resolver reads it, it is the same request.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"companyName":"Acme Logistics, Inc.","domain":"https://www.Acme.com/about","fullName":"Jane Doe"}`,
		`{"linkedin_url":"https://uk.linkedin.com/in/jane-doe-123/?trk=x","email":" Jane.Doe@Example.COM "}`,
		`{"ip":"::ffff:64.207.100.23","hem":"0123456789abcdef0123456789abcdef","userAgent":"Mozilla/5.0"}`,
		`{"ip":"10.0.0.1"}`, `{"ip":"2001:db8::1"}`, `{"email":"a@b.co"}`,
		`{"companyName":"Summit Health","country":"gb"}`, `{"companyName":"!!!"}`,
		`{"keyword":"supply chain","title":"VP","seniority":"VP","country":"US","limit":5}`,
		`{"keyword":"x","limit":"5"}`, `{"keyword":"x","limit":1e2}`, `{"limit":0}`, `{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fields, err := request.Decode(body)
		if err != nil {
			return
		}
		for _, e := range All {
			doc, err := e.Parse(fields)
			if err != nil {
				var rerr *request.Error
				if !errors.As(err, &rerr) || rerr.Status != http.StatusUnprocessableEntity || rerr.Code != "validation_failed" {
					t.Fatalf("%s: error %v is not a validation_failed 422", e.Name, err)
				}
				continue
			}
			raw, err := json.Marshal(doc)
			if err != nil {
				t.Fatalf("%s: %v", e.Name, err)
			}
			again, err := request.Decode(raw)
			if err != nil {
				t.Fatalf("%s: the stored request %s does not decode: %v", e.Name, raw, err)
			}
			doc2, err := e.Parse(again)
			if err != nil {
				t.Fatalf("%s: the stored request %s is refused: %v", e.Name, raw, err)
			}
			if !reflect.DeepEqual(doc, doc2) {
				t.Fatalf("%s: %s normalizes to %+v, then to %+v", e.Name, body, doc, doc2)
			}
		}
	})
}
