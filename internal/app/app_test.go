package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/tools/apptest"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// TestPollOnly checks that DATABASE_POLL_ONLY reaches River and the API: with it, no process
// holds a LISTEN (PgBouncer in transaction mode could not keep one), and every job is worked.
func TestPollOnly(t *testing.T) {
	t.Parallel()
	for _, pollOnly := range []bool{false, true} {
		t.Run(fmt.Sprint("poll only ", pollOnly), func(t *testing.T) {
			t.Parallel()
			dbURL := pgtest.NewDatabase(t)
			pool := pgtest.NewPool(t, dbURL)
			logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			cfg := apptest.Config(dbURL)
			cfg.PollOnly = pollOnly
			apiURL := apptest.StartAPI(t, cfg, logger)
			apptest.StartWorker(t, cfg, logger)

			listeners := func() int {
				var n int
				require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
					WHERE datname = current_database() AND query ILIKE 'listen%'`).Scan(&n))
				return n
			}
			if pollOnly {
				require.Never(t, func() bool { return listeners() > 0 }, 2*time.Second, 50*time.Millisecond)
			} else {
				require.Eventually(t, func() bool { return listeners() > 0 }, 5*time.Second, 50*time.Millisecond)
			}

			key, err := apikey.Create(context.Background(), pool, "t")
			require.NoError(t, err)
			rcv := testkit.NewReceiver(t)
			req, err := http.NewRequest(http.MethodPost, apiURL+"/v1/email-to-hem",
				strings.NewReader(`{"email":"a@b.co","callbackUrl":"`+rcv.URL+`"}`))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("x-api-key", key.Key)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusAccepted, resp.StatusCode)
			rcv.WaitFor(t, 1, 10*time.Second)
		})
	}
}
