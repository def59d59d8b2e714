-- The benchmark's statements (internal/tools/bench), on its own cluster. Every name starts with
-- Bench: the cost meter leaves the tools' own statements out of its counts by that prefix.

-- name: BenchStatementsReset :exec
SELECT pg_stat_statements_reset();

-- name: BenchCommits :one
SELECT xact_commit FROM pg_stat_database WHERE datname = current_database();

-- BenchStatements lists what pg_stat_statements counted in this database since the reset, but
-- the tools' own statements.
-- name: BenchStatements :many
SELECT query, calls, total_exec_time
FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND query NOT LIKE '-- name: Bench%' AND query NOT LIKE '-- name: Chaos%';

-- BenchBacklog counts the jobs still to run, the periodic sweep's but.
-- name: BenchBacklog :one
SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled') AND kind <> 'sweep';

-- BenchSteadySample is one sample of a sustained run: River's rows, the dead tuples autovacuum
-- has to clear, and the resolutions kept.
-- name: BenchSteadySample :one
SELECT (SELECT count(*) FROM river_job) AS jobs,
       coalesce((SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'river_job'), 0)::bigint AS job_dead,
       coalesce((SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'resolutions'), 0)::bigint AS resolutions_dead,
       (SELECT count(*) FROM resolutions) AS resolutions;

-- BenchReplayBehind is how many bytes of WAL up to @lsn a standby has not replayed yet.
-- name: BenchReplayBehind :one
SELECT coalesce(pg_wal_lsn_diff(CAST(sqlc.arg(lsn)::text AS pg_lsn), pg_last_wal_replay_lsn()), 0)::float8;

-- name: BenchRawInsert :exec
INSERT INTO bench_raw (payload) VALUES (@payload);

-- name: BenchNoopJobsLeft :one
SELECT count(*) FROM river_job WHERE kind = 'bench_noop' AND state <> 'completed';

-- name: BenchSampleCompanies :many
SELECT domain, name FROM companies ORDER BY random() LIMIT 500;

-- BenchPeopleCount counts the people in the graph.
-- name: BenchPeopleCount :one
SELECT count(*) FROM people;

-- name: BenchSampleProfiles :many
SELECT linkedin_url::text FROM people WHERE linkedin_url IS NOT NULL ORDER BY random() LIMIT 500;

-- name: BenchSampleIPs :many
SELECT host(ip) FROM ip_observations ORDER BY random() LIMIT 500;

-- name: BenchStatementsExtension :exec
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

-- The retention comparison (RunRetentionCompare) on the tables of schema/tables.sql.

-- name: BenchRetentionFillPlain :exec
INSERT INTO retention_plain
SELECT 'res_' || lpad(i::text, 10, '0'), '2000-01-01 00:00:00+00'::timestamptz + i * interval '600 seconds' / @rows::int,
       'completed', '{"email": "someone@example.com"}',
       '{"id": "res", "status": "completed", "md5": "0123456789abcdef0123456789abcdef", "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}',
       'delivered'
FROM generate_series(1, @rows::int) AS i;

-- name: BenchRetentionFillParted :exec
INSERT INTO retention_parted SELECT * FROM retention_plain;

-- name: BenchRetentionAnalyze :exec
ANALYZE retention_plain, retention_parted;

-- BenchRetentionDelete deletes up to 2,000 of the oldest rows before @before_id, as
-- ResolutionPurge does.
-- name: BenchRetentionDelete :execrows
DELETE FROM retention_plain
WHERE id IN (SELECT id FROM retention_plain WHERE id < @before_id::text ORDER BY id LIMIT 2000 FOR UPDATE SKIP LOCKED);

-- name: BenchRetentionOldParted :one
SELECT count(*) FROM retention_parted WHERE requested_at < '2000-01-01 00:05:00+00';

-- BenchRetentionDropOld drops the five oldest minutes of retention_parted.
-- name: BenchRetentionDropOld :exec
DROP TABLE retention_parted_0, retention_parted_1, retention_parted_2, retention_parted_3, retention_parted_4;

-- name: BenchRetentionInsertPlain :exec
INSERT INTO retention_plain (id, requested_at, status, request, result, callback_status) VALUES (@id, '2000-01-01 00:11:00+00', 'processing', '{"email": "x@example.com"}', NULL, 'pending');

-- name: BenchRetentionInsertParted :exec
INSERT INTO retention_parted (id, requested_at, status, request, result, callback_status) VALUES (@id, '2000-01-01 00:11:00+00', 'processing', '{"email": "x@example.com"}', NULL, 'pending');

-- The graph benchmark (bench --graph).

-- name: BenchCopyTruncate :exec
TRUNCATE bench_copy_companies, bench_copy_people, bench_copy_emails, bench_copy_phones, bench_copy_networks,
    bench_copy_ip_observations;

-- The refresh's second yardstick: the refresh file's rows, copied into bench_copy_<kind>, written
-- over the graph's by a plain UPDATE … FROM, the rows of lane @lane of @lanes (by the key's
-- hash; each lane on its own connection, as the import's lanes), with none of the import's
-- parsing, normalization, checks or derived words. The values are those the import wrote.
-- name: BenchUpdatePeople :execrows
UPDATE people p
SET full_name = s.full_name, first_name = nullif(s.first_name, ''), last_name = nullif(s.last_name, ''),
    title = nullif(s.title, ''), seniority = nullif(s.seniority, ''),
    company_domain = nullif(s.company_domain, ''), linkedin_url = nullif(s.linkedin_url, ''),
    country = nullif(s.country, ''), keywords = s.keywords, updated_at = now()
FROM bench_copy_people s
WHERE p.person_id = s.person_id AND abs(hashtext(s.person_id)) % @lanes::int = @lane::int;

-- name: BenchUpdateEmails :execrows
UPDATE emails e
SET person_id = s.person_id, type = s.type, verified = s.verified::bool
FROM bench_copy_emails s
WHERE e.email = s.email AND abs(hashtext(s.email)) % @lanes::int = @lane::int;

-- BenchVacuum leaves a loaded graph as autovacuum would: its visibility map set, statistics
-- current.
-- name: BenchVacuum :exec
VACUUM (ANALYZE);

-- BenchGraphBytes is the size on disk of the graph's tables with their indexes, by table.
-- name: BenchGraphBytes :many
SELECT t::text AS table_name, pg_total_relation_size(t::regclass)::bigint AS bytes
FROM unnest(ARRAY['companies', 'people', 'emails', 'phones', 'networks', 'ip_observations',
                  'company_terms', 'company_term_texts', 'company_term_variants']) AS t
ORDER BY 2 DESC;


-- name: BenchPrimaryKeys :many
SELECT bench_primary_keys(@tables::text[])::text AS index;

-- name: BenchReindex :exec
SELECT bench_reindex(@index::text);
