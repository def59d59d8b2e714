package importer

import (
	"context"
	"encoding/hex"
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
	"github.com/openresolve/openresolve/internal/privacy"
	"github.com/openresolve/openresolve/internal/store"
)

// Kinds are the six record kinds of the identity graph, in the order an import of a whole
// graph takes them, and the suppression list (an opt-out file).
var Kinds = []string{"companies", "people", "emails", "phones", "networks", "ip_observations", "suppressions"}

// kind is how one kind of record is read and merged: convert validates and normalizes a
// record into its staging row; stage copies a batch of rows into the kind's staging table and
// merge moves the transaction's staged rows into the graph, returning how many it inserted
// and how many it skipped for a suppressed identifier
// (sql/import.sql). prepare, when set, runs first in each batch's transaction, and after
// last.
type kind[T any] struct {
	convert func(f fields, line int32) (T, error)
	stage   func(ctx context.Context, db store.DBTX, rows []T) (int64, error)
	merge   func(ctx context.Context, db store.DBTX) ([]int64, error)
	prepare func(ctx context.Context, tx pgx.Tx, rows []T) error
	after   func(ctx context.Context, tx pgx.Tx, rows []T) error
	// prepareBulk replaces prepare in a bulk load, and finishBulk runs once on the copies
	// (their names unqualified) after the last batch: what prepare keeps batch by batch
	// that can be made whole at the end.
	prepareBulk func(ctx context.Context, tx pgx.Tx, rows []T) error
	finishBulk  func(ctx context.Context, tx pgx.Tx) error
	// tables are what a bulk load of the kind copies and swaps: its graph table and the tables
	// prepare keeps in step with it; none for a kind that always upserts.
	tables []string
	// afterBulk does after a bulk load what after does for each batch of an upsert.
	afterBulk func(ctx context.Context, db store.DBTX) error
	// route names the natural key of a record as convert would normalize it, so that its
	// repeats go to the same lane (Importer.Lanes); nil keeps the kind in one lane.
	route func(f fields) string
	// derive, when set, completes a batch's rows with what the importer derives for the
	// merge (a person's own lead words), in the batch's transaction, before it is staged or
	// written fresh; words is what the lane remembers of it.
	derive func(ctx context.Context, tx pgx.Tx, rows []T, words *leadWords) error
	// fresh, when set, writes a batch straight into the copy of a fresh bulk load (bulk.go),
	// with what merge derives; key is a row's natural key, and dedupe keeps one row of each
	// key in the copy, the one merge would have kept.
	fresh  func(ctx context.Context, tx pgx.Tx, rows []T) error
	key    func(row T) string
	dedupe func(ctx context.Context, db store.DBTX) (int64, error)
}

// importer imports one kind, whatever its row type.
type importer interface {
	importFrom(ctx context.Context, im *Importer, src Source) (Result, error)
	graphTables() []string
}

func (k kind[T]) graphTables() []string { return k.tables }

// Tables are the graph's tables an import of kind writes, those a bulk load copies, indexes
// and swaps in; none for an unknown kind or the suppression list.
func Tables(kind string) []string {
	if k, ok := kinds[kind]; ok {
		return k.graphTables()
	}
	return nil
}

