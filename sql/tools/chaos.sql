-- The chaos run's statements (internal/tools/chaos), on its own cluster.

-- ChaosJobsRunningSince lists the jobs that were running before @killed (a worker was killed).
-- name: ChaosJobsRunningSince :many
SELECT id FROM river_job WHERE state = 'running' AND attempted_at < @killed;

-- name: ChaosJobsUnfinished :one
SELECT count(*) FROM river_job WHERE id = ANY (@ids::bigint[]) AND state NOT IN ('completed', 'cancelled', 'discarded');

-- ChaosPending counts the accepted resolutions and batches whose callback is still pending.
-- name: ChaosPending :one
SELECT ((SELECT count(*) FROM resolutions WHERE id = ANY (@ids::text[]) AND callback_status = 'pending')
     + (SELECT count(*) FROM batches WHERE id = ANY (@ids::text[]) AND callback_status = 'pending'))::bigint;

-- name: ChaosStored :many
SELECT id, callback_status FROM resolutions WHERE id = ANY (@ids::text[])
UNION ALL
SELECT id, callback_status FROM batches WHERE id = ANY (@ids::text[]);

-- ChaosRecorded counts each accepted id's recorded 2xx deliveries; a batch keeps no row per
-- attempt, and its delivered state counts as one.
-- name: ChaosRecorded :many
SELECT resolution_id AS id, count(*) AS deliveries FROM callback_attempts
WHERE resolution_id = ANY (@ids::text[]) AND status_code BETWEEN 200 AND 299
GROUP BY 1
UNION ALL
SELECT id, 1 FROM batches WHERE id = ANY (@ids::text[]) AND callback_status = 'delivered';

-- ChaosOutcomes counts the resolutions of the accepted requests and batches by endpoint and
-- state: what usage must say.
-- name: ChaosOutcomes :many
SELECT endpoint, count(*) AS accepted,
       count(*) FILTER (WHERE status = 'completed') AS completed,
       count(*) FILTER (WHERE status = 'not_found') AS not_found,
       count(*) FILTER (WHERE status = 'failed') AS failed
FROM resolutions
WHERE id = ANY (@ids::text[]) OR batch_id = ANY (@ids::text[])
GROUP BY endpoint
ORDER BY endpoint;
