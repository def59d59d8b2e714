package netguard

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIsPublic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		want bool
	}{
		{"8.8.8.8", true},
		{"1.1.1.1", true},
		{"2606:4700:4700::1111", true},
		{"::ffff:8.8.8.8", true},
		{"127.0.0.1", false},
		{"127.255.255.254", false},
		{"10.0.0.1", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},      // CGNAT
		{"100.127.255.255", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"255.255.255.255", false},
		{"224.0.0.1", false},
		{"240.0.0.1", false},
		{"192.0.2.1", false},
		{"198.51.100.7", false},
		{"203.0.113.9", false},
		{"198.18.0.1", false},
		{"::", false},
		{"::1", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"fe80::1", false},
		{"ff02::1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::7f00:1", false},
		{"2001:db8::1", false},
		{"2002:7f00:1::", false},
		{"fd00:ec2::254", false}, // AWS metadata over IPv6
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, IsPublic(netip.MustParseAddr(tc.addr)), tc.addr)
	}
	require.False(t, IsPublic(netip.Addr{}))
}

func TestPolicyPermits(t *testing.T) {
	t.Parallel()
	nets, err := ParsePrefixes("127.0.0.0/8, ::1, 10.1.0.0/16")
	require.NoError(t, err)
	p := Policy{Allowed: nets}
	require.True(t, p.Permits(netip.MustParseAddr("127.0.0.1")))
	require.True(t, p.Permits(netip.MustParseAddr("::ffff:127.0.0.1")))
	require.True(t, p.Permits(netip.MustParseAddr("::1")))
	require.True(t, p.Permits(netip.MustParseAddr("10.1.2.3")))
	require.False(t, p.Permits(netip.MustParseAddr("10.2.0.1")))
	require.True(t, p.Permits(netip.MustParseAddr("8.8.8.8")))
	require.False(t, Policy{}.Permits(netip.MustParseAddr("127.0.0.1")))
}

func TestParsePrefixes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{in: "", want: nil},
		{in: " , ", want: nil},
		{in: "10.0.0.0/8", want: []string{"10.0.0.0/8"}},
		{in: "10.1.2.3/8", want: []string{"10.0.0.0/8"}},
		{in: "127.0.0.1", want: []string{"127.0.0.1/32"}},
		{in: "::1,fd00::/8", want: []string{"::1/128", "fd00::/8"}},
		{in: "::ffff:10.0.0.0/104", want: []string{"10.0.0.0/8"}},
		{in: "10.0.0.0/33", wantErr: true},
		{in: "example.com", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParsePrefixes(tc.in)
		if tc.wantErr {
			require.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		require.Equal(t, tc.want, s, tc.in)
	}
}

func TestParseHostAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host string
		want string // "" when the host is a name
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"[::1]", "::1"},
		{"::ffff:127.0.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"10.0.258", "10.0.1.2"},
		{"0", "0.0.0.0"},
		{"127.0.0.1.", "127.0.0.1"},
		{"4294967296", ""},
		{"256.0.0.1", ""},
		{"1.2.3.4.5", ""},
		{"08.0.0.1", ""}, // 8 is not an octal digit: a name, which DNS will not resolve
		{"example.com", ""},
		{"1.example", ""},
		{"localhost", ""},
	}
	for _, tc := range tests {
		got, ok := ParseHostAddr(tc.host)
		if tc.want == "" {
			require.False(t, ok, "%s parsed as %s", tc.host, got)
			continue
		}
		require.True(t, ok, tc.host)
		require.Equal(t, tc.want, got.String(), tc.host)
	}
}

func FuzzParseHostAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "0x7f.1", "2130706433", "[::1]", "0177.1", "example.com", "1.2.3.4.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		a, ok := ParseHostAddr(host)
		if ok && !a.IsValid() {
			t.Fatalf("%q: ok with an invalid address", host)
		}
		if ok && a.Is4In6() {
			t.Fatalf("%q: mapped address not unmapped", host)
		}
	})
}
