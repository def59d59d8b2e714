package resolve

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/tools/pgtest"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// newFixture returns a database holding testkit.FixtureGraph.
func newFixture(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	testkit.LoadGraph(t, pool, testkit.FixtureGraph)
	return pool
}
