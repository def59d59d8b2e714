-- name: APIKeyInsert :exec
INSERT INTO api_keys (id, name, key_hash, key_prefix, signing_secret, quota)
VALUES (@id, @name, @key_hash, @key_prefix, @signing_secret, sqlc.narg(quota)::bigint);

-- name: APIKeyEnsure :exec
INSERT INTO api_keys (id, name, key_hash, key_prefix, signing_secret)
VALUES (@id, @name, @key_hash, @key_prefix, @signing_secret)
ON CONFLICT (key_hash) DO NOTHING;

-- name: APIKeyGetByHash :one
SELECT id, key_hash, revoked_at, quota
FROM api_keys
WHERE key_hash = @key_hash;

-- name: APIKeyList :many
SELECT k.id, k.name, k.key_prefix, k.quota, k.created_at, k.revoked_at, u.last_used_at
FROM api_keys k
LEFT JOIN api_key_usage u ON u.api_key_id = k.id
ORDER BY k.created_at, k.id;

-- APIKeyTouch records that a key was used now.
-- name: APIKeyTouch :exec
INSERT INTO api_key_usage (api_key_id, last_used_at)
VALUES (@api_key_id, now())
ON CONFLICT (api_key_id) DO UPDATE SET last_used_at = excluded.last_used_at;

-- name: APIKeyRevoke :execrows
UPDATE api_keys
SET revoked_at = now()
WHERE id = @id AND revoked_at IS NULL;

