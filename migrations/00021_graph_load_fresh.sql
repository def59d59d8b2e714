-- +goose Up
-- A fresh bulk load (internal/importer, bulk.go): when a kind's tables are empty and nothing
-- is suppressed, there is nothing to merge with, so the importer copies its batches straight
-- into a copy that has no index at all, and adds the primary key after the last batch, as
-- bulk loaders do. A batch holds each key once; a key that comes again in a later batch is
-- in the copy twice until graph_load_dedupe keeps the row its kind's merge would have kept.
-- Loading 1.4 million emails this way costs a third of the merges' time.

-- graph_load_begin makes import_load.<table> for each table: its columns, defaults,
-- generated columns, checks and storage parameters, and the live rows; graph_load_primary_keys adds the primary
-- keys, at once for a load that merges, at the end for a fresh one.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION graph_load_begin(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t    text;
    cols text;
    opts text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS import_load.%I', t);
        EXECUTE format('CREATE TABLE import_load.%I (LIKE public.%I INCLUDING ALL EXCLUDING INDEXES)', t, t);
        SELECT array_to_string(reloptions, ', ') INTO opts
        FROM pg_class WHERE oid = format('public.%I', t)::regclass;
        IF opts IS NOT NULL THEN
            EXECUTE format('ALTER TABLE import_load.%I SET (%s)', t, opts);
        END IF;
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
        FROM pg_attribute
        WHERE attrelid = format('public.%I', t)::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
        EXECUTE format('INSERT INTO import_load.%1$I (%2$s) SELECT %2$s FROM public.%1$I', t, cols);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION graph_load_primary_keys(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t  text;
    pk text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        SELECT pg_get_constraintdef(oid) INTO pk
        FROM pg_constraint
        WHERE conrelid = format('public.%I', t)::regclass AND contype = 'p';
        EXECUTE format('SET LOCAL maintenance_work_mem = %L', '1GB');
        EXECUTE format('ALTER TABLE import_load.%I ADD %s', t, pk);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- graph_load_fresh reports whether a load of tables can skip the merge: they are empty and
-- nothing is suppressed. Suppressions added while the load runs are kept out as in any bulk
-- load: erasing from the graph waits for the load's lock and then erases from the new tables.
-- +goose StatementBegin
CREATE FUNCTION graph_load_fresh(tables text[]) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    t     text;
    found boolean;
BEGIN
    IF EXISTS (SELECT 1 FROM suppressions) THEN
        RETURN false;
    END IF;
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM public.%I)', t) INTO found;
        IF found THEN
            RETURN false;
        END IF;
    END LOOP;
    RETURN true;
END
$$;
-- +goose StatementEnd

-- graph_load_dedupe deletes from the copy import_load.<tbl> every row of a repeated key but
-- the first in the order winner (SQL over the table's columns; age(xmin) orders the rows by
-- the batch that wrote them, newest first, since a key's batches commit one after the other)
-- and returns how many it deleted.
-- +goose StatementBegin
CREATE FUNCTION graph_load_dedupe(tbl text, key text, winner text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    deleted bigint;
BEGIN
    EXECUTE format('SET LOCAL work_mem = %L', '256MB');
    EXECUTE format(
        'DELETE FROM import_load.%1$I WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER (PARTITION BY %2$s ORDER BY %3$s) AS n FROM import_load.%1$I) ranked WHERE n > 1)',
        tbl, key, winner);
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION graph_load_dedupe(text, text, text);
DROP FUNCTION graph_load_fresh(text[]);
DROP FUNCTION graph_load_primary_keys(text[]);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION graph_load_begin(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t    text;
    cols text;
    pk   text;
    opts text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS import_load.%I', t);
        EXECUTE format('CREATE TABLE import_load.%I (LIKE public.%I INCLUDING ALL EXCLUDING INDEXES)', t, t);
        SELECT array_to_string(reloptions, ', ') INTO opts
        FROM pg_class WHERE oid = format('public.%I', t)::regclass;
        IF opts IS NOT NULL THEN
            EXECUTE format('ALTER TABLE import_load.%I SET (%s)', t, opts);
        END IF;
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
        FROM pg_attribute
        WHERE attrelid = format('public.%I', t)::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
        EXECUTE format('INSERT INTO import_load.%1$I (%2$s) SELECT %2$s FROM public.%1$I', t, cols);
        SELECT pg_get_constraintdef(oid) INTO pk
        FROM pg_constraint
        WHERE conrelid = format('public.%I', t)::regclass AND contype = 'p';
        EXECUTE format('SET LOCAL maintenance_work_mem = %L', '1GB');
        EXECUTE format('ALTER TABLE import_load.%I ADD %s', t, pk);
    END LOOP;
END
$$;
-- +goose StatementEnd
