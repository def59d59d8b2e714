package graph

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/openresolve/openresolve/internal/names"
	"github.com/openresolve/openresolve/internal/normalize"
)

// Kinds are the six record kinds of the identity graph, in the order an import of a whole
// graph takes them.
var Kinds = []string{"companies", "people", "emails", "phones", "networks", "ip_observations"}

// spec says how one kind is staged and upserted.
type spec struct {
	// stage is the column list of the staging table, with types; line is added.
	stage string
	// columns are the staging columns convert fills, in order.
	columns []string
	// key is the natural key, for collapsing repeats within a batch: the last one wins, or the
	// first in order when order is set.
	key   string
	order string
	// convert validates and normalizes one record into the staging columns' values.
	convert func(fields) ([]any, error)
	// prepare, when set, runs in each batch's transaction before the upsert, with the batch's
	// converted rows.
	prepare func(ctx context.Context, tx pgx.Tx, rows [][]any) error
	// upsert moves the staging table's rows into the graph; it must end with
	// RETURNING (xmax = 0) AS inserted.
	upsert string
}

var specs = map[string]spec{
	"companies": {
		stage: `domain text, name text, aliases text[], name_terms text[], linkedin_url text,
			address text, city text, region text, postal_code text, country text, employees integer,
			industry text, description text, keywords text, founded integer`,
		columns: []string{"domain", "name", "aliases", "name_terms", "linkedin_url", "address", "city",
			"region", "postal_code", "country", "employees", "industry", "description", "keywords", "founded"},
		key:     "domain",
		convert: convertCompany,
		prepare: indexCompanyTerms,
		upsert: `INSERT INTO companies (domain, name, aliases, name_terms, linkedin_url, address, city,
				region, postal_code, country, employees, industry, description, keywords, founded)
			SELECT domain, name, aliases, name_terms, linkedin_url, address, city,
				region, postal_code, country, employees, industry, description, keywords, founded FROM src
			ON CONFLICT (domain) DO UPDATE SET name = excluded.name, aliases = excluded.aliases,
				name_terms = excluded.name_terms, linkedin_url = excluded.linkedin_url,
				address = excluded.address, city = excluded.city, region = excluded.region,
				postal_code = excluded.postal_code, country = excluded.country, employees = excluded.employees,
				industry = excluded.industry, description = excluded.description, keywords = excluded.keywords,
				founded = excluded.founded, updated_at = now()
			RETURNING (xmax = 0) AS inserted`,
	},
	"people": {
		stage: `person_id text, full_name text, first_name text, last_name text, title text,
			seniority text, company_domain text, linkedin_url text, country text, keywords text`,
		columns: []string{"person_id", "full_name", "first_name", "last_name", "title", "seniority",
			"company_domain", "linkedin_url", "country", "keywords"},
		key:     "person_id",
		convert: convertPerson,
		upsert: `INSERT INTO people (person_id, full_name, first_name, last_name, title, seniority,
				company_domain, linkedin_url, country, keywords)
			SELECT person_id, full_name, first_name, last_name, title, seniority,
				company_domain, linkedin_url, country, keywords FROM src
			ON CONFLICT (person_id) DO UPDATE SET full_name = excluded.full_name,
				first_name = excluded.first_name, last_name = excluded.last_name, title = excluded.title,
				seniority = excluded.seniority, company_domain = excluded.company_domain,
				linkedin_url = excluded.linkedin_url, country = excluded.country, keywords = excluded.keywords,
				updated_at = now()
			RETURNING (xmax = 0) AS inserted`,
	},
	"emails": {
		stage:   `email text, person_id text, type text, verified boolean, md5 text, sha1 text, sha256 text`,
		columns: []string{"email", "person_id", "type", "verified", "md5", "sha1", "sha256"},
		key:     "email",
		convert: convertEmail,
		upsert: `INSERT INTO emails (email, person_id, type, verified, md5, sha1, sha256)
			SELECT email, person_id, type, verified, md5, sha1, sha256 FROM src
			ON CONFLICT (email) DO UPDATE SET person_id = excluded.person_id, type = excluded.type,
				verified = excluded.verified
			RETURNING (xmax = 0) AS inserted`,
	},
	"phones": {
		stage:   `phone text, person_id text, type text, country text, verified boolean`,
		columns: []string{"phone", "person_id", "type", "country", "verified"},
		key:     "phone, person_id",
		convert: convertPhone,
		upsert: `INSERT INTO phones (phone, person_id, type, country, verified)
			SELECT phone, person_id, type, country, verified FROM src
			ON CONFLICT (phone, person_id) DO UPDATE SET type = excluded.type, country = excluded.country,
				verified = excluded.verified
			RETURNING (xmax = 0) AS inserted`,
	},
	"networks": {
		stage:   `cidr cidr, company_domain text, type text, asn bigint, as_org text`,
		columns: []string{"cidr", "company_domain", "type", "asn", "as_org"},
		key:     "cidr",
		convert: convertNetwork,
		upsert: `INSERT INTO networks (cidr, company_domain, type, asn, as_org)
			SELECT cidr, company_domain, type, asn, as_org FROM src
			ON CONFLICT (cidr) DO UPDATE SET company_domain = excluded.company_domain, type = excluded.type,
				asn = excluded.asn, as_org = excluded.as_org
			RETURNING (xmax = 0) AS inserted`,
	},
	"ip_observations": {
		stage:   `ip inet, person_id text, seen_at timestamptz`,
		columns: []string{"ip", "person_id", "seen_at"},
		key:     "ip, person_id",
		order:   "seen_at DESC",
		convert: convertObservation,
		upsert: `INSERT INTO ip_observations (ip, person_id, seen_at)
			SELECT ip, person_id, seen_at FROM src
			ON CONFLICT (ip, person_id) DO UPDATE SET seen_at = greatest(ip_observations.seen_at, excluded.seen_at)
			RETURNING (xmax = 0) AS inserted`,
	},
}

