package resolve

import (
	"context"
	"encoding/json"
	"fmt"

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

// KeywordToLead finds people by full-text relevance of the keyword over their titles and
// keywords and over their companies' industries, keywords and descriptions, best first.
type KeywordToLead struct{ g graph }

// DefaultLeadLimit is how many leads are answered when the request gives no limit.
const DefaultLeadLimit = 25

// Resolve implements Resolver.
func (k KeywordToLead) Resolve(ctx context.Context, raw json.RawMessage) (Result, error) {
	var req KeywordLeadRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return Result{}, Permanent(fmt.Errorf("decode keyword-to-lead request: %w", err))
	}
	if req.Limit <= 0 {
		req.Limit = DefaultLeadLimit
	}
	rows, err := k.g.q.LeadSearch(ctx, k.g.db, store.LeadSearchParams{
		Keyword: req.Keyword, Title: req.Title, Country: req.Country, Seniority: req.Seniority,
		MaxResults: int32(req.Limit),
	})
	if err != nil {
		return Result{}, err
	}
	leads := make([]any, len(rows))
	var total int64
	for i, r := range rows {
		total = r.Total
		var email *string
		if r.Email != "" {
			email = &r.Email
		}
		var co any
		if r.CompanyDomain != nil {
			co = map[string]any{"companyName": r.CompanyName, "domain": r.CompanyDomain,
				"industry": r.CompanyIndustry, "employees": r.CompanyEmployees}
		}
		leads[i] = map[string]any{
			"fullName": r.FullName, "title": r.Title, "seniority": r.Seniority, "email": email,
			"linkedinUrl": r.LinkedInURL, "country": r.Country, "company": co,
		}
	}
	out := map[string]any{"keyword": req.Keyword, "total": total, "leads": leads}
	if len(rows) == 0 {
		return Result{Fields: out}, nil
	}
	return Result{Found: true, Fields: out}, nil
}
