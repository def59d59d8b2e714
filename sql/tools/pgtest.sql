-- pgtest's statements (internal/tools/pgtest), on the test server's maintenance database.
-- Creating and dropping the per-test databases stays in Go: their names are made at run time,
-- and identifiers cannot be parameters.

-- TestTemplateLock serializes the building of the migrated template across test processes.
-- name: TestTemplateLock :exec
SELECT pg_advisory_lock(7234001);

-- name: TestTemplateUnlock :exec
SELECT pg_advisory_unlock(7234001);

-- name: TestDatabaseExists :one
SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name::text);
