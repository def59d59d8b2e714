-- +goose Up
-- A fresh bulk load (internal/importer, bulk.go) builds its copies' primary keys beside their
-- other indexes instead of before them: a unique index first, which takes a lock that lets
-- the other builds run with it, attached as the primary key when all are built. At ten
-- million people the keys' builds were 37 s of the load during which no other index was
-- built.

-- graph_load_unique_keys builds on each copy the unique index of its table's primary key.
-- +goose StatementBegin
CREATE FUNCTION graph_load_unique_keys(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t   text;
    def text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        SELECT pg_get_indexdef(conindid) INTO STRICT def
        FROM pg_constraint
        WHERE conrelid = format('public.%I', t)::regclass AND contype = 'p';
        EXECUTE format('SET LOCAL maintenance_work_mem = %L', '1GB');
        EXECUTE regexp_replace(def, ' ON (public\.)?', ' ON import_load.');
    END LOOP;
END
$$;
-- +goose StatementEnd

-- graph_load_unique_keys_attach makes each copy's unique index its primary key, named as
-- the live table's.
-- +goose StatementBegin
CREATE FUNCTION graph_load_unique_keys_attach(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t     text;
    name  text;
    index text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        SELECT con.conname, ic.relname INTO STRICT name, index
        FROM pg_constraint con
        JOIN pg_class ic ON ic.oid = con.conindid
        WHERE con.conrelid = format('public.%I', t)::regclass AND con.contype = 'p';
        EXECUTE format('ALTER TABLE import_load.%I ADD CONSTRAINT %I PRIMARY KEY USING INDEX %I', t, name, index);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- graph_load_indexes orders indexes of the same size (every index of an empty table) GIN
-- first: a GIN index is the longest to build.
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

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION graph_load_indexes(tables text[]) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT c.relname::text
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class tc ON tc.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = tc.relnamespace
    WHERE n.nspname = 'public' AND tc.relname = ANY (tables) AND NOT i.indisprimary
    ORDER BY pg_relation_size(c.oid) DESC, c.relname
$$;
-- +goose StatementEnd
DROP FUNCTION graph_load_unique_keys_attach(text[]);
DROP FUNCTION graph_load_unique_keys(text[]);
