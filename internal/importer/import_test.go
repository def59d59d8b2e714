package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/names"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
)

type rejection struct {
	line   int
	reason string
}

func importFile(t *testing.T, pool *pgxpool.Pool, kind, path string) (Result, []rejection) {
	t.Helper()
	return importFileAs(t, pool, kind, path, ModeAuto)
}

// modes are the two ways an import writes; what it promises is the same in both.
var modes = []Mode{ModeUpsert, ModeBulk}

// importFileAs imports a file in mode, returning what it did and the rejected rows in line
// order.
func importFileAs(t *testing.T, pool *pgxpool.Pool, kind, path string, mode Mode) (Result, []rejection) {
	t.Helper()
	src, closer, err := OpenFile(path)
	require.NoError(t, err)
	defer closer.Close()
	var (
		mu       sync.Mutex
		rejected []rejection
	)
	im := &Importer{Pool: pool, BatchSize: 3, Mode: mode, Reject: func(line int, reason string) {
		mu.Lock()
		defer mu.Unlock()
		rejected = append(rejected, rejection{line, reason})
	}}
	res, err := im.Import(context.Background(), kind, src)
	require.NoError(t, err)
	// Lanes convert rows at once, so their rejections come in the order they are found.
	slices.SortFunc(rejected, func(a, b rejection) int { return a.line - b.line })
	return res, rejected
}

func TestImportCSV(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			testImportCSV(t, mode)
		})
	}
}

