-- The part of Postgres's own catalog the queries read that sqlc's catalog lacks: sqlc reads
-- this to type them, nothing runs it.

-- pg_stat_replication is one row per streaming replica (ReplicasBehind).
CREATE TABLE pg_stat_replication (
    replay_lsn pg_lsn
);
