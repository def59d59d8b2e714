package normalize

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // "" for invalid
	}{
		{"jane.doe@example.com", "jane.doe@example.com"},
		{"  Jane.Doe@Example.COM\t", "jane.doe@example.com"},
		{"JANE+news@sub.example.co.uk", "jane+news@sub.example.co.uk"},
		{"o'brien@example.ie", "o'brien@example.ie"},
		{"a_b-c!#$%&*/=?^`{|}~@x.io", "a_b-c!#$%&*/=?^`{|}~@x.io"},
		{"user@xn--bcher-kva.example", "user@xn--bcher-kva.example"},
		{"José@Exämple.com", "josé@exämple.com"},
		{"a@b.co", "a@b.co"},
		{"1@2.com", "1@2.com"},
		{"", ""},
		{"   ", ""},
		{"plainaddress", ""},
		{"@example.com", ""},
		{"jane@", ""},
		{"jane@example", ""},
		{"jane@@example.com", ""},
		{"ja@ne@example.com", ""},
		{".jane@example.com", ""},
		{"jane.@example.com", ""},
		{"ja..ne@example.com", ""},
		{"jane doe@example.com", ""},
		{`"jane doe"@example.com`, ""},
		{"Jane <jane@example.com>", ""},
		{"jane@[127.0.0.1]", ""},
		{"jane@127.0.0.1", ""},
		{"jane@-example.com", ""},
		{"jane@example-.com", ""},
		{"jane@example..com", ""},
		{"jane@exa_mple.com", ""},
		{"jane@example.com.", ""},
		{"jane(comment)@example.com", ""},
		{"jane@exam\x00ple.com", ""},
		{"jane\u00a0doe@example.com", ""},
		{"jane@example.c\xffm", ""},
		{strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 64) + "@example.com"},
		{strings.Repeat("a", 65) + "@example.com", ""},
		{"a@" + strings.Repeat("b", 63) + ".com", "a@" + strings.Repeat("b", 63) + ".com"},
		{"a@" + strings.Repeat("b", 64) + ".com", ""},
		{"a@" + strings.Repeat("abcdefghi.", 25) + "com", ""}, // over 254 in all
	}
	for _, tc := range tests {
		got, err := Email(tc.in)
		if tc.want == "" {
			require.ErrorIs(t, err, ErrInvalidEmail, "%q was accepted as %q", tc.in, got)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestHashEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email string
		want  Hashes
	}{
		{"jane.doe@example.com", Hashes{
			MD5:    "0cba00ca3da1b283a57287bcceb17e35",
			SHA1:   "a3caddb38202511eab803116294dc020f7c4f8a2",
			SHA256: "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d",
		}},
		// Reference digests of "test@example.com" (md5sum, sha1sum, sha256sum).
		{"test@example.com", Hashes{
			MD5:    "55502f40dc8b7c769880b10874abc9d0",
			SHA1:   "567159d622ffbb50b11b0efd307be358624a26ee",
			SHA256: "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b",
		}},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, HashEmail(tc.email), tc.email)
	}
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"jane.doe@example.com", " A@B.CO ", "a..b@c.d", `"q"@x.io`, "josé@exämple.com", "a@b", "@", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Email(in)
		if err != nil {
			return
		}
		// A normalized address is stable, valid UTF-8, lowercase, trimmed and bounded.
		again, err := Email(out)
		if err != nil || again != out {
			t.Fatalf("Email(%q) = %q, but Email of that = %q, %v", in, out, again, err)
		}
		if !utf8.ValidString(out) || out != strings.ToLower(out) || out != strings.TrimSpace(out) || len(out) > 254 {
			t.Fatalf("Email(%q) = %q is not normalized", in, out)
		}
		if strings.Count(out, "@") != 1 {
			t.Fatalf("Email(%q) = %q does not have exactly one @", in, out)
		}
		h := HashEmail(out)
		if len(h.MD5) != 32 || len(h.SHA1) != 40 || len(h.SHA256) != 64 {
			t.Fatalf("bad hash lengths for %q", out)
		}
	})
}
