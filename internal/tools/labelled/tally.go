package labelled

// Tally counts the answers to one kind of question: how many were asked, answered (not
// not_found), answered rightly, answered at confidence ≥ 0.9 (High), and rightly so; Errors
// counts questions that got no answer at all.
type Tally struct {
	Questions, Answered, Right, High, HighRight, Errors int
}

// Add counts one answer.
func (t *Tally) Add(answered, right, high bool) {
	t.Questions++
	if !answered {
		return
	}
	t.Answered++
	if right {
		t.Right++
	}
	if high {
		t.High++
		if right {
			t.HighRight++
		}
	}
}

// Fail counts a question that got no answer.
func (t *Tally) Fail() {
	t.Questions++
	t.Errors++
}

// TallyOf returns m's tally for k, adding an empty one when there is none.
func TallyOf[K comparable](m map[K]*Tally, k K) *Tally {
	if m[k] == nil {
		m[k] = &Tally{}
	}
	return m[k]
}
