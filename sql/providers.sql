-- Upstream providers (CONTRACT.md section 11, migrations/00019_providers.sql).

-- ProviderCallsOf lists the calls a resolution's waterfall stored, in the order made.
-- name: ProviderCallsOf :many
SELECT provider, outcome, coalesce(reason, '')::text AS reason, coalesce(error, '')::text AS error,
       duration_ms, finding
FROM provider_calls
WHERE resolution_id = @resolution_id
ORDER BY called_at, provider;

-- ProviderCallRecord stores a call's outcome, or a provider skipped, and returns it; a second
-- record of the same call (a run that could not know of the first) changes nothing and
-- returns nothing (ProviderCallsOf reads the first).
-- name: ProviderCallRecord :many
INSERT INTO provider_calls (resolution_id, provider, outcome, reason, error, status_code, duration_ms, finding)
VALUES (@resolution_id, @provider, @outcome, nullif(@reason::text, ''), nullif(@error::text, ''),
        nullif(@status_code::int, 0), @duration_ms, sqlc.narg(finding)::jsonb)
ON CONFLICT (resolution_id, provider) DO NOTHING
RETURNING provider, outcome, coalesce(reason, '')::text AS reason, coalesce(error, '')::text AS error, duration_ms, finding;

-- ProviderBudgetTake takes one call of a provider's monthly budget and returns the calls
-- made this month with it; nothing when the budget is spent. The row lock serializes
-- concurrent takers, so the budget is never exceeded. A provider without a budget takes none.
-- name: ProviderBudgetTake :many
INSERT INTO provider_months AS m (provider, month, calls)
VALUES (@provider, @month, 1)
ON CONFLICT (provider, month) DO UPDATE
SET calls = m.calls + 1
WHERE @budget::bigint = 0 OR m.calls < @budget::bigint
RETURNING m.calls;

-- ProviderRateTake takes one call of a provider's second; nothing when @rate calls were
-- made in it already.
-- name: ProviderRateTake :many
INSERT INTO provider_seconds AS s (provider, second, calls)
VALUES (@provider, @second, 1)
ON CONFLICT (provider, second) DO UPDATE
SET calls = s.calls + 1
WHERE s.calls < @rate::int
RETURNING s.calls;

-- ProviderRatePurge deletes the seconds older than @before.
-- name: ProviderRatePurge :exec
DELETE FROM provider_seconds WHERE provider = @provider AND second < @before;

-- ProviderBeforeCall reads, before a call, whether the provider's miss of the question is
-- remembered, and its circuit (open_until null: closed).
-- name: ProviderBeforeCall :one
SELECT EXISTS (SELECT 1 FROM provider_misses m WHERE m.provider = @provider AND m.question = @question AND m.until > now())
           AS missed,
       (SELECT c.open_until FROM provider_circuits c WHERE c.provider = @provider) AS open_until,
       coalesce((SELECT c.failures FROM provider_circuits c WHERE c.provider = @provider), 0)::int AS failures;

-- ProviderCircuitTrial lets one caller through a circuit whose open time is up: it moves the
-- open time on by @open_for_seconds, so that the others keep skipping until the trial's
-- outcome is recorded, and returns 1 to that caller alone.
-- name: ProviderCircuitTrial :execrows
UPDATE provider_circuits
SET open_until = now() + make_interval(secs => @open_for_seconds::float8)
WHERE provider = @provider AND open_until <= now();

-- ProviderCircuitSucceeded closes a provider's circuit after a call that did not fail.
-- name: ProviderCircuitSucceeded :exec
UPDATE provider_circuits
SET failures = 0, open_until = NULL
WHERE provider = @provider AND (failures > 0 OR open_until IS NOT NULL);

-- ProviderCircuitFailed counts a failed call; the @threshold-th in a row opens the circuit
-- for @open_for_seconds (and a failed trial keeps it open).
-- name: ProviderCircuitFailed :exec
INSERT INTO provider_circuits AS c (provider, failures) VALUES (@provider, 1)
ON CONFLICT (provider) DO UPDATE
SET failures   = c.failures + 1,
    open_until = CASE WHEN c.failures + 1 >= @threshold::int
                      THEN now() + make_interval(secs => @open_for_seconds::float8) ELSE c.open_until END;

