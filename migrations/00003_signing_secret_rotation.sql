-- +goose Up

-- A rotated signing secret stays valid until previous_secret_expires_at: callbacks carry a
-- signature with each secret meanwhile, so receivers can switch without missing one.
ALTER TABLE api_keys
    ADD COLUMN previous_signing_secret text,
    ADD COLUMN previous_secret_expires_at timestamptz;

-- +goose Down
ALTER TABLE api_keys
    DROP COLUMN previous_signing_secret,
    DROP COLUMN previous_secret_expires_at;
