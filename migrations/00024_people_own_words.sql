-- +goose Up
-- The importer stages a person's own lead words (lead_words_of without the company: their
-- title, keywords, country and seniority, parsed by Postgres once for each such four the
-- importer meets, internal/importer) and the people merge appends their company's words
-- (lead_words_with). Parsing each person's words in the merge, by to_tsvector, was a third
-- of a person's merge.
-- +goose StatementBegin
CREATE FUNCTION lead_words_with(own text, company text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ltrim(own || coalesce(' ' || nullif(company, ''), ''));
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lead_words_of(title text, keywords text, country text, seniority text, company text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN lead_words_with(lead_words(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(keywords, '')), country, seniority),
    company);
-- +goose StatementEnd

-- The staging table again, with own_words (nothing stays in it between transactions).
DROP TABLE import_people;
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
    keywords       text NOT NULL,
    own_words      text NOT NULL
);
CREATE INDEX import_people_batch_idx ON import_people (batch);

-- +goose Down
DROP TABLE import_people;
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lead_words_of(title text, keywords text, country text, seniority text, company text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ltrim(lead_words(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(keywords, '')), country, seniority)
    || coalesce(' ' || nullif(company, ''), ''));
-- +goose StatementEnd

DROP FUNCTION lead_words_with(text, text);
