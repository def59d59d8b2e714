-- +goose Up

-- Fuzzy company-name look-ups ask for the nearest names (ORDER BY name_key <-> $1 LIMIT 10),
-- which a GiST trigram index answers by walking the tree; the GIN index it replaces had to read
-- the whole posting list of every trigram in the query, common words' included.
CREATE INDEX companies_name_key_gist_idx ON companies USING gist (name_key gist_trgm_ops);
DROP INDEX companies_name_key_trgm_idx;

-- +goose Down
CREATE INDEX companies_name_key_trgm_idx ON companies USING gin (name_key gin_trgm_ops);
DROP INDEX companies_name_key_gist_idx;
