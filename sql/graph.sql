-- name: CompanyGetByDomain :one
SELECT *
FROM companies
WHERE domain = @domain;

-- name: CompanyGetByLinkedIn :one
SELECT *
FROM companies
WHERE linkedin_url = @linkedin_url
ORDER BY employees DESC NULLS LAST, domain
LIMIT 1;

-- CompanyTermExpand finds the graph's terms within one edit of each word of a query: the
-- words' variants (names.Variants) looked up among the terms' own. owner is the index of the
-- query word a variant belongs to; the row with owner -1 and the empty term counts all
-- companies.
-- name: CompanyTermExpand :many
SELECT DISTINCT q.owner::int AS owner, v.term, t.companies
FROM (SELECT unnest(@variants::text[]) AS variant, unnest(@owners::int[]) AS owner) AS q
JOIN company_term_variants v ON v.variant = q.variant
JOIN company_terms t ON t.term = v.term
WHERE t.companies > 0
UNION ALL
SELECT -1, term, companies
FROM company_terms
WHERE term = '';

-- CompanyListByTerms finds the companies whose names hold one of @any_terms and one of
-- @also_terms (the same list, when one suffices), both through the GIN index on name_terms;
-- the @max_rows that hold the most weight of @rank_terms come first (the terms and weights
-- unnested side by side in FROM, which each row's rescan reads from a tuplestore, where two
-- unnests in the select list ran again for every row). It returns what matching needs, not
-- the companies' other columns.
-- name: CompanyListByTerms :many
SELECT domain, name, aliases, name_terms, country, employees
FROM companies
WHERE name_terms && @any_terms::text[] AND name_terms && @also_terms::text[]
  AND (@country::text = '' OR country = @country::text)
ORDER BY (SELECT coalesce(sum(r.weight), 0)
          FROM ROWS FROM (unnest(@rank_terms::text[]), unnest(@rank_weights::float8[])) AS r (term, weight)
          WHERE r.term = ANY (companies.name_terms)) DESC,
         employees DESC NULLS LAST, domain
LIMIT @max_rows::int;

-- CompanyTermCounts returns how many companies hold each of these terms: the word weights.
-- name: CompanyTermCounts :many
SELECT term, companies
FROM company_terms
WHERE term = ANY (@terms::text[]);

-- Every query that answers with a person, an email or a phone leaves out the suppressed ones
-- (migrations/00009_personal_data.sql): a person whose id or LinkedIn URL is suppressed, an
-- email or phone that is. Each check is a look-up of the suppressions primary key.

-- name: PersonGetByID :one
SELECT p.*
FROM people p
WHERE p.person_id = @person_id
  AND NOT EXISTS (SELECT 1 FROM suppressions s
                  WHERE s.hash IN (sha256(convert_to(p.person_id, 'UTF8')), sha256(convert_to(coalesce(p.linkedin_url, ''), 'UTF8'))));

-- name: PersonGetByLinkedIn :one
SELECT p.*
FROM people p
WHERE p.linkedin_url = @linkedin_url
  AND NOT EXISTS (SELECT 1 FROM suppressions s
                  WHERE s.hash IN (sha256(convert_to(p.person_id, 'UTF8')), sha256(convert_to(coalesce(p.linkedin_url, ''), 'UTF8'))))
ORDER BY p.person_id
LIMIT 1;

-- name: PersonGetByEmail :one
SELECT p.*
FROM emails e
JOIN people p ON p.person_id = e.person_id
WHERE e.email = @email
  AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.hash = sha256(convert_to(e.email, 'UTF8')))
  AND NOT EXISTS (SELECT 1 FROM suppressions s
                  WHERE s.hash IN (sha256(convert_to(p.person_id, 'UTF8')), sha256(convert_to(coalesce(p.linkedin_url, ''), 'UTF8'))));

