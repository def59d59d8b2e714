package privacy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/privacy"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// TestForgetFinishesWhatFailed: an erasure that stopped after its first commit (a crash while
// it waited for the replicas, say) is finished by the next forget, from what it recorded: a
// resolution that was processing then and has since stored one of the person's other
// identifiers is redacted, although the rerun finds nobody to erase.
func TestForgetFinishesWhatFailed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	testkit.LoadGraph(t, pool, testkit.FixtureGraph)
	key, err := apikey.Create(ctx, pool, "erasure")
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO resolutions (id, api_key_id, endpoint, request, request_hash, callback_url, requested_at)
		VALUES ('res_inflight', $1, 'deanonymization', '{"ip": "73.1.2.3"}', '\x00', 'https://cb.example.com/', now())`, key.ID)
	require.NoError(t, err)

	e, w, err := privacy.Erase(ctx, pool, privacy.Email, "jane.doe@acmelogistics.com") // and then the process died
	require.NoError(t, err)
	require.Equal(t, int64(1), e.People)
	require.Contains(t, w.Processing, "res_inflight")
	require.Contains(t, w.Needles, `"linkedin.com/in/janedoe"`)

	// Meanwhile the resolution in flight stores an answer that names her by her profile.
	_, err = pool.Exec(ctx, `UPDATE resolutions SET status = 'completed', completed_at = now(),
		result = '{"id": "res_inflight", "status": "completed", "person": {"linkedinUrl": "linkedin.com/in/janedoe"}}'
		WHERE id = 'res_inflight'`)
	require.NoError(t, err)

	again, err := privacy.Forget(ctx, pool, privacy.Email, "jane.doe@acmelogistics.com")
	require.NoError(t, err)
	require.Equal(t, privacy.Erasure{}, again, "nobody is left to find, nothing new to suppress")
	var result string
	require.NoError(t, pool.QueryRow(ctx, `SELECT result::text FROM resolutions WHERE id = 'res_inflight'`).Scan(&result))
	require.Equal(t, `{"redacted": true}`, result, "the first erasure was finished from its record")
	var left, redacted int
	require.NoError(t, pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM erasure_work),
		(SELECT resolutions_redacted FROM erasures WHERE id = $1)`, w.ErasureID).Scan(&left, &redacted))
	require.Zero(t, left)
	require.Equal(t, 1, redacted, "the first erasure counts what its finish redacted")
}