// fields reads one record's values.
type fields map[string]string

func (f fields) get(name string) string { return strings.TrimSpace(f[name]) }

// text returns an optional text value: nil when empty, an error when too long or not text.
func (f fields) text(name string, max int) (*string, error) {
	v := f.get(name)
	if v == "" {
		return nil, nil
	}
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max {
		return nil, fmt.Errorf("%s: longer than %d characters or not valid UTF-8", name, max)
	}
	return &v, nil
}

func (f fields) required(name string, max int) (string, error) {
	v, err := f.text(name, max)
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", fmt.Errorf("%s: required", name)
	}
	return *v, nil
}

func (f fields) integer(name string, lo, hi int64) (*int64, error) {
	v := strings.ReplaceAll(f.get(name), "_", "")
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return nil, fmt.Errorf("%s: %q is not a whole number from %d to %d", name, v, lo, hi)
	}
	return &n, nil
}

func (f fields) boolean(name string) (bool, error) {
	switch strings.ToLower(f.get(name)) {
	case "", "false", "f", "0", "no", "n":
		return false, nil
	case "true", "t", "1", "yes", "y":
		return true, nil
	default:
		return false, fmt.Errorf("%s: %q is not true or false", name, f.get(name))
	}
}

func (f fields) oneOf(name, def string, allowed ...string) (string, error) {
	v := strings.ToLower(f.get(name))
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", fmt.Errorf("%s: %q is not one of %s", name, v, strings.Join(allowed, ", "))
}

func (f fields) country(name string) (*string, error) {
	v := f.get(name)
	if v == "" {
		return nil, nil
	}
	c, ok := normalize.Country(v)
	if !ok {
		return nil, fmt.Errorf("%s: %q is not an ISO 3166-1 alpha-2 country code", name, v)
	}
	return &c, nil
}

func (f fields) domain(name string, required bool) (*string, error) {
	v := f.get(name)
	if v == "" {
		if required {
			return nil, fmt.Errorf("%s: required", name)
		}
		return nil, nil
	}
	d, err := normalize.Domain(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %q is not a domain name", name, v)
	}
	return &d, nil
}

