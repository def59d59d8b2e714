-- +goose Up

-- Company names are matched word by word (internal/names). name_terms holds the terms of a
-- company's name and aliases, indexed, so candidates are found by their words; company_terms
-- counts the companies holding each term, which makes a shared rare word weigh more than a
-- shared common one, and its row for the empty term counts all companies. company_term_texts
-- holds each way a term was written (its folded text: "mueller" and "muller" for the term
-- "muler"), and company_term_variants each text's and term's strings with one letter deleted,
-- so a misspelt word finds its terms by equality (names.Variants). The importer keeps them
-- all; a company whose name_terms is empty is indexed by `openresolve migrate up`.
ALTER TABLE companies ADD COLUMN name_terms text[] NOT NULL DEFAULT '{}';
-- Without fastupdate: a pending list of unmerged entries, as a bulk import leaves one, made
-- each look-up read it whole (3 ms instead of 0.03 at 20,000 companies, until a vacuum).
CREATE INDEX companies_name_terms_idx ON companies USING gin (name_terms) WITH (fastupdate = off);
CREATE INDEX companies_unindexed_idx ON companies (domain) WHERE cardinality(name_terms) = 0;

CREATE TABLE company_terms (
    term      text    PRIMARY KEY,
    companies integer NOT NULL
);

CREATE TABLE company_term_texts (
    text text PRIMARY KEY,
    term text NOT NULL
);

CREATE TABLE company_term_variants (
    variant text NOT NULL,
    term    text NOT NULL,
    PRIMARY KEY (variant, term)
);

-- The keys of the former matching (exact key, alias keys, trigram similarity) are gone.
DROP INDEX companies_name_key_trgm_idx;
DROP INDEX companies_alias_keys_idx;
DROP INDEX companies_name_key_idx;
ALTER TABLE companies DROP COLUMN name_key, DROP COLUMN alias_keys;

-- People are matched at their company by name (names.ComparePeople), among all of its people.
DROP INDEX people_company_domain_idx;
ALTER TABLE people DROP COLUMN name_key;
CREATE INDEX people_company_domain_idx ON people (company_domain);

-- +goose Down
DROP INDEX people_company_domain_idx;
ALTER TABLE people ADD COLUMN name_key text NOT NULL DEFAULT '';
CREATE INDEX people_company_domain_idx ON people (company_domain, name_key);
ALTER TABLE companies ADD COLUMN name_key text NOT NULL DEFAULT '', ADD COLUMN alias_keys text[] NOT NULL DEFAULT '{}';
CREATE INDEX companies_name_key_idx ON companies (name_key);
CREATE INDEX companies_alias_keys_idx ON companies USING gin (alias_keys);
CREATE INDEX companies_name_key_trgm_idx ON companies USING gin (name_key gin_trgm_ops);
DROP TABLE company_term_variants;
DROP TABLE company_term_texts;
DROP TABLE company_terms;
DROP INDEX companies_unindexed_idx;
DROP INDEX companies_name_terms_idx;
ALTER TABLE companies DROP COLUMN name_terms;
