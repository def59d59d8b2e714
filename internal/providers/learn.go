package providers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/group"
	"github.com/openresolve/openresolve/internal/importer"
	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/store"
)

// Learner writes findings into the graph through the import's path: each row is checked and
// normalized as a file's would be, a suppressed identifier is not stored, and the company-name
// index is kept right. A provider adds to the graph and never rewrites it: a person it names is
// matched to the graph's by LinkedIn profile or email and gets only the emails and phones the
// graph lacks; a company the graph holds is left as it is. A new person's id is "prov_" and a
// hash of the provider and the person's first identifier, so the same finding learned twice is
// one person. The findings of concurrent resolutions are learned together, one import of each
// kind for all of them (an import's COPY and merge cost about the same for one row as for a
// hundred).
type Learner struct {
	pool  *pgxpool.Pool
	q     *store.Queries
	group *group.Group[learning, struct{}]
}

type learning struct {
	provider string
	finding  Finding
}

// NewLearner starts a Learner writing into pool's graph; Close stops it.
func NewLearner(pool *pgxpool.Pool) *Learner {
	l := &Learner{pool: pool, q: store.New()}
	l.group = group.New(1, 256, 30*time.Second, l.learnAll)
	return l
}

// Learn writes f, found by provider, into the graph, with the findings learned at the same
// time.
func (l *Learner) Learn(ctx context.Context, provider string, f Finding) error {
	_, err := l.group.Do(ctx, learning{provider, f})
	return err
}

// Close stops the Learner once the findings it holds are learned.
func (l *Learner) Close() { l.group.Close() }

// normalized is a finding's identifiers in the graph's normal forms.
type normalized struct {
	linkedin string
	emails   []Email // each address once, normalized
	domain   string
}

func normalizeFinding(f Finding) normalized {
	var n normalized
	if c := f.Company; c != nil {
		n.domain, _ = normalize.Domain(c.Domain)
	}
	if p := f.Person; p != nil {
		n.linkedin, _ = normalize.LinkedInProfileURL(p.LinkedInURL)
		for _, e := range p.Emails {
			a, err := normalize.Email(e.Address)
			if err == nil && !slices.ContainsFunc(n.emails, func(x Email) bool { return x.Address == a }) {
				n.emails = append(n.emails, Email{Address: a, Type: e.Type})
			}
		}
		if n.domain == "" && p.CompanyDomain != "" {
			n.domain, _ = normalize.Domain(p.CompanyDomain)
		}
	}
	return n
}

