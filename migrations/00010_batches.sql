-- +goose Up

-- batches holds every accepted bulk request (CONTRACT.md section 8): one callback for many
-- items, each item a resolution of its own (resolutions.batch_id). result is the batch's
-- callback document, written once, when the last item finished.
CREATE TABLE batches (
    id                        text        PRIMARY KEY,
    api_key_id                text        NOT NULL REFERENCES api_keys (id),
    endpoint                  text        NOT NULL,
    request_hash              bytea       NOT NULL,
    external_id               text,
    callback_url              text        NOT NULL,
    idempotency_key           text,
    items                     integer     NOT NULL,
    rejected                  jsonb       NOT NULL DEFAULT '[]',
    status                    text        NOT NULL DEFAULT 'processing'
        CHECK (status IN ('processing', 'completed')),
    result                    jsonb,
    requested_at              timestamptz NOT NULL,
    completed_at              timestamptz,
    callback_status           text        NOT NULL DEFAULT 'pending'
        CHECK (callback_status IN ('pending', 'delivered', 'failed')),
    callback_attempts         integer     NOT NULL DEFAULT 0,
    callback_last_status_code integer,
    callback_last_error       text,
    callback_delivered_at     timestamptz,
    callback_last_attempt_at  timestamptz
);
CREATE UNIQUE INDEX batches_idempotency_key_idx
    ON batches (api_key_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX batches_requested_at_idx ON batches (requested_at);
CREATE INDEX batches_undelivered_idx ON batches (requested_at) WHERE callback_status = 'pending';

-- An item of a batch: its batch and its place in the input. Its callback_status is 'batch':
-- it is delivered with its batch, never on its own. Single requests leave both null, so the
-- foreign key costs them nothing; the index holds items only.
ALTER TABLE resolutions
    ADD COLUMN batch_id    text REFERENCES batches (id) ON DELETE CASCADE,
    ADD COLUMN batch_index integer;
CREATE INDEX resolutions_batch_idx ON resolutions (batch_id, batch_index) WHERE batch_id IS NOT NULL;
ALTER TABLE resolutions DROP CONSTRAINT resolutions_callback_status_check;
ALTER TABLE resolutions ADD CONSTRAINT resolutions_callback_status_check
    CHECK (callback_status IN ('pending', 'delivered', 'failed', 'batch'));

-- batch_overview is one row per batch: its key, how far its items are, its callback's state.
CREATE VIEW batch_overview AS
SELECT b.id,
       b.endpoint,
       b.status,
       b.external_id,
       b.api_key_id,
       k.name                                                          AS api_key_name,
       b.items,
       count(r.id) FILTER (WHERE r.status = 'processing')              AS processing,
       count(r.id) FILTER (WHERE r.status = 'completed')               AS completed,
       count(r.id) FILTER (WHERE r.status = 'not_found')               AS not_found,
       count(r.id) FILTER (WHERE r.status = 'failed')                  AS failed,
       jsonb_array_length(b.rejected)                                  AS rejected,
       b.callback_status,
       b.callback_attempts                                             AS attempts,
       b.callback_last_status_code                                     AS last_status_code,
       b.callback_last_error                                           AS last_error,
       substring(b.callback_url FROM '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]+)') AS callback_host,
       b.requested_at,
       b.completed_at,
       b.callback_delivered_at                                         AS delivered_at,
       b.completed_at - b.requested_at                                 AS resolve_time,
       b.callback_delivered_at - b.requested_at                        AS delivery_time
FROM batches b
JOIN api_keys k ON k.id = b.api_key_id
LEFT JOIN resolutions r ON r.batch_id = b.id
GROUP BY b.id, k.name;

-- +goose Down
DROP VIEW batch_overview;
ALTER TABLE resolutions DROP CONSTRAINT resolutions_callback_status_check;
ALTER TABLE resolutions ADD CONSTRAINT resolutions_callback_status_check
    CHECK (callback_status IN ('pending', 'delivered', 'failed'));
DROP INDEX resolutions_batch_idx;
ALTER TABLE resolutions DROP COLUMN batch_index, DROP COLUMN batch_id;
DROP TABLE batches;
