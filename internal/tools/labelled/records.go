package labelled

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// PersonLinkedIn is the LinkedIn profile the graph gives a generated person: answers name
// their person by it.
func PersonLinkedIn(id string) string { return "linkedin.com/in/" + strings.ReplaceAll(id, "_", "-") }

// WriteCompanies writes the graph's companies as the CSV `openresolve import companies` reads.
func (s Set) WriteCompanies(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"domain", "name", "aliases", "linkedin_url", "country", "employees"})
	for _, c := range s.Companies {
		_ = cw.Write([]string{c.Domain, c.Name, strings.Join(c.Aliases, ";"), c.LinkedIn, c.Country, strconv.Itoa(c.Employees)})
	}
	cw.Flush()
	return cw.Error()
}

// WritePeople writes the graph's people as the CSV `openresolve import people` reads.
func (s Set) WritePeople(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"person_id", "full_name", "first_name", "last_name", "company_domain", "linkedin_url", "country"})
	for _, c := range s.Companies {
		for _, p := range c.People {
			_ = cw.Write([]string{p.ID, p.FullName(), p.Given, p.Family, c.Domain, PersonLinkedIn(p.ID), c.Country})
		}
	}
	cw.Flush()
	return cw.Error()
}
