-- name: APIKeyInsert :exec
INSERT INTO api_keys (id, name, key_hash, key_prefix, signing_secret)
VALUES (@id, @name, @key_hash, @key_prefix, @signing_secret);

-- name: APIKeyEnsure :exec
INSERT INTO api_keys (id, name, key_hash, key_prefix, signing_secret)
VALUES (@id, @name, @key_hash, @key_prefix, @signing_secret)
ON CONFLICT (key_hash) DO NOTHING;

-- name: APIKeyGetByHash :one
SELECT id, key_hash, revoked_at
FROM api_keys
WHERE key_hash = @key_hash;

-- name: APIKeyList :many
SELECT k.id, k.name, k.key_prefix, k.created_at, k.revoked_at, u.last_used_at
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

-- ResolutionInsertMany inserts resolutions, one for each element of the arrays, and returns
-- the ids it inserted: one whose Idempotency-Key its API key already used (before, or earlier
-- in the arrays) is skipped. An empty external id or idempotency key stands for none; so
-- does an empty batch id, and an item of a batch (batch id and index) is delivered with it.
-- name: ResolutionInsertMany :many
INSERT INTO resolutions (id, api_key_id, endpoint, request, request_hash, external_id, callback_url,
                         idempotency_key, requested_at, batch_id, batch_index, callback_status)
SELECT r.id, r.api_key_id, r.endpoint, r.request, r.request_hash, nullif(r.external_id, ''), r.callback_url,
       nullif(r.idempotency_key, ''), r.requested_at, nullif(r.batch_id, ''),
       CASE WHEN r.batch_id <> '' THEN r.batch_index END,
       CASE WHEN r.batch_id <> '' THEN 'batch' ELSE 'pending' END
FROM (SELECT unnest(@ids::text[]) AS id, unnest(@api_key_ids::text[]) AS api_key_id,
             unnest(@endpoints::text[]) AS endpoint, unnest(@requests::jsonb[]) AS request,
             unnest(@request_hashes::bytea[]) AS request_hash, unnest(@external_ids::text[]) AS external_id,
             unnest(@callback_urls::text[]) AS callback_url, unnest(@idempotency_keys::text[]) AS idempotency_key,
             unnest(@requested_ats::timestamptz[]) AS requested_at, unnest(@batch_ids::text[]) AS batch_id,
             unnest(@batch_indexes::int[]) AS batch_index) AS r
ON CONFLICT (api_key_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id;

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
-- arrays, and returns the resolutions it finished with their callback attempt counts, and a
-- last row with an empty id and the current erasure epoch. One finished already (by an
-- earlier run whose completion was not recorded) is left as it is; so is one whose resolver
-- read the graph before an erasure (@epochs older than the current one), to be resolved again.
-- name: ResolutionFinishMany :many
WITH e AS (
    SELECT epoch FROM erasure_epoch
), f AS (
    UPDATE resolutions r
    SET status = x.status, result = x.result, completed_at = now()
    FROM (SELECT unnest(@ids::text[]) AS id, unnest(@statuses::text[]) AS status,
                 unnest(@results::jsonb[]) AS result, unnest(@epochs::bigint[]) AS epoch) AS x, e
    WHERE r.id = x.id AND r.status = 'processing' AND x.epoch >= e.epoch
    RETURNING r.id, r.callback_attempts, r.batch_id
)
SELECT f.id, f.callback_attempts, coalesce(f.batch_id, '')::text AS batch_id, 0::bigint AS epoch FROM f
UNION ALL
SELECT '', 0, '', e.epoch FROM e;

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
