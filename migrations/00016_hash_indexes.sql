-- +goose Up
-- Emails' hashes and people's LinkedIn URLs are only ever looked up by equality: hash indexes
-- hold a 4-byte hash code a row instead of the text (an email's three hash indexes were 213
-- bytes of it, a third of the graph's bytes a person) and build faster. People and emails
-- leave a tenth of each page free, so that a refresh that changes no indexed column (a last
-- name, a verified flag) updates a row in its page without a new entry in every index (HOT).
-- A bulk load's copies keep the live table's storage parameters.
DROP INDEX emails_md5_idx, emails_sha1_idx, emails_sha256_idx, people_linkedin_url_idx;
CREATE INDEX emails_md5_idx ON emails USING hash (md5);
CREATE INDEX emails_sha1_idx ON emails USING hash (sha1);
CREATE INDEX emails_sha256_idx ON emails USING hash (sha256);
CREATE INDEX people_linkedin_url_idx ON people USING hash (linkedin_url);
ALTER TABLE people SET (fillfactor = 90);
ALTER TABLE emails SET (fillfactor = 90);

-- graph_load_begin makes import_load.<table> for each table: its columns, defaults,
-- generated columns, checks and storage parameters, the live rows, then the primary key.
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

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION graph_load_begin(tables text[]) RETURNS void LANGUAGE plpgsql AS $$
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
ALTER TABLE emails RESET (fillfactor);
ALTER TABLE people RESET (fillfactor);
DROP INDEX emails_md5_idx, emails_sha1_idx, emails_sha256_idx, people_linkedin_url_idx;
CREATE INDEX emails_md5_idx ON emails (md5);
CREATE INDEX emails_sha1_idx ON emails (sha1);
CREATE INDEX emails_sha256_idx ON emails (sha256);
CREATE INDEX people_linkedin_url_idx ON people (linkedin_url);