// list splits a ";"-separated value into its trimmed, non-empty parts.
func (f fields) list(name string) []string {
	out := []string{}
	for _, p := range strings.Split(f.get(name), ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// errs collects the first error of a sequence of conversions.
type errs struct{ err error }

func (e *errs) check(err error) {
	if e.err == nil && err != nil {
		e.err = err
	}
}

func convertCompany(f fields) ([]any, error) {
	var e errs
	domain, err := f.domain("domain", true)
	e.check(err)
	name, err := f.required("name", 300)
	e.check(err)
	aliases := f.list("aliases")
	var linkedin *string
	if v := f.get("linkedin_url"); v != "" {
		c, err := normalize.LinkedInCompanyURL(v)
		if err != nil {
			e.check(fmt.Errorf("linkedin_url: %q is not a LinkedIn company URL", v))
		}
		linkedin = &c
	}
	address, err := f.text("address", 500)
	e.check(err)
	city, err := f.text("city", 200)
	e.check(err)
	region, err := f.text("region", 200)
	e.check(err)
	postal, err := f.text("postal_code", 40)
	e.check(err)
	country, err := f.country("country")
	e.check(err)
	employees, err := f.integer("employees", 0, 10_000_000)
	e.check(err)
	industry, err := f.text("industry", 200)
	e.check(err)
	description, err := f.text("description", 5000)
	e.check(err)
	founded, err := f.integer("founded", 1000, 2100)
	e.check(err)
	if e.err != nil {
		return nil, e.err
	}
	terms := names.CompanyTerms(name, aliases)
	if len(names.ParseCompany(name).Terms()) == 0 {
		return nil, errors.New("name: has no letters or digits")
	}
	return []any{*domain, name, aliases, terms, linkedin, address, city, region, postal, country,
		int32p(employees), industry, description, strings.Join(f.list("keywords"), "; "), int32p(founded)}, nil
}

func convertPerson(f fields) ([]any, error) {
	var e errs
	id, err := f.required("person_id", 200)
	e.check(err)
	full, err := f.text("full_name", 300)
	e.check(err)
	first, err := f.text("first_name", 150)
	e.check(err)
	last, err := f.text("last_name", 150)
	e.check(err)
	title, err := f.text("title", 300)
	e.check(err)
	seniority, err := f.text("seniority", 50)
	e.check(err)
	company, err := f.domain("company_domain", false)
	e.check(err)
	var linkedin *string
	if v := f.get("linkedin_url"); v != "" {
		c, err := normalize.LinkedInProfileURL(v)
		if err != nil {
			e.check(fmt.Errorf("linkedin_url: %q is not a LinkedIn profile URL", v))
		}
		linkedin = &c
	}
	country, err := f.country("country")
	e.check(err)
	if e.err != nil {
		return nil, e.err
	}
	name := ""
	switch {
	case full != nil:
		name = *full
	case first != nil || last != nil:
		name = strings.TrimSpace(deref(first) + " " + deref(last))
	default:
		return nil, errors.New("full_name: required (or first_name and last_name)")
	}
	if first == nil && last == nil {
		if parts := strings.Fields(name); len(parts) > 1 {
			first, last = &parts[0], &parts[len(parts)-1]
		}
	}
	if seniority != nil {
		s := strings.ToLower(*seniority)
		seniority = &s
	}
	return []any{id, name, first, last, title, seniority, company, linkedin, country,
		strings.Join(f.list("keywords"), "; ")}, nil
}

func convertEmail(f fields) ([]any, error) {
	email, err := normalize.Email(f.get("email"))
	if err != nil {
		// Personal data is not echoed into reports and logs.
		return nil, errors.New("email: not a valid email address")
	}
	var e errs
	id, err := f.required("person_id", 200)
	e.check(err)
	typ, err := f.oneOf("type", "work", "work", "personal")
	e.check(err)
	verified, err := f.boolean("verified")
	e.check(err)
	if e.err != nil {
		return nil, e.err
	}
	h := normalize.HashEmail(email)
	return []any{email, id, typ, verified, h.MD5, h.SHA1, h.SHA256}, nil
}

func convertPhone(f fields) ([]any, error) {
	var e errs
	id, err := f.required("person_id", 200)
	e.check(err)
	typ, err := f.oneOf("type", "mobile", "mobile", "direct", "office")
	e.check(err)
	verified, err := f.boolean("verified")
	e.check(err)
	def, err := f.country("country")
	e.check(err)
	if e.err != nil {
		return nil, e.err
	}
	number, country, err := normalize.Phone(f.get("phone"), deref(def))
	if err != nil {
		return nil, errors.New("phone: not a valid phone number (numbers without + need a country)")
	}
	return []any{number, id, typ, nonEmpty(country), verified}, nil
}

func convertNetwork(f fields) ([]any, error) {
	raw := f.get("cidr")
	p, err := netip.ParsePrefix(raw)
	if err != nil {
		return nil, fmt.Errorf("cidr: %q is not a CIDR block", raw)
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	p = p.Masked()
	var e errs
	company, err := f.domain("company_domain", false)
	e.check(err)
	typ, err := f.oneOf("type", "", "business", "isp", "hosting", "education", "government")
	e.check(err)
	if typ == "" {
		e.check(errors.New("type: required (business, isp, hosting, education or government)"))
	}
	asn, err := f.integer("asn", 0, 4294967295)
	e.check(err)
	asOrg, err := f.text("as_org", 300)
	e.check(err)
	if e.err != nil {
		return nil, e.err
	}
	return []any{p, company, typ, asn, asOrg}, nil
}

func convertObservation(f fields) ([]any, error) {
	ip, err := normalize.IP(f.get("ip"))
	if err != nil {
		return nil, fmt.Errorf("ip: %q is not an IP address", f.get("ip"))
	}
	id, err := f.required("person_id", 200)
	if err != nil {
		return nil, err
	}
	seen, err := time.Parse(time.RFC3339Nano, f.get("seen_at"))
	if err != nil {
		return nil, fmt.Errorf("seen_at: %q is not an RFC 3339 time", f.get("seen_at"))
	}
	return []any{ip, id, seen}, nil
}

func int32p(n *int64) *int32 {
	if n == nil {
		return nil
	}
	v := int32(*n)
	return &v
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
