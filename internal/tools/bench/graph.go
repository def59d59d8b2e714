package bench

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/openresolve/openresolve/internal/endpoint"
	"github.com/openresolve/openresolve/internal/importer"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/tools/harness"
	"github.com/openresolve/openresolve/internal/tools/testkit"
	"github.com/openresolve/openresolve/internal/tools/toolsdb"
	"github.com/openresolve/openresolve/sql/tools/schema"
)

// GraphRow is one graph size's figures: how fast its files loaded with `openresolve import`
// into an empty graph and as a refresh of a tenth of it, beside a plain COPY of the same
// files; its size on disk; and each resolver's time per query on it.
type GraphRow struct {
	People, Companies int
	HugePages         string                      // whether the cluster's shared memory was in huge pages, and why not
	Loads             []LoadRow                   // into the empty graph, kind by kind
	Refresh           []LoadRow                   // a tenth of the people and emails again, changed
	Bytes             int64                       // the graph's tables and indexes
	Queries           map[string][2]time.Duration // p50, p99
}

// LoadRow is one file's import beside its yardstick.
type LoadRow struct {
	Kind         string
	Rows         int64
	Import, Copy time.Duration
	// Index is a load's second yardstick, for a load into an empty graph: the indexes of the
	// kind's tables rebuilt by a plain REINDEX after the import, two at a time as the import
	// builds them. Copy + Index is what the load costs Postgres without the import's own work.
	Index  time.Duration
	Update time.Duration // a refresh's rows written by a plain UPDATE … FROM the copied file
}

// graphQueries are the resolver calls measured, in the order printed.
var graphQueries = []string{"enrichment/domain", "enrichment/name", "enrichment/fuzzy", "deanonymization",
	"linkedin-to-phone", "linkedin-to-hem", "ip-to-company", "domain-finder", "keyword-to-lead"}

