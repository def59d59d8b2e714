-- +goose Up
-- erasure_work is what an erasure still has to do after its first commit: the identifiers it
-- looks for in stored resolutions (in clear, as they are stored there) and the resolutions that
-- were still processing then, the only ones that can come to mention them. It lives only until
-- the erasure's last step, so that a forget that failed past its first commit is finished by
-- the next one (privacy.Forget).
CREATE TABLE erasure_work (
    erasure_id bigint PRIMARY KEY REFERENCES erasures (id) ON DELETE CASCADE,
    needles    text[] NOT NULL,
    processing text[] NOT NULL
);

-- +goose Down
DROP TABLE erasure_work;
