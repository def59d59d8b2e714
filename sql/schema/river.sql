-- River's job table, the columns OpenResolve's queries read of it, for sqlc to check those
-- queries. River's own migrations create the table (`openresolve migrate up` runs them through
-- rivermigrate); this file is never run.
CREATE TYPE river_job_state AS ENUM ('available', 'cancelled', 'completed', 'discarded', 'pending', 'retryable',
    'running', 'scheduled');

CREATE TABLE river_job (
    id           bigserial       PRIMARY KEY,
    args         jsonb           NOT NULL,
    kind         text            NOT NULL,
    queue        text            NOT NULL,
    state        river_job_state NOT NULL,
    scheduled_at timestamptz     NOT NULL,
    attempted_at timestamptz,
    created_at   timestamptz     NOT NULL
);
