package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/openresolve/openresolve/internal/graph"
)

func (c *command) seedDemo(ctx context.Context, args []string) error {
	fs := c.flags("seed demo")
	companies := fs.Int("companies", 1000, "generated companies (besides the fixed examples)")
	people := fs.Int("people", 5000, "generated people (besides the fixed examples)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and sizes give the same graph")
	ifEmpty := fs.Bool("if-empty", false, "do nothing when the graph already has companies")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *companies < 0 || *people < 0 {
		return errors.New("seed demo: sizes must not be negative")
	}
	pool, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if *ifEmpty {
		var any bool
		if err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM companies)").Scan(&any); err != nil {
			return err
		}
		if any {
			fmt.Fprintln(c.env.Stdout, "the graph has data already; not seeding")
			return nil
		}
	}
	start := time.Now()
	d := graph.Demo{Seed: *seed, Companies: *companies, People: *people}
	err = d.Load(ctx, &graph.Importer{Pool: pool}, func(kind string, r graph.Result) {
		fmt.Fprintf(c.env.Stdout, "%-16s %8d inserted %8d updated\n", kind, r.Inserted, r.Updated)
	})
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	fmt.Fprintf(c.env.Stdout, "demo graph loaded in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
