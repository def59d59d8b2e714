-- +goose Up
-- A bulk load builds its indexes two at a time, longest first. The size of the live index
-- stood for its build's length, but a fresh load's live tables are empty, where a hash index's
-- preallocated buckets outweigh a GIN index's two pages: people's GIN build (79 s at ten
-- million people, most of the load's index time) started only after a hash index's. GIN
-- builds, the slowest per row, go first; then by size.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION graph_load_indexes(tables text[]) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT c.relname::text
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class tc ON tc.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = tc.relnamespace
    JOIN pg_am am ON am.oid = c.relam
    WHERE n.nspname = 'public' AND tc.relname = ANY (tables) AND NOT i.indisprimary
    ORDER BY am.amname = 'gin' DESC, pg_relation_size(c.oid) DESC, c.relname
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION graph_load_indexes(tables text[]) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT c.relname::text
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class tc ON tc.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = tc.relnamespace
    JOIN pg_am am ON am.oid = c.relam
    WHERE n.nspname = 'public' AND tc.relname = ANY (tables) AND NOT i.indisprimary
    ORDER BY pg_relation_size(c.oid) DESC, am.amname = 'gin' DESC, c.relname
$$;
-- +goose StatementEnd
