-- +goose Up

-- Usage and quotas (CONTRACT.md section 10).

-- A key's monthly quota: how many units (what QUOTA_COUNTS says) it may use in a UTC calendar
-- month; null for none. Changing it changes api_keys, so the key caches of every API hear of it.
ALTER TABLE api_keys ADD COLUMN quota bigint CHECK (quota >= 0);

-- usage_days counts each key's resolutions by the UTC day they were accepted, their endpoint
-- and outcome. A resolution counts once in accepted when it is stored, and once in completed,
-- not_found or failed when it finishes, on the row of the day it was accepted, so that
-- accepted - completed - not_found - failed is what is still processing. The statements that
-- accept and finish resolutions write it (sql/queries.sql); nothing else does but the purge of
-- USAGE_RETENTION. No foreign key: keys are revoked, never deleted, and the figures outlive
-- the resolutions they count.
CREATE TABLE usage_days (
    api_key_id text   NOT NULL,
    day        date   NOT NULL,
    endpoint   text   NOT NULL,
    accepted   bigint NOT NULL DEFAULT 0,
    completed  bigint NOT NULL DEFAULT 0,
    not_found  bigint NOT NULL DEFAULT 0,
    failed     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (api_key_id, day, endpoint)
) WITH (fillfactor = 50);

-- usage_months holds the same counts by key and UTC month over every endpoint: the row a
-- quota is checked against. Accepting locks it and takes what the key may still use in one
-- statement (granted is what the last accepting statement took, which its RETURNING reads);
-- every statement that writes both tables writes this one first, keys in order, so two of them
-- never wait on each other in a cycle.
CREATE TABLE usage_months (
    api_key_id text   NOT NULL,
    month      date   NOT NULL CHECK (extract(day FROM month) = 1),
    accepted   bigint NOT NULL DEFAULT 0,
    completed  bigint NOT NULL DEFAULT 0,
    not_found  bigint NOT NULL DEFAULT 0,
    failed     bigint NOT NULL DEFAULT 0,
    granted    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (api_key_id, month)
) WITH (fillfactor = 50);

-- usage_grant is how many of wanted new units a key may take when it holds held of quota
-- (null: no quota): all that fit, or with whole (a batch, all or nothing) all or none.
CREATE FUNCTION usage_grant(held bigint, wanted bigint, quota bigint, whole boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN quota IS NULL OR held + wanted <= quota THEN wanted
                WHEN whole THEN 0
                ELSE greatest(quota - held, 0) END;

-- What the resolutions still kept count, so that those accepted before this migration finish
-- on rows that counted them.
INSERT INTO usage_days (api_key_id, day, endpoint, accepted, completed, not_found, failed)
SELECT api_key_id, (requested_at AT TIME ZONE 'UTC')::date, endpoint, count(*),
       count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'not_found'),
       count(*) FILTER (WHERE status = 'failed')
FROM resolutions
GROUP BY 1, 2, 3;
INSERT INTO usage_months (api_key_id, month, accepted, completed, not_found, failed)
SELECT api_key_id, date_trunc('month', day)::date, sum(accepted), sum(completed), sum(not_found), sum(failed)
FROM usage_days
GROUP BY 1, 2;

-- usage_overview is one row per key, day and endpoint, for SQL users and billing exports.
CREATE VIEW usage_overview AS
SELECT u.api_key_id,
       k.name                                                   AS api_key_name,
       u.day,
       u.endpoint,
       u.accepted,
       u.completed,
       u.not_found,
       u.failed,
       u.accepted - u.completed - u.not_found - u.failed        AS processing
FROM usage_days u
LEFT JOIN api_keys k ON k.id = u.api_key_id;

-- +goose Down
DROP VIEW usage_overview;
DROP TABLE usage_months;
DROP FUNCTION usage_grant;
DROP TABLE usage_days;
ALTER TABLE api_keys DROP COLUMN quota;