-- ProviderMissRemember remembers a provider's "nothing found" for a question until @until.
-- name: ProviderMissRemember :exec
INSERT INTO provider_misses (provider, question, until) VALUES (@provider, @question, @until)
ON CONFLICT (provider, question) DO UPDATE SET until = excluded.until;

-- ProviderLearnedOf says which provider's answer to a question the graph holds, and since when.
-- name: ProviderLearnedOf :many
SELECT provider, learned_at FROM provider_learned WHERE question = @question;

-- ProviderLearnedRecord records that a provider's answer to a question is in the graph, and
-- forgets the finding the resolution's call stored.
-- name: ProviderLearnedRecord :exec
WITH c AS (
    UPDATE provider_calls SET finding = NULL
    WHERE resolution_id = @resolution_id AND provider = @provider
)
INSERT INTO provider_learned (question, provider, learned_at) VALUES (@question, @provider, now())
ON CONFLICT (question) DO UPDATE SET provider = excluded.provider, learned_at = excluded.learned_at;

-- ProviderMonthOf reads providers' figures of a month, for `openresolve providers status`:
-- the calls taken from a budget (exact, kept a month), and the outcomes of the calls the
-- resolutions still kept hold (RESOLUTION_RETENTION).
-- name: ProviderMonthOf :many
SELECT c.provider,
       count(*) FILTER (WHERE c.outcome <> 'skipped')::bigint AS calls,
       count(*) FILTER (WHERE c.outcome = 'found')::bigint    AS found,
       count(*) FILTER (WHERE c.outcome = 'error')::bigint    AS errors,
       coalesce(max(m.calls), 0)::bigint                      AS budget_calls
FROM provider_calls c
LEFT JOIN provider_months m ON m.provider = c.provider AND m.month = @month::date
WHERE c.called_at >= @month::date
GROUP BY c.provider
ORDER BY c.provider;

-- ProviderCircuits reads every provider's circuit.
-- name: ProviderCircuits :many
SELECT provider, failures, open_until FROM provider_circuits ORDER BY provider;

-- ProviderGraphHolds says what of many findings the graph holds already: the people with
-- these LinkedIn profiles or emails (kind 'linkedin' or 'email', the value, the person), and the
-- companies with these domains (kind 'company'). A provider adds to the graph and never
-- rewrites what an import put there.
-- name: ProviderGraphHolds :many
SELECT 'linkedin'::text AS kind, p.linkedin_url::text AS value, p.person_id
FROM people p WHERE p.linkedin_url = ANY (@linkedin_urls::text[])
UNION ALL
SELECT 'email', e.email, e.person_id FROM emails e WHERE e.email = ANY (@emails::text[])
UNION ALL
SELECT 'company', c.domain, '' FROM companies c WHERE c.domain = ANY (@domains::text[]);

-- ProviderPeopleStored says which of these people the graph holds (a learned person whose
-- identifier is suppressed is not stored, nor then their emails and phones).
-- name: ProviderPeopleStored :many
SELECT person_id FROM people WHERE person_id = ANY (@person_ids::text[]);

-- ProviderRowsLearned records the rows of the graph a provider taught (see graph_learned), of
-- those given, the ones the import stored: a suppressed or invalid row is not there.
-- name: ProviderRowsLearned :execrows
INSERT INTO graph_learned (kind, identifier, person_id, domain, provider, learned_at)
SELECT x.kind, sha256(convert_to(x.key, 'UTF8')), nullif(x.person_id, ''), nullif(x.domain, ''), x.provider, now()
FROM (SELECT unnest(@kinds::text[]) AS kind, unnest(@keys::text[]) AS key, unnest(@person_ids::text[]) AS person_id,
             unnest(@domains::text[]) AS domain, unnest(@providers::text[]) AS provider) AS x
WHERE CASE x.kind
          WHEN 'person' THEN EXISTS (SELECT 1 FROM people p WHERE p.person_id = x.key)
          WHEN 'email' THEN EXISTS (SELECT 1 FROM emails e WHERE e.email = x.key AND e.person_id = x.person_id)
          WHEN 'phone' THEN EXISTS (SELECT 1 FROM phones ph WHERE ph.phone = x.key AND ph.person_id = x.person_id)
          ELSE EXISTS (SELECT 1 FROM companies c WHERE c.domain = x.key)
      END
ON CONFLICT (kind, identifier) DO UPDATE
SET provider = excluded.provider, learned_at = excluded.learned_at, person_id = excluded.person_id;