// RunGraph builds the demo graph at each size (companies a fifth of people) in a cluster of
// its own, as a user would: the demo written as the contract's CSV files (seed demo --out),
// each file timed through `openresolve import` and, first, through a plain COPY into a table
// of the same columns and no index; then a tenth of the people and emails imported again,
// changed. It then times each resolver on inputs sampled from the graph. With plans set, it
// also writes there, for each size, the plan (EXPLAIN ANALYZE, BUFFERS) of every statement each
// resolver sends for one sampled input.
func RunGraph(ctx context.Context, binDir string, sizes []int, queries int, plans io.Writer, log io.Writer) ([]GraphRow, error) {
	workDir, err := os.MkdirTemp("", "openresolve-graph-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(workDir)
	_ = os.Chmod(workDir, 0o755)
	// Settings for a graph of tens of millions of people on this machine (README, "Large
	// graphs"): a quarter of the memory for Postgres's buffers, checkpoints spaced for bulk
	// loads, and memory for index builds.
	pg, err := harness.NewCluster(ctx, workDir, "shared_buffers = 4GB", "max_wal_size = 16GB",
		"maintenance_work_mem = 1GB", "checkpoint_timeout = 15min")
	if err != nil {
		return nil, err
	}
	defer pg.Stop()
	huge, err := pg.HugePages(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "graph: huge pages %s\n", huge)
	var rows []GraphRow
	for _, people := range sizes {
		row, err := runGraphSize(ctx, pg, binDir, workDir, people, queries, plans, log)
		row.HugePages = huge
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
		PrintGraph(log, rows[len(rows)-1:])
	}
	return rows, nil
}

func runGraphSize(ctx context.Context, pg *harness.Cluster, binDir, workDir string, people, queries int, plans, log io.Writer) (GraphRow, error) {
	row := GraphRow{People: people, Companies: people / 5, Queries: map[string][2]time.Duration{}}
	db := fmt.Sprintf("graph_%d", people)
	admin, err := pgx.Connect(ctx, pg.URL("postgres"))
	if err != nil {
		return row, err
	}
	_, err = admin.Exec(ctx, "CREATE DATABASE "+db)
	admin.Close(ctx)
	if err != nil {
		return row, err
	}
	url := pg.URL(db)
	cli := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, filepath.Join(binDir, "openresolve"), args...)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "LOG_LEVEL=warn")
		return cmd.CombinedOutput()
	}
	if out, err := cli("migrate", "up"); err != nil {
		return row, fmt.Errorf("migrate: %v: %s", err, out)
	}
	files := filepath.Join(workDir, db)
	if err := os.MkdirAll(files, 0o755); err != nil {
		return row, err
	}
	defer os.RemoveAll(files)
	fmt.Fprintf(log, "bench: graph of %d people, %d companies: writing its files\n", people, row.Companies)
	paths, err := importer.Demo{Seed: 1, Companies: row.Companies, People: people}.WriteCSV(files)
	if err != nil {
		return row, err
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return row, err
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, schema.Tables); err != nil {
		return row, err
	}
	q := toolsdb.New()
	// load times a file through a plain COPY, then through the import. A refresh is also timed
	// as a plain UPDATE of the graph from the copied rows (update).
	load := func(kind, path string, update func(ctx context.Context, db toolsdb.DBTX, arg updateLane) (int64, error)) (LoadRow, error) {
		r := LoadRow{Kind: kind}
		start := time.Now()
		if err := copyFile(ctx, pool, "bench_copy_"+kind, path); err != nil {
			return r, fmt.Errorf("copy %s: %w", kind, err)
		}
		r.Copy = time.Since(start)
		if update == nil {
			if err := q.BenchCopyTruncate(ctx, pool); err != nil {
				return r, err
			}
		}
		start = time.Now()
		out, err := cli("import", kind, path, "--json")
		r.Import = time.Since(start)
		if err != nil {
			return r, fmt.Errorf("import %s: %v: %s", kind, err, out)
		}
		var res importer.Result
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
			return r, fmt.Errorf("import %s: %w: %s", kind, err, out)
		}
		r.Rows = res.Inserted + res.Updated + res.Rejected + res.Suppressed
		if update == nil {
			if r.Index, err = reindex(ctx, pool, importer.Tables(kind)); err != nil {
				return r, fmt.Errorf("reindex %s: %w", kind, err)
			}
		} else {
			if r.Update, err = updateLanes(ctx, pool, update); err != nil {
				return r, fmt.Errorf("update %s: %w", kind, err)
			}
			if err := q.BenchCopyTruncate(ctx, pool); err != nil {
				return r, err
			}
		}
		fmt.Fprintf(log, "bench: %s: %d rows imported in %s (a plain COPY: %s, its indexes rebuilt: %s, a plain UPDATE: %s)\n",
			kind, r.Rows, r.Import.Round(time.Millisecond), r.Copy.Round(time.Millisecond), r.Index.Round(time.Millisecond),
			r.Update.Round(time.Millisecond))
		return r, nil
	}
	for _, kind := range importer.Kinds {
		if path, ok := paths[kind]; ok {
			r, err := load(kind, path, nil)
			if err != nil {
				return row, err
			}
			row.Loads = append(row.Loads, r)
		}
	}
	for _, kind := range []string{"people", "emails"} {
		path := filepath.Join(files, kind+"_refresh.csv")
		if err := writeRefresh(paths[kind], path); err != nil {
			return row, err
		}
		update := func(ctx context.Context, db toolsdb.DBTX, arg updateLane) (int64, error) {
			if kind == "people" {
				return q.BenchUpdatePeople(ctx, db, toolsdb.BenchUpdatePeopleParams(arg))
			}
			return q.BenchUpdateEmails(ctx, db, toolsdb.BenchUpdateEmailsParams(arg))
		}
		r, err := load(kind, path, update)
		if err != nil {
			return row, err
		}
		row.Refresh = append(row.Refresh, r)
	}
	if err := q.BenchVacuum(ctx, pool); err != nil {
		return row, err
	}
	sizes, err := q.BenchGraphBytes(ctx, pool)
	if err != nil {
		return row, err
	}
	for _, s := range sizes {
		row.Bytes += s.Bytes
	}
	fmt.Fprintf(log, "bench: graph of %d people loaded, %d bytes a person; querying\n", people, row.Bytes/int64(people))
	if err := timeResolvers(ctx, pool, queries, row.Queries, nil); err != nil {
		return row, err
	}
	if plans != nil {
		fmt.Fprintf(plans, "\n## %d people, %d companies\n", people, row.Companies)
		if err := explainResolvers(ctx, url, plans); err != nil {
			return row, err
		}
	}
	return row, nil
}

