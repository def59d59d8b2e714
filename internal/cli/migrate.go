package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/openresolve/openresolve/internal/importer"
	"github.com/openresolve/openresolve/internal/store"
)

var migrateUp = &command{
	name:    "migrate up",
	summary: "apply River's and OpenResolve's migrations",
	detail: "Applies River's migrations, then OpenResolve's (embedded goose migrations). The API and the\n" +
		"workers refuse to start until this has run.",
	run: func(s *session, ctx context.Context, args []string) error {
		pool, err := s.dbNoFlags(ctx, args)
		if err != nil {
			return err
		}
		if err := store.Migrate(ctx, pool, s.env.Stdout); err != nil {
			return err
		}
		// A graph imported before the company-name index existed is indexed now.
		n, err := importer.IndexCompanyNames(ctx, pool)
		if err != nil {
			return fmt.Errorf("index company names: %w", err)
		}
		if n > 0 {
			fmt.Fprintf(s.env.Stdout, "indexed the names of %d companies\n", n)
		}
		// Variants a migration emptied because they changed are made again.
		if n, err = importer.IndexTermVariants(ctx, pool); err != nil {
			return fmt.Errorf("index company name variants: %w", err)
		}
		if n > 0 {
			fmt.Fprintf(s.env.Stdout, "made the variants of %d words of company names\n", n)
		}
		fmt.Fprintln(s.env.Stdout, "migrations are up to date")
		return nil
	},
}

var migrateStatus = &command{
	name:    "migrate status",
	summary: "list both sets of migrations and whether each is applied",
	run: func(s *session, ctx context.Context, args []string) error {
		pool, err := s.dbNoFlags(ctx, args)
		if err != nil {
			return err
		}
		states, err := store.MigrationStatus(ctx, pool)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SET\tVERSION\tNAME\tSTATE")
		for _, m := range states {
			state := "pending"
			if m.Applied {
				state = "applied"
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", m.Set, m.Version, m.Name, state)
		}
		return tw.Flush()
	},
}
