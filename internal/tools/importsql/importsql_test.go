package importsql

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/migrations"
)

var update = flag.Bool("update", false, "write sql/import.sql anew")

const path = "../../../sql/import.sql"

func TestGenerated(t *testing.T) {
	got, err := Generate(migrations.FS)
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "sql/import.sql is stale: run make generate")
}
