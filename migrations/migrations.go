// Package migrations embeds the goose migrations of OpenResolve's own tables, so that every
// binary carries the schema it expects.
package migrations

import "embed"

// FS holds the SQL migrations, named NNNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