func testImportCSV(t *testing.T, mode Mode) {
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	importFile := func(t *testing.T, pool *pgxpool.Pool, kind, path string) (Result, []rejection) {
		return importFileAs(t, pool, kind, path, mode)
	}
	res, rejected := importFile(t, pool, "companies", "testdata/companies.csv")
	require.Equal(t, Result{Inserted: 2, Updated: 0, Rejected: 5}, res)
	require.Equal(t, []rejection{
		{4, `domain: "not a domain" is not a domain name`},
		{5, "name: required"},
		{6, `linkedin_url: "https://evil.example/company/hooli" is not a LinkedIn company URL`},
		{7, `country: "ZZ" is not an ISO 3166-1 alpha-2 country code`},
		{8, `malformed CSV: extraneous or missing " in quoted-field`},
	}, rejected)

	var (
		name, linkedin, country string
		aliases, terms          []string
		employees               int
	)
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT name, linkedin_url, country, aliases, name_terms, employees
		FROM companies WHERE domain = 'acmelogistics.com'`).Scan(&name, &linkedin, &country, &aliases, &terms, &employees))
	require.Equal(t, "Acme Logistics", name)
	require.Equal(t, "linkedin.com/company/acme-logistics", linkedin)
	require.Equal(t, "US", country)
	require.Equal(t, []string{"Acme Logistics, Inc.", "Acme Freight"}, aliases)
	require.Equal(t, []string{"acme", "freight", "logistics"}, terms, "the name's and aliases' words, legal forms left out")
	require.Equal(t, 400, employees)

	// JSON Lines: the same keys; a re-import updates instead of duplicating.
	res, rejected = importFile(t, pool, "companies", "testdata/companies.jsonl")
	require.Equal(t, Result{Inserted: 1, Updated: 1, Rejected: 3}, res)
	require.Equal(t, []rejection{
		{4, "not a JSON object"},
		{5, "name: objects are not allowed here"},
		{6, `employees: "-3" is not a whole number from 0 to 10000000`},
	}, rejected)
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT employees, aliases FROM companies WHERE domain = 'acmelogistics.com'`).
		Scan(&employees, &aliases))
	require.Equal(t, 410, employees)
	require.Equal(t, []string{"Acme Freight"}, aliases)
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM companies`).Scan(&n))
	require.Equal(t, 3, n)
	requireTermCounts(t, pool)
}

// requireTermCounts checks that company_terms counts what companies' name_terms hold, and
// that every term has a text and the variants of its texts.
func requireTermCounts(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	var wrong int
	require.NoError(t, pool.QueryRow(ctx, `
		WITH truth AS (
			SELECT t.term, count(*)::int AS companies FROM companies c, unnest(c.name_terms) t(term)
			WHERE cardinality(c.name_terms) > 0 GROUP BY 1
			UNION ALL SELECT '', count(*)::int FROM companies WHERE cardinality(name_terms) > 0)
		SELECT count(*) FROM truth FULL JOIN (SELECT * FROM company_terms WHERE companies <> 0) ct USING (term)
		WHERE truth.companies IS DISTINCT FROM ct.companies`).Scan(&wrong))
	require.Zero(t, wrong, "company_terms disagrees with the companies' name_terms")
	require.NoError(t, pool.QueryRow(ctx, `
		SELECT count(*) FROM company_terms ct WHERE ct.term <> '' AND ct.companies > 0 AND NOT EXISTS (
			SELECT 1 FROM company_term_texts x JOIN company_term_variants v ON v.term = x.term AND v.variant = x.text
			WHERE x.term = ct.term)`).Scan(&wrong))
	require.Zero(t, wrong, "a term without its text and variants")
}

func TestCompanyNameIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	load := func(csv string) {
		src, err := NewCSV(strings.NewReader(csv))
		require.NoError(t, err)
		_, err = (&Importer{Pool: pool}).Import(ctx, "companies", src)
		require.NoError(t, err)
	}
	count := func(term string) int {
		var n int
		err := pool.QueryRow(ctx, `SELECT companies FROM company_terms WHERE term = $1`, term).Scan(&n)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0
		}
		require.NoError(t, err)
		return n
	}
	load("domain,name,aliases\nmueller.de,Müller Maschinenbau GmbH,\nmuller.com,Muller Tools Inc.,\nacme.com,Acme Tools,\n")
	require.Equal(t, 3, count(""))
	require.Equal(t, 2, count("muler"), "Müller and Muller are one term")
	require.Equal(t, 2, count(names.Term("tools")))
	var texts []string
	require.NoError(t, pool.QueryRow(ctx, `SELECT array_agg(text ORDER BY text) FROM company_term_texts WHERE term = 'muler'`).Scan(&texts))
	require.Equal(t, []string{"muller"}, texts)

	// A re-import that renames a company counts its old words out and its new ones in; a
	// repeat within one batch counts once.
	load("domain,name,aliases\nmuller.com,Mueller Werkzeuge Inc.,\nmuller.com,Mueller Werkzeuge Inc.,\n")
	require.Equal(t, 3, count(""))
	require.Equal(t, 2, count("muler"))
	require.Equal(t, 1, count(names.Term("tools")))
	require.Equal(t, 1, count(names.Term("werkzeuge")))
	require.NoError(t, pool.QueryRow(ctx, `SELECT array_agg(text ORDER BY text) FROM company_term_texts WHERE term = 'muler'`).Scan(&texts))
	require.Equal(t, []string{"mueller", "muller"}, texts, "each way the term was written")
	requireTermCounts(t, pool)

	// A graph imported before the index existed is indexed by migrate up.
	_, err := pool.Exec(ctx, `UPDATE companies SET name_terms = '{}'; TRUNCATE company_terms, company_term_texts, company_term_variants`)
	require.NoError(t, err)
	n, err := IndexCompanyNames(ctx, pool)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, 3, count(""))
	requireTermCounts(t, pool)
	n, err = IndexCompanyNames(ctx, pool)
	require.NoError(t, err)
	require.Zero(t, n, "nothing left to index")

	// Variants a migration emptied (migrations/00020_trade_words.sql) are made again from
	// the words, once, the trade words' tokens with them.
	variants := func() []string {
		var vs []string
		require.NoError(t, pool.QueryRow(ctx, `SELECT coalesce(array_agg(variant || '>' || term ORDER BY variant, term), '{}') FROM company_term_variants`).Scan(&vs))
		return vs
	}
	before := variants()
	require.Contains(t, before, "~tool>"+names.Term("werkzeuge"), "Werkzeuge is found by its English word")
	_, err = pool.Exec(ctx, `TRUNCATE company_term_variants`)
	require.NoError(t, err)
	n, err = IndexTermVariants(ctx, pool)
	require.NoError(t, err)
	require.Equal(t, 6, n, "mueller, muller, maschinenbau, tools, acme, werkzeuge")
	require.Equal(t, before, variants())
	n, err = IndexTermVariants(ctx, pool)
	require.NoError(t, err)
	require.Zero(t, n, "the variants are there")
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func TestImportEveryKind(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			testImportEveryKind(t, mode)
		})
	}
}

func testImportEveryKind(t *testing.T, mode Mode) {
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	ctx := context.Background()
	importFile := func(t *testing.T, pool *pgxpool.Pool, kind, path string) (Result, []rejection) {
		return importFileAs(t, pool, kind, path, mode)
	}
	cases := []struct {
		kind, file, content string
		want                Result
		reasons             []string
	}{
		{"people", "people.csv", "person_id,full_name,title,seniority,company_domain,linkedin_url,country,keywords\n" +
			"p1,Jane Doe,VP of Operations,VP,acmelogistics.com,https://www.linkedin.com/in/JaneDoe/,US,supply chain;ops\n" +
			"p2,,,,,,,\n" +
			"p3,John Roe,,,,https://www.linkedin.com/company/acme,,\n" +
			"p1,Jane Q. Doe,VP of Operations,vp,acmelogistics.com,linkedin.com/in/janedoe,US,\n",
			Result{Inserted: 1, Updated: 1, Rejected: 2},
			[]string{"line 3: full_name: required (or first_name and last_name)", `line 4: linkedin_url: "https://www.linkedin.com/company/acme" is not a LinkedIn profile URL`}},
		{"emails", "emails.jsonl", `{"email":" Jane.Doe@AcmeLogistics.com ","person_id":"p1","type":"work","verified":true}` + "\n" +
			`{"email":"jane@","person_id":"p1"}` + "\n" +
			`{"email":"jd@gmail.com","person_id":"p1","type":"home"}` + "\n" +
			`{"email":"jd@gmail.com","person_id":"p1","type":"personal","verified":"no"}` + "\n",
			Result{Inserted: 2, Rejected: 2},
			[]string{"line 2: email: not a valid email address", `line 3: type: "home" is not one of work, personal`}},
		{"phones", "phones.csv", "phone,person_id,type,country,verified\n" +
			"+1 (415) 555-0123,p1,mobile,,true\n" +
			"(415) 555-0100,p1,office,US,1\n" +
			"415 555 0199,p1,direct,,\n" +
			"+14155550123,p1,mobile,,false\n",
			Result{Inserted: 2, Updated: 1, Rejected: 1},
			[]string{"line 4: phone: not a valid phone number (numbers without + need a country)"}},
		{"networks", "networks.csv", "cidr,company_domain,type,asn,as_org\n" +
			"64.207.100.7/24,acmelogistics.com,business,64500,Acme\n" +
			"73.0.0.0/12,,isp,64511,Example Broadband\n" +
			"10.0.0.0/33,,isp,,\n" +
			"2001:db8::/32,,satellite,,\n",
			Result{Inserted: 2, Rejected: 2},
			[]string{`line 4: cidr: "10.0.0.0/33" is not a CIDR block`, `line 5: type: "satellite" is not one of business, isp, hosting, education, government`}},
		{"ip_observations", "obs.csv", "ip,person_id,seen_at\n" +
			"64.207.100.23,p1,2026-10-30T09:12:00Z\n" +
			"::ffff:64.207.100.23,p1,2026-10-01T09:12:00Z\n" +
			"64.207.100.24,p1,yesterday\n",
			Result{Inserted: 1, Updated: 1, Rejected: 1},
			[]string{`line 4: seen_at: "yesterday" is not an RFC 3339 time`}},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			res, rejected := importFile(t, pool, tc.kind, writeFile(t, tc.file, tc.content))
			require.Equal(t, tc.want, res)
			var reasons []string
			for _, r := range rejected {
				reasons = append(reasons, fmt.Sprintf("line %d: %s", r.line, r.reason))
			}
			require.Equal(t, tc.reasons, reasons)
		})
	}

	var fullName, seniority, linkedin string
	require.NoError(t, pool.QueryRow(ctx, `SELECT full_name, seniority, linkedin_url FROM people WHERE person_id = 'p1'`).
		Scan(&fullName, &seniority, &linkedin))
	require.Equal(t, "Jane Q. Doe", fullName, "the last row of a repeated key wins")
	require.Equal(t, "vp", seniority)
	require.Equal(t, "linkedin.com/in/janedoe", linkedin)

	var email string
	require.NoError(t, pool.QueryRow(ctx, `SELECT email FROM emails WHERE md5(email) = '3a8416169b175765a4411279650d796a'`).Scan(&email))
	require.Equal(t, "jane.doe@acmelogistics.com", email, "found by the md5 of its normalized address")

	var verified bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT verified FROM phones WHERE phone = '+14155550123'`).Scan(&verified))
	require.False(t, verified, "the re-imported row updated the number")

	var cidr string
	require.NoError(t, pool.QueryRow(ctx, `SELECT cidr::text FROM networks WHERE company_domain = 'acmelogistics.com'`).Scan(&cidr))
	require.Equal(t, "64.207.100.0/24", cidr, "host bits are masked")

	var seen string
	require.NoError(t, pool.QueryRow(ctx, `SELECT to_char(seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM ip_observations`).Scan(&seen))
	require.Equal(t, "2026-10-30", seen, "a re-import keeps the latest observation")
}

