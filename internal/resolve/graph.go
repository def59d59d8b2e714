package resolve

import (
	"context"
	"errors"
	"math"
	"sort"

	"github.com/openresolve/openresolve/internal/names"
	"github.com/openresolve/openresolve/internal/store"
)

// graph reads the identity graph for the resolvers.
type graph struct {
	db store.DBTX
	q  *store.Queries
}

// A company and a person are the graph's rows as they are.
type (
	company = store.Company
	person  = store.Person
)

// companyFields returns the contract's company fields.
func companyFields(c *company) map[string]any {
	return map[string]any{
		"companyName": c.Name, "domain": c.Domain, "address": c.Address, "city": c.City,
		"region": c.Region, "postalCode": c.PostalCode, "country": c.Country, "employees": c.Employees,
		"industry": c.Industry, "linkedinUrl": c.LinkedInURL, "description": c.Description,
		"founded": c.Founded,
	}
}

// found turns a look-up's error into (found, error): absence is not an error.
func found(err error) (bool, error) {
	if err == nil {
		return true, nil
	}
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return false, nil
	}
	return false, err
}

func (g graph) companyByDomain(ctx context.Context, domain string) (*company, error) {
	row, err := g.q.CompanyGetByDomain(ctx, g.db, domain)
	if ok, err := found(err); !ok {
		return nil, err
	}
	return &row, nil
}

func (g graph) companyByLinkedIn(ctx context.Context, url string) (*company, error) {
	row, err := g.q.CompanyGetByLinkedIn(ctx, g.db, &url)
	if ok, err := found(err); !ok {
		return nil, err
	}
	return &row, nil
}

func (g graph) personByID(ctx context.Context, id string) (*person, error) {
	row, err := g.q.PersonGetByID(ctx, g.db, id)
	if ok, err := found(err); !ok {
		return nil, err
	}
	return &row, nil
}

func (g graph) personByLinkedIn(ctx context.Context, url string) (*person, error) {
	row, err := g.q.PersonGetByLinkedIn(ctx, g.db, &url)
	if ok, err := found(err); !ok {
		return nil, err
	}
	return &row, nil
}

func (g graph) personByEmail(ctx context.Context, email string) (*person, error) {
	row, err := g.q.PersonGetByEmail(ctx, g.db, email)
	if ok, err := found(err); !ok {
		return nil, err
	}
	return &row, nil
}

func (g graph) personByHashedEmail(ctx context.Context, hash string) (*person, error) {
	row, err := g.q.PersonGetByHashedEmail(ctx, g.db, hash)
	if ok, err := found(err); !ok {
		return nil, err
	}
	return &row, nil
}

// maxPeopleCompared bounds how many of a company's people a name is compared with.
const maxPeopleCompared = 2000

// PersonMatch is one person a name may mean among a company's people.
type PersonMatch struct {
	PersonID string
	// Score is how well the name matches (0 to 1); Share its part of the evidence among the
	// company's people; Confidence the probability that it is the one meant.
	Score, Share, Confidence float64
}

// peopleAt scores each of a company's people for name, best first.
func (g graph) peopleAt(ctx context.Context, domain, name string) ([]PersonMatch, error) {
	rows, err := g.q.PersonListAtCompany(ctx, g.db, store.PersonListAtCompanyParams{
		CompanyDomain: &domain, MaxRows: maxPeopleCompared,
	})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	q := names.ParsePerson(name)
	out := make([]PersonMatch, len(rows))
	scores, priors := make([]float64, len(rows)), make([]float64, len(rows))
	for i, r := range rows {
		out[i] = PersonMatch{PersonID: r.PersonID, Score: names.ComparePeople(q, names.ParsePerson(r.FullName))}
		scores[i], priors[i] = out[i].Score, 1
	}
	cal := names.PersonCalibration
	for i, sh := range cal.Shares(scores, priors) {
		out[i].Share = sh
		out[i].Confidence = cal.Confidence(out[i].Score, sh)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out, nil
}

// personAt finds the person name means among a company's people, and the probability that
// it is them; nil when nobody scores names.PersonCalibration.Answer.
func (g graph) personAt(ctx context.Context, domain, name string) (*person, float64, error) {
	ms, err := g.peopleAt(ctx, domain, name)
	if err != nil || len(ms) == 0 || ms[0].Score <= 0 || ms[0].Score < names.PersonCalibration.Answer {
		return nil, 0, err
	}
	p, err := g.personByID(ctx, ms[0].PersonID)
	return p, ms[0].Confidence, err
}

// Matcher scores the graph's companies and people against names, as the resolvers do, for
// tools that measure the matching (make calibrate).
type Matcher struct{ g graph }

// NewMatcher returns a Matcher reading the graph from db.
func NewMatcher(db store.DBTX) Matcher { return Matcher{graph{db: db, q: store.New()}} }

// Companies returns every candidate company for name, best first, whatever its score.
func (m Matcher) Companies(ctx context.Context, name, country string) ([]CompanyMatch, error) {
	return m.g.companyCandidates(ctx, name, country, math.Inf(-1))
}

// People returns a company's people scored for name, best first.
func (m Matcher) People(ctx context.Context, domain, name string) ([]PersonMatch, error) {
	return m.g.peopleAt(ctx, domain, name)
}

// companyOf returns the company a person works at, if the graph has it.
func (g graph) companyOf(ctx context.Context, p *person) (*company, error) {
	if p == nil || p.CompanyDomain == nil {
		return nil, nil
	}
	return g.companyByDomain(ctx, *p.CompanyDomain)
}

// personFields returns the contract's person object, with the person's best email (work and
// verified first) and phone (verified mobile first).
func (g graph) personFields(ctx context.Context, p *person) (map[string]any, error) {
	emails, err := g.q.EmailListByPerson(ctx, g.db, p.PersonID)
	if err != nil {
		return nil, err
	}
	phones, err := g.q.PhoneListByPerson(ctx, g.db, p.PersonID)
	if err != nil {
		return nil, err
	}
	var email, phone *string
	if len(emails) > 0 {
		email = &emails[0].Email
	}
	if len(phones) > 0 {
		phone = &phones[0].Phone
	}
	return map[string]any{
		"fullName": p.FullName, "firstName": p.FirstName, "lastName": p.LastName, "title": p.Title,
		"seniority": p.Seniority, "email": email, "phone": phone, "linkedinUrl": p.LinkedInURL,
		"country": p.Country,
	}, nil
}