// reindex rebuilds every index of the tables by a plain REINDEX, two at a time in the order a
// fresh bulk load builds them (the import's own list, the primary keys second), and returns
// how long it took.
func reindex(ctx context.Context, pool *pgxpool.Pool, tables []string) (time.Duration, error) {
	q := toolsdb.New()
	indexes, err := store.New().GraphLoadIndexes(ctx, pool, tables)
	if err != nil {
		return 0, err
	}
	keys, err := q.BenchPrimaryKeys(ctx, pool, tables)
	if err != nil {
		return 0, err
	}
	indexes = slices.Insert(indexes, min(1, len(indexes)), keys...)
	start := time.Now()
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for _, index := range indexes {
		g.Go(func() error { return q.BenchReindex(ctx, pool, index) })
	}
	err = g.Wait()
	return time.Since(start), err
}

// updateLane is one lane's share of a plain UPDATE.
type updateLane struct{ Lanes, Lane int32 }

// updateLanes runs update in two lanes, each on its own connection, as the import runs its
// merges, and returns how long both took.
func updateLanes(ctx context.Context, pool *pgxpool.Pool, update func(context.Context, toolsdb.DBTX, updateLane) (int64, error)) (time.Duration, error) {
	const lanes = 2
	start := time.Now()
	g, ctx := errgroup.WithContext(ctx)
	for lane := range lanes {
		g.Go(func() error {
			_, err := update(ctx, pool, updateLane{Lanes: lanes, Lane: int32(lane)})
			return err
		})
	}
	err := g.Wait()
	return time.Since(start), err
}

// copyFile is the yardstick: the file as it is, through COPY, into a table of its columns. A
// COPY of a file is not a statement sqlc writes, so it stays here.
func copyFile(ctx context.Context, pool *pgxpool.Pool, table, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	_, err = conn.Conn().PgConn().CopyFrom(ctx, f, "COPY "+pgx.Identifier{table}.Sanitize()+" FROM STDIN (FORMAT csv, HEADER)")
	return err
}

// writeRefresh writes every tenth row of a CSV file again, its fourth column changed (a
// person's last name, an email's verified flag): a refresh of a tenth of the graph.
func writeRefresh(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	r := csv.NewReader(bufio.NewReaderSize(in, 1<<20))
	bw := bufio.NewWriterSize(out, 1<<20)
	w := csv.NewWriter(bw)
	for i := 0; ; i++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Close()
			return err
		}
		if i == 0 || i%10 == 0 {
			if i > 0 {
				switch rec[3] {
				case "true":
					rec[3] = "false"
				case "false":
					rec[3] = "true"
				default:
					rec[3] = "refreshed " + rec[3]
				}
			}
			if err := w.Write(rec); err != nil {
				out.Close()
				return err
			}
		}
	}
	w.Flush()
	if err := errors.Join(w.Error(), bw.Flush()); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// timeResolvers runs each resolver n times on inputs sampled from the graph. With each set, it