func TestImportErrors(t *testing.T) {
	t.Parallel()
	_, _, err := OpenFile("testdata/does-not-exist.csv")
	require.Error(t, err)
	_, _, err = OpenFile(writeFile(t, "x.xml", "<x/>"))
	require.ErrorContains(t, err, "unknown file type")
	_, _, err = OpenFile(writeFile(t, "empty.csv", ""))
	require.ErrorContains(t, err, "header row is required")
	_, _, err = OpenFile(t.TempDir() + "/")
	require.Error(t, err)

	im := &Importer{}
	_, err = im.Import(context.Background(), "unicorns", NewJSONLines(strings.NewReader("")))
	require.ErrorIs(t, err, ErrUnknownKind)
}

func TestColumnName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"domain": "domain", "linkedinUrl": "linkedin_url", "Linkedin URL": "linkedin_url",
		"postal_code": "postal_code", "\ufeffdomain": "domain", " Company-Domain ": "company_domain",
		"seenAt": "seen_at", "as_org": "as_org",
	} {
		require.Equal(t, want, ColumnName(in), in)
	}
}

func FuzzImportRecord(f *testing.F) {
	f.Add("domain,name,employees\nacme.com,Acme,5\n")
	f.Add("person_id,full_name,linkedin_url\np1,Jane,https://linkedin.com/in/jane\n")
	f.Add("phone,person_id,country\n020 7946 0958,p1,GB\n")
	f.Add("cidr,type\n10.0.0.0/8,isp\n")
	f.Add("ip,person_id,seen_at\n::ffff:1.2.3.4,p,2026-01-01T00:00:00Z\n")
	f.Add("\"a\nb\",c\n1,2\n")
	f.Fuzz(func(t *testing.T, csv string) {
		src, err := NewCSV(strings.NewReader(csv))
		if err != nil {
			return
		}
		for {
			rec, err := src.Next()
			if err != nil {
				return
			}
			if rec.Err != nil {
				continue
			}
			// Whatever a converter accepts is a row its table takes.
			if c, err := convertCompany(rec.Fields, 1); err == nil && (c.Domain == "" || len(c.NameTerms) == 0) {
				t.Fatalf("company without domain or name terms: %+v", c)
			}
			if p, err := convertPerson(rec.Fields, 1); err == nil && (p.PersonID == "" || strings.TrimSpace(p.FullName) == "") {
				t.Fatalf("person without id or name: %+v", p)
			}
			if e, err := convertEmail(rec.Fields, 1); err == nil && (!strings.Contains(e.Email, "@") || e.PersonID == "") {
				t.Fatalf("email without @ or person: %+v", e)
			}
			if p, err := convertPhone(rec.Fields, 1); err == nil && !strings.HasPrefix(p.Phone, "+") {
				t.Fatalf("phone not in E.164: %+v", p)
			}
			if n, err := convertNetwork(rec.Fields, 1); err == nil && n.CIDR != n.CIDR.Masked() {
				t.Fatalf("network not masked: %+v", n)
			}
			if o, err := convertObservation(rec.Fields, 1); err == nil && !o.IP.IsValid() {
				t.Fatalf("observation without IP: %+v", o)
			}
		}
	})
}