var kinds = func() map[string]importer {
	q := store.New()
	return map[string]importer{
		"companies": kind[store.ImportCompaniesStageParams]{
			convert: convertCompany, stage: q.ImportCompaniesStage, merge: q.ImportCompaniesMerge,
			prepare: indexCompanyTerms, after: refreshLeadWords, afterBulk: refreshAllLeadWords, route: routeDomain,
			prepareBulk: indexCompanyTexts, finishBulk: recountCompanyTerms,
			tables: []string{"companies", "company_terms", "company_term_texts", "company_term_variants"}},
		"people": kind[store.ImportPeopleStageParams]{
			convert: convertPerson, stage: q.ImportPeopleStage, merge: q.ImportPeopleMerge, tables: []string{"people"},
			route: routePerson, derive: derivePeople, fresh: freshPeople, dedupe: q.GraphLoadPeopleDedupe,
			key: func(r store.ImportPeopleStageParams) string { return r.PersonID }},
		"emails": kind[store.ImportEmailsStageParams]{
			convert: convertEmail, stage: q.ImportEmailsStage, merge: q.ImportEmailsMerge, tables: []string{"emails"},
			route: routeEmail, fresh: freshEmails, dedupe: q.GraphLoadEmailsDedupe,
			key: func(r store.ImportEmailsStageParams) string { return r.Email }},
		"phones": kind[store.ImportPhonesStageParams]{
			convert: convertPhone, stage: q.ImportPhonesStage, merge: q.ImportPhonesMerge, tables: []string{"phones"},
			route: routePerson, fresh: freshPhones, dedupe: q.GraphLoadPhonesDedupe,
			key: func(r store.ImportPhonesStageParams) string { return r.Phone + "\x00" + r.PersonID }},
		"networks": kind[store.ImportNetworksStageParams]{
			convert: convertNetwork, stage: q.ImportNetworksStage, merge: q.ImportNetworksMerge, tables: []string{"networks"},
			route: routeNetwork, fresh: freshNetworks, dedupe: q.GraphLoadNetworksDedupe,
			key: func(r store.ImportNetworksStageParams) string { return r.CIDR.String() }},
		"ip_observations": kind[store.ImportIPObservationsStageParams]{
			convert: convertObservation, stage: q.ImportIPObservationsStage, merge: q.ImportIPObservationsMerge,
			tables: []string{"ip_observations"}, route: routePerson, fresh: freshObservations,
			dedupe: q.GraphLoadIPObservationsDedupe,
			key:    func(r store.ImportIPObservationsStageParams) string { return r.IP.String() + "\x00" + r.PersonID }},
		"suppressions": kind[store.ImportSuppressionsStageParams]{
			convert: convertSuppression, stage: q.ImportSuppressionsStage, merge: q.ImportSuppressionsMerge},
	}
}()

// Routes: a phone or an IP observation has its person's id in its key, so the person's id
// routes it.
func routePerson(f fields) string { return f.get("person_id") }

func routeEmail(f fields) string {
	e, _ := normalize.Email(f.get("email"))
	return e
}

func routeDomain(f fields) string {
	d, _ := f.domain("domain", true)
	if d == nil {
		return ""
	}
	return *d
}

func routeNetwork(f fields) string {
	p, err := netip.ParsePrefix(f.get("cidr"))
	if err != nil {
		return ""
	}
	return p.Masked().String()
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

func convertCompany(f fields, line int32) (store.ImportCompaniesStageParams, error) {
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
		return store.ImportCompaniesStageParams{}, e.err
	}
	parsed := names.ParseCompany(name)
	if len(parsed.Terms()) == 0 {
		return store.ImportCompaniesStageParams{}, errors.New("name: has no letters or digits")
	}
	return store.ImportCompaniesStageParams{Line: line, Domain: *domain, Name: name, Aliases: aliases,
		NameTerms: names.CompanyTermsOf(parsed, aliases), LinkedInURL: linkedin, Address: address, City: city,
		Region: region, PostalCode: postal, Country: country, Employees: int32p(employees), Industry: industry,
		Description: description, Keywords: strings.Join(f.list("keywords"), "; "), Founded: int32p(founded)}, nil
}

func convertPerson(f fields, line int32) (store.ImportPeopleStageParams, error) {
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
		return store.ImportPeopleStageParams{}, e.err
	}
	name := ""
	switch {
	case full != nil:
		name = *full
	case first != nil || last != nil:
		name = strings.TrimSpace(deref(first) + " " + deref(last))
	default:
		return store.ImportPeopleStageParams{}, errors.New("full_name: required (or first_name and last_name)")
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
	return store.ImportPeopleStageParams{Line: line, PersonID: id, FullName: name, FirstName: first,
		LastName: last, Title: title, Seniority: seniority, CompanyDomain: company, LinkedInURL: linkedin,
		Country: country, Keywords: strings.Join(f.list("keywords"), "; ")}, nil
}