-- ResolutionInsertMany inserts resolutions, one for each element of the arrays, counts them in
-- usage (migrations/00018_usage.sql), and returns every element in order: whether it was
-- inserted, or refused because its key's quota is used up, with the key's quota and what is
-- left of it after this statement (-1 without a quota). An element whose Idempotency-Key its API
-- key already used (before, or earlier in the arrays) is skipped. An empty external id or
-- idempotency key stands for none; so does an empty batch id, and an item of a batch (batch id
-- and index) is delivered with it.
--
-- The quota: the key's 'accept' row of the month in usage_months is locked (an upsert waits
-- for one in flight and then reads its latest version) and the elements new to the key take
-- what is left, in order, all or nothing for a batch (whole): a quota is never exceeded however
-- many statements run at once. What it holds is accepted, less the not_found and failed of the
-- month's 'finish' row as this statement began unless counts_accepted (QUOTA_COUNTS). An element
-- taken but not inserted (a concurrent repeat of its Idempotency-Key committed after this
-- statement began) is given back by UsageMonthGiveBack.
-- name: ResolutionInsertMany :many
WITH r AS MATERIALIZED (
    SELECT x.id, x.api_key_id, x.endpoint, x.request, x.request_hash, x.external_id, x.callback_url, x.idempotency_key, x.requested_at, x.batch_id, x.batch_index, x.n,
           date_trunc('month', x.requested_at AT TIME ZONE 'UTC')::date AS month,
           x.idempotency_key = '' OR NOT EXISTS (
               SELECT 1 FROM resolutions o
               WHERE o.api_key_id = x.api_key_id AND o.idempotency_key = x.idempotency_key) AS new
    FROM (SELECT i.id, (@api_key_ids::text[])[i.n] AS api_key_id, (@endpoints::text[])[i.n] AS endpoint,
                 (@requests::jsonb[])[i.n] AS request, (@request_hashes::bytea[])[i.n] AS request_hash,
                 (@external_ids::text[])[i.n] AS external_id, (@callback_urls::text[])[i.n] AS callback_url,
                 (@idempotency_keys::text[])[i.n] AS idempotency_key,
                 (@requested_ats::timestamptz[])[i.n] AS requested_at, (@batch_ids::text[])[i.n] AS batch_id,
                 (@batch_indexes::int[])[i.n] AS batch_index, i.n
          FROM unnest(@ids::text[]) WITH ORDINALITY AS i(id, n)) AS x
), ranked AS (
    SELECT r.id, r.api_key_id, r.endpoint, r.request, r.request_hash, r.external_id, r.callback_url, r.idempotency_key, r.requested_at, r.batch_id, r.batch_index, r.n, r.month, r.new,
           row_number() OVER (PARTITION BY r.api_key_id, r.month, r.new ORDER BY r.n) AS nth
    FROM r
), want AS (
    SELECT r.api_key_id, r.month, count(*) FILTER (WHERE r.new) AS n, k.quota,
           @whole::bool AS whole,
           CASE WHEN @counts_accepted::bool OR k.quota IS NULL THEN 0
                ELSE coalesce((SELECT f.not_found + f.failed FROM usage_months f
                               WHERE f.api_key_id = r.api_key_id AND f.month = r.month AND f.side = 'finish'), 0)
           END AS given_back
    FROM r
    JOIN api_keys k ON k.id = r.api_key_id
    GROUP BY r.api_key_id, r.month, k.quota
), m AS (
    INSERT INTO usage_months AS u (api_key_id, month, side, accepted, granted)
    SELECT w.api_key_id, w.month, 'accept', usage_grant(0, w.n, w.quota, w.whole), usage_grant(0, w.n, w.quota, w.whole)
    FROM want w
    ORDER BY w.api_key_id, w.month
    ON CONFLICT (api_key_id, month, side) DO UPDATE
    SET (granted, accepted) = (
        SELECT g.n, u.accepted + g.n
        FROM want w, LATERAL (SELECT usage_grant(u.accepted - w.given_back, w.n, w.quota, w.whole) AS n) g
        WHERE w.api_key_id = u.api_key_id AND w.month = u.month)
    RETURNING u.api_key_id, u.month, u.granted, u.accepted
), ins AS (
    INSERT INTO resolutions (id, api_key_id, endpoint, request, request_hash, external_id, callback_url,
                             idempotency_key, requested_at, batch_id, batch_index, callback_status)
    SELECT x.id, x.api_key_id, x.endpoint, x.request, x.request_hash, nullif(x.external_id, ''), x.callback_url,
           nullif(x.idempotency_key, ''), x.requested_at, nullif(x.batch_id, ''),
           CASE WHEN x.batch_id <> '' THEN x.batch_index END,
           CASE WHEN x.batch_id <> '' THEN 'batch' ELSE 'pending' END
    FROM ranked x
    JOIN m ON m.api_key_id = x.api_key_id AND m.month = x.month
    WHERE NOT x.new OR x.nth <= m.granted
    ORDER BY x.n
    ON CONFLICT (api_key_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id, api_key_id, endpoint, requested_at
), d AS (
    INSERT INTO usage_days AS u (api_key_id, day, endpoint, side, accepted)
    SELECT i.api_key_id, (i.requested_at AT TIME ZONE 'UTC')::date, i.endpoint, 'accept', count(*)
    FROM ins i
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (api_key_id, day, endpoint, side) DO UPDATE SET accepted = u.accepted + excluded.accepted
)
SELECT x.id::text AS id, x.new::bool AS new, (i.id IS NOT NULL)::bool AS inserted, (x.new AND x.nth > m.granted)::bool AS refused,
       coalesce(w.quota, -1)::bigint AS quota,
       coalesce(greatest(w.quota - m.accepted + w.given_back, 0), -1)::bigint AS remaining
FROM ranked x
JOIN m ON m.api_key_id = x.api_key_id AND m.month = x.month
JOIN want w ON w.api_key_id = x.api_key_id AND w.month = x.month
LEFT JOIN ins i ON i.id = x.id
ORDER BY x.n;

-- UsageMonthGiveBack gives back units ResolutionInsertMany took for elements it did not insert,
-- on the month of @requested_at.
-- name: UsageMonthGiveBack :exec
UPDATE usage_months
SET accepted = accepted - @units
WHERE api_key_id = @api_key_id AND month = date_trunc('month', (sqlc.arg(requested_at)::timestamptz) AT TIME ZONE 'UTC')::date
  AND side = 'accept';

-- name: ResolutionGetByIdempotencyKey :one
SELECT id, endpoint, request_hash, callback_url, requested_at
FROM resolutions
WHERE api_key_id = @api_key_id AND idempotency_key = @idempotency_key;

-- name: ResolutionGet :one
SELECT *
FROM resolutions
WHERE id = @id;

-- name: ResolutionGetForKey :one
SELECT *
FROM resolutions
WHERE id = @id AND api_key_id = @api_key_id;

-- ResolutionGetMany reads resolutions by id, for the resolve jobs that start at once, with
-- the erasure epoch their results will be checked against.
-- name: ResolutionGetMany :many
SELECT sqlc.embed(resolutions), (SELECT epoch FROM erasure_epoch)::bigint AS erasure_epoch
FROM resolutions
WHERE id = ANY (@ids::text[]);

-- ResolutionFinishMany stores the outcomes of resolve jobs, one for each element of the
-- arrays, counts them in usage (on the rows of the day and month each was accepted), and
-- returns the resolutions it finished with their callback attempt counts, and a last row with
-- an empty id and the current erasure epoch. One finished already (by an earlier run whose
-- completion was not recorded) is left as it is, and counted no more; so is one whose resolver
-- read the graph before an erasure (@epochs older than the current one), to be resolved again.
-- It writes the 'finish' side of usage (see migrations/00018_usage.sql), month rows before day
-- rows, keys in order: finishing never waits on an accept holding the same key's rows.
-- name: ResolutionFinishMany :many
WITH e AS (
    SELECT epoch FROM erasure_epoch
), f AS (
    UPDATE resolutions r
    SET status = x.status, result = x.result, completed_at = now()
    FROM (SELECT unnest(@ids::text[]) AS id, unnest(@statuses::text[]) AS status,
                 unnest(@results::jsonb[]) AS result, unnest(@epochs::bigint[]) AS epoch) AS x, e
    WHERE r.id = x.id AND r.status = 'processing' AND x.epoch >= e.epoch
    RETURNING r.id, r.callback_attempts, r.batch_id, r.api_key_id, r.endpoint, r.requested_at, r.status
), m AS (
    INSERT INTO usage_months AS u (api_key_id, month, side, completed, not_found, failed)
    SELECT f.api_key_id, date_trunc('month', f.requested_at AT TIME ZONE 'UTC')::date, 'finish',
           count(*) FILTER (WHERE f.status = 'completed'), count(*) FILTER (WHERE f.status = 'not_found'),
           count(*) FILTER (WHERE f.status = 'failed')
    FROM f
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (api_key_id, month, side) DO UPDATE
    SET completed = u.completed + excluded.completed, not_found = u.not_found + excluded.not_found,
        failed = u.failed + excluded.failed
    RETURNING 1
), d AS (
    INSERT INTO usage_days AS u (api_key_id, day, endpoint, side, completed, not_found, failed)
    SELECT f.api_key_id, (f.requested_at AT TIME ZONE 'UTC')::date, f.endpoint, 'finish',
           count(*) FILTER (WHERE f.status = 'completed'), count(*) FILTER (WHERE f.status = 'not_found'),
           count(*) FILTER (WHERE f.status = 'failed')
    FROM f
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (api_key_id, day, endpoint, side) DO UPDATE
    SET completed = u.completed + excluded.completed, not_found = u.not_found + excluded.not_found,
        failed = u.failed + excluded.failed
)
SELECT f.id, f.callback_attempts, coalesce(f.batch_id, '')::text AS batch_id, 0::bigint AS epoch FROM f
UNION ALL
-- Reading m here runs it with the statement; d, read by nothing, runs after it.
SELECT '', 0, '', e.epoch FROM e WHERE (SELECT count(*) FROM m) >= 0;

-- ResolutionGetForDeliveryMany reads what the callback jobs that start at once deliver, with
-- the signing secrets of each resolution's key.
-- name: ResolutionGetForDeliveryMany :many
SELECT r.id, r.endpoint, r.status, r.result, r.callback_url, r.callback_status, r.callback_attempts, r.requested_at,
       k.signing_secret,
       coalesce(CASE WHEN k.previous_secret_expires_at > now() THEN k.previous_signing_secret END, '')::text
           AS previous_signing_secret
FROM resolutions r
JOIN api_keys k ON k.id = r.api_key_id
WHERE r.id = ANY (@ids::text[]);

-- name: ResolutionCallbackReset :one
UPDATE resolutions
SET callback_status = 'pending'
WHERE id = @id AND status <> 'processing' AND callback_status IN ('delivered', 'failed')
RETURNING callback_attempts;

-- name: APIKeyRotateSecret :execrows
UPDATE api_keys
SET previous_signing_secret    = signing_secret,
    previous_secret_expires_at = now() + make_interval(secs => @overlap_seconds::float8),
    signing_secret             = @signing_secret
WHERE id = @id AND revoked_at IS NULL;

-- CallbackAttemptRecordMany records delivery attempts, one for each element of the arrays,
-- each with its callback's new state, in one statement (atomic without a transaction, one
-- round trip), and returns the resolutions it recorded. It records nothing for one whose
-- attempt counter another worker moved meanwhile. A status code of 0 and an empty error stand
-- for none; delivered_at is set, to finished_at, when the new state is delivered.
-- name: CallbackAttemptRecordMany :many
WITH x AS (
    SELECT unnest(@ids::text[]) AS id, unnest(@previous_attempts::int[]) AS previous,
           unnest(@callback_statuses::text[]) AS callback_status, unnest(@status_codes::int[]) AS status_code,
           unnest(@errors::text[]) AS error, unnest(@started_ats::timestamptz[]) AS started_at,
           unnest(@finished_ats::timestamptz[]) AS finished_at, unnest(@durations_ms::int[]) AS duration_ms
), r AS (
    UPDATE resolutions
    SET callback_attempts         = callback_attempts + 1,
        callback_status           = x.callback_status,
        callback_last_status_code = nullif(x.status_code, 0),
        callback_last_error       = nullif(x.error, ''),
        callback_delivered_at     = CASE WHEN x.callback_status = 'delivered' THEN x.finished_at END,
        callback_last_attempt_at  = x.started_at
    FROM x
    WHERE resolutions.id = x.id AND resolutions.callback_attempts = x.previous
    RETURNING resolutions.id, resolutions.callback_attempts, x.started_at, x.duration_ms,
              nullif(x.status_code, 0) AS status_code, nullif(x.error, '') AS error
)
INSERT INTO callback_attempts (resolution_id, attempt, started_at, duration_ms, status_code, error)
SELECT r.id, r.callback_attempts, r.started_at, r.duration_ms, r.status_code, r.error
FROM r
RETURNING resolution_id;

