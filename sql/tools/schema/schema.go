// Package schema holds the tables the tools make on their own clusters (tables.sql), for
// them to run; sqlc reads the same file to type their queries (sql/tools).
package schema

import _ "embed"

// Tables creates the tools' tables, if they do not exist.
//
//go:embed tables.sql
var Tables string
