-- +goose Up

-- When a callback was last tried, so an operator can ask what failed in the last hour (and
-- `openresolve callbacks replay --status failed --since 1h` can find it).
ALTER TABLE resolutions ADD COLUMN callback_last_attempt_at timestamptz;
UPDATE resolutions r
SET callback_last_attempt_at = a.started_at
FROM (SELECT resolution_id, max(started_at) AS started_at FROM callback_attempts GROUP BY 1) a
WHERE a.resolution_id = r.id;

-- api_key_usage records when each key was last used, to the minute: the API writes it at
-- most once a minute per key, in a table of its own so that it does not wake the key caches
-- listening to api_keys.
CREATE TABLE api_key_usage (
    api_key_id   text        PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
    last_used_at timestamptz NOT NULL
);

-- resolution_overview is one row per resolution with what an operator asks about it: the
-- key, the endpoint, the outcome, the callback's state, its receiver (host only: paths and
-- queries often carry tokens) and how long each step took.
CREATE VIEW resolution_overview AS
SELECT r.id,
       r.endpoint,
       r.status,
       r.external_id,
       r.api_key_id,
       k.name                                                  AS api_key_name,
       r.callback_status,
       r.callback_attempts                                     AS attempts,
       r.callback_last_status_code                             AS last_status_code,
       r.callback_last_error                                   AS last_error,
       substring(r.callback_url FROM '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]+)') AS callback_host,
       r.requested_at,
       r.completed_at,
       r.callback_last_attempt_at                              AS last_attempt_at,
       r.callback_delivered_at                                 AS delivered_at,
       now() - r.requested_at                                  AS age,
       r.completed_at - r.requested_at                         AS resolve_time,
       r.callback_delivered_at - r.requested_at                AS delivery_time
FROM resolutions r
JOIN api_keys k ON k.id = r.api_key_id;

-- callback_attempt_overview is one row per delivery attempt, with its receiver.
CREATE VIEW callback_attempt_overview AS
SELECT a.resolution_id,
       r.endpoint,
       substring(r.callback_url FROM '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]+)') AS callback_host,
       a.attempt,
       a.started_at,
       a.duration_ms,
       a.status_code,
       a.error,
       coalesce(a.status_code BETWEEN 200 AND 299, false)     AS delivered
FROM callback_attempts a
JOIN resolutions r ON r.id = a.resolution_id;

-- +goose Down
DROP VIEW callback_attempt_overview;
DROP VIEW resolution_overview;
DROP TABLE api_key_usage;
ALTER TABLE resolutions DROP COLUMN callback_last_attempt_at;