// calls each before and after every resolver call (explainResolvers records the statements).
func timeResolvers(ctx context.Context, pool *pgxpool.Pool, n int, out map[string][2]time.Duration, each func(name string, done bool) error) error {
	q := toolsdb.New()
	companies, err := q.BenchSampleCompanies(ctx, pool)
	if err != nil {
		return err
	}
	profiles, err := q.BenchSampleProfiles(ctx, pool)
	if err != nil {
		return err
	}
	ips, err := q.BenchSampleIPs(ctx, pool)
	if err != nil {
		return err
	}
	if len(companies) == 0 || len(profiles) == 0 || len(ips) == 0 {
		return fmt.Errorf("the graph is empty")
	}
	rs := endpoint.Resolvers(resolve.Deps{Graph: pool})
	rnd := rand.New(rand.NewPCG(1, 2))
	reqs := map[string]func() (string, any){
		"enrichment/domain": func() (string, any) {
			return endpoint.Enrichment, resolve.EnrichmentRequest{Domain: companies[rnd.IntN(len(companies))].Domain}
		},
		"enrichment/name": func() (string, any) {
			return endpoint.Enrichment, resolve.EnrichmentRequest{CompanyName: companies[rnd.IntN(len(companies))].Name + " Inc."}
		},
		"enrichment/fuzzy": func() (string, any) {
			name := companies[rnd.IntN(len(companies))].Name
			i := 1 + rnd.IntN(len(name)-2)
			return endpoint.Enrichment, resolve.EnrichmentRequest{CompanyName: name[:i] + name[i+1:]}
		},
		"deanonymization": func() (string, any) {
			return endpoint.Deanonymization, resolve.DeanonymizationRequest{IP: ips[rnd.IntN(len(ips))]}
		},
		"linkedin-to-phone": func() (string, any) {
			return endpoint.LinkedInToPhone, resolve.LinkedInRequest{LinkedInURL: profiles[rnd.IntN(len(profiles))]}
		},
		"linkedin-to-hem": func() (string, any) {
			return endpoint.LinkedInToHEM, resolve.LinkedInRequest{LinkedInURL: profiles[rnd.IntN(len(profiles))]}
		},
		"ip-to-company": func() (string, any) {
			return endpoint.IPToCompany, resolve.IPRequest{IP: ips[rnd.IntN(len(ips))]}
		},
		"domain-finder": func() (string, any) {
			return endpoint.DomainFinder, resolve.DomainFinderRequest{CompanyName: companies[rnd.IntN(len(companies))].Name}
		},
		"keyword-to-lead": func() (string, any) {
			kw := []string{"supply chain", "machine learning", "payments", "solar", "recruiting"}[rnd.IntN(5)]
			return endpoint.KeywordToLead, resolve.KeywordLeadRequest{Keyword: kw, Limit: 25}
		},
	}
	for _, name := range graphQueries {
		var lat []time.Duration
		for range n {
			endpoint, req := reqs[name]()
			raw, _ := json.Marshal(req)
			if each != nil {
				if err := each(name, false); err != nil {
					return err
				}
			}
			start := time.Now()
			if _, err := rs[endpoint].Resolve(ctx, raw); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			lat = append(lat, time.Since(start))
			if each != nil {
				if err := each(name, true); err != nil {
					return err
				}
			}
		}
		p50, p99, _ := percentiles(lat)
		out[name] = [2]time.Duration{p50, p99}
	}
	return nil
}

