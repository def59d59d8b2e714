package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/openresolve/openresolve/internal/importer"
)

var importFile = &command{
	name:     "import",
	synopsis: "KIND FILE [--mode auto|bulk|upsert] [--json]",
	summary:  "load graph rows from CSV or JSON Lines (upserts)",
	detail: "Loads companies, people, emails, phones, networks or ip_observations from a CSV file (with a\n" +
		"header row) or JSON Lines (.jsonl), chosen by the extension, upserting on the natural key.\n" +
		"Rejected rows are reported with their line and reason and never stop the rest of the file;\n" +
		"rows that carry a suppressed identifier are skipped and counted as suppressed. The kind\n" +
		"suppressions loads an opt-out list: one of email, linkedin_url, phone or hem (the sha256 of\n" +
		"a normalized email) per row, kept only as SHA-256 hashes.\n" +
		"A file that is large against its table (at least 16 MiB and half the table's size) loads in\n" +
		"bulk: into a copy of the table that keeps only its primary key, whose other indexes are\n" +
		"built once at the end before the copy replaces the table in one short transaction.\n" +
		"Resolvers read the table as it was until then, writers to it wait, and a load that fails\n" +
		"leaves it as it was. A smaller file upserts batch by batch, each committed whole.\n" +
		"--mode bulk or --mode upsert chooses one way whatever the sizes.\n" +
		"With --json the last line is {\"inserted\", \"updated\", \"rejected\", \"suppressed\"}.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		asJSON := fs.Bool("json", false, "end with a JSON summary line")
		batch := fs.Int("batch", 20000, "rows per COPY and upsert")
		modeName := fs.String("mode", "auto", "auto, bulk (copy, index, swap) or upsert (batch by batch)")
		pos, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 2 {
			return fmt.Errorf("usage: openresolve import <%s> <file.csv|file.jsonl> [--json]", strings.Join(importer.Kinds, "|"))
		}
		kind, path := pos[0], pos[1]
		mode, err := importer.ParseMode(*modeName)
		if err != nil {
			return err
		}
		src, closer, err := importer.OpenFile(path)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer closer.Close()
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}

		defer s.importGC()()
		start := time.Now()
		tty := isTerminal(s.env.Stderr)
		im := &importer.Importer{
			Pool:      pool,
			BatchSize: *batch,
			Mode:      mode,
			Reject: func(line int, reason string) {
				if tty {
					fmt.Fprint(s.env.Stderr, "\r\033[K")
				}
				fmt.Fprintf(s.env.Stderr, "%s:%d: rejected: %s\n", path, line, reason)
			},
		}
		if tty {
			im.Progress = func(read int64) {
				fmt.Fprintf(s.env.Stderr, "\r\033[Kimporting %s: %d rows, %.0f rows/s", kind, read, float64(read)/time.Since(start).Seconds())
			}
		}
		res, err := im.Import(ctx, kind, src)
		if tty {
			fmt.Fprint(s.env.Stderr, "\r\033[K")
		}
		if err != nil {
			return fmt.Errorf("import %s: %w", kind, err)
		}
		elapsed := time.Since(start)
		total := res.Inserted + res.Updated + res.Rejected + res.Suppressed
		fmt.Fprintf(s.env.Stdout, "%s: %d inserted, %d updated, %d rejected, %d suppressed (%d rows in %s, %.0f rows/s)\n",
			kind, res.Inserted, res.Updated, res.Rejected, res.Suppressed, total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
		if *asJSON {
			return json.NewEncoder(s.env.Stdout).Encode(res)
		}
		return nil
	},
}

// importGCPercent is the collector's target while an import runs.
const importGCPercent = 400

// importGC sets the collector's target for a graph load (import, seed demo) and returns what
// sets it back. The importer's heap is a few batches, so at Go's default the collector ran
// every few megabytes; a bulk loader trades memory for its time (a 2-million-company file:
// 20% of the importer's CPU saved for 480 MB at most). GOGC, when set, decides.
func (s *session) importGC() (restore func()) {
	if s.env.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(importGCPercent)
	return func() { debug.SetGCPercent(old) }
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
