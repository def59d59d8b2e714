package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/endpoint"
	"github.com/openresolve/openresolve/internal/resolve"
	"github.com/openresolve/openresolve/internal/tools/harness"
	"github.com/openresolve/openresolve/internal/tools/testkit"
	"github.com/openresolve/openresolve/internal/tools/toolsdb"
)

// GraphRow is one graph size's figures: how fast the demo graph of that size loaded, and each
// resolver's time per query on it.
type GraphRow struct {
	People, Companies int
	Load              time.Duration
	RowsPerSecond     float64
	Queries           map[string][2]time.Duration // p50, p99
}

// graphQueries are the resolver calls measured, in the order printed.
var graphQueries = []string{"enrichment/domain", "enrichment/name", "enrichment/fuzzy", "deanonymization",
	"linkedin-to-phone", "linkedin-to-hem", "ip-to-company", "domain-finder", "keyword-to-lead"}

// RunGraph builds the demo graph at each size (companies a fifth of people) in a cluster of
// its own and times its load and each resolver on inputs sampled from it.
// With plans set, it also writes there, for each size, the plan (EXPLAIN ANALYZE, BUFFERS) of
// every statement each resolver sends for one sampled input.
func RunGraph(ctx context.Context, binDir string, sizes []int, queries int, plans io.Writer, log io.Writer) ([]GraphRow, error) {
	workDir, err := os.MkdirTemp("", "openresolve-graph-")
	if err != nil {
		return nil, err
	}
	_ = os.Chmod(workDir, 0o755)
	pg, err := harness.NewCluster(ctx, workDir)
	if err != nil {
		return nil, err
	}
	defer pg.Stop()
	var rows []GraphRow
	for _, people := range sizes {
		db := fmt.Sprintf("graph_%d", people)
		admin, err := pgx.Connect(ctx, pg.URL("postgres"))
		if err != nil {
			return rows, err
		}
		_, err = admin.Exec(ctx, "CREATE DATABASE "+db)
		admin.Close(ctx)
		if err != nil {
			return rows, err
		}
		url := pg.URL(db)
		cli := func(args ...string) ([]byte, error) {
			cmd := exec.CommandContext(ctx, filepath.Join(binDir, "openresolve"), args...)
			cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "LOG_LEVEL=warn")
			return cmd.CombinedOutput()
		}
		if out, err := cli("migrate", "up"); err != nil {
			return rows, fmt.Errorf("migrate: %v: %s", err, out)
		}
		row := GraphRow{People: people, Companies: people / 5, Queries: map[string][2]time.Duration{}}
		fmt.Fprintf(log, "bench: graph of %d people, %d companies: loading\n", people, row.Companies)
		start := time.Now()
		out, err := cli("seed", "demo", "--people", strconv.Itoa(people), "--companies", strconv.Itoa(row.Companies))
		if err != nil {
			return rows, fmt.Errorf("seed: %v: %s", err, out)
		}
		row.Load = time.Since(start)
		total := 0
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) >= 5 && f[2] == "inserted" {
				n, _ := strconv.Atoi(f[1])
				total += n
			}
		}
		row.RowsPerSecond = float64(total) / row.Load.Seconds()
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			return rows, err
		}
		if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
			pool.Close()
			return rows, err
		}
		fmt.Fprintf(log, "bench: graph of %d people loaded in %s; querying\n", people, row.Load.Round(time.Second))
		err = timeResolvers(ctx, pool, queries, row.Queries, nil)
		pool.Close()
		if err != nil {
			return rows, err
		}
		if plans != nil {
			fmt.Fprintf(plans, "\n## %d people, %d companies\n", people, row.Companies)
			if err := explainResolvers(ctx, url, plans); err != nil {
				return rows, err
			}
		}
		rows = append(rows, row)
		PrintGraph(log, rows[len(rows)-1:])
	}
	return rows, nil
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
		count := n
		if name == "keyword-to-lead" {
			count = max(n/10, 10) // it ranks every match; see BENCHMARKS.md
		}
		for range count {
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

// PrintGraph writes the graph-scale table.
func PrintGraph(w io.Writer, rows []GraphRow) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := []string{"people", "companies", "load", "rows/s"}
	for _, q := range graphQueries {
		head = append(head, q+" p50/p99")
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range rows {
		cells := []string{strconv.Itoa(r.People), strconv.Itoa(r.Companies), r.Load.Round(time.Second).String(), fmt.Sprintf("%.0f", r.RowsPerSecond)}
		for _, q := range graphQueries {
			d := r.Queries[q]
			cells = append(cells, fmt.Sprintf("%.2f/%.2f ms", float64(d[0].Microseconds())/1000, float64(d[1].Microseconds())/1000))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	_ = tw.Flush()
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
		if !done || written[name] { // keyword-to-lead runs at least ten times; one plan is enough
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
