-- +goose Up
-- people_lead_keys_idx compares its keys (word@segment) byte by byte, COLLATE "C", not by the
-- database's collation: they are only ever looked up whole, never sorted for a reader, and a
-- collation's comparison was a third of the index's build (6.8 → 4.7 s for a million people
-- under C.UTF-8; more under a language's collation). A query that uses the index writes
-- lead_keys(...) COLLATE "C" as the index does (sql/graph.sql).
DROP INDEX people_lead_keys_idx;
CREATE INDEX people_lead_keys_idx ON people USING gin ((lead_keys(lead_words, lead_segment) COLLATE "C"))
    WITH (fastupdate = off);

-- +goose Down
DROP INDEX people_lead_keys_idx;
CREATE INDEX people_lead_keys_idx ON people USING gin (lead_keys(lead_words, lead_segment)) WITH (fastupdate = off);
