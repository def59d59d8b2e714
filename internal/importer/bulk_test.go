package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/tools/pgtest"
)

// peopleFile writes a people file of n people, p<from> to p<from+n-1>, each at acme.
func peopleFile(t *testing.T, from, n int, title string) string {
	var b strings.Builder
	b.WriteString("person_id,full_name,title,seniority,company_domain,linkedin_url,country,keywords\n")
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "p%d,Person %d,%s,vp,acmelogistics.com,https://www.linkedin.com/in/person-%d,US,supply chain\n", i, i, title, i)
	}
	return writeFile(t, "people.csv", b.String())
}

// graphState is what a load may change of the people table, to compare before and after.
func graphState(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var state string
	require.NoError(t, pool.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM people) || ' ' || (SELECT coalesce(md5(string_agg(person_id || title || lead_words, ',' ORDER BY person_id)), '') FROM people)
		|| ' ' || (SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'people')`).
		Scan(&state))
	return state
}

func TestBulkLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	var indexes string
	indexQuery := `SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('people', 'companies')`
	require.NoError(t, pool.QueryRow(ctx, indexQuery).Scan(&indexes))

	importFile(t, pool, "companies", "testdata/companies.csv")
	res, _ := importFileAs(t, pool, "people", peopleFile(t, 1, 5, "Buyer"), ModeUpsert)
	require.Equal(t, Result{Inserted: 5}, res)
	res, _ = importFileAs(t, pool, "suppressions", writeFile(t, "opt-out.csv", "linkedin_url\nlinkedin.com/in/person-7\n"), ModeUpsert)
	require.Equal(t, Result{Inserted: 1}, res)

	// Two people already there are updated, one arrives twice (the last wins), one is
	// suppressed and one is rejected; the rest are new.
	file := writeFile(t, "people.csv", "person_id,full_name,title,seniority,company_domain,linkedin_url,country,keywords\n"+
		"p4,Person 4,Head of Sales,director,acmelogistics.com,,US,sales\n"+
		"p5,Person 5,Head of Sales,director,acmelogistics.com,,US,sales\n"+
		"p6,Person 6,Engineer,entry,acmelogistics.com,,US,\n"+
		"p7,Person 7,Engineer,entry,acmelogistics.com,https://www.linkedin.com/in/person-7,US,\n"+
		"p8,,,,,,,\n"+
		"p6,Person Six,Chief Engineer,c_suite,acmelogistics.com,,DE,welding\n"+
		"p9,Person 9,Engineer,entry,,,,\n")
	res, rejected := importFileAs(t, pool, "people", file, ModeBulk)
	require.Equal(t, Result{Inserted: 2, Updated: 3, Rejected: 1, Suppressed: 1}, res)
	require.Equal(t, []rejection{{6, "full_name: required (or first_name and last_name)"}}, rejected)

	rows, err := pool.Query(ctx, `SELECT person_id, title, lead_words FROM people ORDER BY person_id`)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var id, title, words string
		err := r.Scan(&id, &title, &words)
		return id + ": " + title + ": " + words, err
	})
	require.NoError(t, err)
	require.Equal(t, []string{
		"p1: Buyer: buyer chain suppli country=us seniority=vp freight logist",
		"p2: Buyer: buyer chain suppli country=us seniority=vp freight logist",
		"p3: Buyer: buyer chain suppli country=us seniority=vp freight logist",
		"p4: Head of Sales: head sale country=us seniority=director freight logist",
		"p5: Head of Sales: head sale country=us seniority=director freight logist",
		"p6: Chief Engineer: chief engin weld country=de seniority=c_suite freight logist",
		"p9: Engineer: engin seniority=entry",
	}, got, "updated, inserted and the last of a repeated key; with their company's words")

	var after string
	require.NoError(t, pool.QueryRow(ctx, indexQuery).Scan(&after))
	require.Equal(t, indexes, after, "the loaded tables have the indexes the migrations made")
	var options []string
	require.NoError(t, pool.QueryRow(ctx, `SELECT reloptions FROM pg_class WHERE oid = 'people'::regclass`).Scan(&options))
	require.Equal(t, []string{"fillfactor=90"}, options, "the loaded table keeps its storage parameters")
	var copies int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'import_load'`).Scan(&copies))
	require.Zero(t, copies, "the copies became the tables")
	requireTermCounts(t, pool)
}

func TestBulkLoadCompaniesRefreshesLeadWords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	// People first, then their company in bulk: their lead words take the company's.
	importFileAs(t, pool, "people", peopleFile(t, 1, 2, "Buyer"), ModeUpsert)
	res, _ := importFileAs(t, pool, "companies", "testdata/companies.csv", ModeBulk)
	require.Equal(t, int64(2), res.Inserted)
	var words string
	require.NoError(t, pool.QueryRow(ctx, `SELECT lead_words FROM people WHERE person_id = 'p1'`).Scan(&words))
	require.Equal(t, "buyer chain suppli country=us seniority=vp freight logist", words)
}

// TestBulkLoadIsAllOrNothing stops a load halfway, between two batches: the graph is as it
// was, readers saw it as it was throughout, writers waited, and the next load finishes.
func TestBulkLoadIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	importFileAs(t, pool, "people", peopleFile(t, 1, 10, "Buyer"), ModeUpsert)
	before := graphState(t, pool)

	for _, how := range []string{"cancelled", "connection lost"} {
		t.Run(how, func(t *testing.T) {
			src, closer, err := OpenFile(peopleFile(t, 5, 200, "Seller"))
			require.NoError(t, err)
			defer closer.Close()
			loadCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			batches := 0
			im := &Importer{Pool: pool, BatchSize: 20, Lanes: 1, Mode: ModeBulk, Progress: func(int64) {
				batches++
				if batches != 3 {
					return
				}
				// Halfway: readers see the graph as it was; a writer waits for the load.
				require.Equal(t, before, graphState(t, pool))
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '200ms'"); err != nil {
						return err
					}
					_, err := tx.Exec(ctx, "UPDATE people SET title = 'Writer' WHERE person_id = 'p1'")
					return err
				})
				var pgErr *pgconn.PgError
				require.True(t, errors.As(err, &pgErr), "%v", err)
				require.Equal(t, "55P03", pgErr.Code, "a writer waits for the load")
				if how == "cancelled" {
					cancel()
					return
				}
				// The load's connections die, as when its process is killed.
				_, err = pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
					WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
					AND (state = 'idle in transaction' OR query LIKE '%graph_load%' OR query LIKE '%import_people%')`)
				require.NoError(t, err)
			}}
			_, err = im.Import(loadCtx, "people", src)
			require.Error(t, err)
			require.Equal(t, before, graphState(t, pool), "a load that stops leaves the graph as it was")
		})
	}

	res, _ := importFileAs(t, pool, "people", peopleFile(t, 5, 200, "Seller"), ModeBulk)
	require.Equal(t, Result{Inserted: 194, Updated: 6}, res)
	require.NotEqual(t, before, graphState(t, pool))
	var sellers int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM people WHERE title = 'Seller'`).Scan(&sellers))
	require.Equal(t, 200, sellers)
}