-- ResolutionsToReplay lists finished resolutions whose callback reached callback_status since
-- a time (its last attempt, or its delivery), oldest first.
-- name: ResolutionsToReplay :many
SELECT id
FROM resolutions
WHERE callback_status = @callback_status
  AND status <> 'processing'
  AND coalesce(callback_delivered_at, callback_last_attempt_at) >= @since::timestamptz
ORDER BY coalesce(callback_delivered_at, callback_last_attempt_at), id
LIMIT @max_rows::int;

-- ResolutionListOrphans lists resolutions requested before @before that wait on a job that no
-- longer exists or has ended: River discarded it (it crashed its worker too often, or kept
-- meeting internal errors), or the callback job of a finished one is gone. It reads what is
-- live, never what is kept: resolutions awaiting their callback (resolutions_callback_undelivered_idx),
-- the items still processing of batches still processing (batches_undelivered_idx, then
-- resolutions_batch_idx), and River's unfinished jobs (river_job_prioritized_fetching_index),
-- once each, matched by a hash.
-- name: ResolutionListOrphans :many
WITH candidates AS (
    SELECT r.id, r.status, r.external_id, r.callback_attempts, r.callback_status, r.requested_at
    FROM resolutions r
    WHERE r.callback_status = 'pending' AND r.requested_at < @before
    UNION ALL
    SELECT r.id, r.status, r.external_id, r.callback_attempts, r.callback_status, r.requested_at
    FROM batches b
    JOIN resolutions r ON r.batch_id = b.id
    WHERE b.callback_status = 'pending' AND b.status = 'processing' AND b.requested_at < @before
      AND r.status = 'processing'
), waited_on AS MATERIALIZED (
    SELECT j.args ->> 'resolution_id' AS id
    FROM river_job j
    WHERE j.state IN ('available', 'pending', 'retryable', 'running', 'scheduled')
      AND j.args ? 'resolution_id'
)
SELECT c.id, c.status, c.external_id, c.callback_attempts, c.callback_status
FROM candidates c
WHERE NOT EXISTS (SELECT 1 FROM waited_on w WHERE w.id = c.id)
ORDER BY c.requested_at
LIMIT 200;

