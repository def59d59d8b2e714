package importer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/names"
	"github.com/openresolve/openresolve/internal/store"
)

// The company-name index (migrations/00006_company_terms.sql): each company's name_terms, the
// number of companies holding each term in company_terms (the empty term counting them all),
// each way a term was written in company_term_texts, and each text's and term's variants in
// company_term_variants. A company is counted once its name_terms are set. Writers of
// name_terms hold GraphImportLock, so the counts they read stay true until they commit.

// indexCompanyTerms keeps the index in step with a batch of companies about to be upserted:
// the terms the batch replaces are counted out, its own in. Of a domain repeated in the batch
// the last row wins, as in the merge.
func indexCompanyTerms(ctx context.Context, tx pgx.Tx, rows []store.ImportCompaniesStageParams) error {
	q := store.New()
	if err := q.GraphImportLock(ctx, tx); err != nil {
		return err
	}
	latest := make(map[string]store.ImportCompaniesStageParams, len(rows))
	for _, r := range rows {
		latest[r.Domain] = r
	}
	domains := make([]string, 0, len(latest))
	var words []names.Word
	delta := map[string]int32{}
	for d, r := range latest {
		domains = append(domains, d)
		words = append(words, names.CompanyWords(r.Name, r.Aliases)...)
		countTerms(delta, r.NameTerms, +1)
	}
	old, err := q.CompanyNameTermsByDomain(ctx, tx, domains)
	if err != nil {
		return err
	}
	for _, o := range old {
		countTerms(delta, o.NameTerms, -1)
	}
	return applyTermDelta(ctx, tx, delta, words)
}

// indexCompanyTexts is indexCompanyTerms in a bulk load: the texts of a batch's words and
// their variants only, without the lock, so that the lanes merge side by side (they write
// different domains, and nothing else writes the copies); recountCompanyTerms counts the terms
// once at the end. Texts and variants are written in order, so that two lanes adding the
// same ones wait for each other rather than deadlock.
func indexCompanyTexts(ctx context.Context, tx pgx.Tx, rows []store.ImportCompaniesStageParams) error {
	var words []names.Word
	for _, r := range rows {
		words = append(words, names.CompanyWords(r.Name, r.Aliases)...)
	}
	slices.SortFunc(words, func(a, b names.Word) int { return strings.Compare(a.Text, b.Text) })
	return applyTermDelta(ctx, tx, nil, words)
}

// recountCompanyTerms is the end of a bulk load of companies: the terms counted from the
// copies' name_terms.
func recountCompanyTerms(ctx context.Context, tx pgx.Tx) error {
	return store.New().CompanyTermsRecount(ctx, tx)
}

// countTerms adds sign to the count of each term, and of the empty term that stands for the
// company itself.
func countTerms(delta map[string]int32, terms []string, sign int32) {
	delta[""] += sign
	for _, t := range terms {
		delta[t] += sign
	}
}

// applyTermDelta adds the counts to company_terms, and records the words' texts, each new one
// with its variants and its term's.
func applyTermDelta(ctx context.Context, tx pgx.Tx, delta map[string]int32, words []names.Word) error {
	q := store.New()
	p := store.CompanyTermsAddParams{}
	for t, n := range delta {
		if n != 0 {
			p.Terms = append(p.Terms, t)
			p.Counts = append(p.Counts, n)
		}
	}
	if len(p.Terms) > 0 {
		if err := q.CompanyTermsAdd(ctx, tx, p); err != nil {
			return err
		}
	}
	texts := store.CompanyTermTextsAddParams{}
	seen := make(map[string]bool, len(words))
	for _, w := range words {
		if !seen[w.Text] {
			seen[w.Text] = true
			texts.Texts = append(texts.Texts, w.Text)
			texts.Terms = append(texts.Terms, w.Term)
		}
	}
	if len(texts.Texts) == 0 {
		return nil
	}
	added, err := q.CompanyTermTextsAdd(ctx, tx, texts)
	if err != nil {
		return err
	}
	var v store.CompanyTermVariantsInsertParams
	for _, a := range added {
		addVariants(&v, a.Text, a.Term)
	}
	if len(v.Terms) == 0 {
		return nil
	}
	// In order, as the texts: two writers adding the same variants wait, never deadlock.
	order := make([]int, len(v.Variants))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(strings.Compare(v.Variants[a], v.Variants[b]), strings.Compare(v.Terms[a], v.Terms[b]))
	})
	sorted := store.CompanyTermVariantsInsertParams{Variants: make([]string, len(order)), Terms: make([]string, len(order))}
	for i, j := range order {
		sorted.Variants[i], sorted.Terms[i] = v.Variants[j], v.Terms[j]
	}
	return q.CompanyTermVariantsInsert(ctx, tx, sorted)
}

