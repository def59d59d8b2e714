-- +goose Up

-- erasure_epoch is the counter a resolve job's outcome is checked against at finish (see
-- ResolutionFinishMany): openresolve forget moves it when it erases, and once more when every
-- streaming replica has replayed the erasure, so that a resolver that read a replica still
-- holding the person cannot store what it read.
CREATE TABLE erasure_epoch (
    id    boolean PRIMARY KEY DEFAULT true CHECK (id),
    epoch bigint  NOT NULL
);
INSERT INTO erasure_epoch (epoch) SELECT coalesce(max(id), 0) FROM erasures;

-- +goose Down
DROP TABLE erasure_epoch;
