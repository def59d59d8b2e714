package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/openresolve/openresolve/internal/graph"
)

// parseInterspersed parses flags that may stand before, between or after the positional
// arguments, as "import people.csv people --json" users type them.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func (c *command) importFile(ctx context.Context, args []string) error {
	fs := c.flags("import")
	asJSON := fs.Bool("json", false, "end with a JSON summary line")
	batch := fs.Int("batch", 20000, "rows per COPY and upsert")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("usage: openresolve import <%s> <file.csv|file.jsonl> [--json]", strings.Join(graph.Kinds, "|"))
	}
	kind, path := pos[0], pos[1]
	src, closer, err := graph.OpenFile(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer closer.Close()
	pool, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()

	start := time.Now()
	tty := isTerminal(c.env.Stderr)
	im := &graph.Importer{
		Pool:      pool,
		BatchSize: *batch,
		Reject: func(line int, reason string) {
			if tty {
				fmt.Fprint(c.env.Stderr, "\r\033[K")
			}
			fmt.Fprintf(c.env.Stderr, "%s:%d: rejected: %s\n", path, line, reason)
		},
	}
	if tty {
		im.Progress = func(read int64) {
			fmt.Fprintf(c.env.Stderr, "\r\033[Kimporting %s: %d rows, %.0f rows/s", kind, read, float64(read)/time.Since(start).Seconds())
		}
	}
	res, err := im.Import(ctx, kind, src)
	if tty {
		fmt.Fprint(c.env.Stderr, "\r\033[K")
	}
	if err != nil {
		return fmt.Errorf("import %s: %w", kind, err)
	}
	elapsed := time.Since(start)
	total := res.Inserted + res.Updated + res.Rejected
	fmt.Fprintf(c.env.Stdout, "%s: %d inserted, %d updated, %d rejected (%d rows in %s, %.0f rows/s)\n",
		kind, res.Inserted, res.Updated, res.Rejected, total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	if *asJSON {
		return json.NewEncoder(c.env.Stdout).Encode(res)
	}
	return nil
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
