package callback

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultSchedule is the contract's retry schedule: the wait after the first failed attempt,
// the second, and so on. Twelve attempts in all, over about 52 hours.
var DefaultSchedule = []time.Duration{
	5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// MaxRetryAfter caps how long a receiver's Retry-After can make us wait.
const MaxRetryAfter = time.Hour

// ParseSchedule reads a comma-separated list of Go durations, such as "5s,30s,2m".
func ParseSchedule(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		d, err := time.ParseDuration(part)
		if err != nil {
			return nil, fmt.Errorf("invalid retry delay %q: %w", part, err)
		}
		if d < 0 {
			return nil, fmt.Errorf("invalid retry delay %q: negative", part)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("retry schedule %q has no delays", s)
	}
	return out, nil
}

// Jitter spreads d uniformly over ±10%, so that receivers coming back from an outage are not
// hit by every retry at the same instant.
func Jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	spread := int64(d) / 5 // the width of [-10%, +10%]
	if spread == 0 {
		return d
	}
	return d - time.Duration(spread/2) + time.Duration(rand.Int64N(spread+1))
}

// ParseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date. It returns false
// when the header is absent or unreadable. The result is never negative and never above
// MaxRetryAfter.
func ParseRetryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter, true
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	} else {
		return 0, false
	}
	return min(max(d, 0), MaxRetryAfter), true
}
