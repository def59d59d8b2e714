package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// healthcheck asks a health endpoint and succeeds on a 2xx answer: container health checks
// use it, since the image holds no curl.
var healthcheck = &command{
	name:     "healthcheck",
	synopsis: "URL [--timeout 3s]",
	summary:  "exit 0 when URL answers 2xx (for container health checks)",
	detail: "Asks URL (such as http://127.0.0.1:8080/readyz) and exits 0 on a 2xx answer, 1 otherwise:\n" +
		"the image has no curl, so compose.yaml's health checks use this.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
		pos, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return errors.New("usage: openresolve healthcheck URL")
		}
		ctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, pos[0], nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("%s answered %s", pos[0], resp.Status)
		}
		return nil
	},
}
