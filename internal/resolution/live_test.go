package resolution_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/metrics"
	"github.com/openresolve/openresolve/internal/privacy"
	"github.com/openresolve/openresolve/internal/resolution"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// keptRows is how many finished resolutions and River jobs the database holds in
// TestPipelineQueriesReadWhatIsLive: a day of a busy API's retention.
const keptRows = 1_000_000

// TestPipelineQueriesReadWhatIsLive runs the pipeline's periodic and per-scrape statements
// (the orphan sweep, the /metrics job counts, an erasure's second look) through the code that
// sends them, against a database that keeps a million finished resolutions, twenty thousand
// finished batch items and a million finished River jobs beside a few live ones, and checks
// with EXPLAIN ANALYZE that each reads a few hundred pages, not what is kept. The sweep still
// finds the orphans among them.
func TestPipelineQueriesReadWhatIsLive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	setup := pgtest.NewPool(t, url)
	key, err := apikey.Create(ctx, setup, "kept")
	require.NoError(t, err)
	for _, q := range []string{
		// What retention keeps: delivered resolutions and their completed jobs, and completed
		// batches with their items.
		`INSERT INTO resolutions (id, api_key_id, endpoint, request, request_hash, status, result, callback_url,
		     requested_at, completed_at, callback_status, callback_attempts, callback_delivered_at)
		 SELECT 'res_kept' || lpad(i::text, 8, '0'), $1, 'email-to-hem', '{"email": "a@example.com"}', '\x00', 'completed',
		        '{"id": "x", "status": "completed"}', 'https://cb.example.com/', now() - interval '1 hour' - i * interval '1 ms',
		        now() - interval '1 hour', 'delivered', 1, now() - interval '1 hour'
		 FROM generate_series(1, ` + strconv.Itoa(keptRows) + `) AS i`,
		`INSERT INTO batches (id, api_key_id, endpoint, request_hash, callback_url, items, status, result, requested_at,
		     completed_at, callback_status, callback_attempts)
		 SELECT 'bat_kept' || lpad(i::text, 6, '0'), $1, 'email-to-hem', '\x00', 'https://cb.example.com/', 100, 'completed',
		        '{"results": []}', now() - interval '2 hours', now() - interval '2 hours', 'delivered', 1
		 FROM generate_series(1, 200) AS i`,
		`INSERT INTO resolutions (id, api_key_id, endpoint, request, request_hash, status, result, callback_url,
		     requested_at, completed_at, callback_status, batch_id, batch_index)
		 SELECT 'res_item' || lpad(i::text, 8, '0'), $1, 'email-to-hem', '{"email": "a@example.com"}', '\x00', 'completed',
		        '{"id": "x", "status": "completed"}', 'https://cb.example.com/', now() - interval '2 hours',
		        now() - interval '2 hours', 'batch', 'bat_kept' || lpad((i / 100 + 1)::text, 6, '0'), i % 100
		 FROM generate_series(0, 19999) AS i`,
		`INSERT INTO river_job (args, kind, max_attempts, queue, state, attempt, attempted_at, finalized_at, created_at, scheduled_at)
		 SELECT jsonb_build_object('resolution_id', 'res_kept' || lpad(i::text, 8, '0')), 'callback', 25, 'callback',
		        'completed', 1, now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour'
		 FROM generate_series(1, ` + strconv.Itoa(keptRows) + `) AS i`,
		// What is live: resolutions awaiting delivery with their jobs, and two orphans whose
		// jobs were discarded.
		`INSERT INTO resolutions (id, api_key_id, endpoint, request, request_hash, status, callback_url, requested_at)
		 SELECT 'res_live' || lpad(i::text, 8, '0'), $1, 'email-to-hem', '{"email": "jane@example.com"}', '\x00', 'processing',
		        'https://cb.example.com/', now() - interval '10 minutes'
		 FROM generate_series(1, 52) AS i`,
		`INSERT INTO river_job (args, kind, max_attempts, queue, state, attempt, scheduled_at, finalized_at)
		 SELECT jsonb_build_object('resolution_id', 'res_live' || lpad(i::text, 8, '0')), 'resolve', 5, 'resolve',
		        CASE WHEN i <= 50 THEN 'retryable' ELSE 'discarded' END::river_job_state, 1, now() + interval '1 minute',
		        CASE WHEN i > 50 THEN now() END
		 FROM generate_series(1, 52) AS i`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, key.ID)
		}
		_, err := setup.Exec(ctx, q, args...)
		require.NoError(t, err, q)
	}
	_, err = setup.Exec(ctx, `VACUUM ANALYZE resolutions, batches, river_job`)
	require.NoError(t, err)

	rec := &testkit.Recorder{}
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.ConnConfig.Tracer = rec
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	// The sweep (every minute), with an insert-only River client as a worker's.
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	require.NoError(t, err)
	swept, err := resolution.Sweep(ctx, pool, rc, 5*time.Minute)
	require.NoError(t, err)
	require.Equal(t, []resolution.Swept{{ID: "res_live00000051", Status: "processing"}, {ID: "res_live00000052", Status: "processing"}}, swept)
	// A scrape of the API's /metrics.
	scrape := httptest.NewRecorder()
	metrics.NewAPI(pool, slog.New(slog.DiscardHandler), resolution.QueueResolve, resolution.QueueCallback).Handler().ServeHTTP(scrape, httptest.NewRequest("GET", "/metrics", nil))
	require.Contains(t, scrape.Body.String(), `openresolve_jobs{queue="resolve",state="retryable"} 50`)
	require.Contains(t, scrape.Body.String(), "openresolve_jobs_counted 1")
	// An erasure, whose second look is at what was processing.
	_, err = privacy.Forget(ctx, pool, privacy.Email, "nobody@example.com")
	require.NoError(t, err)

	// Statements that read every kept row by design: the first look of an erasure (its
	// redactions with no ids), which must find every stored mention of a person (retention
	// bounds it). Its second look, at the ids that were processing, is checked.
	everyRow := func(q testkit.Statement) bool {
		return slices.ContainsFunc(q.Args, func(a any) bool { ids, ok := a.([]string); return ok && ids == nil })
	}
	conn, err := setup.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	checked := map[string]int{}
	for _, q := range rec.Take() {
		name := statementName(q.SQL)
		if name == "" || checked[name] > 0 || strings.Contains(q.SQL, "\nLOCK ") {
			continue // a statement seen already, or one EXPLAIN does not take
		}
		if (name == "ResolutionRedact" || name == "BatchRedact") && everyRow(q) {
			continue
		}
		pages := explainPages(t, ctx, conn.Conn(), q.SQL, q.Args)
		checked[name] = pages + 1
		require.Less(t, pages, 500, "%s reads %d pages", name, pages)
	}
	for _, name := range []string{"ResolutionListOrphans", "BatchListOrphans", "JobCountByQueueAndState", "JobBacklogAge",
		"ResolutionListProcessing", "ResolutionRedact"} {
		require.Contains(t, checked, name, "not sent")
	}
	t.Logf("pages read: %v", checked)
}

// statementName is the sqlc name of a statement ("ResolutionListOrphans"), or "".
func statementName(sql string) string {
	_, after, ok := strings.Cut(sql, "-- name: ")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(after, " ")
	return name
}

// explainPages runs sql under EXPLAIN (ANALYZE, BUFFERS) in a transaction it rolls back, and
// returns the pages it touched.
func explainPages(t *testing.T, ctx context.Context, conn *pgx.Conn, sql string, args []any) int {
	t.Helper()
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	var out []byte
	require.NoError(t, tx.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+sql, args...).Scan(&out), sql)
	var plan []struct {
		Plan struct {
			Hit  int `json:"Shared Hit Blocks"`
			Read int `json:"Shared Read Blocks"`
		} `json:"Plan"`
	}
	require.NoError(t, json.Unmarshal(out, &plan))
	return plan[0].Plan.Hit + plan[0].Plan.Read
}
