package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/api"
	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/tools/apptest"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
)

// TestCloseWhileServing: a request still being served after the server closed (an HTTP
// drain that timed out) is answered 503 and stores nothing, rather than panicking on the
// closed accept queue.
func TestCloseWhileServing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t)
	pool := pgtest.NewPool(t, dbURL)
	key, err := apikey.Create(ctx, pool, "closing")
	require.NoError(t, err)
	s, err := api.New(apptest.Config(dbURL), api.Deps{Pool: pool, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	s.Close()

	for range 3 { // the second request onwards also finds its key's use already recorded
		req := httptest.NewRequest(http.MethodPost, "/v1/email-to-hem",
			strings.NewReader(`{"email": "a@b.co", "callbackUrl": "https://c.example.com/"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-api-key", key.Key)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		body, _ := io.ReadAll(rec.Body)
		require.Equal(t, http.StatusServiceUnavailable, rec.Code, "body: %s", body)
		require.Contains(t, string(body), `"unavailable"`)
	}
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM resolutions`).Scan(&n))
	require.Zero(t, n)
}
