package providers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/importer"
	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/store"
)

// Learn returns the Learner that writes findings into pool's graph through the import's path:
// each row is checked and normalized as a file's would be, a suppressed identifier is not
// stored, and the company-name index is kept right. A provider adds to the graph and never
// rewrites it: a person it names is matched to the graph's by LinkedIn profile or email and
// gets only the emails and phones the graph lacks; a company the graph holds is left as it
// is. A new person's id is "prov_" and a hash of the provider and the person's first
// identifier, so the same finding learned twice is one person.
func Learn(pool *pgxpool.Pool) Learner {
	q := store.New()
	return func(ctx context.Context, provider string, f Finding) error {
		im := &importer.Importer{Pool: pool, Mode: importer.ModeUpsert, Lanes: 1}
		var companies, people, emails, phones []map[string]string
		var domain string
		if c := f.Company; c != nil {
			domain, _ = normalize.Domain(c.Domain)
		}
		var linkedin string
		var addresses []string
		if p := f.Person; p != nil {
			linkedin, _ = normalize.LinkedInProfileURL(p.LinkedInURL)
			for _, e := range p.Emails {
				if a, err := normalize.Email(e.Address); err == nil {
					addresses = append(addresses, a)
				}
			}
			if domain == "" && p.CompanyDomain != "" {
				domain, _ = normalize.Domain(p.CompanyDomain)
			}
		}
		known, err := q.ProviderKnown(ctx, pool, store.ProviderKnownParams{Emails: addresses, Domain: domain})
		if err != nil {
			return err
		}
		has := func(kind, value string) bool {
			return slices.ContainsFunc(known, func(k store.ProviderKnownRow) bool { return k.Kind == kind && k.Value == value })
		}
		if domain != "" && !has("company", domain) {
			row := map[string]string{"domain": domain}
			if c := f.Company; c != nil {
				row["name"], row["industry"], row["country"] = c.Name, c.Industry, countryCode(c.Country)
			} else if f.Person != nil {
				row["name"] = f.Person.CompanyName
			}
			if row["name"] == "" {
				row["name"] = domain
			}
			companies = append(companies, row)
		}
		if p := f.Person; p != nil && (linkedin != "" || len(addresses) > 0) {
			ids, err := q.ProviderPersonMatch(ctx, pool, store.ProviderPersonMatchParams{LinkedInURL: linkedin, Emails: addresses})
			if err != nil {
				return err
			}
			var id string
			if len(ids) > 0 {
				id = ids[0]
			} else {
				first := linkedin
				if first == "" {
					first = addresses[0]
				}
				h := sha256.Sum256([]byte(provider + "\x00" + first))
				id = "prov_" + hex.EncodeToString(h[:12])
				full := p.FullName
				if full == "" {
					full = strings.TrimSpace(p.FirstName + " " + p.LastName)
				}
				people = append(people, map[string]string{"person_id": id, "full_name": full, "first_name": p.FirstName,
					"last_name": p.LastName, "title": p.Title, "company_domain": domain, "linkedin_url": linkedin,
					"country": countryCode(p.Country)})
			}
			seen := map[string]bool{}
			for _, e := range p.Emails {
				if a, err := normalize.Email(e.Address); err == nil && !has("email", a) && !seen[a] {
					seen[a] = true
					emails = append(emails, map[string]string{"email": a, "person_id": id, "type": e.Type, "verified": "false"})
				}
			}
			for _, ph := range p.Phones {
				phones = append(phones, map[string]string{"phone": ph.Number, "person_id": id, "type": ph.Type,
					"country": countryCode(p.Country), "verified": "false"})
			}
		}
		if len(companies) > 0 {
			if _, err := im.Import(ctx, "companies", &rows{rows: companies}); err != nil {
				return err
			}
		}
		if len(people) > 0 {
			res, err := im.Import(ctx, "people", &rows{rows: people})
			if err != nil {
				return err
			}
			if res.Inserted+res.Updated == 0 {
				// Suppressed, or not valid as an import: nothing of this person is kept.
				return nil
			}
		}
		for _, k := range []struct {
			kind string
			rows []map[string]string
		}{{"emails", emails}, {"phones", phones}} {
			if len(k.rows) == 0 {
				continue
			}
			if _, err := im.Import(ctx, k.kind, &rows{rows: k.rows}); err != nil {
				return err
			}
		}
		return nil
	}
}

// countryCode is an ISO 3166-1 alpha-2 code for s, or "" when s is none (providers write
// country names in many ways; an unknown one is left out rather than guessed).
func countryCode(s string) string {
	if c, ok := normalize.Country(s); ok {
		return c
	}
	return ""
}

// rows is an importer.Source over records made in memory.
type rows struct {
	rows []map[string]string
	next int
}

func (r *rows) Next() (importer.Record, error) {
	if r.next >= len(r.rows) {
		return importer.Record{}, io.EOF
	}
	r.next++
	return importer.Record{Line: r.next, Fields: r.rows[r.next-1]}, nil
}
