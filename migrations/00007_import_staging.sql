-- +goose Up
-- The importer's staging tables (sql/import.sql). A batch of an import is copied into its
-- kind's table and merged into the graph by one statement that also deletes it, in one
-- transaction; batch, the transaction's id, keeps concurrent imports of a kind apart. The
-- tables are UNLOGGED: what passes through them needs no WAL, and a crash loses nothing that
-- was committed. Each has the columns its kind's converter fills (internal/importer), and the
-- line of the source the row came from.
CREATE UNLOGGED TABLE import_companies (
    batch        bigint NOT NULL DEFAULT txid_current(),
    line         integer NOT NULL,
    domain       text NOT NULL,
    name         text NOT NULL,
    aliases      text[] NOT NULL,
    name_terms   text[] NOT NULL,
    linkedin_url text,
    address      text,
    city         text,
    region       text,
    postal_code  text,
    country      text,
    employees    integer,
    industry     text,
    description  text,
    keywords     text NOT NULL,
    founded      integer
);
CREATE INDEX import_companies_batch_idx ON import_companies (batch);

CREATE UNLOGGED TABLE import_people (
    batch          bigint NOT NULL DEFAULT txid_current(),
    line           integer NOT NULL,
    person_id      text NOT NULL,
    full_name      text NOT NULL,
    first_name     text,
    last_name      text,
    title          text,
    seniority      text,
    company_domain text,
    linkedin_url   text,
    country        text,
    keywords       text NOT NULL
);
CREATE INDEX import_people_batch_idx ON import_people (batch);

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

CREATE UNLOGGED TABLE import_phones (
    batch     bigint NOT NULL DEFAULT txid_current(),
    line      integer NOT NULL,
    phone     text NOT NULL,
    person_id text NOT NULL,
    type      text NOT NULL,
    country   text,
    verified  boolean NOT NULL
);
CREATE INDEX import_phones_batch_idx ON import_phones (batch);

CREATE UNLOGGED TABLE import_networks (
    batch          bigint NOT NULL DEFAULT txid_current(),
    line           integer NOT NULL,
    cidr           cidr NOT NULL,
    company_domain text,
    type           text NOT NULL,
    asn            bigint,
    as_org         text
);
CREATE INDEX import_networks_batch_idx ON import_networks (batch);

CREATE UNLOGGED TABLE import_ip_observations (
    batch     bigint NOT NULL DEFAULT txid_current(),
    line      integer NOT NULL,
    ip        inet NOT NULL,
    person_id text NOT NULL,
    seen_at   timestamptz NOT NULL
);
CREATE INDEX import_ip_observations_batch_idx ON import_ip_observations (batch);

-- +goose Down
DROP TABLE import_ip_observations;
DROP TABLE import_networks;
DROP TABLE import_phones;
DROP TABLE import_emails;
DROP TABLE import_people;
DROP TABLE import_companies;
