package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/store"
)

var callbacksReplay = &command{
	name:     "callbacks replay",
	synopsis: "ID... | --status failed|delivered --since 1h [--limit N]",
	summary:  "deliver finished resolutions' callbacks again",
	detail: "Queues a new delivery of each named resolution's callback, or of every callback that\n" +
		"reached --status within --since (the time of its last attempt, or of its delivery). The retry\n" +
		"schedule starts again from the beginning.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		status := fs.String("status", "", "replay every callback in this state: failed or delivered")
		since := fs.Duration("since", 0, "with --status: whose last attempt (or delivery) is at most this old, e.g. 1h")
		limit := fs.Int("limit", 10000, "with --status: replay at most this many")
		ids, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		switch {
		case *status == "" && len(ids) == 0:
			return errors.New("usage: openresolve callbacks replay ID... | --status failed --since 1h")
		case *status != "" && len(ids) > 0:
			return errors.New("callbacks replay: give resolution ids or --status, not both")
		case *status != "" && *status != resolution.CallbackFailed && *status != resolution.CallbackDelivered:
			return fmt.Errorf("callbacks replay: --status must be failed or delivered, not %q", *status)
		case *status != "" && *since <= 0:
			return errors.New("callbacks replay: --status needs --since, such as --since 1h")
		}
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}
		if *status != "" {
			if ids, err = store.New().ResolutionsToReplay(ctx, pool, store.ResolutionsToReplayParams{
				CallbackStatus: *status, Since: time.Now().Add(-*since), MaxRows: int32(*limit),
			}); err != nil {
				return err
			}
		}
		rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{}) // inserts only
		if err != nil {
			return err
		}
		var failed int
		for _, id := range ids {
			if err := resolution.Replay(ctx, pool, rc, id); err != nil {
				fmt.Fprintf(s.env.Stderr, "openresolve: %v\n", err)
				failed++
				continue
			}
			fmt.Fprintf(s.env.Stdout, "callback of %s queued for delivery\n", id)
		}
		if *status != "" {
			fmt.Fprintf(s.env.Stdout, "%d callbacks queued (%s within %s)\n", len(ids)-failed, *status, *since)
		}
		if failed > 0 {
			return fmt.Errorf("%d of %d callbacks could not be queued", failed, len(ids))
		}
		return nil
	},
}
