package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/openresolve/openresolve/migrations"
)

// Migrate brings River's tables and then OpenResolve's own up to date. Both are safe to run
// from several processes at once: River and goose each take a lock.
func Migrate(ctx context.Context, pool *pgxpool.Pool, out io.Writer) error {
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	for _, v := range res.Versions {
		fmt.Fprintf(out, "river: applied %03d %s (%s)\n", v.Version, v.Name, v.Duration.Round(1e6))
	}

	provider, db, err := gooseProvider(pool)
	if err != nil {
		return err
	}
	defer db.Close()
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("openresolve migrations: %w", err)
	}
	for _, r := range results {
		fmt.Fprintf(out, "openresolve: applied %s (%s)\n", r.Source.Path, r.Duration.Round(1e6))
	}
	return nil
}

// MigrationState is one migration and whether it has been applied.
type MigrationState struct {
	Set     string // "river" or "openresolve"
	Version int64
	Name    string
	Applied bool
}

// MigrationStatus lists River's migrations and ours with their state.
func MigrationStatus(ctx context.Context, pool *pgxpool.Pool) ([]MigrationState, error) {
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return nil, err
	}
	applied := map[int]bool{}
	existing, err := migrator.ExistingVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	for _, m := range existing {
		applied[m.Version] = true
	}
	var out []MigrationState
	for _, m := range migrator.AllVersions() {
		out = append(out, MigrationState{Set: "river", Version: int64(m.Version), Name: m.Name, Applied: applied[m.Version]})
	}

	provider, db, err := gooseProvider(pool)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	statuses, err := provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("openresolve migrations: %w", err)
	}
	for _, s := range statuses {
		out = append(out, MigrationState{
			Set: "openresolve", Version: s.Source.Version, Name: s.Source.Path,
			Applied: s.State == goose.StateApplied,
		})
	}
	return out, nil
}

// Pending reports how many migrations of either set are not applied; /readyz wants zero.
func Pending(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	states, err := MigrationStatus(ctx, pool)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range states {
		if !s.Applied {
			n++
		}
	}
	return n, nil
}

func gooseProvider(pool *pgxpool.Pool) (*goose.Provider, *sql.DB, error) {
	db := stdlib.OpenDBFromPool(pool)
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("goose: %w", err)
	}
	return provider, db, nil
}
