package resolve

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/store"
)

// DeanonymizationRequest is the stored request of /v1/deanonymization.
type DeanonymizationRequest struct {
	IP        string `json:"ip"`
	UserAgent string `json:"userAgent,omitempty"`
	PageURL   string `json:"pageUrl,omitempty"`
	// HEM is a lowercase md5, sha1 or sha256 hex digest of an email.
	HEM string `json:"hem,omitempty"`
}

// Deanonymization names the visitor behind an IP: the person most recently seen at that
// address, else the owner of the hashed email given with the request, else the company whose
// network holds the address.
type Deanonymization struct{ g graph }

// Resolve implements Resolver.
func (d Deanonymization) Resolve(ctx context.Context, raw json.RawMessage) (Result, error) {
	var req DeanonymizationRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return Result{}, Permanent(fmt.Errorf("decode deanonymization request: %w", err))
	}
	ip, err := netip.ParseAddr(req.IP)
	if err != nil {
		return Result{}, Permanent(fmt.Errorf("stored ip is invalid: %w", err))
	}
	var (
		pe        *person
		co        *company
		matchedBy string
	)
	obs, err := d.g.q.ObservationLatestByIP(ctx, d.g.db, ip)
	if ok, err := found(err); err != nil {
		return Result{}, err
	} else if ok {
		if pe, err = d.g.personByID(ctx, obs.PersonID); err != nil {
			return Result{}, err
		}
		matchedBy = "ip_observation"
	}
	if pe == nil && req.HEM != "" {
		if pe, err = d.g.personByHashedEmail(ctx, req.HEM); err != nil {
			return Result{}, err
		}
		matchedBy = "hem"
	}
	if pe != nil {
		if co, err = d.g.companyOf(ctx, pe); err != nil {
			return Result{}, err
		}
	} else {
		net, err := d.g.q.NetworkMostSpecific(ctx, d.g.db, ip)
		if ok, err := found(err); err != nil {
			return Result{}, err
		} else if ok && net.CompanyDomain != nil && companyNetwork(net.Type) {
			if co, err = d.g.companyByDomain(ctx, *net.CompanyDomain); err != nil {
				return Result{}, err
			}
			matchedBy = "company_network"
		}
	}
	if pe == nil && co == nil {
		return Result{Fields: map[string]any{"ip": ip.String(), "person": nil, "company": nil}}, nil
	}
	fields := map[string]any{"ip": ip.String(), "person": nil, "company": nil, "matchedBy": matchedBy}
	if pe != nil {
		pf, err := d.g.personFields(ctx, pe)
		if err != nil {
			return Result{}, err
		}
		fields["person"] = pf
	}
	if co != nil {
		fields["company"] = companyFields(co)
	}
	return Result{Found: true, Fields: fields}, nil
}

// companyNetwork reports whether addresses of a network of this type belong to its company's
// people: ISP and hosting networks carry anyone's traffic.
func companyNetwork(typ string) bool {
	return typ == "business" || typ == "education" || typ == "government"
}

// LinkedInRequest is the stored request of /v1/linkedin-to-phone and /v1/linkedin-to-hem: a
// canonical profile URL.
type LinkedInRequest struct {
	LinkedInURL string `json:"linkedinUrl"`
}

// LinkedInToPhone answers the phone numbers of the person behind a LinkedIn profile, verified
// mobile numbers first.
type LinkedInToPhone struct{ g graph }

// Resolve implements Resolver.
func (l LinkedInToPhone) Resolve(ctx context.Context, raw json.RawMessage) (Result, error) {
	var req LinkedInRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return Result{}, Permanent(fmt.Errorf("decode linkedin-to-phone request: %w", err))
	}
	out := map[string]any{"linkedinUrl": req.LinkedInURL, "phones": []any{}}
	pe, err := l.g.personByLinkedIn(ctx, req.LinkedInURL)
	if err != nil || pe == nil {
		return Result{Fields: out}, err
	}
	rows, err := l.g.q.PhoneListByPerson(ctx, l.g.db, pe.PersonID)
	if err != nil {
		return Result{}, err
	}
	phones := make([]any, len(rows))
	for i, r := range rows {
		phones[i] = map[string]any{"number": r.Phone, "type": r.Type, "country": r.Country, "verified": r.Verified}
	}
	out["phones"] = phones
	if len(phones) == 0 {
		return Result{Fields: out}, nil
	}
	return Result{Found: true, Fields: out}, nil
}

// LinkedInToHEM answers the hashed emails of the person behind a LinkedIn profile, work
// addresses first.
type LinkedInToHEM struct{ g graph }

// Resolve implements Resolver.
func (l LinkedInToHEM) Resolve(ctx context.Context, raw json.RawMessage) (Result, error) {
	var req LinkedInRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return Result{}, Permanent(fmt.Errorf("decode linkedin-to-hem request: %w", err))
	}
	out := map[string]any{"linkedinUrl": req.LinkedInURL, "hashedEmails": []any{}}
	pe, err := l.g.personByLinkedIn(ctx, req.LinkedInURL)
	if err != nil || pe == nil {
		return Result{Fields: out}, err
	}
	rows, err := l.g.q.EmailListByPerson(ctx, l.g.db, pe.PersonID)
	if err != nil {
		return Result{}, err
	}
	hems := make([]any, len(rows))
	for i, r := range rows {
		h := normalize.HashEmail(r.Email)
		hems[i] = map[string]any{"md5": h.MD5, "sha1": h.SHA1, "sha256": h.SHA256, "type": r.Type}
	}
	out["hashedEmails"] = hems
	if len(hems) == 0 {
		return Result{Fields: out}, nil
	}
	return Result{Found: true, Fields: out}, nil
}

// IPRequest is the stored request of /v1/ip-to-company.
type IPRequest struct {
	IP string `json:"ip"`
}

// IPToCompany answers the most specific network holding an address, and its company when the
// network is a company's own (business, education, government).
type IPToCompany struct{ g graph }

// Resolve implements Resolver.
func (i IPToCompany) Resolve(ctx context.Context, raw json.RawMessage) (Result, error) {
	var req IPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return Result{}, Permanent(fmt.Errorf("decode ip-to-company request: %w", err))
	}
	ip, err := netip.ParseAddr(req.IP)
	if err != nil {
		return Result{}, Permanent(fmt.Errorf("stored ip is invalid: %w", err))
	}
	out := map[string]any{"ip": ip.String(), "company": nil, "network": nil}
	net, err := i.g.q.NetworkMostSpecific(ctx, i.g.db, ip)
	if ok, err := found(err); !ok {
		return Result{Fields: out}, err
	}
	out["network"] = networkFields(net)
	if net.CompanyDomain != nil && companyNetwork(net.Type) {
		co, err := i.g.companyByDomain(ctx, *net.CompanyDomain)
		if err != nil {
			return Result{}, err
		}
		if co != nil {
			out["company"] = companyFields(co)
		}
	}
	return Result{Found: true, Fields: out}, nil
}

func networkFields(n store.Network) map[string]any {
	return map[string]any{"cidr": n.CIDR.String(), "type": n.Type, "asn": n.ASN, "asOrg": n.ASOrg}
}
