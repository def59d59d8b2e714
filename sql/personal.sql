-- Personal data: retention, erasure and suppression (CONTRACT.md section 9,
-- migrations/00009_personal_data.sql).

-- ResolutionPurge deletes up to @max_rows finished resolutions, oldest first, requested and
-- finished before @cutoff and no longer awaiting delivery, with their delivery attempts, and
-- returns how many it deleted. Ids are ULIDs and sort by time: @before_id, the smallest id of
-- @cutoff's millisecond, bounds a range of the primary key. Rows another transaction holds
-- are left for the next call.
-- name: ResolutionPurge :one
WITH doomed AS (
    SELECT id
    FROM resolutions
    WHERE id < @before_id::text
      AND requested_at < @cutoff::timestamptz AND completed_at < @cutoff::timestamptz
      AND status <> 'processing' AND callback_status <> 'pending' AND batch_id IS NULL
    ORDER BY id
    LIMIT @max_rows::int
    FOR UPDATE SKIP LOCKED
), deleted AS (
    DELETE FROM resolutions r USING doomed WHERE r.id = doomed.id RETURNING 1
)
SELECT count(*) FROM deleted;

-- ForgetPeople finds the people an identifier names: by id, LinkedIn URL, email or phone (an
-- empty parameter names nobody). Emails and phones may name a person_id the people table does
-- not hold; they are found all the same.
-- name: ForgetPeople :many
SELECT person_id FROM people WHERE person_id = @person_id::text
UNION
SELECT person_id FROM people WHERE linkedin_url = @linkedin_url::text
UNION
SELECT person_id FROM emails WHERE email = @email::text
UNION
SELECT person_id FROM phones WHERE phone = @phone::text;

-- ForgetIdentifiers lists every identifier the graph holds for these people, by kind:
-- person, linkedin, email and phone.
-- name: ForgetIdentifiers :many
SELECT 'person'::text AS kind, id::text AS value
FROM unnest(@person_ids::text[]) AS id
UNION ALL
SELECT 'linkedin', linkedin_url FROM people
WHERE person_id = ANY (@person_ids::text[]) AND linkedin_url IS NOT NULL
UNION ALL
SELECT 'email', email FROM emails WHERE person_id = ANY (@person_ids::text[])
UNION ALL
SELECT 'phone', phone FROM phones WHERE person_id = ANY (@person_ids::text[]);

-- ForgetDelete deletes these people with their emails, phones and IP observations (and the
-- record of what a provider taught about them), and returns how many of each.
-- name: ForgetDelete :one
WITH p AS (
    DELETE FROM people WHERE person_id = ANY (@person_ids::text[]) RETURNING 1
), e AS (
    DELETE FROM emails WHERE person_id = ANY (@person_ids::text[]) RETURNING 1
), ph AS (
    DELETE FROM phones WHERE person_id = ANY (@person_ids::text[]) RETURNING 1
), o AS (
    DELETE FROM ip_observations WHERE person_id = ANY (@person_ids::text[]) RETURNING 1
), l AS (
    DELETE FROM graph_learned WHERE person_id = ANY (@person_ids::text[])
)
SELECT (SELECT count(*) FROM p) AS people, (SELECT count(*) FROM e) AS emails,
       (SELECT count(*) FROM ph) AS phones, (SELECT count(*) FROM o) AS observations;

-- SuppressionAddMany adds identifiers' hashes to the suppression list and returns how many
-- were not on it.
-- name: SuppressionAddMany :execrows
INSERT INTO suppressions (hash, kind, source)
SELECT unnest(@hashes::bytea[]), unnest(@kinds::text[]), @source::text
ON CONFLICT (hash) DO NOTHING;

-- ErasureBarrier waits for the transactions writing resolutions now to end; the erasure
-- epoch they read is then older than the erasure's, so their results are refused (see
-- ResolutionFinishMany), or they committed and the redaction that follows sees them.
-- name: ErasureBarrier :exec
LOCK TABLE resolutions IN SHARE MODE;

-- ResolutionRedact redacts the resolutions whose stored request or result holds any of
-- @needles (normalized identifiers, as the request and result store them): request and
-- result become {"redacted": true}, the external id is dropped; it returns the batch of each
-- (null for a single request). With @ids null it reads every stored resolution (an erasure's
-- first look: retention bounds how many), else those of @ids only (its second look, at what
-- was processing then). Run with custom plans (store.CustomPlans), each case gets its own plan.
-- A resolution still processing keeps no result; its resolver answers not_found for a
-- redacted request.
-- name: ResolutionRedact :many
UPDATE resolutions r
SET request     = '{"redacted": true}',
    result      = CASE WHEN r.status = 'processing' THEN NULL ELSE '{"redacted": true}'::jsonb END,
    external_id = NULL
