package quality

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/openresolve/openresolve/internal/tools/labelled"
)

// answer is what the callback of one question said.
type answer struct {
	asked      bool
	err        string
	status     string
	domain     string
	person     string // the answered person's LinkedIn profile
	personNull bool
	confidence float64
}

func (a *answer) parse(q labelled.Question, body []byte) {
	var cb struct {
		Status     string   `json:"status"`
		Domain     *string  `json:"domain"`
		Confidence *float64 `json:"confidence"`
		Person     *struct {
			LinkedInURL *string `json:"linkedinUrl"`
		} `json:"person"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		a.err = "callback is not JSON"
		return
	}
	a.status = cb.Status
	if cb.Domain != nil {
		a.domain = *cb.Domain
	}
	if cb.Confidence != nil {
		a.confidence = *cb.Confidence
	}
	if cb.Person != nil && cb.Person.LinkedInURL != nil {
		a.person = *cb.Person.LinkedInURL
	} else {
		a.personNull = true
	}
}

// Report is the outcome of a quality run, by group of questions and by kind.
type Report struct {
	Seed      uint64
	Companies int
	groups    map[string]*labelled.Tally
	kinds     map[[2]string]*labelled.Tally
}

// add counts one answer. For person questions what counts is the person: answered when the
// callback names one, right when it is the labelled person at the labelled company.
func (r *Report) add(q labelled.Question, a answer) {
	if r.groups == nil {
		r.groups, r.kinds = map[string]*labelled.Tally{}, map[[2]string]*labelled.Tally{}
	}
	g, k := labelled.TallyOf(r.groups, q.Group), labelled.TallyOf(r.kinds, [2]string{q.Group, q.Kind})
	answered := a.status == "completed" && a.domain != ""
	right := answered && a.domain == q.WantDomain
	if strings.HasPrefix(q.Group, "person") {
		right = right && !a.personNull && a.person == labelled.PersonLinkedIn(q.WantPerson)
		answered = answered && !a.personNull
	}
	high := answered && a.confidence >= 0.9
	for _, t := range []*labelled.Tally{g, k} {
		if a.err != "" {
			t.Fail()
		} else {
			t.Add(answered, right, high)
		}
	}
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

// Print writes the report as Markdown: the headline measures, then each kind of question.
func (r *Report) Print(w io.Writer) {
	get := func(g string) labelled.Tally {
		if t := r.groups[g]; t != nil {
			return *t
		}
		return labelled.Tally{}
	}
	present, absent, dfp, dfa := get("present name"), get("absent name"), get("domain finder"), get("domain finder absent")
	li, dom, people, nobody := get("linkedin"), get("domain"), get("person"), get("person absent")
	var allHigh, allHighRight, errs int
	for name, t := range r.groups {
		if !strings.HasPrefix(name, "person") {
			allHigh += t.High
			allHighRight += t.HighRight
		}
		errs += t.Errors
	}
	fmt.Fprintf(w, "Labelled set of seed %d: %d companies; every question asked through the API and answered by a callback.\n\n", r.Seed, r.Companies)
	fmt.Fprintf(w, "| measure | value |\n|---|---|\n")
	fmt.Fprintf(w, "| right company among all answers at confidence ≥ 0.9 | %s (%d of %d) |\n", pct(allHighRight, allHigh), allHighRight, allHigh)
	fmt.Fprintf(w, "| right company for a variant of a present name (recall) | %s (%d of %d) |\n", pct(present.Right, present.Questions), present.Right, present.Questions)
	fmt.Fprintf(w, "| ... at confidence ≥ 0.9 | %s |\n", pct(present.HighRight, present.Questions))
	fmt.Fprintf(w, "| names absent from the graph answered `not_found` | %s (%d of %d answered) |\n", pct(absent.Questions-absent.Answered, absent.Questions), absent.Answered, absent.Questions)
	fmt.Fprintf(w, "| organization domain finder, present names | %s (%d of %d) |\n", pct(dfp.Right, dfp.Questions), dfp.Right, dfp.Questions)
	fmt.Fprintf(w, "| organization domain finder, absent names answered `not_found` | %s |\n", pct(dfa.Questions-dfa.Answered, dfa.Questions))
	fmt.Fprintf(w, "| LinkedIn URL and domain variants | %s (%d of %d) |\n", pct(li.Right+dom.Right, li.Questions+dom.Questions), li.Right+dom.Right, li.Questions+dom.Questions)
	fmt.Fprintf(w, "| right person at the company for a variant of their name (recall) | %s (%d of %d) |\n", pct(people.Right, people.Questions), people.Right, people.Questions)
	fmt.Fprintf(w, "| ... at confidence ≥ 0.9 | %s |\n", pct(people.HighRight, people.Questions))
	fmt.Fprintf(w, "| right person among person answers at ≥ 0.9 | %s (%d of %d) |\n", pct(people.HighRight, people.High), people.HighRight, people.High)
	fmt.Fprintf(w, "| people absent from the company answered with nobody | %s (%d of %d) |\n", pct(nobody.Questions-nobody.Answered, nobody.Questions), nobody.Questions-nobody.Answered, nobody.Questions)
	if errs > 0 {
		fmt.Fprintf(w, "| questions that got no answer (errors) | %d |\n", errs)
	}
	fmt.Fprintf(w, "\n| group | kind of variant | questions | answered | right | right at ≥ 0.9 | precision at ≥ 0.9 |\n|---|---|---|---|---|---|---|\n")
	keys := make([][2]string, 0, len(r.kinds))
	for k := range r.kinds {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return groupOrder(keys[i][0]) < groupOrder(keys[j][0])
		}
		return keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		t := r.kinds[k]
		right := pct(t.Right, t.Questions)
		if strings.Contains(k[0], "absent") {
			right = "not_found " + pct(t.Questions-t.Answered, t.Questions)
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %s | %s | %s |\n", k[0], k[1], t.Questions, t.Answered, right,
			pct(t.HighRight, t.Questions), pct(t.HighRight, t.High))
	}
}

func groupOrder(g string) int {
	for i, x := range []string{"present name", "absent name", "domain finder", "domain finder absent", "person", "person absent", "linkedin", "domain"} {
		if x == g {
			return i
		}
	}
	return 99
}
