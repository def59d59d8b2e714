package importer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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
	require.Equal(t, []string{"fillfactor=80"}, options, "the loaded table keeps its storage parameters")
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

// repeatsFile writes a file of kind whose natural keys come again, within a batch of three
// rows and across batches, with other values each time.
func repeatsFile(t *testing.T, kind string, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	switch kind {
	case "people":
		b.WriteString("person_id,full_name,title,seniority,company_domain,linkedin_url,country,keywords\n")
		for i := range 60 {
			fmt.Fprintf(&b, "p%d,Person %d,%s,%s,%s,,%s,%s\n", r.IntN(12), i, pick("Buyer", "Head of Sales", "", "Chief Engineer"),
				pick("vp", "entry", ""), pick("acmelogistics.com", "globex.co.uk", "", "nowhere.example"), pick("US", "DE", ""),
				pick("supply chain", "welding;steel", ""))
		}
	case "emails":
		b.WriteString("email,person_id,type,verified\n")
		for range 60 {
			fmt.Fprintf(&b, "e%d@example.com,p%d,%s,%s\n", r.IntN(12), r.IntN(5), pick("work", "personal"), pick("true", "false"))
		}
	case "phones":
		b.WriteString("phone,person_id,type,verified\n")
		for range 60 {
			fmt.Fprintf(&b, "+1 202 555 01%02d,p%d,%s,%s\n", r.IntN(6), r.IntN(3), pick("mobile", "office"), pick("true", "false"))
		}
	case "networks":
		b.WriteString("cidr,company_domain,type,asn,as_org\n")
		for range 60 {
			fmt.Fprintf(&b, "10.0.%d.0/24,%s,%s,%d,AS %d\n", r.IntN(12), pick("acmelogistics.com", ""), pick("business", "isp"), r.IntN(3), r.IntN(3))
		}
	case "ip_observations":
		b.WriteString("ip,person_id,seen_at\n")
		for range 60 {
			fmt.Fprintf(&b, "10.0.0.%d,p%d,2026-0%d-01T00:00:00Z\n", r.IntN(4), r.IntN(3), 1+r.IntN(9))
		}
	}
	return writeFile(t, kind+".csv", b.String())
}

// tableState is a kind's table as text, every column but those a load sets by itself.
func tableState(t *testing.T, pool *pgxpool.Pool, kind string) string {
	t.Helper()
	query := map[string]string{
		"people":          `SELECT concat_ws('|', person_id, full_name, title, seniority, company_domain, country, keywords, lead_words) FROM people ORDER BY person_id`,
		"emails":          `SELECT concat_ws('|', email, person_id, type, verified) FROM emails ORDER BY email`,
		"phones":          `SELECT concat_ws('|', phone, person_id, type, country, verified) FROM phones ORDER BY phone, person_id`,
		"networks":        `SELECT concat_ws('|', cidr, company_domain, type, asn, as_org) FROM networks ORDER BY cidr`,
		"ip_observations": `SELECT concat_ws('|', ip, person_id, seen_at) FROM ip_observations ORDER BY ip, person_id`,
	}[kind]
	rows, err := pool.Query(context.Background(), query)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return strings.Join(got, "\n")
}

