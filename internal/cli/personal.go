package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openresolve/openresolve/internal/privacy"
	"github.com/openresolve/openresolve/internal/resolution"
)

var forget = &command{
	name:     "forget",
	synopsis: "--email E | --linkedin URL | --phone P | --person-id ID [--json]",
	summary:  "erase a person and keep them erased",
	detail: "Removes every person the identifier names, with their emails, phones and IP observations;\n" +
		"redacts the stored resolutions whose request or result holds any of their identifiers; adds\n" +
		"those identifiers to the suppression list, as SHA-256 hashes, so that no import brings them\n" +
		"back and no resolver answers with them; and records the erasure, with counts only. A\n" +
		"resolution still processing is answered as if the person never existed. Forgetting again\n" +
		"finds nothing and exits 0.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		by := map[string]*string{
			privacy.Email:    fs.String("email", "", "an email address of the person"),
			privacy.LinkedIn: fs.String("linkedin", "", "the person's LinkedIn profile URL"),
			privacy.Phone:    fs.String("phone", "", "a phone number of the person, with its country code (+…)"),
			privacy.Person:   fs.String("person-id", "", "the person's id in the graph"),
		}
		asJSON := fs.Bool("json", false, "print the counts as one JSON object")
		if err := fs.Parse(args); err != nil {
			return err
		}
		var kind, value string
		for k, v := range by {
			if *v != "" {
				if kind != "" {
					return errors.New("forget: give exactly one of --email, --linkedin, --phone and --person-id")
				}
				kind, value = k, *v
			}
		}
		if kind == "" || fs.NArg() > 0 {
			return errors.New("usage: openresolve forget --email E | --linkedin URL | --phone P | --person-id ID [--json]")
		}
		normalized, err := privacy.Normalize(kind, value, "")
		if err != nil {
			return fmt.Errorf("forget: %s: %w", kind, err)
		}
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}
		e, err := privacy.Forget(ctx, pool, kind, normalized)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(s.env.Stdout).Encode(e)
		}
		fmt.Fprintf(s.env.Stdout, "forgot %d people: %d emails, %d phones, %d IP observations; %d resolutions redacted; %d identifiers newly suppressed\n",
			e.People, e.Emails, e.Phones, e.Observations, e.ResolutionsRedacted, e.Suppressed)
		return nil
	},
}

var purge = &command{
	name:     "purge",
	synopsis: "[--older-than D] [--json]",
	summary:  "delete finished resolutions past their retention now",
	detail: "Deletes, with their delivery attempts, the resolutions and batches that finished more than\n" +
		"--older-than ago (default RESOLUTION_RETENTION) and no longer await delivery: what the workers\n" +
		"do every minute, at once. Nothing still processing or awaiting delivery is touched.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		olderThan := fs.Duration("older-than", s.cfg.Retention, "delete what finished more than this long ago, e.g. 720h")
		asJSON := fs.Bool("json", false, "print the counts as one JSON object")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if *olderThan <= 0 || fs.NArg() > 0 {
			return errors.New("usage: openresolve purge [--older-than D] [--json] (D a positive duration, e.g. 720h)")
		}
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		p, err := resolution.Purge(ctx, pool, *olderThan)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(s.env.Stdout).Encode(p)
		}
		fmt.Fprintf(s.env.Stdout, "purged %d resolutions and %d batches finished more than %s ago, in %s\n",
			p.Resolutions, p.Batches, *olderThan, time.Since(start).Round(time.Millisecond))
		return nil
	},
}
