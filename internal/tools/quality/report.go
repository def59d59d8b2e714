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
			LinkedinURL *string `json:"linkedinUrl"`
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
	if cb.Person != nil && cb.Person.LinkedinURL != nil {
		a.person = *cb.Person.LinkedinURL
	} else {
		a.personNull = true
	}
}

// tally counts the answers of one kind of question.
type tally struct {
	questions, answered, right, high, highRight, errors int
}

func (t *tally) add(answered, right, high bool, err string) {
	t.questions++
	if err != "" {
		t.errors++
		return
	}
	if answered {
		t.answered++
		if right {
			t.right++
		}
		if high {
			t.high++
			if right {
				t.highRight++
			}
		}
	}
}

// Report is the outcome of a quality run, by group of questions and by kind.
type Report struct {
	Seed      uint64
	Companies int
	groups    map[string]*tally
	kinds     map[[2]string]*tally
}

func (r *Report) tallyOf(group, kind string) (*tally, *tally) {
	if r.groups == nil {
		r.groups, r.kinds = map[string]*tally{}, map[[2]string]*tally{}
	}
	if r.groups[group] == nil {
		r.groups[group] = &tally{}
	}
	k := [2]string{group, kind}
	if r.kinds[k] == nil {
		r.kinds[k] = &tally{}
	}
	return r.groups[group], r.kinds[k]
}

// add counts one answer. For person questions what counts is the person: answered when the
// callback names one, right when it is the labelled person at the labelled company.
func (r *Report) add(q labelled.Question, a answer) {
	g, k := r.tallyOf(q.Group, q.Kind)
	answered := a.status == "completed" && a.domain != ""
	right := answered && a.domain == q.WantDomain
	if strings.HasPrefix(q.Group, "person") {
		right = right && !a.personNull && a.person == labelled.PersonLinkedIn(q.WantPerson)
		answered = answered && !a.personNull
	}
	high := answered && a.confidence >= 0.9
	g.add(answered, right, high, a.err)
	k.add(answered, right, high, a.err)
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

// Print writes the report as Markdown: the headline measures, then each kind of question.
func (r *Report) Print(w io.Writer) {
	get := func(g string) tally {
		if t := r.groups[g]; t != nil {
			return *t
		}
		return tally{}
	}
	present, absent, dfp, dfa := get("present name"), get("absent name"), get("domain finder"), get("domain finder absent")
	li, dom, people, nobody := get("linkedin"), get("domain"), get("person"), get("person absent")
	var allHigh, allHighRight, errs int
	for name, t := range r.groups {
		if !strings.HasPrefix(name, "person") {
			allHigh += t.high
			allHighRight += t.highRight
		}
		errs += t.errors
	}
	fmt.Fprintf(w, "Labelled set of seed %d: %d companies; every question asked through the API and answered by a callback.\n\n", r.Seed, r.Companies)
	fmt.Fprintf(w, "| measure | value |\n|---|---|\n")
	fmt.Fprintf(w, "| right company among all answers at confidence ≥ 0.9 | %s (%d of %d) |\n", pct(allHighRight, allHigh), allHighRight, allHigh)
	fmt.Fprintf(w, "| right company for a variant of a present name (recall) | %s (%d of %d) |\n", pct(present.right, present.questions), present.right, present.questions)
	fmt.Fprintf(w, "| ... at confidence ≥ 0.9 | %s |\n", pct(present.highRight, present.questions))
	fmt.Fprintf(w, "| names absent from the graph answered `not_found` | %s (%d of %d answered) |\n", pct(absent.questions-absent.answered, absent.questions), absent.answered, absent.questions)
	fmt.Fprintf(w, "| organization domain finder, present names | %s (%d of %d) |\n", pct(dfp.right, dfp.questions), dfp.right, dfp.questions)
	fmt.Fprintf(w, "| organization domain finder, absent names answered `not_found` | %s |\n", pct(dfa.questions-dfa.answered, dfa.questions))
	fmt.Fprintf(w, "| LinkedIn URL and domain variants | %s (%d of %d) |\n", pct(li.right+dom.right, li.questions+dom.questions), li.right+dom.right, li.questions+dom.questions)
	fmt.Fprintf(w, "| right person at the company for a variant of their name (recall) | %s (%d of %d) |\n", pct(people.right, people.questions), people.right, people.questions)
	fmt.Fprintf(w, "| ... at confidence ≥ 0.9 | %s |\n", pct(people.highRight, people.questions))
	fmt.Fprintf(w, "| right person among person answers at ≥ 0.9 | %s (%d of %d) |\n", pct(people.highRight, people.high), people.highRight, people.high)
	fmt.Fprintf(w, "| people absent from the company answered with nobody | %s (%d of %d) |\n", pct(nobody.questions-nobody.answered, nobody.questions), nobody.questions-nobody.answered, nobody.questions)
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
		right := pct(t.right, t.questions)
		if strings.Contains(k[0], "absent") {
			right = "not_found " + pct(t.questions-t.answered, t.questions)
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %s | %s | %s |\n", k[0], k[1], t.questions, t.answered, right,
			pct(t.highRight, t.questions), pct(t.highRight, t.high))
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
