-- +goose Up

-- The identity graph. Natural keys are the primary keys, so a re-import updates in place.
-- References between the tables are plain columns, not foreign keys: files are imported in
-- any order and a person may name a company that arrives later.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE companies (
    domain       text PRIMARY KEY,
    name         text NOT NULL,
    -- name_key and alias_keys are normalize.CompanyKey of the name and aliases.
    name_key     text NOT NULL,
    aliases      text[] NOT NULL DEFAULT '{}',
    alias_keys   text[] NOT NULL DEFAULT '{}',
    linkedin_url text,
    address      text,
    city         text,
    region       text,
    postal_code  text,
    country      text,
    employees    integer,
    industry     text,
    description  text,
    keywords     text NOT NULL DEFAULT '',
    founded      integer,
    search       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(industry, '')), 'A') ||
        setweight(to_tsvector('english', keywords), 'B') ||
        setweight(to_tsvector('english', coalesce(description, '')), 'C')
    ) STORED,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX companies_name_key_idx ON companies (name_key);
CREATE INDEX companies_alias_keys_idx ON companies USING gin (alias_keys);
CREATE INDEX companies_name_key_trgm_idx ON companies USING gin (name_key gin_trgm_ops);
CREATE INDEX companies_linkedin_url_idx ON companies (linkedin_url);
CREATE INDEX companies_search_idx ON companies USING gin (search);

CREATE TABLE people (
    person_id      text PRIMARY KEY,
    full_name      text NOT NULL,
    -- name_key is normalize.PersonKey of full_name.
    name_key       text NOT NULL,
    first_name     text,
    last_name      text,
    title          text,
    seniority      text,
    company_domain text,
    linkedin_url   text,
    country        text,
    keywords       text NOT NULL DEFAULT '',
    search         tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', keywords), 'B')
    ) STORED,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_company_domain_idx ON people (company_domain, name_key);
CREATE INDEX people_linkedin_url_idx ON people (linkedin_url);
CREATE INDEX people_search_idx ON people USING gin (search);

CREATE TABLE emails (
    email     text PRIMARY KEY,
    person_id text NOT NULL,
    type      text NOT NULL CHECK (type IN ('work', 'personal')),
    verified  boolean NOT NULL DEFAULT false,
    md5       text NOT NULL,
    sha1      text NOT NULL,
    sha256    text NOT NULL
);
CREATE INDEX emails_person_id_idx ON emails (person_id);
CREATE INDEX emails_md5_idx ON emails (md5);
CREATE INDEX emails_sha1_idx ON emails (sha1);
CREATE INDEX emails_sha256_idx ON emails (sha256);

CREATE TABLE phones (
    phone     text NOT NULL,
    person_id text NOT NULL,
    type      text NOT NULL CHECK (type IN ('mobile', 'direct', 'office')),
    country   text,
    verified  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (phone, person_id)
);
CREATE INDEX phones_person_id_idx ON phones (person_id);

CREATE TABLE networks (
    cidr           cidr PRIMARY KEY,
    company_domain text,
    type           text NOT NULL CHECK (type IN ('business', 'isp', 'hosting', 'education', 'government')),
    asn            bigint,
    as_org         text
);
-- Containment look-ups (cidr >>= ip) use this index.
CREATE INDEX networks_cidr_gist_idx ON networks USING gist (cidr inet_ops);

CREATE TABLE ip_observations (
    ip        inet NOT NULL,
    person_id text NOT NULL,
    seen_at   timestamptz NOT NULL,
    PRIMARY KEY (ip, person_id)
);
CREATE INDEX ip_observations_ip_seen_at_idx ON ip_observations (ip, seen_at DESC);

-- +goose Down
DROP TABLE ip_observations;
DROP TABLE networks;
DROP TABLE phones;
DROP TABLE emails;
DROP TABLE people;
DROP TABLE companies;
