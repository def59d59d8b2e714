-- The statistics views the tools read that sqlc's catalog lacks, for sqlc to type their
-- queries; nothing runs this file. pg_stat_statements is an extension (the bench's own
-- cluster loads it).
CREATE TABLE pg_stat_statements (
    dbid            oid    NOT NULL,
    query           text   NOT NULL,
    calls           bigint NOT NULL,
    total_exec_time float8 NOT NULL
);
CREATE FUNCTION pg_stat_statements_reset() RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE TABLE pg_stat_database (
    datname     text   NOT NULL,
    xact_commit bigint NOT NULL
);
CREATE TABLE pg_stat_user_tables (
    relname    text   NOT NULL,
    n_dead_tup bigint NOT NULL
);
CREATE TABLE pg_database (
    oid     oid  NOT NULL,
    datname text NOT NULL
);
