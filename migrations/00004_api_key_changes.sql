-- +goose Up

-- Every change to api_keys (a key made, revoked, its secret rotated) is announced on the
-- openresolve_api_keys channel, so API processes can cache key look-ups and drop the cache the
-- moment a key changes.
-- +goose StatementBegin
CREATE FUNCTION api_keys_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('openresolve_api_keys', '');
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER api_keys_changed
    AFTER INSERT OR UPDATE OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION api_keys_announce();

-- +goose Down
DROP TRIGGER api_keys_changed ON api_keys;
DROP FUNCTION api_keys_announce();
