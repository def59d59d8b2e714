-- +goose Up

-- suppressions holds the identifiers that must never come back: emails, LinkedIn URLs, phone
-- numbers and person ids, each only as the SHA-256 of its normalized form (an email's is its
-- sha256 HEM). Imports skip rows that carry one and resolvers never answer with one.
CREATE TABLE suppressions (
    hash       bytea       PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('email', 'linkedin', 'phone', 'person')),
    source     text        NOT NULL CHECK (source IN ('forget', 'import')),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- erasures records each openresolve forget: when, by which kind of identifier, and what it
-- removed; never the identifier. Its highest id is the erasure epoch a resolve job compares
-- at finish, so that a job that read the graph before an erasure runs again.
CREATE TABLE erasures (
    id                   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    erased_at            timestamptz NOT NULL DEFAULT now(),
    kind                 text        NOT NULL,
    people               integer     NOT NULL,
    emails               integer     NOT NULL,
    phones               integer     NOT NULL,
    observations         integer     NOT NULL,
    resolutions_redacted integer     NOT NULL,
    suppressed           integer     NOT NULL
);

-- Retention deletes finished resolutions oldest first. requested_at is written once, so the
-- index keeps finishing a resolution a HOT update.
CREATE INDEX resolutions_requested_at_idx ON resolutions (requested_at);

-- The ip_observations of a person, for erasure.
CREATE INDEX ip_observations_person_id_idx ON ip_observations (person_id);

-- The staging table of `openresolve import suppressions` (see 00007_import_staging.sql).
CREATE UNLOGGED TABLE import_suppressions (
    batch  bigint NOT NULL DEFAULT txid_current(),
    line   integer NOT NULL,
    hash   bytea NOT NULL,
    kind   text NOT NULL,
    source text NOT NULL
);
CREATE INDEX import_suppressions_batch_idx ON import_suppressions (batch);

-- +goose Down
DROP TABLE import_suppressions;
DROP INDEX ip_observations_person_id_idx;
DROP INDEX resolutions_requested_at_idx;
DROP TABLE erasures;
DROP TABLE suppressions;
