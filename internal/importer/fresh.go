package importer

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/openresolve/openresolve/internal/store"
)

// The writers of a fresh bulk load (bulk.go): each batch goes straight into the copy of its
// table, with what the kind's merge (sql/import.sql) derives.

func freshEmails(ctx context.Context, tx pgx.Tx, rows []store.ImportEmailsStageParams) error {
	out := make([]store.GraphLoadEmailsCopyParams, len(rows))
	for i, r := range rows {
		out[i] = store.GraphLoadEmailsCopyParams{Email: r.Email, PersonID: r.PersonID, Type: r.Type,
			Verified: r.Verified}
	}
	_, err := store.New().GraphLoadEmailsCopy(ctx, tx, out)
	return err
}

func freshPhones(ctx context.Context, tx pgx.Tx, rows []store.ImportPhonesStageParams) error {
	out := make([]store.GraphLoadPhonesCopyParams, len(rows))
	for i, r := range rows {
		out[i] = store.GraphLoadPhonesCopyParams{Phone: r.Phone, PersonID: r.PersonID, Type: r.Type,
			Country: r.Country, Verified: r.Verified}
	}
	_, err := store.New().GraphLoadPhonesCopy(ctx, tx, out)
	return err
}

func freshNetworks(ctx context.Context, tx pgx.Tx, rows []store.ImportNetworksStageParams) error {
	out := make([]store.GraphLoadNetworksCopyParams, len(rows))
	for i, r := range rows {
		out[i] = store.GraphLoadNetworksCopyParams{CIDR: r.CIDR, CompanyDomain: r.CompanyDomain, Type: r.Type,
			ASN: r.ASN, ASOrg: r.ASOrg}
	}
	_, err := store.New().GraphLoadNetworksCopy(ctx, tx, out)
	return err
}

func freshObservations(ctx context.Context, tx pgx.Tx, rows []store.ImportIPObservationsStageParams) error {
	out := make([]store.GraphLoadIPObservationsCopyParams, len(rows))
	for i, r := range rows {
		out[i] = store.GraphLoadIPObservationsCopyParams{IP: r.IP, PersonID: r.PersonID, SeenAt: r.SeenAt}
	}
	_, err := store.New().GraphLoadIPObservationsCopy(ctx, tx, out)
	return err
}

func freshPeople(ctx context.Context, tx pgx.Tx, rows []store.ImportPeopleStageParams) error {
	domains, seen := []string{}, map[string]bool{}
	for _, r := range rows {
		if d := deref(r.CompanyDomain); d != "" && !seen[d] {
			seen[d] = true
			domains = append(domains, d)
		}
	}
	company := make(map[string]string, len(domains))
	if len(domains) > 0 {
		got, err := store.New().GraphLoadCompanyLeadWords(ctx, tx, domains)
		if err != nil {
			return err
		}
		for _, c := range got {
			company[c.Domain] = deref(c.LeadWords)
		}
	}
	out := make([]store.GraphLoadPeopleCopyParams, len(rows))
	for i, r := range rows {
		out[i] = store.GraphLoadPeopleCopyParams{PersonID: r.PersonID, FullName: r.FullName, FirstName: r.FirstName,
			LastName: r.LastName, Title: r.Title, Seniority: r.Seniority, CompanyDomain: r.CompanyDomain,
			LinkedInURL: r.LinkedInURL, Country: r.Country, Keywords: r.Keywords,
			LeadWords: leadWordsWith(r.OwnWords, company[deref(r.CompanyDomain)])}
	}
	_, err := store.New().GraphLoadPeopleCopy(ctx, tx, out)
	return err
}

// leadWordsWith is Postgres's lead_words_with: a person's own lead words and their company's.
func leadWordsWith(own, company string) string {
	if company == "" {
		return strings.TrimLeft(own, " ")
	}
	return strings.TrimLeft(own+" "+company, " ")
}

// leadWords gives people their own lead words, what lead_words_of makes of their title,
// keywords, country and seniority without their company's, which the people merge
// (lead_words_with) and freshPeople append. Postgres's lead_words_of is asked once for each
// title, keywords, country and seniority a lane meets (a vendor's file repeats them: the
// demo's batches of 20,000 people hold about 350), so to_tsvector stays Postgres's and the
// words are the ones a question is parsed into.
type leadWords struct {
	own map[ownKey]string // the own words, for the lane's last batches
}

// leadWordsRemembered bounds what a lane remembers: past it, it starts again.
const leadWordsRemembered = 100_000

func newLeadWords() *leadWords { return &leadWords{own: map[ownKey]string{}} }

// ownKey is what a person's own lead words are made of.
type ownKey struct{ title, keywords, country, seniority string }

func ownKeyOf(r store.ImportPeopleStageParams) ownKey {
	return ownKey{deref(r.Title), r.Keywords, deref(r.Country), deref(r.Seniority)}
}

// derivePeople sets each row's OwnWords.
func derivePeople(ctx context.Context, tx pgx.Tx, rows []store.ImportPeopleStageParams, w *leadWords) error {
	if len(w.own) > leadWordsRemembered {
		clear(w.own)
	}
	var ask store.GraphLoadLeadWordsParams
	asked := map[ownKey]bool{}
	for _, r := range rows {
		k := ownKeyOf(r)
		if _, ok := w.own[k]; ok || asked[k] {
			continue
		}
		asked[k] = true
		ask.Titles = append(ask.Titles, k.title)
		ask.Keywords = append(ask.Keywords, k.keywords)
		ask.Countries = append(ask.Countries, k.country)
		ask.Seniorities = append(ask.Seniorities, k.seniority)
	}
	if len(ask.Titles) > 0 {
		got, err := store.New().GraphLoadLeadWords(ctx, tx, ask)
		if err != nil {
			return err
		}
		for i, words := range got {
			w.own[ownKey{ask.Titles[i], ask.Keywords[i], ask.Countries[i], ask.Seniorities[i]}] = words
		}
	}
	for i := range rows {
		rows[i].OwnWords = w.own[ownKeyOf(rows[i])]
	}
	return nil
}
