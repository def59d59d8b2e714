-- The bulk load's steps (migrations/00015_graph_load.sql, internal/importer/bulk.go).

-- name: GraphLoadLock :exec
SELECT graph_load_lock(@tables::text[]);

-- name: GraphLoadBegin :exec
SELECT graph_load_begin(@tables::text[]);

-- name: GraphLoadFresh :one
SELECT graph_load_fresh(@tables::text[])::bool;

-- name: GraphLoadPrimaryKeys :exec
SELECT graph_load_primary_keys(@tables::text[]);

-- A fresh load's primary keys: built as unique indexes beside the other indexes, attached
-- when all are built (migrations/00026_graph_load_keys_beside.sql).
-- name: GraphLoadUniqueKeys :exec
SELECT graph_load_unique_keys(@tables::text[]);

-- name: GraphLoadUniqueKeysAttach :exec
SELECT graph_load_unique_keys_attach(@tables::text[]);

-- GraphLoadScope makes this transaction's unqualified table names the copies'.
-- name: GraphLoadScope :exec
SELECT set_config('search_path', 'import_load, public', true);

-- ImportBatchMemory lets this transaction's sorts and CTEs hold a batch in memory: at the
-- default 4 MB a merge of 20,000 rows spilled its staged rows and their sort to disk.
-- name: ImportBatchMemory :exec
SELECT set_config('work_mem', '64MB', true);

-- name: GraphLoadIndexes :many
SELECT graph_load_indexes(@tables::text[])::text AS index;

-- name: GraphLoadIndex :exec
SELECT graph_load_index(@index::text);

-- name: GraphLoadAnalyze :exec
SELECT graph_load_analyze(@tables::text[]);

-- name: GraphLoadSwap :exec
SELECT graph_load_swap(@tables::text[]);

-- GraphTableBytes is the size on disk of the live tables, heap and TOAST.
-- name: GraphTableBytes :one
SELECT coalesce(sum(pg_table_size(format('public.%I', t)::regclass)), 0)::bigint
FROM unnest(@tables::text[]) AS t;

-- PeopleLeadWordsRefreshAll writes anew the lead_words of every person whose company's words
-- changed, after a bulk load of companies.
-- name: PeopleLeadWordsRefreshAll :execrows
UPDATE people p
SET lead_words = lead_words_of(p.title, p.keywords, p.country, p.seniority, c.lead_words)
FROM companies c
WHERE p.company_domain = c.domain
  AND p.lead_words IS DISTINCT FROM lead_words_of(p.title, p.keywords, p.country, p.seniority, c.lead_words);

-- GraphLoadLeadWords is lead_words_of for people without their company's words, one row
-- for each title, keywords, country and seniority given (the arrays of equal length): what a
-- fresh bulk load (internal/importer) completes with the words of CompanyLeadWords.
-- name: GraphLoadLeadWords :many
SELECT lead_words_of((@titles::text[])[i], (@keywords::text[])[i], (@countries::text[])[i],
    (@seniorities::text[])[i], NULL)::text AS words
FROM generate_series(1, cardinality(@titles::text[])) AS i
ORDER BY i;

-- name: GraphLoadCompanyLeadWords :many
SELECT domain, lead_words FROM companies WHERE domain = ANY(@domains::text[]);
