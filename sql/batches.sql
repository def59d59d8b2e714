-- Bulk requests (CONTRACT.md section 8, migrations/00010_batches.sql).

-- BatchInsert stores an accepted batch and returns its id; nothing when its API key already
-- used its Idempotency-Key (an empty key stands for none).
-- name: BatchInsert :many
INSERT INTO batches (id, api_key_id, endpoint, request_hash, external_id, callback_url, idempotency_key,
                     items, rejected, requested_at)
VALUES (@id, @api_key_id, @endpoint, @request_hash, nullif(@external_id::text, ''), @callback_url,
        nullif(@idempotency_key::text, ''), @items, @rejected, @requested_at)
ON CONFLICT (api_key_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id;

-- name: BatchGetByIdempotencyKey :one
SELECT *
FROM batches
WHERE api_key_id = @api_key_id AND idempotency_key = @idempotency_key;

-- name: BatchGetForKey :one
SELECT *
FROM batches
WHERE id = @id AND api_key_id = @api_key_id;

-- BatchItems lists a batch's resolutions in input order.
-- name: BatchItems :many
SELECT id, batch_index::int AS batch_index, status
FROM resolutions
WHERE batch_id = @batch_id
ORDER BY batch_index;

-- BatchComplete finishes a batch whose items have all finished: its callback document (every
-- item's callback body in input order, and the counts) is written once, and the batch's id and
-- callback attempt count are returned. A document larger than @max_bytes carries resultsUrl
-- instead of results (CONTRACT.md section 8), which BatchResultsPage pages through. Nothing is
-- returned while an item is still processing, or when the batch was completed already.
-- name: BatchComplete :many
WITH b AS (
    SELECT id
    FROM batches
    WHERE id = @batch_id::text AND status = 'processing'
      AND NOT EXISTS (SELECT 1 FROM resolutions r WHERE r.batch_id = @batch_id::text AND r.status = 'processing')
    FOR UPDATE
), agg AS (
    SELECT count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'not_found') AS not_found,
           count(*) FILTER (WHERE status = 'failed')    AS failed,
           coalesce(jsonb_agg(result ORDER BY batch_index), '[]'::jsonb) AS results
    FROM resolutions
    WHERE batch_id = @batch_id::text
), doc AS (
    SELECT batches.id,
           jsonb_build_object('id', batches.id, 'status', 'completed', 'endpoint', batches.endpoint,
                              'counts', jsonb_build_object('completed', agg.completed, 'not_found', agg.not_found,
                                                           'failed', agg.failed),
                              'results', agg.results)
           || CASE WHEN batches.external_id IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('externalId', batches.external_id) END AS full
    FROM batches, b, agg
    WHERE batches.id = b.id
)
UPDATE batches
SET status = 'completed', completed_at = now(),
    result = CASE WHEN octet_length(doc.full::text) <= @max_bytes::int THEN doc.full
                  ELSE (doc.full - 'results') || jsonb_build_object('resultsUrl', '/v1/batches/' || doc.id || '/results') END
FROM doc
WHERE batches.id = doc.id
RETURNING batches.id, batches.callback_attempts;

-- BatchResultsPage is a page of a completed batch's results, in input order from item
-- @from_index: as many as fit in @max_bytes (a result and the comma after it), and at least
-- one; remaining is how many results there are from @from_index on, this page's included.
-- name: BatchResultsPage :many
SELECT batch_index::int AS batch_index, result, remaining::int AS remaining
FROM (
    SELECT r.batch_index, r.result,
           sum(octet_length(r.result::text) + 2) OVER (ORDER BY r.batch_index) AS upto,
           row_number() OVER (ORDER BY r.batch_index) AS n,
           count(*) OVER () AS remaining
    FROM resolutions r
    WHERE r.batch_id = @batch_id::text AND r.batch_index >= @from_index::int
    ORDER BY r.batch_index
    LIMIT 1001
) page
WHERE upto <= @max_bytes::bigint OR n = 1
ORDER BY batch_index;

-- BatchGetForDelivery reads what a batch's callback delivers, with the signing secrets of its
-- key.
-- name: BatchGetForDelivery :one
SELECT b.id, b.endpoint, b.status, b.result, b.callback_url, b.callback_status, b.callback_attempts, b.requested_at,
       k.signing_secret,
       coalesce(CASE WHEN k.previous_secret_expires_at > now() THEN k.previous_signing_secret END, '')::text
           AS previous_signing_secret
FROM batches b
JOIN api_keys k ON k.id = b.api_key_id
WHERE b.id = @id;

-- BatchCallbackAttemptRecord records a delivery attempt of a batch's callback and its new
-- state, unless another worker moved the attempt counter meanwhile; it returns the rows it
-- changed.
-- name: BatchCallbackAttemptRecord :execrows
UPDATE batches
SET callback_attempts         = callback_attempts + 1,
    callback_status           = @callback_status,
    callback_last_status_code = nullif(@status_code::int, 0),
    callback_last_error       = nullif(@error::text, ''),
    callback_delivered_at     = CASE WHEN @callback_status = 'delivered' THEN @finished_at::timestamptz END,
    callback_last_attempt_at  = @started_at
WHERE id = @id AND callback_attempts = @previous_attempts;

-- name: BatchCallbackReset :one
UPDATE batches
SET callback_status = 'pending'
WHERE id = @id AND status = 'completed' AND callback_status <> 'pending'
RETURNING callback_attempts;

-- BatchListOrphans lists batches accepted before @before that wait on a job that no longer
-- exists or has ended: a processing batch's completion job, or a completed batch's pending
-- callback job. It reads the batches awaiting their callback and River's unfinished jobs,
-- once each (see ResolutionListOrphans).
-- name: BatchListOrphans :many
WITH waited_on AS MATERIALIZED (
    SELECT j.args ->> 'batch_id' AS id
    FROM river_job j
    WHERE j.state IN ('available', 'pending', 'retryable', 'running', 'scheduled')
      AND j.args ? 'batch_id'
)
SELECT b.id, b.status, b.callback_attempts
FROM batches b
WHERE b.callback_status = 'pending' AND b.requested_at < @before
  AND NOT EXISTS (SELECT 1 FROM waited_on w WHERE w.id = b.id)
ORDER BY b.requested_at
LIMIT 200;

-- name: BatchStatus :one
SELECT status
FROM batches
WHERE id = @id;
