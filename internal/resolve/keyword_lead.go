package resolve

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/openresolve/openresolve/internal/store"
)

// KeywordLeadRequest is the stored request of /v1/keyword-to-lead.
type KeywordLeadRequest struct {
	Keyword   string `json:"keyword"`
	Title     string `json:"title,omitempty"`
	Country   string `json:"country,omitempty"`
	Seniority string `json:"seniority,omitempty"`
	Limit     int    `json:"limit"`
}

// KeywordToLead finds people whose title and keywords, with their company's industry and
// keywords, hold every word of the keyword, the most senior first (then by person id), and
// counts them exactly up to LeadCountTo (migrations/00014_lead_words.sql). It never ranks every
// match: a count stops at its cap, and when more people match than that, the best are found by
// walking the people in the order answered, which takes a few hundred rows for a common keyword.
type KeywordToLead struct {
	g graph
	// countTo is LeadCountTo, but in tests of the way past it.
	countTo int64
}

// DefaultLeadLimit is how many leads are answered when the request gives no limit.
const DefaultLeadLimit = 25

// LeadCountTo is how far keyword-to-lead counts: total is exact up to it, and a lower bound of
// it ("gte") beyond, as search engines count hits.
const LeadCountTo = 10_000

// leadSpare is how many more leads than asked a search fetches, so that the suppressed people
// LeadListByID leaves out do not shorten the page.
const leadSpare = 16

// Resolve implements Resolver.
func (k KeywordToLead) Resolve(ctx context.Context, raw json.RawMessage) (Result, error) {
	var req KeywordLeadRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return Result{}, Permanent(fmt.Errorf("decode keyword-to-lead request: %w", err))
	}
	if req.Limit <= 0 {
		req.Limit = DefaultLeadLimit
	}
	ids, total, err := k.search(ctx, req)
	if err != nil {
		return Result{}, err
	}
	relation := "eq"
	if total > k.countTo {
		total, relation = k.countTo, "gte"
	}
	out := map[string]any{"keyword": req.Keyword, "total": total, "totalRelation": relation, "leads": []any{}}
	if len(ids) == 0 {
		return Result{Fields: out}, nil
	}
	// The page first; the spare ids only if suppressed people left it short.
	rows, err := k.g.q.LeadListByID(ctx, k.g.db, ids[:min(len(ids), req.Limit)])
	if err == nil && len(rows) < req.Limit && len(ids) > req.Limit {
		var more []store.LeadListByIDRow
		more, err = k.g.q.LeadListByID(ctx, k.g.db, ids[req.Limit:])
		rows = append(rows, more...)
	}
	if err != nil {
		return Result{}, err
	}
	leads := make([]any, 0, min(len(rows), req.Limit))
	for _, r := range rows[:min(len(rows), req.Limit)] {
		var email *string
		if r.Email != "" {
			email = &r.Email
		}
		var co any
		if r.CompanyDomain != nil {
			co = map[string]any{"companyName": r.CompanyName, "domain": r.CompanyDomain,
				"industry": r.CompanyIndustry, "employees": r.CompanyEmployees}
		}
		leads = append(leads, map[string]any{
			"fullName": r.FullName, "title": r.Title, "seniority": r.Seniority, "email": email,
			"linkedinUrl": r.LinkedInURL, "country": r.Country, "company": co,
		})
	}
	out["leads"] = leads
	return Result{Found: len(leads) > 0, Fields: out}, nil
}

// leadTerms is what a question with these words looks for in each of the segments, as
// lead_query (migrations/00014_lead_words.sql) writes it: for segment s, the n words each
// with "@s", as lead_keys writes a person's.
func leadTerms(words []string, segments int32) []string {
	terms := make([]string, 0, len(words)*int(max(segments, 0)))
	for s := range segments {
		at := "@" + strconv.Itoa(int(s))
		for _, w := range words {
			terms = append(terms, w+at)
		}
	}
	return terms
}

// search returns the ids of the best matches, best first (a few more than asked), and how
// many people match, counted up to countTo+1.
func (k KeywordToLead) search(ctx context.Context, req KeywordLeadRequest) ([]string, int64, error) {
	q, err := k.g.q.LeadQuery(ctx, k.g.db, store.LeadQueryParams{
		Keyword: req.Keyword, Country: req.Country, Seniority: req.Seniority})
	if err != nil || len(q.Words) == 0 {
		return nil, 0, err
	}
	query, n := leadTerms(q.Words, q.Segments), int32(len(q.Words))
	plans := store.CustomPlans{DB: k.g.db}
	total, err := k.g.q.LeadCount(ctx, plans, store.LeadCountParams{Query: query, N: n, Title: req.Title, CountTo: int32(k.countTo + 1)})
	if err != nil || total == 0 {
		return nil, 0, err
	}
	if total <= k.countTo { // every match was counted, so the best of them are the best
		match, err := k.g.q.LeadMatch(ctx, plans, store.LeadMatchParams{
			Query: query, N: n, Title: req.Title, CountTo: int32(k.countTo + 1), MaxRows: int32(req.Limit + leadSpare)})
		if err != nil || match.Total <= k.countTo {
			return match.PersonIds, match.Total, err
		}
		total = match.Total // an import went past the cap in between: walk
	}
	ids, err := k.g.q.LeadWalk(ctx, plans, store.LeadWalkParams{
		Query: query, N: n, Title: req.Title, MaxRows: int32(req.Limit + leadSpare)})
	return ids, total, err
}