-- name: PersonGetByHashedEmail :one
SELECT p.*
FROM emails e
JOIN people p ON p.person_id = e.person_id
WHERE (md5(e.email) = @hash OR digest(e.email, 'sha1') = decode(@hash, 'hex') OR digest(e.email, 'sha256') = decode(@hash, 'hex'))
  AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.hash = sha256(convert_to(e.email, 'UTF8')))
  AND NOT EXISTS (SELECT 1 FROM suppressions s
                  WHERE s.hash IN (sha256(convert_to(p.person_id, 'UTF8')), sha256(convert_to(coalesce(p.linkedin_url, ''), 'UTF8'))))
ORDER BY e.verified DESC, e.type = 'work' DESC, e.email
LIMIT 1;

-- PersonListAtCompany lists the people of a company, their ids and names, for matching a name
-- among them.
-- name: PersonListAtCompany :many
SELECT p.person_id, p.full_name
FROM people p
WHERE p.company_domain = @company_domain
  AND NOT EXISTS (SELECT 1 FROM suppressions s
                  WHERE s.hash IN (sha256(convert_to(p.person_id, 'UTF8')), sha256(convert_to(coalesce(p.linkedin_url, ''), 'UTF8'))))
ORDER BY p.person_id
LIMIT @max_rows::int;

-- name: EmailListByPerson :many
SELECT e.email, e.type, e.verified
FROM emails e
WHERE e.person_id = @person_id
  AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.hash = sha256(convert_to(e.email, 'UTF8')))
ORDER BY type = 'work' DESC, verified DESC, email;

-- name: PhoneListByPerson :many
SELECT ph.phone, ph.type, ph.country, ph.verified
FROM phones ph
WHERE ph.person_id = @person_id
  AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.hash = sha256(convert_to(ph.phone, 'UTF8')))
ORDER BY verified DESC, CASE type WHEN 'mobile' THEN 0 WHEN 'direct' THEN 1 ELSE 2 END, phone;

-- name: ObservationLatestByIP :one
SELECT o.person_id, o.seen_at
FROM ip_observations o
WHERE o.ip = @ip
  AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.hash = sha256(convert_to(o.person_id, 'UTF8')))
ORDER BY o.seen_at DESC, o.person_id
LIMIT 1;

-- name: NetworkMostSpecific :one
SELECT cidr, company_domain, type, asn, as_org
FROM networks
WHERE cidr >>= @ip::inet
ORDER BY masklen(cidr) DESC
LIMIT 1;

-- Keyword-to-lead (migrations/00014_lead_words.sql). LeadCount counts the matches up to
-- @count_to, segment by segment, reading nothing of them but that they are there. When it
-- counted fewer than that, so every match, LeadMatch looks at them again for the best
-- @max_rows; otherwise LeadWalk finds the best by walking people_lead_order_idx, and the matches
-- are never sorted. @query holds n terms a segment (leadTerms of what LeadQuery answered).
-- name: LeadCount :one
WITH q AS (
    SELECT @query::text[] AS terms, @n::int AS n, @title::text AS title
)
SELECT count(*)
FROM (SELECT
      FROM q, generate_series(0, cardinality(q.terms) / greatest(q.n, 1) - 1) AS g(s),
           LATERAL (SELECT
                    FROM people
                    WHERE lead_keys(lead_words, lead_segment) COLLATE "C" @> q.terms[g.s * q.n + 1 : g.s * q.n + q.n]
                      AND (q.title = '' OR people.title ILIKE '%' || q.title || '%')) AS p
      WHERE q.n > 0
      LIMIT @count_to::int) AS m;

