package usage

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/resolution"
)

func TestRange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 13, 45, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, from, to string
		want           [2]string
		field          string // the field a 422 names; "" when valid
	}{
		{"the current month by default", "", "", [2]string{"2026-12-01", "2026-12-31"}, ""},
		{"both given", "2026-11-03", "2026-11-04", [2]string{"2026-11-03", "2026-11-04"}, ""},
		{"one day", "2026-11-03", "2026-11-03", [2]string{"2026-11-03", "2026-11-03"}, ""},
		{"from alone: up to today", "2026-10-15", "", [2]string{"2026-10-15", "2026-12-06"}, ""},
		{"from alone in the future: its month", "2027-02-10", "", [2]string{"2027-02-10", "2027-02-28"}, ""},
		{"to alone: from its month's start", "", "2026-02-14", [2]string{"2026-02-01", "2026-02-14"}, ""},
		{"400 days", "2025-11-02", "2026-12-06", [2]string{"2025-11-02", "2026-12-06"}, ""},
		{"401 days", "2025-11-01", "2026-12-06", [2]string{}, "from"},
		{"reversed", "2026-12-02", "2026-12-01", [2]string{}, "to"},
		{"not a date", "2026-13-01", "", [2]string{}, "from"},
		{"a time, not a day", "", "2026-12-01T00:00:00Z", [2]string{}, "to"},
		{"words", "yesterday", "", [2]string{}, "from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, to, err := Range(tc.from, tc.to, now)
			if tc.field != "" {
				var re *ErrRange
				require.ErrorAs(t, err, &re)
				require.Equal(t, tc.field, re.Field)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, [2]string{f.Format(time.DateOnly), to.Format(time.DateOnly)})
		})
	}
}

func TestQuotaOf(t *testing.T) {
	t.Parallel()
	month := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	// 100 accepted this month: 60 found something, 25 nothing, 5 failed, 10 in flight.
	m := counts(100, 60, 25, 5)
	require.EqualValues(t, 10, m.Processing)
	for _, tc := range []struct {
		counting resolution.Counting
		limit    int64
		want     Quota
	}{
		{resolution.CountCompleted, 1000, Quota{Used: 60, Reserved: 10, Remaining: 930}},
		{resolution.CountAccepted, 1000, Quota{Used: 90, Reserved: 10, Remaining: 900}},
		{resolution.CountCompleted, 50, Quota{Used: 60, Reserved: 10, Remaining: 0}}, // lowered below use
		{resolution.CountAccepted, 100, Quota{Used: 90, Reserved: 10, Remaining: 0}},
	} {
		q := QuotaOf(tc.limit, m, tc.counting, month)
		tc.want.Period, tc.want.Counts, tc.want.Limit, tc.want.ResetsAt = "month", string(tc.counting), tc.limit, "2027-01-01T00:00:00Z"
		require.Equal(t, tc.want, q)
	}
}

// FuzzRange: any query a client sends is a range of at most MaxDays days, in order, or an
// ErrRange naming from or to; never a panic.
func FuzzRange(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"2026-01-01", ""}, {"", "2026-02-28"}, {"2026-01-01", "2027-02-05"},
		{"0000-01-01", "9999-12-31"}, {"2026-1-1", "x"}} {
		f.Add(s[0], s[1])
	}
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, from, to string) {
		f, tt, err := Range(from, to, now)
		if err != nil {
			var re *ErrRange
			require.ErrorAs(t, err, &re)
			require.Contains(t, []string{"from", "to"}, re.Field)
			return
		}
		require.False(t, tt.Before(f))
		require.Less(t, tt.Sub(f), MaxDays*24*time.Hour)
		require.Equal(t, time.UTC, f.Location())
	})
}
