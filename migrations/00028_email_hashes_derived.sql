-- +goose Up
-- An email's md5, sha1 and sha256 are functions of the address: indexes on the functions find
-- it by them, and the rows no longer carry them. They were 139 of an email row's 250 bytes
-- (hex text), a third of the graph's bytes a person. md5 is Postgres's; sha1 and sha256 are
-- pgcrypto's digest, of the address's bytes in the database's encoding (UTF-8, as the
-- suppressions' hashes are), which unlike sha256(convert_to(...)) may be indexed.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
DROP INDEX emails_md5_idx, emails_sha1_idx, emails_sha256_idx;
ALTER TABLE emails DROP COLUMN md5, DROP COLUMN sha1, DROP COLUMN sha256;
DROP TABLE import_emails;
CREATE UNLOGGED TABLE import_emails (
    batch     bigint NOT NULL DEFAULT txid_current(),
    line      integer NOT NULL,
    email     text NOT NULL,
    person_id text NOT NULL,
    type      text NOT NULL,
    verified  boolean NOT NULL
);
CREATE INDEX import_emails_batch_idx ON import_emails (batch);
CREATE INDEX emails_md5_idx ON emails USING hash (md5(email));
CREATE INDEX emails_sha1_idx ON emails USING hash (digest(email, 'sha1'));
CREATE INDEX emails_sha256_idx ON emails USING hash (digest(email, 'sha256'));

-- +goose Down
DROP INDEX emails_md5_idx, emails_sha1_idx, emails_sha256_idx;
DROP TABLE import_emails;
CREATE UNLOGGED TABLE import_emails (
    batch     bigint NOT NULL DEFAULT txid_current(),
    line      integer NOT NULL,
    email     text NOT NULL,
    person_id text NOT NULL,
    type      text NOT NULL,
    verified  boolean NOT NULL,
    md5       text NOT NULL,
    sha1      text NOT NULL,
    sha256    text NOT NULL
);
CREATE INDEX import_emails_batch_idx ON import_emails (batch);
ALTER TABLE emails ADD COLUMN md5 text, ADD COLUMN sha1 text, ADD COLUMN sha256 text;
UPDATE emails SET md5 = md5(email), sha1 = encode(digest(email, 'sha1'), 'hex'),
    sha256 = encode(digest(email, 'sha256'), 'hex');
ALTER TABLE emails ALTER COLUMN md5 SET NOT NULL, ALTER COLUMN sha1 SET NOT NULL, ALTER COLUMN sha256 SET NOT NULL;
CREATE INDEX emails_md5_idx ON emails USING hash (md5);
CREATE INDEX emails_sha1_idx ON emails USING hash (sha1);
CREATE INDEX emails_sha256_idx ON emails USING hash (sha256);
