package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/usage"
)

var usageReport = &command{
	name:     "usage",
	synopsis: "[--key ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]",
	summary:  "what each key used, by day, endpoint and outcome, and its quota",
	detail: "Prints what one key (--key) or every key used between two UTC days, both included (by\n" +
		"default the current month; at most 400 days): each request or batch item accepted, and how\n" +
		"it finished (completed, notFound, failed) or that it is still processing, counted on the day\n" +
		"it was accepted; and the state of the key's monthly quota, counting what QUOTA_COUNTS says.\n" +
		"With --json it prints one object: {\"keys\": [{\"id\", \"name\", \"totals\", \"days\", \"quota\"}]},\n" +
		"the figures in the shape of GET /v1/usage.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		key := fs.String("key", "", "one key's id (default: every key)")
		fromS := fs.String("from", "", "the first UTC day (default: the first of this month)")
		toS := fs.String("to", "", "the last UTC day (default: the end of this month)")
		asJSON := fs.Bool("json", false, "print one JSON object")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return errors.New("usage: openresolve usage [--key ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]")
		}
		now := time.Now()
		from, to, err := usage.Range(*fromS, *toS, now)
		if err != nil {
			return fmt.Errorf("usage: %w", err)
		}
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}
		var ids []string
		if *key != "" {
			ids = []string{*key}
		}
		keys, err := usage.Reader{DB: pool, Counting: resolution.Counting(s.cfg.QuotaCounts)}.Keys(ctx, ids, from, to, now)
		if errors.Is(err, usage.ErrNoKey) {
			return fmt.Errorf("no key with id %s", *key)
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(s.env.Stdout).Encode(map[string][]usage.KeyReport{"keys": keys})
		}
		fmt.Fprintf(s.env.Stdout, "usage from %s to %s (UTC days)\n\n", from.Format(time.DateOnly), to.Format(time.DateOnly))
		tw := tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "KEY\tNAME\tACCEPTED\tCOMPLETED\tNOT FOUND\tFAILED\tPROCESSING\tQUOTA (MONTH)\t")
		for _, k := range keys {
			t := k.Totals
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t\n", k.ID, k.Name, t.Accepted, t.Completed, t.NotFound,
				t.Failed, t.Processing, quotaLine(k.Quota))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if *key == "" {
			return nil
		}
		fmt.Fprintln(s.env.Stdout)
		tw = tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "DAY\tENDPOINT\tACCEPTED\tCOMPLETED\tNOT FOUND\tFAILED\tPROCESSING\t")
		for _, d := range keys[0].Days {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t\n", d.Date, d.Endpoint, d.Accepted, d.Completed, d.NotFound,
				d.Failed, d.Processing)
		}
		return tw.Flush()
	},
}

func quotaLine(q *usage.Quota) string {
	if q == nil {
		return "none"
	}
	return fmt.Sprintf("%d of %d left (%d used, %d reserved; counts %s)", q.Remaining, q.Limit, q.Used, q.Reserved, q.Counts)
}

var keysQuota = &command{
	name:     "keys quota",
	synopsis: "ID N|none",
	summary:  "set or remove a key's monthly quota",
	detail: "Sets how many units a key may use in a UTC calendar month (what QUOTA_COUNTS counts:\n" +
		"completed answers by default, or every accepted request), or removes the quota with none.\n" +
		"Accepting reads the quota in its own statement, so the change applies at once; every API\n" +
		"process shows it in X-Quota-Limit within seconds. Beyond it a key gets 429 quota_exceeded.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		pos, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 2 {
			return errors.New("usage: openresolve keys quota ID N|none")
		}
		quota, err := parseQuota(pos[1])
		if err != nil {
			return err
		}
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}
		if err := usage.SetQuota(ctx, pool, pos[0], quota); errors.Is(err, usage.ErrNoKey) {
			return fmt.Errorf("no key with id %s", pos[0])
		} else if err != nil {
			return err
		}
		if quota == nil {
			fmt.Fprintf(s.env.Stdout, "%s has no quota\n", pos[0])
		} else {
			fmt.Fprintf(s.env.Stdout, "%s may use %d a month\n", pos[0], *quota)
		}
		return nil
	},
}

// parseQuota reads a quota argument: a whole number of units, 0 or more, or none.
func parseQuota(s string) (*int64, error) {
	if strings.EqualFold(s, "none") {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("a quota is a whole number, 0 or more, or none: %q", s)
	}
	return &n, nil
}
