// Package usage reads what each API key used (CONTRACT.md section 10): by UTC day, endpoint
// and outcome, with the state of its monthly quota, for GET /v1/usage and `openresolve usage`;
// it sets quotas and purges figures past USAGE_RETENTION. The counting itself rides in the
// statements that accept and finish resolutions (internal/resolution), so that it is exact
// wherever they are: a figure moves exactly when a resolution is stored or finished.
package usage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/store"
)

// Counts are the figures of a period: every accepted request or batch item, and those that
// finished by outcome; Processing is what is still in flight.
type Counts struct {
	Accepted   int64 `json:"accepted"`
	Completed  int64 `json:"completed"`
	NotFound   int64 `json:"notFound"`
	Failed     int64 `json:"failed"`
	Processing int64 `json:"processing"`
}

func counts(accepted, completed, notFound, failed int64) Counts {
	return Counts{Accepted: accepted, Completed: completed, NotFound: notFound, Failed: failed,
		Processing: accepted - completed - notFound - failed}
}

// Add adds o's figures to c's.
func (c *Counts) Add(o Counts) {
	c.Accepted += o.Accepted
	c.Completed += o.Completed
	c.NotFound += o.NotFound
	c.Failed += o.Failed
	c.Processing += o.Processing
}

// Day is one endpoint's figures of one UTC day.
type Day struct {
	Date     string `json:"date"`
	Endpoint string `json:"endpoint"`
	Counts
}

// Quota is the state of a key's monthly quota. Used is what has finished and counts (answers
// that found something with QUOTA_COUNTS=completed; every finished one with accepted);
// Reserved is what is in flight; Remaining is what a key may still be accepted for.
type Quota struct {
	Period    string `json:"period"`
	Counts    string `json:"counts"`
	Limit     int64  `json:"limit"`
	Used      int64  `json:"used"`
	Reserved  int64  `json:"reserved"`
	Remaining int64  `json:"remaining"`
	ResetsAt  string `json:"resetsAt"`
}

// QuotaOf is the state of a quota of limit in a month with the figures m, counting what
// counting says, at the start of month (for resetsAt).
func QuotaOf(limit int64, m Counts, counting resolution.Counting, month time.Time) Quota {
	q := Quota{Period: "month", Counts: string(counting), Limit: limit, Reserved: m.Processing,
		ResetsAt: NextMonth(month).Format(time.RFC3339)}
	if counting == resolution.CountAccepted {
		q.Used = m.Completed + m.NotFound + m.Failed
	} else {
		q.Used = m.Completed
	}
	q.Remaining = max(0, limit-q.Used-q.Reserved)
	return q
}

// Report is one key's figures over a range of days.
type Report struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Totals Counts `json:"totals"`
	Days   []Day  `json:"days"`
	Quota  *Quota `json:"quota"`
}

// KeyReport is one key's figures in `openresolve usage --json`.
type KeyReport struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Totals Counts `json:"totals"`
	Days   []Day  `json:"days"`
	Quota  *Quota `json:"quota"`
}

// MaxDays is the longest range a report covers.
const MaxDays = 400

// dateFormat is how days are written: UTC calendar dates.
const dateFormat = time.DateOnly

