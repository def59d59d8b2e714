package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/openresolve/openresolve/internal/importer"
	"github.com/openresolve/openresolve/internal/store"
)

var seedDemo = &command{
	name:     "seed demo",
	synopsis: "[--companies N] [--people N] [--seed S] [--if-empty] [--out DIR]",
	summary:  "build a deterministic demo graph",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		companies := fs.Int("companies", 1000, "generated companies (besides the fixed examples)")
		people := fs.Int("people", 5000, "generated people (besides the fixed examples)")
		seed := fs.Uint64("seed", 1, "random seed: the same seed and sizes give the same graph")
		ifEmpty := fs.Bool("if-empty", false, "do nothing when the graph already has companies")
		out := fs.String("out", "", "write the graph as CSV files (DIR/<kind>.csv, for openresolve import) instead of loading it")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if *companies < 0 || *people < 0 {
			return errors.New("seed demo: sizes must not be negative")
		}
		d := importer.Demo{Seed: *seed, Companies: *companies, People: *people}
		if *out != "" {
			if err := os.MkdirAll(*out, 0o755); err != nil {
				return err
			}
			paths, err := d.WriteCSV(*out)
			if err != nil {
				return fmt.Errorf("seed demo: %w", err)
			}
			for _, kind := range importer.Kinds {
				if p, ok := paths[kind]; ok {
					fmt.Fprintln(s.env.Stdout, p)
				}
			}
			return nil
		}
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}
		if *ifEmpty {
			some, err := store.New().CompanyAny(ctx, pool)
			if err != nil {
				return err
			}
			if some {
				fmt.Fprintln(s.env.Stdout, "the graph has data already; not seeding")
				return nil
			}
		}
		defer s.importGC()()
		start := time.Now()
		err = d.Load(ctx, &importer.Importer{Pool: pool}, func(kind string, r importer.Result) {
			fmt.Fprintf(s.env.Stdout, "%-16s %8d inserted %8d updated\n", kind, r.Inserted, r.Updated)
		})
		if err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		fmt.Fprintf(s.env.Stdout, "demo graph loaded in %s\n", time.Since(start).Round(time.Millisecond))
		return nil
	},
}
