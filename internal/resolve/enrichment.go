package resolve

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openresolve/openresolve/internal/normalize"
)

// EnrichmentRequest is the stored request of /v1/enrichment, normalized by the API.
type EnrichmentRequest struct {
	CompanyName string `json:"companyName,omitempty"`
	Domain      string `json:"domain,omitempty"`
	// LinkedInURL is canonical, a company or a profile URL.
	LinkedInURL string `json:"linkedinUrl,omitempty"`
	Email       string `json:"email,omitempty"`
	FullName    string `json:"fullName,omitempty"`
}

// Enrichment finds a company, and the person the input names, by the strongest input first:
// domain, LinkedIn URL, email, then company name. An input that matches nothing falls
// through to the next one.
type Enrichment struct{ g graph }

// freemail are mailbox providers: an address there says nothing about an employer.
var freemail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "yahoo.com": true, "outlook.com": true, "hotmail.com": true,
	"live.com": true, "msn.com": true, "aol.com": true, "icloud.com": true, "me.com": true, "mac.com": true,
	"proton.me": true, "protonmail.com": true, "gmx.com": true, "gmx.de": true, "gmx.net": true,
	"web.de": true, "yandex.ru": true, "mail.ru": true, "zoho.com": true, "fastmail.com": true,
	"hey.com": true, "qq.com": true, "163.com": true, "yahoo.co.uk": true, "btinternet.com": true,
	"orange.fr": true, "free.fr": true, "laposte.net": true, "t-online.de": true, "comcast.net": true,
}

// Resolve implements Resolver.
func (e Enrichment) Resolve(ctx context.Context, raw json.RawMessage) (Result, error) {
	var req EnrichmentRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return Result{}, Permanent(fmt.Errorf("decode enrichment request: %w", err))
	}
	var (
		co         *company
		pe         *person
		confidence float64
		matchedBy  string
		err        error
	)
	found := func() bool { return co != nil || pe != nil }

	if req.Domain != "" {
		if co, err = e.g.companyByDomain(ctx, req.Domain); err != nil {
			return Result{}, err
		}
		confidence, matchedBy = 1, "domain"
	}
	if !found() && req.LinkedInURL != "" {
		if strings.HasPrefix(req.LinkedInURL, "linkedin.com/in/") {
			if pe, err = e.g.personByLinkedIn(ctx, req.LinkedInURL); err != nil {
				return Result{}, err
			}
			if co, err = e.g.companyOf(ctx, pe); err != nil {
				return Result{}, err
			}
		} else if co, err = e.g.companyByLinkedIn(ctx, req.LinkedInURL); err != nil {
			return Result{}, err
		}
		confidence, matchedBy = 1, "linkedin_url"
	}
	if !found() && req.Email != "" {
		if pe, err = e.g.personByEmail(ctx, req.Email); err != nil {
			return Result{}, err
		}
		if co, err = e.g.companyOf(ctx, pe); err != nil {
			return Result{}, err
		}
		confidence, matchedBy = 1, "email"
		suppressed := false
		if pe == nil {
			if suppressed, err = e.g.q.SuppressionHas(ctx, e.g.db, req.Email); err != nil {
				return Result{}, err
			}
		}
		if pe == nil && !suppressed {
			// An unknown address at a company's own domain still names the company; a
			// suppressed one names nothing.
			domain := req.Email[strings.LastIndexByte(req.Email, '@')+1:]
			if d, derr := normalize.Domain(domain); derr == nil && !freemail[d] {
				if co, err = e.g.companyByDomain(ctx, d); err != nil {
					return Result{}, err
				}
				confidence, matchedBy = 0.95, "email_domain"
			}
		}
	}
	if !found() && req.CompanyName != "" {
		cands, err := e.g.matchCompanyName(ctx, req.CompanyName, "")
		if err != nil {
			return Result{}, err
		}
		if len(cands) > 0 {
			if co, err = e.g.companyByDomain(ctx, cands[0].Domain); err != nil {
				return Result{}, err
			}
			confidence, matchedBy = cands[0].Confidence, cands[0].MatchedBy
		}
	}
	if !found() {
		return Result{Fields: map[string]any{}}, nil
	}

	// A person named alongside the company: the answer is right when both are.
	if pe == nil && req.FullName != "" && co != nil {
		var pc float64
		if pe, pc, err = e.g.personAt(ctx, co.Domain, req.FullName); err != nil {
			return Result{}, err
		}
		if pe != nil {
			confidence *= pc
		}
	}
	fields := map[string]any{}
	if co != nil {
		fields = companyFields(co)
	}
	if pe != nil {
		pf, err := e.g.personFields(ctx, pe)
		if err != nil {
			return Result{}, err
		}
		fields["person"] = pf
	} else if req.FullName != "" || req.Email != "" || strings.HasPrefix(req.LinkedInURL, "linkedin.com/in/") {
		fields["person"] = nil
	}
	fields["confidence"] = floor2(confidence)
	fields["matchedBy"] = matchedBy
	return Result{Found: true, Fields: fields}, nil
}