// PrintGraph writes the graph-scale tables: loads beside their yardstick, then resolvers.
func PrintGraph(w io.Writer, rows []GraphRow) {
	if len(rows) > 0 && rows[0].HugePages != "" {
		fmt.Fprintf(w, "Postgres's shared memory (shared_buffers = 4GB) in huge pages: %s\n\n", rows[0].HugePages)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "people\tload\tkind\trows\timport\trows/s\tplain COPY\trows/s\tratio\tCOPY+indexes\trows/s\tratio\tceiling\tplain UPDATE\trows/s\tratio\t")
	for _, r := range rows {
		if len(r.Loads) == 0 {
			continue // --graph-url: a graph loaded before
		}
		for _, set := range []struct {
			name  string
			loads []LoadRow
		}{{"empty graph", r.Loads}, {"10% refresh", r.Refresh}} {
			var all LoadRow
			for _, l := range set.loads {
				printLoad(tw, r.People, set.name, l)
				all.Rows += l.Rows
				all.Import += l.Import
				all.Copy += l.Copy
				all.Index += l.Index
				all.Update += l.Update
			}
			all.Kind = "all"
			printLoad(tw, r.People, set.name, all)
		}
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := []string{"people", "bytes/person"}
	for _, q := range graphQueries {
		head = append(head, q+" p50/p99")
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range rows {
		cells := []string{strconv.Itoa(r.People), strconv.FormatInt(r.Bytes/int64(max(r.People, 1)), 10)}
		for _, q := range graphQueries {
			d := r.Queries[q]
			cells = append(cells, fmt.Sprintf("%.2f/%.2f ms", float64(d[0].Microseconds())/1000, float64(d[1].Microseconds())/1000))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	_ = tw.Flush()
}

func printLoad(w io.Writer, people int, set string, l LoadRow) {
	rate := func(d time.Duration) float64 { return float64(l.Rows) / max(d.Seconds(), 1e-9) }
	fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%.0f\t%s\t%.0f\t%.2f\t", people, set, l.Kind, l.Rows,
		l.Import.Round(time.Millisecond), rate(l.Import), l.Copy.Round(time.Millisecond), rate(l.Copy), rate(l.Import)/rate(l.Copy))
	// The ceiling is the most an import could reach of the plain COPY, its indexes built as
	// fast as a plain REINDEX and its own work free.
	if floor := l.Copy + l.Index; l.Index > 0 {
		fmt.Fprintf(w, "%s\t%.0f\t%.2f\t%.2f\t", floor.Round(time.Millisecond), rate(floor), rate(l.Import)/rate(floor), rate(floor)/rate(l.Copy))
	} else {
		fmt.Fprint(w, "\t\t\t\t")
	}
	if l.Update > 0 {
		fmt.Fprintf(w, "%s\t%.0f\t%.2f\t\n", l.Update.Round(time.Millisecond), rate(l.Update), rate(l.Import)/rate(l.Update))
	} else {
		fmt.Fprint(w, "\t\t\t\n")
	}
}

// WriteGraphMarkdown puts the tables into the file at path, between its graph markers.
func WriteGraphMarkdown(path string, rows []GraphRow, args []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- graph:start -->\n## Latest graph run\n\n%s. Command: `%s`\n\n```\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), strings.Join(args, " "))
	PrintGraph(&b, rows)
	b.WriteString("```\n<!-- graph:end -->\n")
	old, _ := os.ReadFile(path)
	s := string(old)
	if i, j := strings.Index(s, "<!-- graph:start -->"), strings.Index(s, "<!-- graph:end -->"); i >= 0 && j > i {
		s = s[:i] + b.String() + s[j+len("<!-- graph:end -->\n"):]
	} else {
		s += "\n" + b.String()
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// explainResolvers runs each resolver once on a sampled input, records the statements it
// sends, and writes each statement's plan as the database ran it.
func explainResolvers(ctx context.Context, url string, w io.Writer) error {
	rec := &testkit.Recorder{}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return err
	}
	cfg.ConnConfig.Tracer = rec
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	plain, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer plain.Close()
	written := map[string]bool{}
	return timeResolvers(ctx, pool, 1, map[string][2]time.Duration{}, func(name string, done bool) error {
		stmts := rec.Take()
		if !done || written[name] {
			return nil
		}
		written[name] = true
		fmt.Fprintf(w, "\n### %s\n", name)
		for _, st := range stmts {
			query := strings.SplitN(strings.TrimPrefix(st.SQL, "-- name: "), " ", 2)[0]
			rows, err := plain.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+st.SQL, st.Args...)
			if err != nil {
				return fmt.Errorf("explain %s: %w", query, err)
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return fmt.Errorf("explain %s: %w", query, err)
			}
			fmt.Fprintf(w, "\n%s:\n\n```\n%s\n```\n", query, strings.Join(lines, "\n"))
		}
		return nil
	})
}
