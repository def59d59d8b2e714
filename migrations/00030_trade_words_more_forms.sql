-- +goose Up

-- The trade words again (internal/names/trade.go, trade_words.tsv): German forms from the
-- English translations of Wiktionary's German nouns (Beratung, Messtechnik), English
-- initialisms ("IT"), and two English words one concept when one is the other's stem and an
-- ending of four letters (environment, environmental) or when they begin alike and share a
-- translation (automobile, automotive; chemical, chemistry); plurals that change more than an
-- ending (möbler, têxteis, okna, vini); Japanese nouns from JMdict, romanized (unyu, kogyo).
-- Every word's concept tokens are made
-- again from company_term_texts by `openresolve migrate up`, as in 00020_trade_words.sql.
TRUNCATE company_term_variants;

-- +goose Down
TRUNCATE company_term_variants;