-- LeadMatch is the count again with the matches it counted, and the best of them when they are
-- fewer than @count_to.
-- name: LeadMatch :one
WITH q AS (
    SELECT @query::text[] AS terms, @n::int AS n, @title::text AS title
), m AS (
    SELECT p.person_id, lead_rank(p.seniority) AS rank
    FROM q, generate_series(0, cardinality(q.terms) / greatest(q.n, 1) - 1) AS g(s),
         LATERAL (SELECT person_id, seniority
                  FROM people
                  WHERE lead_keys(lead_words, lead_segment) COLLATE "C" @> q.terms[g.s * q.n + 1 : g.s * q.n + q.n]
                    AND (q.title = '' OR people.title ILIKE '%' || q.title || '%')) AS p
    WHERE q.n > 0
    LIMIT @count_to::int
), c AS (
    SELECT count(*) AS total FROM m
)
SELECT c.total,
       ARRAY(SELECT person_id FROM m ORDER BY rank DESC, person_id
             LIMIT CASE WHEN c.total < @count_to::int THEN @max_rows::int ELSE 0 END)::text[] AS person_ids
FROM c;

-- name: LeadWalk :many
WITH q AS (
    SELECT @query::text[] AS terms, @n::int AS n, @title::text AS title
)
SELECT p.person_id
FROM people p, q
WHERE lead_keys(p.lead_words, p.lead_segment) COLLATE "C" @> q.terms[p.lead_segment * q.n + 1 : p.lead_segment * q.n + q.n]
  AND (q.title = '' OR p.title ILIKE '%' || q.title || '%')
ORDER BY lead_rank(p.seniority) DESC, p.person_id
LIMIT @max_rows::int;

-- LeadQuery is what a question looks for: the words of its keyword and filter terms as
-- lead_words writes them (none when the keyword has no word to match), and how many segments
-- there are. The resolver pairs each word with each segment as lead_keys does (leadTerms in
-- internal/resolve, lead_query here): expanded by the server, the pairs took 0.5 ms at 153
-- segments, and grow with the graph.
-- name: LeadQuery :one
SELECT CASE WHEN numnode(plainto_tsquery('english', @keyword::text)) = 0 THEN '{}'::text[]
            ELSE string_to_array(lead_words(to_tsvector('english', @keyword::text), @country::text, @seniority::text), ' ')
       END::text[] AS words,
       lead_segments()::int AS segments;

-- LeadListByID answers the leads in the order of @person_ids, leaving out the suppressed.
-- name: LeadListByID :many
SELECT p.person_id, p.full_name, p.title, p.seniority, p.linkedin_url, p.country,
       c.domain AS company_domain, c.name AS company_name, c.industry AS company_industry,
       c.employees AS company_employees,
       coalesce((SELECT e.email FROM emails e WHERE e.person_id = p.person_id
        AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.hash = sha256(convert_to(e.email, 'UTF8')))
        ORDER BY e.type = 'work' DESC, e.verified DESC, e.email LIMIT 1), '')::text AS email
FROM unnest(@person_ids::text[]) WITH ORDINALITY AS x(person_id, ord)
JOIN people p ON p.person_id = x.person_id
LEFT JOIN companies c ON c.domain = p.company_domain
WHERE NOT EXISTS (SELECT 1 FROM suppressions s
                  WHERE s.hash IN (sha256(convert_to(p.person_id, 'UTF8')), sha256(convert_to(coalesce(p.linkedin_url, ''), 'UTF8'))))
ORDER BY x.ord;

-- PeopleLeadWordsRefresh writes anew the lead_words of the people of these companies, where
-- their company's words changed.
-- name: PeopleLeadWordsRefresh :execrows
UPDATE people p
SET lead_words = lead_words_of(p.title, p.keywords, p.country, p.seniority, c.lead_words)
FROM companies c
WHERE c.domain = ANY (@domains::text[]) AND p.company_domain = c.domain
  AND p.lead_words IS DISTINCT FROM lead_words_of(p.title, p.keywords, p.country, p.seniority, c.lead_words);

-- The importer's upkeep of the company-name index (see migrations/00006_company_terms.sql).

