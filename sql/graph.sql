-- name: CompanyGetByDomain :one
SELECT domain, name, linkedin_url, address, city, region, postal_code, country, employees, industry,
       description, founded
FROM companies
WHERE domain = @domain;

-- name: CompanyGetByLinkedIn :one
SELECT domain, name, linkedin_url, address, city, region, postal_code, country, employees, industry,
       description, founded
FROM companies
WHERE linkedin_url = @linkedin_url
ORDER BY employees DESC NULLS LAST, domain
LIMIT 1;

-- name: CompanyListByNameKey :many
SELECT domain, name, linkedin_url, address, city, region, postal_code, country, employees, industry,
       description, founded
FROM companies
WHERE name_key = @name_key AND (@country::text = '' OR country = @country::text)
ORDER BY employees DESC NULLS LAST, domain
LIMIT 10;

-- name: CompanyListByAliasKey :many
SELECT domain, name, linkedin_url, address, city, region, postal_code, country, employees, industry,
       description, founded
FROM companies
WHERE alias_keys @> ARRAY[@name_key::text] AND (@country::text = '' OR country = @country::text)
ORDER BY employees DESC NULLS LAST, domain
LIMIT 10;

-- CompanyListBySimilarName uses the trigram index through %, whose threshold
-- (pg_trgm.similarity_threshold, 0.3) is below any the resolvers accept; they filter further.
-- name: CompanyListBySimilarName :many
SELECT domain, name, linkedin_url, address, city, region, postal_code, country, employees, industry,
       description, founded, similarity(name_key, @name_key::text)::float8 AS similarity
FROM companies
WHERE name_key % @name_key::text AND (@country::text = '' OR country = @country::text)
ORDER BY similarity DESC, employees DESC NULLS LAST, domain
LIMIT 10;

-- name: PersonGetByID :one
SELECT person_id, full_name, first_name, last_name, title, seniority, company_domain, linkedin_url, country
FROM people
WHERE person_id = @person_id;

-- name: PersonGetByLinkedIn :one
SELECT person_id, full_name, first_name, last_name, title, seniority, company_domain, linkedin_url, country
FROM people
WHERE linkedin_url = @linkedin_url
ORDER BY person_id
LIMIT 1;

-- name: PersonGetByEmail :one
SELECT p.person_id, p.full_name, p.first_name, p.last_name, p.title, p.seniority, p.company_domain,
       p.linkedin_url, p.country
FROM emails e
JOIN people p ON p.person_id = e.person_id
WHERE e.email = @email;

-- name: PersonGetByHashedEmail :one
SELECT p.person_id, p.full_name, p.first_name, p.last_name, p.title, p.seniority, p.company_domain,
       p.linkedin_url, p.country
FROM emails e
JOIN people p ON p.person_id = e.person_id
WHERE e.md5 = @hash OR e.sha1 = @hash OR e.sha256 = @hash
ORDER BY e.verified DESC, e.type = 'work' DESC, e.email
LIMIT 1;

-- name: PersonListAtCompanyByName :many
SELECT person_id, full_name, first_name, last_name, title, seniority, company_domain, linkedin_url, country
FROM people
WHERE company_domain = @company_domain AND name_key = @name_key
ORDER BY person_id
LIMIT 2;

-- name: EmailListByPerson :many
SELECT email, type, verified, md5, sha1, sha256
FROM emails
WHERE person_id = @person_id
ORDER BY type = 'work' DESC, verified DESC, email;

-- name: PhoneListByPerson :many
SELECT phone, type, country, verified
FROM phones
WHERE person_id = @person_id
ORDER BY verified DESC, CASE type WHEN 'mobile' THEN 0 WHEN 'direct' THEN 1 ELSE 2 END, phone;

-- name: ObservationLatestByIP :one
SELECT person_id, seen_at
FROM ip_observations
WHERE ip = @ip
ORDER BY seen_at DESC, person_id
LIMIT 1;

-- name: NetworkMostSpecific :one
SELECT cidr, company_domain, type, asn, as_org
FROM networks
WHERE cidr >>= @ip::inet
ORDER BY masklen(cidr) DESC
LIMIT 1;

-- LeadSearch finds people whose title or keywords, or whose company's industry, keywords or
-- description, match the query; each side through its own full-text index. The filters apply
-- while matching and only the page of best-ranked people is joined for its columns, so a common
-- keyword costs one rank per match rather than a join per match.
-- name: LeadSearch :many
WITH q AS (
    SELECT websearch_to_tsquery('english', @keyword::text) AS q
), matched AS (
    SELECT p.person_id, ts_rank(p.search, q.q) AS rank
    FROM people p, q
    WHERE p.search @@ q.q
      AND (@title::text = '' OR p.title ILIKE '%' || @title::text || '%')
      AND (@country::text = '' OR p.country = @country::text)
      AND (@seniority::text = '' OR p.seniority = @seniority::text)
    UNION ALL
    SELECT p.person_id, mc.rank * 0.5 AS rank
    FROM (
        SELECT c.domain, ts_rank(c.search, q.q) AS rank
        FROM companies c, q
        WHERE c.search @@ q.q
    ) mc
    JOIN people p ON p.company_domain = mc.domain
    WHERE (@title::text = '' OR p.title ILIKE '%' || @title::text || '%')
      AND (@country::text = '' OR p.country = @country::text)
      AND (@seniority::text = '' OR p.seniority = @seniority::text)
), ranked AS (
    SELECT person_id, sum(rank)::float8 AS rank, count(*) OVER () AS total
    FROM matched
    GROUP BY person_id
    ORDER BY rank DESC, person_id
    LIMIT @max_results::int
)
SELECT p.person_id, p.full_name, p.title, p.seniority, p.linkedin_url, p.country,
       c.domain AS company_domain, c.name AS company_name, c.industry AS company_industry,
       c.employees AS company_employees,
       coalesce((SELECT e.email FROM emails e WHERE e.person_id = p.person_id
        ORDER BY e.type = 'work' DESC, e.verified DESC, e.email LIMIT 1), '')::text AS email,
       r.rank, r.total
FROM ranked r
JOIN people p ON p.person_id = r.person_id
LEFT JOIN companies c ON c.domain = p.company_domain
ORDER BY r.rank DESC, p.person_id;
