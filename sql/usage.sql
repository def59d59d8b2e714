-- Usage and quotas (CONTRACT.md section 10, migrations/00018_usage.sql). The counting itself
-- rides in ResolutionInsertMany and ResolutionFinishMany (sql/queries.sql).

-- UsageDays reads the figures of some keys for the UTC days from @from_day to @to_day, both
-- included, by key, day and endpoint, both sides summed.
-- name: UsageDays :many
SELECT api_key_id, day, endpoint, sum(accepted)::bigint AS accepted, sum(completed)::bigint AS completed,
       sum(not_found)::bigint AS not_found, sum(failed)::bigint AS failed
FROM usage_days
WHERE api_key_id = ANY (@api_key_ids::text[]) AND day BETWEEN @from_day::date AND @to_day::date
GROUP BY api_key_id, day, endpoint
ORDER BY api_key_id, day, endpoint;

-- UsageKeys lists keys with their quota and the figures of @month, the quota's period: every
-- key, or those of @api_key_ids when it is not empty.
-- name: UsageKeys :many
SELECT k.id, k.name, k.quota,
       coalesce(m.accepted, 0)::bigint AS accepted, coalesce(m.completed, 0)::bigint AS completed,
       coalesce(m.not_found, 0)::bigint AS not_found, coalesce(m.failed, 0)::bigint AS failed
FROM api_keys k
LEFT JOIN (SELECT api_key_id, sum(accepted) AS accepted, sum(completed) AS completed, sum(not_found) AS not_found,
                  sum(failed) AS failed
           FROM usage_months
           WHERE month = @month::date
           GROUP BY api_key_id) m ON m.api_key_id = k.id
WHERE coalesce(cardinality(@api_key_ids::text[]), 0) = 0 OR k.id = ANY (@api_key_ids::text[])
ORDER BY k.created_at, k.id;

-- APIKeySetQuota sets a key's monthly quota (null: none) and returns the rows it changed; the
-- API processes hear of it through api_keys' change announcements.
-- name: APIKeySetQuota :execrows
UPDATE api_keys
SET quota = sqlc.narg(quota)::bigint
WHERE id = @id;

-- UsagePurge deletes the figures of days before @before_day, and of months that ended before
-- it (USAGE_RETENTION).
-- name: UsagePurge :execrows
WITH m AS (
    DELETE FROM usage_months
    WHERE month < date_trunc('month', @before_day::date)::date
)
DELETE FROM usage_days
WHERE day < @before_day::date;