// TestPeopleMergeLeadWords imports one person again and again: their lead words are their own
// words and their company's whatever changed, kept when nothing they are made of did (the
// merge then looks up no company), made anew when their company, title or country did.
func TestPeopleMergeLeadWords(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
			importFile(t, pool, "companies", "testdata/companies.csv")
			for _, step := range []struct{ row, words string }{
				{"p1,Person One,Buyer,vp,acmelogistics.com,US,supply chain", "buyer chain suppli country=us seniority=vp freight logist"},
				{"p1,Person 1,Buyer,vp,acmelogistics.com,US,supply chain", "buyer chain suppli country=us seniority=vp freight logist"},
				{"p1,Person 1,Buyer,vp,globex.co.uk,US,supply chain", "buyer chain suppli country=us seniority=vp manufactur"},
				{"p1,Person 1,Welder,vp,globex.co.uk,DE,supply chain", "chain suppli welder country=de seniority=vp manufactur"},
				{"p1,Person 1,Welder,vp,,DE,supply chain", "chain suppli welder country=de seniority=vp"},
				{"p1,Person One,Welder,vp,acmelogistics.com,DE,supply chain", "chain suppli welder country=de seniority=vp freight logist"},
			} {
				file := writeFile(t, "people.csv", "person_id,full_name,title,seniority,company_domain,country,keywords\n"+step.row+"\n")
				importFileAs(t, pool, "people", file, mode)
				var words, made string
				require.NoError(t, pool.QueryRow(ctx, `
					SELECT p.lead_words, lead_words_of(p.title, p.keywords, p.country, p.seniority, c.lead_words)
					FROM people p LEFT JOIN companies c ON c.domain = p.company_domain`).Scan(&words, &made))
				require.Equal(t, step.words, words, step.row)
				require.Equal(t, made, words, "as lead_words_of makes them")
			}
		})
	}
}