WHERE (sqlc.narg(ids)::text[] IS NULL OR r.id = ANY (sqlc.narg(ids)::text[]))
  AND EXISTS (SELECT 1 FROM unnest(@needles::text[]) AS n
              WHERE strpos(r.request::text, n) > 0 OR strpos(coalesce(r.result::text, ''), n) > 0)
RETURNING r.batch_id;

-- ResolutionListProcessing lists the resolutions still processing, the only ones that can
-- come to mention a forgotten person after the erasure (ResolutionRedact's second look): single ones
-- awaiting their callback and the processing items of processing batches, read through the
-- indexes of what is live.
-- name: ResolutionListProcessing :many
SELECT r.id
FROM resolutions r
WHERE r.callback_status = 'pending' AND r.status = 'processing'
UNION ALL
SELECT r.id
FROM batches b
JOIN resolutions r ON r.batch_id = b.id
WHERE b.callback_status = 'pending' AND b.status = 'processing' AND r.status = 'processing';

-- ErasureWorkAdd records what erasure @erasure_id still has to do after its first commit.
-- name: ErasureWorkAdd :exec
INSERT INTO erasure_work (erasure_id, needles, processing)
VALUES (@erasure_id, @needles, coalesce(@processing::text[], '{}'));

-- ErasureWorkList lists the erasures not finished yet, oldest first.
-- name: ErasureWorkList :many
SELECT w.erasure_id, w.needles, w.processing, e.resolutions_redacted
FROM erasure_work w
JOIN erasures e ON e.id = w.erasure_id
ORDER BY w.erasure_id;

-- ErasureWorkDone completes erasure @erasure_id: what it had left to do is forgotten and its
-- count of redacted resolutions grows by @more, once, should two forgets finish it at once.
-- name: ErasureWorkDone :exec
WITH done AS (
    DELETE FROM erasure_work WHERE erasure_id = @erasure_id RETURNING erasure_id
)
UPDATE erasures e SET resolutions_redacted = e.resolutions_redacted + @more::int
FROM done WHERE e.id = done.erasure_id;

-- ErasureRecord records an erasure, with counts only, and returns its id.
-- name: ErasureRecord :one
INSERT INTO erasures (kind, people, emails, phones, observations, resolutions_redacted, suppressed)
VALUES (@kind, @people, @emails, @phones, @observations, @resolutions_redacted, @suppressed)
RETURNING id;

-- ErasureEpochBump moves the erasure epoch: outcomes resolved from a graph read before it are
-- refused at finish.
-- name: ErasureEpochBump :exec
UPDATE erasure_epoch SET epoch = epoch + 1;

-- WALPosition is how far the primary's WAL is written: past every commit made before it.
-- name: WALPosition :one
SELECT pg_current_wal_lsn()::text;

-- ReplicasBehind counts the streaming replicas that have not replayed the WAL up to @lsn;
-- replicas whose position this role may not see count as behind.
-- name: ReplicasBehind :one
SELECT count(*) FROM pg_stat_replication
WHERE replay_lsn IS NULL OR replay_lsn < CAST(sqlc.arg(lsn)::text AS pg_lsn);

-- BatchPurge deletes up to @max_rows batches, oldest first, finished before @cutoff and no
-- longer awaiting delivery, with their items, and returns how many batches it deleted.
-- name: BatchPurge :one
WITH doomed AS (
    SELECT id
    FROM batches
    WHERE requested_at < @cutoff::timestamptz AND completed_at < @cutoff::timestamptz
      AND callback_status <> 'pending'
    ORDER BY requested_at
    LIMIT @max_rows::int
    FOR UPDATE SKIP LOCKED
), deleted AS (
    DELETE FROM batches b USING doomed WHERE b.id = doomed.id RETURNING 1
)
SELECT count(*) FROM deleted;

-- BatchRedact redacts, in the callback documents of finished batches (those of @ids, or all
-- with @ids null, as ResolutionRedact), each item result that holds any of @needles: it keeps
-- its id and status, and says redacted. A batch read by resultsUrl keeps no results of its
-- own: its items' are redacted.
-- name: BatchRedact :execrows
UPDATE batches b
SET result = jsonb_set(b.result, '{results}', (
    SELECT coalesce(jsonb_agg(CASE
        WHEN EXISTS (SELECT 1 FROM unnest(@needles::text[]) AS n WHERE strpos(e.value::text, n) > 0)
        THEN jsonb_build_object('id', e.value -> 'id', 'status', e.value -> 'status', 'redacted', true)
        ELSE e.value END ORDER BY e.i), '[]'::jsonb)
    FROM jsonb_array_elements(b.result -> 'results') WITH ORDINALITY AS e(value, i)))
WHERE (sqlc.narg(ids)::text[] IS NULL OR b.id = ANY (sqlc.narg(ids)::text[]))
  AND b.result ? 'results'
  AND EXISTS (SELECT 1 FROM unnest(@needles::text[]) AS n WHERE strpos(b.result::text, n) > 0);