func convertEmail(f fields, line int32) (store.ImportEmailsStageParams, error) {
	email, err := normalize.Email(f.get("email"))
	if err != nil {
		// Personal data is not echoed into reports and logs.
		return store.ImportEmailsStageParams{}, errors.New("email: not a valid email address")
	}
	var e errs
	id, err := f.required("person_id", 200)
	e.check(err)
	typ, err := f.oneOf("type", "work", "work", "personal")
	e.check(err)
	verified, err := f.boolean("verified")
	e.check(err)
	if e.err != nil {
		return store.ImportEmailsStageParams{}, e.err
	}
	return store.ImportEmailsStageParams{Line: line, Email: email, PersonID: id, Type: typ, Verified: verified}, nil
}

func convertPhone(f fields, line int32) (store.ImportPhonesStageParams, error) {
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
		return store.ImportPhonesStageParams{}, e.err
	}
	number, country, err := normalize.Phone(f.get("phone"), deref(def))
	if err != nil {
		return store.ImportPhonesStageParams{}, errors.New("phone: not a valid phone number (numbers without + need a country)")
	}
	return store.ImportPhonesStageParams{Line: line, Phone: number, PersonID: id, Type: typ,
		Country: nonEmpty(country), Verified: verified}, nil
}

func convertNetwork(f fields, line int32) (store.ImportNetworksStageParams, error) {
	raw := f.get("cidr")
	p, err := netip.ParsePrefix(raw)
	if err != nil {
		return store.ImportNetworksStageParams{}, fmt.Errorf("cidr: %q is not a CIDR block", raw)
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
		return store.ImportNetworksStageParams{}, e.err
	}
	return store.ImportNetworksStageParams{Line: line, CIDR: p, CompanyDomain: company, Type: typ,
		ASN: asn, ASOrg: asOrg}, nil
}

func convertObservation(f fields, line int32) (store.ImportIPObservationsStageParams, error) {
	var none store.ImportIPObservationsStageParams
	ip, err := normalize.IP(f.get("ip"))
	if err != nil {
		return none, fmt.Errorf("ip: %q is not an IP address", f.get("ip"))
	}
	id, err := f.required("person_id", 200)
	if err != nil {
		return none, err
	}
	seen, err := time.Parse(time.RFC3339Nano, f.get("seen_at"))
	if err != nil {
		return none, fmt.Errorf("seen_at: %q is not an RFC 3339 time", f.get("seen_at"))
	}
	return store.ImportIPObservationsStageParams{Line: line, IP: ip, PersonID: id, SeenAt: seen}, nil
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

// convertSuppression reads one identifier of an opt-out list: the one column of email,
// linkedin_url, phone or hem (the sha256 of a normalized email) that is set. Only its hash is
// kept.
func convertSuppression(f fields, line int32) (store.ImportSuppressionsStageParams, error) {
	row := store.ImportSuppressionsStageParams{Line: line, Source: "import"}
	var set []string
	for _, c := range []string{"email", "linkedin_url", "phone", "hem"} {
		if f.get(c) != "" {
			set = append(set, c)
		}
	}
	if len(set) != 1 {
		return row, errors.New("exactly one of email, linkedin_url, phone and hem must be set")
	}
	if set[0] == "hem" {
		h, kind, err := normalize.HashedEmail(f.get("hem"))
		if err != nil || kind != "sha256" {
			return row, errors.New("hem: not the sha256 hex of an email")
		}
		row.Hash, _ = hex.DecodeString(h)
		row.Kind = privacy.Email
		return row, nil
	}
	kind := map[string]string{"email": privacy.Email, "linkedin_url": privacy.LinkedIn, "phone": privacy.Phone}[set[0]]
	v, err := privacy.Normalize(kind, f.get(set[0]), f.get("country"))
	if err != nil {
		// Personal data is not echoed into reports and logs.
		return row, fmt.Errorf("%s: %v", set[0], err)
	}
	row.Hash, row.Kind = privacy.Hash(v), kind
	return row, nil
}
