-- +goose Up
-- Retention finds old resolutions through their ids, which are ULIDs ("res_" and the time of
-- the request, then randomness) and so sort by time in the primary key: the index on
-- requested_at cost every accept an index entry for nothing.
DROP INDEX resolutions_requested_at_idx;

-- +goose Down
CREATE INDEX resolutions_requested_at_idx ON resolutions (requested_at);
