package resolution_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
)

// TestCountedOnce: the counting rides in the accept and finish statements, so it moves exactly
// when a row does: racing repeats of one Idempotency-Key count once; a resolution finished
// twice (a job run again after its worker died) counts its outcome once; and concurrent
// accepts of a key with a quota, from two Accepters (two API processes), never take more than
// the quota, while those that find nothing give their unit back.
func TestCountedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	require.NoError(t, err)
	accepters := []*resolution.Accepter{
		resolution.NewAccepter(pool, rc, 5*time.Second, resolution.CountCompleted),
		resolution.NewAccepter(pool, rc, 5*time.Second, resolution.CountCompleted),
	}
	for _, a := range accepters {
		t.Cleanup(a.Close)
	}
	steps, err := resolution.NewSteps(pool, slog.New(slog.DiscardHandler), time.Millisecond, 5*time.Second)
	require.NoError(t, err)
	figures := func(keyID string) (accepted, completed, notFound int) {
		require.NoError(t, pool.QueryRow(ctx, `SELECT coalesce(sum(accepted), 0), coalesce(sum(completed), 0),
			coalesce(sum(not_found), 0) FROM usage_days WHERE api_key_id = $1`, keyID).Scan(&accepted, &completed, &notFound))
		var ma, mc, mn int
		require.NoError(t, pool.QueryRow(ctx, `SELECT coalesce(sum(accepted), 0), coalesce(sum(completed), 0),
			coalesce(sum(not_found), 0) FROM usage_months WHERE api_key_id = $1`, keyID).Scan(&ma, &mc, &mn))
		require.Equal(t, [3]int{accepted, completed, notFound}, [3]int{ma, mc, mn}, "days and months agree")
		return
	}
	request := func(keyID, idem string, i int) resolution.Request {
		return resolution.Request{APIKeyID: keyID, Endpoint: "email-to-hem", Request: fmt.Appendf(nil, `{"email": "u%d@example.com"}`, i),
			CallbackURL: "https://cb.example.com/", IdempotencyKey: idem}
	}

	// Repeats racing through both Accepters: one resolution, counted once.
	key, err := apikey.Create(ctx, pool, "plain")
	require.NoError(t, err)
	var wg sync.WaitGroup
	ids := make([]string, 16)
	for i := range ids {
		wg.Go(func() {
			a, err := accepters[i%2].Accept(ctx, request(key.ID, "same", 1))
			require.NoError(t, err)
			ids[i] = a.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		require.Equal(t, ids[0], id)
	}
	accepted, _, _ := figures(key.ID)
	require.Equal(t, 1, accepted)

	// Finished twice: the outcome counts once.
	l, err := steps.Load(ctx, ids[0])
	require.NoError(t, err)
	for range 2 {
		require.NoError(t, steps.Finish(ctx, resolution.Outcome{ID: ids[0], Status: resolution.Completed,
			Body: []byte(`{"status": "completed"}`), ErasureEpoch: l.ErasureEpoch}))
	}
	accepted, completed, _ := figures(key.ID)
	require.Equal(t, [2]int{1, 1}, [2]int{accepted, completed})

	// A quota of 50 and 200 requests at once through two Accepters: exactly 50 stored.
	limit := int64(50)
	qk, err := apikey.CreateWithQuota(ctx, pool, "quota", &limit)
	require.NoError(t, err)
	var mu sync.Mutex
	var stored []string
	refused := 0
	for i := range 200 {
		wg.Go(func() {
			a, err := accepters[i%2].Accept(ctx, request(qk.ID, "", i))
			mu.Lock()
			defer mu.Unlock()
			var qe *resolution.QuotaExceededError
			switch {
			case errors.As(err, &qe):
				refused++
				require.Equal(t, resolution.Quota{Limit: 50, Remaining: 0}, qe.Quota)
			case err == nil:
				stored = append(stored, a.ID)
				require.True(t, a.Quota.Remaining >= 0 && a.Quota.Remaining < 50)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	require.Len(t, stored, 50)
	require.Equal(t, 150, refused)
	var rows int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM resolutions WHERE api_key_id = $1`, qk.ID).Scan(&rows))
	require.Equal(t, 50, rows)

	// Ten of them find nothing: their units come back, and ten more are accepted, no more.
	for _, id := range stored[:10] {
		l, err := steps.Load(ctx, id)
		require.NoError(t, err)
		require.NoError(t, steps.Finish(ctx, resolution.Outcome{ID: id, Status: resolution.NotFound,
			Body: []byte(`{"status": "not_found"}`), ErasureEpoch: l.ErasureEpoch}))
	}
	more := 0
	for i := range 20 {
		if _, err := accepters[0].Accept(ctx, request(qk.ID, "", 1000+i)); err == nil {
			more++
		}
	}
	require.Equal(t, 10, more)
	accepted, completed, notFound := figures(qk.ID)
	require.Equal(t, [3]int{60, 0, 10}, [3]int{accepted, completed, notFound})

	// A batch is all or nothing.
	_, err = accepters[0].AcceptBatch(ctx, resolution.Batch{APIKeyID: qk.ID, Endpoint: "email-to-hem",
		CallbackURL: "https://cb.example.com/", Items: 1, Valid: []resolution.BatchItem{{Request: []byte(`{"email": "b@example.com"}`)}},
		Rejected: []byte(`[]`)})
	var qe *resolution.QuotaExceededError
	require.ErrorAs(t, err, &qe)
	accepted, _, _ = figures(qk.ID)
	require.Equal(t, 60, accepted, "a refused batch counts nothing")
}
