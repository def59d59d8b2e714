-- +goose Up

-- api_key_changes counts the changes to api_keys, for API processes that cannot LISTEN
-- (DATABASE_POLL_ONLY, behind a transaction-mode pooler): they poll the count and drop their
-- key cache when it moves. The trigger of 00004 bumps it beside its announcement.
CREATE TABLE api_key_changes (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    changes bigint  NOT NULL
);
INSERT INTO api_key_changes (changes) VALUES (0);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION api_keys_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE api_key_changes SET changes = changes + 1;
    PERFORM pg_notify('openresolve_api_keys', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION api_keys_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('openresolve_api_keys', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP TABLE api_key_changes;
