-- +goose Up

-- Upstream providers (CONTRACT.md section 11, internal/providers).

-- provider_calls holds each call a resolution's waterfall made, or each provider it skipped,
-- stored before the next step: a worker that dies after a call resumes from here and never
-- pays for it twice. finding is what a provider found, kept only until it is learned into
-- the graph. The rows go with their resolution (retention, purge).
CREATE TABLE provider_calls (
    resolution_id text        NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    provider      text        NOT NULL,
    outcome       text        NOT NULL CHECK (outcome IN ('found', 'not_found', 'error', 'skipped')),
    reason        text        CHECK (reason IN ('budget', 'circuit', 'rate', 'negative_cache')),
    error         text,
    status_code   int,
    duration_ms   int         NOT NULL DEFAULT 0,
    finding       jsonb,
    called_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (resolution_id, provider)
);

-- provider_months counts the calls of each provider with a monthly budget, by UTC month
-- across every worker: the budget is taken from it before a call, by a conditional upsert, so
-- concurrent workers never make more calls than the budget. (A provider without a budget
-- skips this row, which every call would otherwise wait on.)
CREATE TABLE provider_months (
    provider text   NOT NULL,
    month    date   NOT NULL,
    calls    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (provider, month)
);

-- provider_seconds counts calls by second, for ratePerSecond across every worker; rows older
-- than a minute are deleted as new seconds begin.
CREATE TABLE provider_seconds (
    provider text   NOT NULL,
    second   bigint NOT NULL,
    calls    int    NOT NULL,
    PRIMARY KEY (provider, second)
);

-- provider_circuits is each provider's circuit breaker: failures in a row, and while
-- open_until is ahead the provider is skipped; once it passes, one worker takes the trial
-- call (moving open_until on) and the others keep skipping until it succeeds.
CREATE TABLE provider_circuits (
    provider   text PRIMARY KEY,
    failures   int  NOT NULL DEFAULT 0,
    open_until timestamptz
);

-- provider_misses remembers "nothing found" per provider and question (a SHA-256 of the
-- endpoint and the request's fields: no identifier in clear) until negativeCacheFor passes.
CREATE TABLE provider_misses (
    provider text        NOT NULL,
    question bytea       NOT NULL,
    until    timestamptz NOT NULL,
    PRIMARY KEY (provider, question)
);

-- provider_learned says which provider's answer to a question the graph holds, and since
-- when: the graph's answer is trusted until that provider's cacheFor passes (imported rows,
-- never learned, never expire).
CREATE TABLE provider_learned (
    question   bytea       PRIMARY KEY,
    provider   text        NOT NULL,
    learned_at timestamptz NOT NULL
);

-- graph_learned says which rows of the graph a provider taught, and when: a person, an email, a
-- phone or a company, each by a SHA-256 of its key (no identifier in clear) with the person it
-- belongs to (forget deletes the rows of the people it erases) or the company's domain.
-- Imported rows have none.
CREATE TABLE graph_learned (
    kind       text        NOT NULL CHECK (kind IN ('person', 'email', 'phone', 'company')),
    identifier bytea       NOT NULL,
    person_id  text,
    domain     text,
    provider   text        NOT NULL,
    learned_at timestamptz NOT NULL,
    PRIMARY KEY (kind, identifier)
);
CREATE INDEX graph_learned_person_idx ON graph_learned (person_id) WHERE person_id IS NOT NULL;

-- +goose Down
DROP TABLE graph_learned;
DROP TABLE provider_learned;
DROP TABLE provider_misses;
DROP TABLE provider_circuits;
DROP TABLE provider_seconds;
DROP TABLE provider_months;
DROP TABLE provider_calls;
