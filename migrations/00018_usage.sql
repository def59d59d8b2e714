-- +goose Up

-- Usage and quotas (CONTRACT.md section 10).

-- A key's monthly quota: how many units (what QUOTA_COUNTS says) it may use in a UTC calendar
-- month; null for none. Changing it changes api_keys, so the key caches of every API hear of it.
ALTER TABLE api_keys ADD COLUMN quota bigint CHECK (quota >= 0);

-- usage_days counts each key's resolutions by the UTC day they were accepted, their endpoint
-- and outcome. A resolution counts once in accepted when it is stored, and once in completed,
-- not_found or failed when it finishes, on the rows of the day it was accepted, so that
-- accepted - completed - not_found - failed is what is still processing. The statements that
-- accept and finish resolutions write it (sql/queries.sql), each on rows of its own side
-- ('accept' rows hold accepted, 'finish' rows the outcomes), so that accepting never waits on
-- a finish holding the same key's row, nor the other way round; a reader sums both sides.
-- Nothing else writes it but the purge of USAGE_RETENTION. No foreign key: keys are revoked,
-- never deleted, and the figures outlive the resolutions they count.
CREATE TABLE usage_days (
    api_key_id text   NOT NULL,
    day        date   NOT NULL,
    endpoint   text   NOT NULL,
    side       text   NOT NULL CHECK (side IN ('accept', 'finish')),
    accepted   bigint NOT NULL DEFAULT 0,
    completed  bigint NOT NULL DEFAULT 0,
    not_found  bigint NOT NULL DEFAULT 0,
    failed     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (api_key_id, day, endpoint, side)
) WITH (fillfactor = 50);

-- usage_months holds the same counts by key and UTC month over every endpoint, on the same two
-- sides. A key's 'accept' row is the one its quota is checked against: accepting locks it and
-- takes what the key may still use in one statement (granted is what the last accepting
-- statement took, which its RETURNING reads), reading the 'finish' row's give-backs (answers
-- that found nothing) as of the statement's start: one committed since is seen by the next
-- accept, so a quota is never exceeded, at worst refused a moment early. Every statement
-- writes its month rows before its day rows, keys in order, so two never wait on each other in
-- a cycle.
CREATE TABLE usage_months (
    api_key_id text   NOT NULL,
    month      date   NOT NULL CHECK (extract(day FROM month) = 1),
    side       text   NOT NULL CHECK (side IN ('accept', 'finish')),
    accepted   bigint NOT NULL DEFAULT 0,
    completed  bigint NOT NULL DEFAULT 0,
    not_found  bigint NOT NULL DEFAULT 0,
    failed     bigint NOT NULL DEFAULT 0,
    granted    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (api_key_id, month, side)
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
INSERT INTO usage_days (api_key_id, day, endpoint, side, accepted, completed, not_found, failed)
SELECT api_key_id, (requested_at AT TIME ZONE 'UTC')::date, endpoint, s.side,
       CASE WHEN s.side = 'accept' THEN count(*) ELSE 0 END,
       CASE WHEN s.side = 'finish' THEN count(*) FILTER (WHERE status = 'completed') ELSE 0 END,
       CASE WHEN s.side = 'finish' THEN count(*) FILTER (WHERE status = 'not_found') ELSE 0 END,
       CASE WHEN s.side = 'finish' THEN count(*) FILTER (WHERE status = 'failed') ELSE 0 END
FROM resolutions, (VALUES ('accept'), ('finish')) AS s (side)
GROUP BY 1, 2, 3, 4;
INSERT INTO usage_months (api_key_id, month, side, accepted, completed, not_found, failed)
SELECT api_key_id, date_trunc('month', day)::date, side, sum(accepted), sum(completed), sum(not_found), sum(failed)
FROM usage_days
GROUP BY 1, 2, 3;

-- usage_overview is one row per key, day and endpoint, both sides summed, for SQL users and
-- billing exports.
CREATE VIEW usage_overview AS
SELECT u.api_key_id,
       k.name                                                                   AS api_key_name,
       u.day,
       u.endpoint,
       sum(u.accepted)                                                          AS accepted,
       sum(u.completed)                                                         AS completed,
       sum(u.not_found)                                                         AS not_found,
       sum(u.failed)                                                            AS failed,
       sum(u.accepted) - sum(u.completed) - sum(u.not_found) - sum(u.failed)   AS processing
FROM usage_days u
LEFT JOIN api_keys k ON k.id = u.api_key_id
GROUP BY u.api_key_id, k.name, u.day, u.endpoint;

-- +goose Down
DROP VIEW usage_overview;
DROP TABLE usage_months;
DROP FUNCTION usage_grant;
DROP TABLE usage_days;
ALTER TABLE api_keys DROP COLUMN quota;