func (l *Learner) learnAll(ctx context.Context, items []learning) ([]struct{}, error) {
	norm := make([]normalized, len(items))
	var linkedins, emails, domains []string
	for i, it := range items {
		n := normalizeFinding(it.finding)
		norm[i] = n
		if n.linkedin != "" {
			linkedins = append(linkedins, n.linkedin)
		}
		for _, e := range n.emails {
			emails = append(emails, e.Address)
		}
		if n.domain != "" {
			domains = append(domains, n.domain)
		}
	}
	held, err := l.q.ProviderGraphHolds(ctx, l.pool, store.ProviderGraphHoldsParams{LinkedinUrls: linkedins, Emails: emails,
		Domains: domains})
	if err != nil {
		return nil, err
	}
	personOf := map[string]string{} // "linkedin:"+url or "email:"+address → person_id
	company := map[string]bool{}
	for _, h := range held {
		if h.Kind == "company" {
			company[h.Value] = true
		} else {
			personOf[h.Kind+":"+h.Value] = h.PersonID
		}
	}

	var companies, people, mails, phones []map[string]string
	newPeople := map[string]bool{}
	var learned store.ProviderRowsLearnedParams // what each row is, for graph_learned
	taught := func(kind, key, personID, domain, provider string) {
		learned.Kinds = append(learned.Kinds, kind)
		learned.Keys = append(learned.Keys, key)
		learned.PersonIds = append(learned.PersonIds, personID)
		learned.Domains = append(learned.Domains, domain)
		learned.Providers = append(learned.Providers, provider)
	}
	for i, it := range items {
		f, n := it.finding, norm[i]
		if n.domain != "" && !company[n.domain] {
			company[n.domain] = true
			row := map[string]string{"domain": n.domain}
			if c := f.Company; c != nil {
				row["name"], row["industry"], row["country"] = c.Name, c.Industry, countryCode(c.Country)
			} else if f.Person != nil {
				row["name"] = f.Person.CompanyName
			}
			if row["name"] == "" {
				row["name"] = n.domain
			}
			companies = append(companies, row)
			taught("company", n.domain, "", n.domain, it.provider)
		}
		p := f.Person
		if p == nil || (n.linkedin == "" && len(n.emails) == 0) {
			continue
		}
		id := personOf["linkedin:"+n.linkedin]
		for _, e := range n.emails {
			if id == "" {
				id = personOf["email:"+e.Address]
			}
		}
		if id == "" {
			first := n.linkedin
			if first == "" {
				first = n.emails[0].Address
			}
			h := sha256.Sum256([]byte(it.provider + "\x00" + first))
			id = "prov_" + hex.EncodeToString(h[:12])
			if !newPeople[id] {
				newPeople[id] = true
				full := p.FullName
				if full == "" {
					full = strings.TrimSpace(p.FirstName + " " + p.LastName)
				}
				people = append(people, map[string]string{"person_id": id, "full_name": full, "first_name": p.FirstName,
					"last_name": p.LastName, "title": p.Title, "company_domain": n.domain, "linkedin_url": n.linkedin,
					"country": countryCode(p.Country)})
				taught("person", id, id, "", it.provider)
			}
			if n.linkedin != "" {
				personOf["linkedin:"+n.linkedin] = id
			}
		}
		for _, e := range n.emails {
			if personOf["email:"+e.Address] != "" {
				continue
			}
			personOf["email:"+e.Address] = id
			mails = append(mails, map[string]string{"email": e.Address, "person_id": id, "type": e.Type, "verified": "false"})
			taught("email", e.Address, id, "", it.provider)
		}
		for _, ph := range p.Phones {
			phones = append(phones, map[string]string{"phone": ph.Number, "person_id": id, "type": ph.Type,
				"country": countryCode(p.Country), "verified": "false"})
			if e164, _, err := normalize.Phone(ph.Number, countryCode(p.Country)); err == nil {
				taught("phone", e164, id, "", it.provider)
			}
		}
	}

	im := &importer.Importer{Pool: l.pool, Mode: importer.ModeUpsert, Lanes: 1}
	if err := l.load(ctx, im, "companies", companies); err != nil {
		return nil, err
	}
	if err := l.load(ctx, im, "people", people); err != nil {
		return nil, err
	}
	if len(newPeople) > 0 {
		// A new person the import did not store (suppressed, or not valid as an import's row):
		// nothing of them is kept.
		ids := make([]string, 0, len(newPeople))
		for id := range newPeople {
			ids = append(ids, id)
		}
		stored, err := l.q.ProviderPeopleStored(ctx, l.pool, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range stored {
			delete(newPeople, id)
		}
		gone := func(row map[string]string) bool { return newPeople[row["person_id"]] }
		mails = slices.DeleteFunc(mails, gone)
		phones = slices.DeleteFunc(phones, gone)
	}
	if err := l.load(ctx, im, "emails", mails); err != nil {
		return nil, err
	}
	if err := l.load(ctx, im, "phones", phones); err != nil {
		return nil, err
	}
	if len(learned.Kinds) > 0 {
		if _, err := l.q.ProviderRowsLearned(ctx, l.pool, learned); err != nil {
			return nil, err
		}
	}
	return make([]struct{}, len(items)), nil
}

func (l *Learner) load(ctx context.Context, im *importer.Importer, kind string, rs []map[string]string) error {
	if len(rs) == 0 {
		return nil
	}
	_, err := im.Import(ctx, kind, &rows{rows: rs})
	return err
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