// TestFreshLoadMatchesMerge loads files whose keys repeat, within batches and across them, into
// empty tables in bulk (written straight into the copies, graph_load_dedupe keeping one row of
// a key) and batch by batch through the merges: the tables and the counts are the same. The
// staging tables refuse rows in the fresh database, so the merge cannot have done the work.
func TestFreshLoadMatchesMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fresh := pgtest.NewPool(t, pgtest.NewDatabase(t))
	merged := pgtest.NewPool(t, pgtest.NewDatabase(t))
	importFile(t, fresh, "companies", "testdata/companies.csv")
	importFile(t, merged, "companies", "testdata/companies.csv")
	_, err := fresh.Exec(ctx, `
		CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE 'staged in a fresh load'; END $$;
		CREATE TRIGGER refuse BEFORE INSERT ON import_people FOR EACH STATEMENT EXECUTE FUNCTION refuse();
		CREATE TRIGGER refuse BEFORE INSERT ON import_emails FOR EACH STATEMENT EXECUTE FUNCTION refuse();
		CREATE TRIGGER refuse BEFORE INSERT ON import_phones FOR EACH STATEMENT EXECUTE FUNCTION refuse();
		CREATE TRIGGER refuse BEFORE INSERT ON import_networks FOR EACH STATEMENT EXECUTE FUNCTION refuse();
		CREATE TRIGGER refuse BEFORE INSERT ON import_ip_observations FOR EACH STATEMENT EXECUTE FUNCTION refuse();`)
	require.NoError(t, err)

	for i, kind := range []string{"people", "emails", "phones", "networks", "ip_observations"} {
		file := repeatsFile(t, kind, uint64(i))
		want, _ := importFileAs(t, merged, kind, file, ModeUpsert)
		got, _ := importFileAs(t, fresh, kind, file, ModeBulk)
		require.Equal(t, want, got, kind)
		require.Positive(t, got.Updated, "%s: the file repeats keys", kind)
		require.Equal(t, tableState(t, merged, kind), tableState(t, fresh, kind), kind)
	}
	var indexes [2]string
	for i, pool := range []*pgxpool.Pool{merged, fresh} {
		require.NoError(t, pool.QueryRow(ctx, `SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes
			WHERE schemaname = 'public'`).Scan(&indexes[i]))
	}
	require.Equal(t, indexes[0], indexes[1], "the fresh tables have their primary keys and indexes")
}

// TestFreshLoadSkippedWhenSuppressed: with anything suppressed a load into empty tables merges,
// and leaves out the suppressed.
func TestFreshLoadSkippedWhenSuppressed(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	importFile(t, pool, "companies", "testdata/companies.csv")
	res, _ := importFileAs(t, pool, "suppressions", writeFile(t, "opt-out.csv", "linkedin_url\nlinkedin.com/in/person-2\n"), ModeUpsert)
	require.Equal(t, Result{Inserted: 1}, res)
	res, _ = importFileAs(t, pool, "people", peopleFile(t, 1, 5, "Buyer"), ModeBulk)
	require.Equal(t, Result{Inserted: 4, Suppressed: 1}, res)
}

// TestBulkCompaniesIndexNames loads companies in bulk, where the lanes write the texts of the
// names side by side and the terms are counted at the end, and batch by batch, where each
// batch counts its terms in and what it replaces out: the company-name index is the same
// table for table, zero counts of renamed words included.
func TestBulkCompaniesIndexNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("domain,name,aliases\n")
	words := []string{"Acme", "Nordwind", "Energie", "Logistik", "Steel", "Harbor", "Müller", "Muller", "Tools", "Werkzeuge"}
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 120 {
		fmt.Fprintf(&b, "c%d-name.com,%s %s GmbH,%s\n", i%60, words[r.IntN(len(words))], words[r.IntN(len(words))], words[r.IntN(len(words))])
	}
	first := writeFile(t, "companies.csv", b.String())
	second := writeFile(t, "renamed.csv", strings.ReplaceAll(strings.ReplaceAll(b.String(), "Harbor", "Lakeside"), "Steel", "Stahlbau"))
	state := func(pool *pgxpool.Pool) string {
		var s string
		require.NoError(t, pool.QueryRow(ctx, `SELECT
			concat_ws(' | ',
				(SELECT string_agg(term || '=' || companies, ' ' ORDER BY term) FROM company_terms),
				(SELECT string_agg(text || '>' || term, ' ' ORDER BY text) FROM company_term_texts),
				(SELECT string_agg(variant || '>' || term, ' ' ORDER BY variant, term) FROM company_term_variants))`).Scan(&s))
		return s
	}
	bulk := pgtest.NewPool(t, pgtest.NewDatabase(t))
	upsert := pgtest.NewPool(t, pgtest.NewDatabase(t))
	for _, file := range []string{first, second} {
		want, _ := importFileAs(t, upsert, "companies", file, ModeUpsert)
		got, _ := importFileAs(t, bulk, "companies", file, ModeBulk)
		require.Equal(t, want, got)
		require.Equal(t, state(upsert), state(bulk))
		requireTermCounts(t, bulk)
	}
	require.Contains(t, state(bulk), "harbor=0", "a word no company holds any more counts 0")
}