// Month is the first day of t's UTC month.
func Month(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// NextMonth is the first day of the UTC month after t's.
func NextMonth(t time.Time) time.Time { return Month(t).AddDate(0, 1, 0) }

// ErrRange is the error of a range that cannot be read; its message says why.
type ErrRange struct {
	Field, Message string
}

func (e *ErrRange) Error() string { return e.Message }

// Range reads a range of UTC days, from and to (YYYY-MM-DD, both included; "" for the
// default): by default the current month of now; with from alone, up to today; with to alone,
// from the start of its month. It is at most MaxDays long.
func Range(from, to string, now time.Time) (time.Time, time.Time, error) {
	parse := func(field, s string) (time.Time, error) {
		t, err := time.Parse(dateFormat, s)
		if err != nil {
			return time.Time{}, &ErrRange{Field: field, Message: field + " must be a date written YYYY-MM-DD."}
		}
		return t, nil
	}
	today := now.UTC().Truncate(24 * time.Hour)
	var f, t time.Time
	var err error
	switch {
	case from == "" && to == "":
		f, t = Month(now), NextMonth(now).AddDate(0, 0, -1)
	case to == "":
		if f, err = parse("from", from); err != nil {
			return f, t, err
		}
		t = today
		if t.Before(f) {
			t = NextMonth(f).AddDate(0, 0, -1)
		}
	default:
		if t, err = parse("to", to); err != nil {
			return f, t, err
		}
		f = Month(t)
		if from != "" {
			if f, err = parse("from", from); err != nil {
				return f, t, err
			}
		}
	}
	switch {
	case t.Before(f):
		return f, t, &ErrRange{Field: "to", Message: "to must not be before from."}
	case t.Sub(f) >= MaxDays*24*time.Hour:
		return f, t, &ErrRange{Field: "from", Message: fmt.Sprintf("A range is at most %d days.", MaxDays)}
	}
	return f, t, nil
}

// Reader reads usage.
type Reader struct {
	DB       store.DBTX
	Counting resolution.Counting
}

// ErrNoKey is returned for a key that does not exist.
var ErrNoKey = errors.New("no such API key")

// Keys reports the figures of the keys ids (every key when empty) from from to to, and the
// state of their quotas in the month of now.
func (r Reader) Keys(ctx context.Context, ids []string, from, to, now time.Time) ([]KeyReport, error) {
	out, err := r.quotas(ctx, ids, now)
	if err != nil {
		return nil, err
	}
	all := make([]string, len(out))
	at := make(map[string]int, len(out))
	for i, k := range out {
		all[i], at[k.ID] = k.ID, i
	}
	days, err := store.New().UsageDays(ctx, r.DB, store.UsageDaysParams{APIKeyIDs: all, FromDay: from, ToDay: to})
	if err != nil {
		return nil, err
	}
	for _, d := range days {
		k := &out[at[d.APIKeyID]]
		c := counts(d.Accepted, d.Completed, d.NotFound, d.Failed)
		k.Days = append(k.Days, Day{Date: d.Day.Format(dateFormat), Endpoint: d.Endpoint, Counts: c})
		k.Totals.Add(c)
	}
	return out, nil
}

// Quota is the state of key id's quota in the month of now; nil for a key without one.
func (r Reader) Quota(ctx context.Context, id string, now time.Time) (*Quota, error) {
	ks, err := r.quotas(ctx, []string{id}, now)
	if err != nil {
		return nil, err
	}
	return ks[0].Quota, nil
}

// quotas lists the keys ids (every key when empty) with their quotas' state, days empty.
func (r Reader) quotas(ctx context.Context, ids []string, now time.Time) ([]KeyReport, error) {
	month := Month(now)
	keys, err := store.New().UsageKeys(ctx, r.DB, store.UsageKeysParams{Month: month, APIKeyIDs: ids})
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 && len(keys) < len(ids) {
		return nil, ErrNoKey
	}
	out := make([]KeyReport, len(keys))
	for i, k := range keys {
		out[i] = KeyReport{ID: k.ID, Name: k.Name, Days: []Day{}}
		if k.Quota != nil {
			qs := QuotaOf(*k.Quota, counts(k.Accepted, k.Completed, k.NotFound, k.Failed), r.Counting, month)
			out[i].Quota = &qs
		}
	}
	return out, nil
}

// Key reports one key's figures from from to to, as GET /v1/usage answers.
func (r Reader) Key(ctx context.Context, id string, from, to, now time.Time) (Report, error) {
	ks, err := r.Keys(ctx, []string{id}, from, to, now)
	if err != nil {
		return Report{}, err
	}
	k := ks[0]
	return Report{From: from.Format(dateFormat), To: to.Format(dateFormat), Totals: k.Totals, Days: k.Days,
		Quota: k.Quota}, nil
}

// SetQuota sets key id's monthly quota; nil removes it. Every API process applies it within
// seconds (its key cache hears of the change); accepting reads it in its own statement.
func SetQuota(ctx context.Context, db store.DBTX, id string, quota *int64) error {
	if quota != nil && *quota < 0 {
		return fmt.Errorf("a quota is a number of requests, 0 or more")
	}
	n, err := store.New().APIKeySetQuota(ctx, db, store.APIKeySetQuotaParams{ID: id, Quota: quota})
	if err == nil && n == 0 {
		err = ErrNoKey
	}
	return err
}

// Purge deletes the figures of days more than retention ago, and of months that ended before
// them.
func Purge(ctx context.Context, db store.DBTX, retention time.Duration, now time.Time) (int64, error) {
	return store.New().UsagePurge(ctx, db, now.Add(-retention).UTC().Truncate(24*time.Hour))
}