-- GraphImportLock serializes imports of companies, whose upkeep of company_terms reads the
-- terms a batch replaces before it writes.
-- name: GraphImportLock :exec
SELECT pg_advisory_xact_lock(7234002);

-- CompanyNameTermsByDomain returns the indexed terms of the companies with these domains.
-- name: CompanyNameTermsByDomain :many
SELECT domain, name_terms
FROM companies
WHERE domain = ANY (@domains::text[]) AND cardinality(name_terms) > 0;

-- name: CompanyTermsAdd :exec
INSERT INTO company_terms (term, companies)
SELECT unnest(@terms::text[]), unnest(@counts::int[])
ON CONFLICT (term) DO UPDATE SET companies = company_terms.companies + excluded.companies;

-- CompanyTermsRecount sets every term's count to the companies that hold it, after a bulk
-- load of companies (in its copies, internal/importer): its lanes do not keep the counts batch
-- by batch, which made them take turns. A term no company holds any more keeps its row at 0,
-- as CompanyTermsAdd leaves it.
-- name: CompanyTermsRecount :exec
WITH counts AS (
    SELECT t.term, count(*)::int AS companies
    FROM companies c, unnest(c.name_terms) AS t(term)
    GROUP BY t.term
    UNION ALL
    SELECT '', count(*)::int FROM companies WHERE cardinality(name_terms) > 0 HAVING count(*) > 0
), zeroed AS (
    UPDATE company_terms ct SET companies = 0
    WHERE ct.companies <> 0 AND NOT EXISTS (SELECT 1 FROM counts WHERE counts.term = ct.term)
)
INSERT INTO company_terms (term, companies)
SELECT term, companies FROM counts
ON CONFLICT (term) DO UPDATE SET companies = excluded.companies
WHERE company_terms.companies <> excluded.companies;

-- CompanyTermTextsAdd records how terms were written and returns the texts it had not seen.
-- name: CompanyTermTextsAdd :many
INSERT INTO company_term_texts (text, term)
SELECT unnest(@texts::text[]), unnest(@terms::text[])
ON CONFLICT (text) DO NOTHING
RETURNING text, term;

-- name: CompanyTermVariantsInsert :exec
INSERT INTO company_term_variants (variant, term)
SELECT unnest(@variants::text[]), unnest(@terms::text[])
ON CONFLICT DO NOTHING;

-- CompanyTermVariantsMissing reports whether company names were indexed but their variants
-- are not there (migrations/00020_trade_words.sql).
-- name: CompanyTermVariantsMissing :one
SELECT (NOT EXISTS (SELECT 1 FROM company_term_variants) AND EXISTS (SELECT 1 FROM company_term_texts))::bool;

-- CompanyTermTextsPage returns how terms were written, in order, after @after.
-- name: CompanyTermTextsPage :many
SELECT text, term
FROM company_term_texts
WHERE text > @after::text
ORDER BY text
LIMIT @max_rows::int;

-- CompanyListUnindexed returns companies whose name_terms are not computed yet.
-- name: CompanyListUnindexed :many
SELECT domain, name, aliases
FROM companies
WHERE cardinality(name_terms) = 0
ORDER BY domain
LIMIT @max_rows::int;

-- CompanySetNameTerms sets the name_terms of companies, each list of terms joined by spaces.
-- name: CompanySetNameTerms :exec
UPDATE companies c
SET name_terms = string_to_array(x.terms, ' ')
FROM (SELECT unnest(@domains::text[]) AS domain, unnest(@terms::text[]) AS terms) AS x
WHERE c.domain = x.domain;

-- CompanyAny reports whether the graph holds any company (`seed demo --if-empty`).
-- name: CompanyAny :one
SELECT EXISTS (SELECT 1 FROM companies);

-- SuppressionHas reports whether an identifier's hash is on the suppression list.
-- name: SuppressionHas :one
SELECT EXISTS (SELECT 1 FROM suppressions WHERE hash = sha256(convert_to(@value::text, 'UTF8')));
