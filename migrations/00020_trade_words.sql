-- +goose Up

-- Trade words across languages (internal/names/trade.go): every word of a company name that is
-- a form of a trade concept ("Energie", "Stahlbau") has that concept's token among its variants
-- ("~energy", "~steel+construction"), which the English words find it by. The variants are
-- made again from company_term_texts by `openresolve migrate up` (importer.IndexTermVariants),
-- which refills the table when it is empty; a later change of the trade words empties it
-- again in a migration like this one.
TRUNCATE company_term_variants;

-- +goose Down
TRUNCATE company_term_variants;
