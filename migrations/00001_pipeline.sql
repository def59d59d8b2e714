-- +goose Up

-- api_keys holds one row per client key. Only a SHA-256 hash of the key is stored; the prefix
-- is kept so operators can tell keys apart without seeing them.
CREATE TABLE api_keys (
    id             text        PRIMARY KEY,
    name           text        NOT NULL,
    key_hash       bytea       NOT NULL UNIQUE,
    key_prefix     text        NOT NULL,
    signing_secret text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz
);

-- resolutions holds every accepted request, its outcome and the state of its callback.
-- Everything an operator filters on is a real column; request and result keep the JSON.
CREATE TABLE resolutions (
    id                        text        PRIMARY KEY,
    api_key_id                text        NOT NULL REFERENCES api_keys (id),
    endpoint                  text        NOT NULL,
    request                   jsonb       NOT NULL,
    request_hash              bytea       NOT NULL,
    status                    text        NOT NULL DEFAULT 'processing'
        CHECK (status IN ('processing', 'completed', 'not_found', 'failed')),
    result                    jsonb,
    external_id               text,
    callback_url              text        NOT NULL,
    idempotency_key           text,
    requested_at              timestamptz NOT NULL,
    completed_at              timestamptz,
    callback_status           text        NOT NULL DEFAULT 'pending'
        CHECK (callback_status IN ('pending', 'delivered', 'failed')),
    callback_attempts         integer     NOT NULL DEFAULT 0,
    callback_last_status_code integer,
    callback_last_error       text,
    callback_delivered_at     timestamptz
);

-- A repeat of an Idempotency-Key finds the first resolution through this index.
CREATE UNIQUE INDEX resolutions_idempotency_key_idx
    ON resolutions (api_key_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- Operators look for what is stuck or failed, newest first; delivered callbacks (the vast
-- majority) stay out of this index.
CREATE INDEX resolutions_callback_undelivered_idx
    ON resolutions (callback_status, requested_at)
    WHERE callback_status <> 'delivered';

-- callback_attempts records every delivery attempt, successful or not.
CREATE TABLE callback_attempts (
    resolution_id text        NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    attempt       integer     NOT NULL,
    started_at    timestamptz NOT NULL,
    duration_ms   integer     NOT NULL,
    status_code   integer,
    error         text,
    PRIMARY KEY (resolution_id, attempt)
);

-- +goose Down
DROP TABLE callback_attempts;
DROP TABLE resolutions;
DROP TABLE api_keys;
