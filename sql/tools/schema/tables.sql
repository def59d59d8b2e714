-- The tables the tools make on their own throwaway clusters (the benchmark's yardstick, the
-- retention comparison). sqlc reads this file to type the tools' queries, and the tools run it
-- (toolsdb.Tables) before they use them.

-- bench_raw is the raw single-row-insert yardstick's table.
CREATE TABLE IF NOT EXISTS bench_raw (
    id         bigserial   PRIMARY KEY,
    payload    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- retention_plain and retention_parted are shaped like resolutions, their ids ordered by time
-- as resolutions' ULIDs are; retention_parted is partitioned by minute of a fixed hour, the
-- rows of the comparison spread over its first ten minutes.
CREATE TABLE IF NOT EXISTS retention_plain (
    id              text        PRIMARY KEY,
    requested_at    timestamptz NOT NULL,
    status          text        NOT NULL,
    request         jsonb       NOT NULL,
    result          jsonb,
    callback_status text        NOT NULL
) WITH (fillfactor = 70);

CREATE TABLE IF NOT EXISTS retention_parted (
    id              text        NOT NULL,
    requested_at    timestamptz NOT NULL,
    status          text        NOT NULL,
    request         jsonb       NOT NULL,
    result          jsonb,
    callback_status text        NOT NULL,
    PRIMARY KEY (id, requested_at)
) PARTITION BY RANGE (requested_at);
CREATE TABLE IF NOT EXISTS retention_parted_0 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:00:00+00') TO ('2000-01-01 00:01:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_1 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:01:00+00') TO ('2000-01-01 00:02:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_2 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:02:00+00') TO ('2000-01-01 00:03:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_3 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:03:00+00') TO ('2000-01-01 00:04:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_4 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:04:00+00') TO ('2000-01-01 00:05:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_5 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:05:00+00') TO ('2000-01-01 00:06:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_6 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:06:00+00') TO ('2000-01-01 00:07:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_7 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:07:00+00') TO ('2000-01-01 00:08:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_8 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:08:00+00') TO ('2000-01-01 00:09:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_9 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:09:00+00') TO ('2000-01-01 00:10:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_10 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:10:00+00') TO ('2000-01-01 00:12:00+00');

-- bench_copy_<kind> are the plain-COPY yardstick of the import (bench --graph): the columns of
-- the kind's file, as text, and no index.
CREATE TABLE IF NOT EXISTS bench_copy_companies (
    domain text, name text, aliases text, linkedin_url text, address text, city text, region text,
    postal_code text, country text, employees text, industry text, description text, keywords text, founded text
);
CREATE TABLE IF NOT EXISTS bench_copy_people (
    person_id text, full_name text, first_name text, last_name text, title text, seniority text,
    company_domain text, linkedin_url text, country text, keywords text
);
CREATE TABLE IF NOT EXISTS bench_copy_emails (email text, person_id text, type text, verified text);
CREATE TABLE IF NOT EXISTS bench_copy_phones (phone text, person_id text, type text, country text, verified text);
CREATE TABLE IF NOT EXISTS bench_copy_networks (cidr text, company_domain text, type text, asn text, as_org text);
CREATE TABLE IF NOT EXISTS bench_copy_ip_observations (ip text, person_id text, seen_at text);

-- bench_reindex rebuilds one index of the graph by a plain REINDEX, with the memory the
-- import's own build of it has (graph_load_index): the second yardstick of a load into an
-- empty graph (bench --graph), the index builds without the import.
CREATE OR REPLACE FUNCTION bench_reindex(index text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    method text;
BEGIN
    SELECT am.amname INTO STRICT method
    FROM pg_class c JOIN pg_am am ON am.oid = c.relam
    WHERE c.oid = format('public.%I', index)::regclass;
    EXECUTE format('SET LOCAL maintenance_work_mem = %L', CASE method WHEN 'hash' THEN '8MB' ELSE '1GB' END);
    EXECUTE format('REINDEX INDEX public.%I', index);
END
$$;

-- bench_primary_keys are the indexes of the tables' primary keys, which graph_load_indexes
-- leaves out (a bulk load builds them apart).
CREATE OR REPLACE FUNCTION bench_primary_keys(tables text[]) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT c.relname::text
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    WHERE t.relnamespace = 'public'::regnamespace AND t.relname = ANY (tables) AND i.indisprimary
    ORDER BY pg_relation_size(c.oid) DESC, c.relname
$$;
