-- +goose Up
-- A bulk load (internal/importer, bulk.go) fills a copy of a graph table and swaps it in, as
-- bulk loaders do: the file is merged into a table that has only its primary key (the
-- conflict target of the upsert), the table's other indexes are built afterwards, from the
-- live table's own definitions, and one short transaction puts the new table in the old one's
-- place. Until then resolvers read the live table as it was, and a load that dies leaves it so
-- (its copy is dropped by the next load). The live table is locked against writers, not
-- readers, for the whole load, so nothing written to it meanwhile is lost in the swap.
CREATE SCHEMA IF NOT EXISTS import_load;

-- graph_load_lock runs first in the transaction that graph_load_swap ends; SHARE ROW
-- EXCLUSIVE admits readers and conflicts with writers and with another load of the table.
-- +goose StatementBegin
CREATE FUNCTION graph_load_lock(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('LOCK TABLE public.%I IN SHARE ROW EXCLUSIVE MODE', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- graph_load_begin makes import_load.<table> for each table: its columns, defaults,
-- generated columns and checks, the live rows, then the primary key.
-- +goose StatementBegin
CREATE FUNCTION graph_load_begin(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t    text;
    cols text;
    pk   text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS import_load.%I', t);
        EXECUTE format('CREATE TABLE import_load.%I (LIKE public.%I INCLUDING ALL EXCLUDING INDEXES)', t, t);
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

-- graph_load_indexes names the live tables' indexes but their primary keys: what
-- graph_load_index builds on the copies, largest first, so that the longest build (people's GIN
-- index of lead keys) starts at once and the others fill the second place beside it.
-- +goose StatementBegin
CREATE FUNCTION graph_load_indexes(tables text[]) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT c.relname::text
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class tc ON tc.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = tc.relnamespace
    WHERE n.nspname = 'public' AND tc.relname = ANY (tables) AND NOT i.indisprimary
    ORDER BY pg_relation_size(c.oid) DESC, c.relname
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION graph_load_index(index text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    def text;
BEGIN
    SELECT pg_get_indexdef(i.indexrelid) INTO STRICT def
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname = index;
    EXECUTE format('SET LOCAL maintenance_work_mem = %L', '1GB');
    EXECUTE regexp_replace(def, ' ON (public\.)?', ' ON import_load.');
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION graph_load_analyze(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('ANALYZE import_load.%I', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- graph_load_swap puts each copy in its live table's place, in the transaction that
-- graph_load_lock began.
-- +goose StatementBegin
CREATE FUNCTION graph_load_swap(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('DROP TABLE public.%I', t);
        EXECUTE format('ALTER TABLE import_load.%I SET SCHEMA public', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION graph_load_swap(text[]);
DROP FUNCTION graph_load_analyze(text[]);
DROP FUNCTION graph_load_index(text);
DROP FUNCTION graph_load_indexes(text[]);
DROP FUNCTION graph_load_begin(text[]);
DROP FUNCTION graph_load_lock(text[]);
DROP SCHEMA import_load CASCADE;
