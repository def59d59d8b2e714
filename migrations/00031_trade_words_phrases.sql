-- +goose Up

-- The trade words again (internal/names/trade.go, trade_words.tsv): a definition's hyphenated
-- phrase, or a phrase before a third word ("real-estate agency": inmobiliaria), what a German
-- noun's translation is "especially" (Maschinenbau, mechanical engineering), a Japanese
-- phrase's singular (建材 kenzai, building materials), two English words one concept when
-- one is the other's stem of four letters and an ending of two (roofer, roofing; wine,
-- winery), and the nouns each language derives for a trade or its workshop (fromagerie,
-- rubinetteria, Bäckerei, snickeri; kyl of kylning). Every word's concept tokens are made
-- again from company_term_texts by `openresolve migrate up`, as in 00020_trade_words.sql.
TRUNCATE company_term_variants;

-- +goose Down
TRUNCATE company_term_variants;
