package callback

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openresolve/openresolve/webhook"
	"github.com/stretchr/testify/require"
)

func TestNewSecret(t *testing.T) {
	t.Parallel()
	a, b := NewSecret(), NewSecret()
	require.NotEqual(t, a, b)
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, webhook.SecretPrefix))
	require.NoError(t, err)
	require.Len(t, key, 32)
	require.Regexp(t, `^whsec_[A-Za-z0-9+/]+=*$`, a)
	_, err = webhook.NewVerifier(a)
	require.NoError(t, err)
}

func TestParseSchedule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []time.Duration
		wantErr bool
	}{
		{in: "5s,30s,2m", want: []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute}},
		{in: " 1h , 24h ", want: []time.Duration{time.Hour, 24 * time.Hour}},
		{in: "100ms,,200ms", want: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{in: "", wantErr: true},
		{in: "5", wantErr: true},
		{in: "5s,-1s", wantErr: true},
		{in: "soon", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseSchedule(tc.in)
		if tc.wantErr {
			require.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
	require.Len(t, DefaultSchedule, 11)
	require.Equal(t, 5*time.Second, DefaultSchedule[0])
	require.Equal(t, 24*time.Hour, DefaultSchedule[10])
}

func TestJitter(t *testing.T) {
	t.Parallel()
	for _, d := range DefaultSchedule {
		lo, hi := d-d/10, d+d/10
		seen := map[time.Duration]bool{}
		for range 500 {
			j := Jitter(d)
			require.GreaterOrEqual(t, j, lo, d)
			require.LessOrEqual(t, j, hi, d)
			seen[j] = true
		}
		require.Greater(t, len(seen), 100, "jitter of %s hardly varies", d)
	}
	require.Equal(t, time.Duration(0), Jitter(0))
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"3600", time.Hour, true},
		{"86400", MaxRetryAfter, true},
		{"99999999999999999999", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{now.Add(48 * time.Hour).Format(http.TimeFormat), MaxRetryAfter, true},
		{"tomorrow", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseRetryAfter(tc.in, now)
		require.Equal(t, tc.wantOK, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}
