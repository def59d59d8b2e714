package privacy

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind, in, want string
		ok             bool
	}{
		{Email, " Jane.Doe@Example.COM ", "jane.doe@example.com", true},
		{Email, "not an email", "", false},
		{LinkedIn, "https://www.linkedin.com/in/JaneDoe/?trk=x", "linkedin.com/in/janedoe", true},
		{LinkedIn, "https://example.com/in/jane", "", false},
		{Phone, "+1 (415) 555-0100", "+14155550100", true},
		{Phone, "415 555 0100", "", false},
		{Person, " p_1 ", "p_1", true},
		{Person, "", "", false},
		{"ssn", "1", "", false},
	} {
		got, err := Normalize(c.kind, c.in, "")
		require.Equal(t, c.ok, err == nil, "%s %q: %v", c.kind, c.in, err)
		require.Equal(t, c.want, got, "%s %q", c.kind, c.in)
	}
	// An email's hash is its sha256 HEM.
	require.Equal(t, "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d", hex.EncodeToString(Hash("jane.doe@example.com")))
	require.Equal(t, `"a\"b<c"`, quoted(`a"b<c`), "as jsonb prints a string")
}

// FuzzNormalize: an identifier from the command line or an opt-out file is normalized or
// refused, never a panic, and normalizing is idempotent.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"a@b.co", "linkedin.com/in/x", "+14155550100", "p1", "", "\xff", "+", "@@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []string{Email, LinkedIn, Phone, Person} {
			got, err := Normalize(kind, s, "")
			if err != nil {
				continue
			}
			again, err := Normalize(kind, got, "")
			if err != nil || again != got {
				t.Fatalf("%s %q → %q → %q, %v", kind, s, got, again, err)
			}
		}
	})
}
