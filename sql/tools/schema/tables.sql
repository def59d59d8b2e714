-- The tables the tools make on their own throwaway clusters (the benchmark's yardstick, the
-- retention comparison). sqlc reads this file to type the tools' queries, and the tools run it
-- (toolsdb.Tables) before they use them.

-- bench_raw is the raw single-row-insert yardstick's table.
CREATE TABLE IF NOT EXISTS bench_raw (
    id         bigserial   PRIMARY KEY,
    payload    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- retention_plain and retention_parted are shaped like resolutions, their ids ordered by time
-- as resolutions' ULIDs are; retention_parted is partitioned by minute of a fixed hour, the
-- rows of the comparison spread over its first ten minutes.
CREATE TABLE IF NOT EXISTS retention_plain (
    id              text        PRIMARY KEY,
    requested_at    timestamptz NOT NULL,
    status          text        NOT NULL,
    request         jsonb       NOT NULL,
    result          jsonb,
    callback_status text        NOT NULL
) WITH (fillfactor = 70);

CREATE TABLE IF NOT EXISTS retention_parted (
    id              text        NOT NULL,
    requested_at    timestamptz NOT NULL,
    status          text        NOT NULL,
    request         jsonb       NOT NULL,
    result          jsonb,
    callback_status text        NOT NULL,
    PRIMARY KEY (id, requested_at)
) PARTITION BY RANGE (requested_at);
CREATE TABLE IF NOT EXISTS retention_parted_0 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:00:00+00') TO ('2000-01-01 00:01:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_1 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:01:00+00') TO ('2000-01-01 00:02:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_2 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:02:00+00') TO ('2000-01-01 00:03:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_3 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:03:00+00') TO ('2000-01-01 00:04:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_4 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:04:00+00') TO ('2000-01-01 00:05:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_5 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:05:00+00') TO ('2000-01-01 00:06:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_6 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:06:00+00') TO ('2000-01-01 00:07:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_7 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:07:00+00') TO ('2000-01-01 00:08:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_8 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:08:00+00') TO ('2000-01-01 00:09:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_9 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:09:00+00') TO ('2000-01-01 00:10:00+00');
CREATE TABLE IF NOT EXISTS retention_parted_10 PARTITION OF retention_parted FOR VALUES FROM ('2000-01-01 00:10:00+00') TO ('2000-01-01 00:12:00+00');