// IndexCompanyNames computes the name_terms of every company that has none yet (those of a
// graph imported before the index existed) and counts them in, a batch per transaction. It
// returns how many it indexed.
func IndexCompanyNames(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	q := store.New()
	total := 0
	for {
		n := 0
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if err := q.GraphImportLock(ctx, tx); err != nil {
				return err
			}
			rows, err := q.CompanyListUnindexed(ctx, tx, 5000)
			if err != nil {
				return err
			}
			n = len(rows)
			delta := map[string]int32{}
			var words []names.Word
			set := store.CompanySetNameTermsParams{}
			for _, r := range rows {
				terms := names.CompanyTerms(r.Name, r.Aliases)
				if len(terms) == 0 {
					return fmt.Errorf("company %s: name %q has no letters or digits", r.Domain, r.Name)
				}
				countTerms(delta, terms, +1)
				words = append(words, names.CompanyWords(r.Name, r.Aliases)...)
				set.Domains = append(set.Domains, r.Domain)
				set.Terms = append(set.Terms, strings.Join(terms, " "))
			}
			if err := applyTermDelta(ctx, tx, delta, words); err != nil {
				return err
			}
			return q.CompanySetNameTerms(ctx, tx, set)
		})
		if err != nil || n == 0 {
			return total, err
		}
		total += n
	}
}

// addVariants adds the variants of a word written text, whose term is term, to v.
func addVariants(v *store.CompanyTermVariantsInsertParams, text, term string) {
	for _, variant := range names.WordVariants(names.Word{Text: text, Term: term}) {
		v.Variants = append(v.Variants, variant)
		v.Terms = append(v.Terms, term)
	}
}

// IndexTermVariants makes the variants of every word of the graph's company names again
// (names.WordVariants), when the table of variants is empty while the names are indexed: after
// a migration emptied it because the variants changed (migrations/00020_trade_words.sql). It
// runs in one transaction, so that a crash leaves the table empty and the next `migrate up`
// starts again. It returns how many words it made variants of.
func IndexTermVariants(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	q := store.New()
	n := 0
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := q.GraphImportLock(ctx, tx); err != nil {
			return err
		}
		missing, err := q.CompanyTermVariantsMissing(ctx, tx)
		if err != nil || !missing {
			return err
		}
		after := ""
		for {
			rows, err := q.CompanyTermTextsPage(ctx, tx, store.CompanyTermTextsPageParams{After: after, MaxRows: 5000})
			if err != nil || len(rows) == 0 {
				return err
			}
			var v store.CompanyTermVariantsInsertParams
			for _, r := range rows {
				addVariants(&v, r.Text, r.Term)
			}
			if err := q.CompanyTermVariantsInsert(ctx, tx, v); err != nil {
				return err
			}
			n += len(rows)
			after = rows[len(rows)-1].Text
		}
	})
	return n, err
}

// refreshLeadWords writes anew the lead words of the people of a batch's companies, which hold
// their company's words (migrations/00014_lead_words.sql).
func refreshLeadWords(ctx context.Context, tx pgx.Tx, rows []store.ImportCompaniesStageParams) error {
	domains := make([]string, len(rows))
	for i, r := range rows {
		domains[i] = r.Domain
	}
	_, err := store.New().PeopleLeadWordsRefresh(ctx, tx, domains)
	return err
}

// refreshAllLeadWords is refreshLeadWords for every company, after a bulk load of companies.
func refreshAllLeadWords(ctx context.Context, db store.DBTX) error {
	_, err := store.New().PeopleLeadWordsRefreshAll(ctx, db)
	return err
}