-- JobCountByQueueAndState counts River's unfinished jobs by queue and state, for the
-- openresolve_jobs metric, from River's fetch index. Finished jobs (completed, cancelled,
-- discarded) are what River keeps for a while, not what is going on: they are not counted at
-- every scrape.
-- name: JobCountByQueueAndState :many
SELECT queue, state::text AS state, count(*) AS jobs
FROM river_job
WHERE state IN ('available', 'pending', 'retryable', 'running', 'scheduled')
GROUP BY 1, 2;

-- APIKeyChangesListen subscribes the connection to the announcements of every change to
-- api_keys (migration 00004's trigger), which keep the API's key cache true.
-- name: APIKeyChangesListen :exec
LISTEN openresolve_api_keys;

-- APIKeyChangeCount is how many changes api_keys has had, for an API that polls instead.
-- name: APIKeyChangeCount :one
SELECT changes FROM api_key_changes;

-- APIKeySecretForResolution is the signing secret of the API key a resolution was made with,
-- for `openresolve listen` to verify callbacks.
-- name: APIKeySecretForResolution :one
SELECT k.signing_secret
FROM resolutions r
JOIN api_keys k ON k.id = r.api_key_id
WHERE r.id = $1;

-- JobBacklogAge is, for each queue with jobs ready to run, how long the oldest of them has
-- been ready: it grows when accepting outruns resolving or delivering. The fetch index
-- (state, queue, priority, scheduled_at) serves it.
-- name: JobBacklogAge :many
SELECT queue, extract(epoch FROM now() - min(scheduled_at))::float8 AS age_seconds
FROM river_job
WHERE state = 'available'
GROUP BY queue;
