-- +goose Up
-- Keyword-to-lead finds people by the words of their title and keywords and of their company's
-- industry and keywords, best first, and counts them exactly up to 10,000 (as
-- search engines count hits). Ranking every match cost time linear in the matches (two million
-- rows for a common keyword at ten million people), so the search no longer ranks:
--
-- - A person's words are denormalized into people.lead_words (the company's words come from
--   companies.lead_words), with two filter terms, country=xx and seniority=yy, so one GIN look-up
--   answers the keyword and its filters together.
-- - In the index each word carries the person's segment (lead_keys): people.lead_segment, the
--   order in which people arrived, in blocks of 65,536 (people_lead_seq). The GIN index then
--   holds a short posting list per word and segment instead of one long one, and a count walks
--   the segments in order and stops at its cap, as a search engine stops at a segment
--   boundary. A GIN bitmap is built whole before the first row comes out, so without segments
--   a count up to 10,000 would read every posting of a common word. Since a segment's people
--   arrived together, they mostly sit together on disk too, and the count reads few pages.
-- - The best leads are the most senior (lead_rank), then by person_id: an order the B-tree
--   people_lead_order_idx walks, stopping after the page. For a common keyword the walk finds a
--   page of matches within a few hundred rows; a rare keyword's few matches come from the GIN
--   index and are sorted.
--
-- The importer writes lead_words (sql/import.sql) and, when a company changes, its people's
-- (PeopleLeadWordsRefresh).

CREATE SEQUENCE people_lead_seq;

-- lead_segments is how many segments there are.
-- +goose StatementBegin
CREATE FUNCTION lead_segments() RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
RETURN (SELECT (last_value >> 16)::integer + 1 FROM people_lead_seq);
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION lead_rank(seniority text) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE seniority
    WHEN 'c_suite' THEN 6 WHEN 'cxo' THEN 6 WHEN 'owner' THEN 6 WHEN 'founder' THEN 6 WHEN 'partner' THEN 6
    WHEN 'vp' THEN 5 WHEN 'head' THEN 4 WHEN 'director' THEN 4 WHEN 'manager' THEN 3
    WHEN 'senior' THEN 2 WHEN 'entry' THEN 1 ELSE 0 END;
-- +goose StatementEnd

-- lead_words are the words of a text as keyword-to-lead matches them, separated by spaces:
-- English stems, stop words left out, and the filter terms (spaces in a filter value become
-- underscores; no stem holds a space). These functions use only immutable parts, so that the
-- planner inlines them: called as functions, they cost five times as much per row.
-- +goose StatementBegin
CREATE FUNCTION lead_words(words tsvector, country text, seniority text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ltrim(replace(strip(words)::text, '''', '')
    || coalesce(' country=' || lower(nullif(country, '')), '')
    || coalesce(' seniority=' || replace(lower(nullif(seniority, '')), ' ', '_'), ''));
-- +goose StatementEnd

-- lead_words_of is a person's people.lead_words: their words and their company's
-- (companies.lead_words).
-- +goose StatementBegin
CREATE FUNCTION lead_words_of(title text, keywords text, country text, seniority text, company text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ltrim(lead_words(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(keywords, '')), country, seniority)
    || coalesce(' ' || nullif(company, ''), ''));
-- +goose StatementEnd

-- lead_keys are what the GIN index holds of a person: each word with the person's segment.
-- The heap keeps the words without it, a third smaller.
-- +goose StatementBegin
CREATE FUNCTION lead_keys(words text, segment integer) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN string_to_array(replace(words, ' ', '@' || segment::text || ' ') || '@' || segment::text, ' ');
-- +goose StatementEnd

-- lead_query is what a question looks for in each segment: for segment s, the elements
-- s*n+1 to s*n+n, where n is the number of its words and filter terms. It is empty when the
-- keyword has no word to match.
-- +goose StatementBegin
CREATE FUNCTION lead_query(keyword text, country text, seniority text) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN numnode(plainto_tsquery('english', keyword)) = 0 THEN '{}'::text[] ELSE
    string_to_array(
        (SELECT string_agg(replace(w.words, ' ', '@' || s::text || ' ') || '@' || s::text, ' ' ORDER BY s)
         FROM generate_series(0, lead_segments() - 1) AS s,
              (SELECT lead_words(to_tsvector('english', keyword), country, seniority) AS words) AS w),
        ' ')
END;
-- +goose StatementEnd

-- A company's words are its industry and keywords, stemmed once for all its people. Its
-- description is left out: a real one runs to a hundred words, which each of its people would
-- carry.
ALTER TABLE companies DROP COLUMN search;
ALTER TABLE companies ADD COLUMN lead_words text GENERATED ALWAYS AS (
    lead_words(to_tsvector('english', coalesce(industry, '') || ' ' || keywords), NULL, NULL)
) STORED;

ALTER TABLE people ADD COLUMN lead_words text NOT NULL DEFAULT '',
    ADD COLUMN lead_segment integer NOT NULL DEFAULT (nextval('people_lead_seq') >> 16);
UPDATE people p
SET lead_words = lead_words_of(p.title, p.keywords, p.country, p.seniority,
                               (SELECT c.lead_words FROM companies c WHERE c.domain = p.company_domain));
CREATE INDEX people_lead_keys_idx ON people USING gin (lead_keys(lead_words, lead_segment)) WITH (fastupdate = off);
CREATE INDEX people_lead_order_idx ON people (lead_rank(seniority) DESC, person_id);

DROP INDEX people_search_idx;
ALTER TABLE people DROP COLUMN search;

-- +goose Down
ALTER TABLE companies DROP COLUMN lead_words;
ALTER TABLE companies ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(industry, '')), 'A') ||
    setweight(to_tsvector('english', keywords), 'B') ||
    setweight(to_tsvector('english', coalesce(description, '')), 'C')
) STORED;
ALTER TABLE people ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', keywords), 'B')
) STORED;
CREATE INDEX people_search_idx ON people USING gin (search);
CREATE INDEX companies_search_idx ON companies USING gin (search);
DROP INDEX people_lead_order_idx;
DROP INDEX people_lead_keys_idx;
ALTER TABLE people DROP COLUMN lead_words, DROP COLUMN lead_segment;
DROP FUNCTION lead_query(text, text, text);
DROP FUNCTION lead_keys(text, integer);
DROP FUNCTION lead_words_of(text, text, text, text, text);
DROP FUNCTION lead_words(tsvector, text, text);
DROP FUNCTION lead_rank(text);
DROP FUNCTION lead_segments();
DROP SEQUENCE people_lead_seq;
