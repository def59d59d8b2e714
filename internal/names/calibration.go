package names

import (
	"math"
	"slices"
	"sort"
)

// Calibration turns a match's score into the probability that it is right, as measured on
// labelled queries (make calibrate fits it; make quality measures it on other queries).
//
// A resolver compares the query with each candidate (a score: Comparison.Score for companies,
// ComparePeople for people), then weighs each candidate against the others: its share is
// prior·exp(Sharpness·score) over the sum for all candidates, so two namesakes with one score
// share evenly and a clear winner keeps nearly all. The best candidate is answered when its
// score reaches Answer. Its confidence is the probability that a name scoring that much is
// this candidate's when nothing else comes close (Steps, measured), times its share.
type Calibration struct {
	Sharpness float64
	Answer    float64
	// Steps map a score to the share of right answers among unambiguous answers at that
	// score: the P of the last step whose From is at most the score, 0 below the first.
	Steps []Step
}

// Step is one step of a calibration: from raw value From upwards, the measured share of
// right answers, P.
type Step struct {
	From, P float64
}

// Shares returns each candidate's share of the evidence, given its score and a prior weight
// (1 for none; more for a candidate something else speaks for, such as its country).
func (c Calibration) Shares(scores, priors []float64) []float64 {
	out := make([]float64, len(scores))
	top := 0.0
	for _, s := range scores {
		top = max(top, s)
	}
	sum := 0.0
	for i, s := range scores {
		out[i] = priors[i] * math.Exp(c.Sharpness*(s-top))
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// Confidence returns the probability that a candidate with this score and share is right.
func (c Calibration) Confidence(score, share float64) float64 {
	i := sort.Search(len(c.Steps), func(i int) bool { return c.Steps[i].From > score })
	if i == 0 {
		return 0
	}
	return c.Steps[i-1].P * share
}

// unambiguous is the share above which an answer counts as having no rival, for fitting Steps.
const unambiguous = 0.95

// Sample is one labelled answer: its raw value and whether it was right.
type Sample struct {
	Raw   float64
	Right bool
}

// FitSteps fits the monotone step function that best predicts rightness from the raw value
// (isotonic regression by pool-adjacent-violators), every step holding at least minCount
// samples, each step's P the share right among its samples (at most 0.999). A step reaches
// highFloor only if, together with every step above it, the answers are right at least
// highPrecision of the time by the lower bound of a 95% Wilson interval: what is answered at
// highFloor or more is right that often.
func FitSteps(samples []Sample, minCount int, highFloor, highPrecision float64) []Step {
	s := append([]Sample(nil), samples...)
	sort.Slice(s, func(i, j int) bool { return s[i].Raw < s[j].Raw })
	type block struct {
		from       float64
		right, all float64
	}
	var blocks []block
	for _, x := range s {
		r := 0.0
		if x.Right {
			r = 1
		}
		blocks = append(blocks, block{x.Raw, r, 1})
		// Pool while the step would fall, or a block is too small to trust.
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.right/a.all < b.right/b.all && a.all >= float64(minCount) {
				break
			}
			blocks = blocks[:len(blocks)-2]
			blocks = append(blocks, block{a.from, a.right + b.right, a.all + b.all})
		}
	}
	// The last block may still be small: pool it into the one before.
	if n := len(blocks); n > 1 && blocks[n-1].all < float64(minCount) {
		a, b := blocks[n-2], blocks[n-1]
		blocks = append(blocks[:n-2], block{a.from, a.right + b.right, a.all + b.all})
	}
	// The lowest block from which up every answer taken together is precise enough.
	high := len(blocks)
	var right, all float64
	for i := len(blocks) - 1; i >= 0; i-- {
		right, all = right+blocks[i].right, all+blocks[i].all
		if wilsonLower(right, all) < highPrecision {
			break
		}
		high = i
	}
	steps := make([]Step, 0, len(blocks))
	for i, b := range blocks {
		p := math.Min(b.right/b.all, 0.999)
		if i < high && p >= highFloor {
			p = math.Nextafter(highFloor, 0)
		}
		p = math.Floor(p*1000) / 1000
		if n := len(steps); n > 0 && steps[n-1].P == p {
			continue // the same confidence as the step below: one step
		}
		steps = append(steps, Step{From: math.Round(b.from*1e4) / 1e4, P: p})
	}
	return steps
}

// wilsonLower is the lower bound of the 95% Wilson score interval of right successes in all.
func wilsonLower(right, all float64) float64 {
	if all == 0 {
		return 0
	}
	const z = 1.96
	p := right / all
	d := 1 + z*z/all
	c := p + z*z/(2*all)
	m := z * math.Sqrt(p*(1-p)/all+z*z/(4*all*all))
	return math.Max(0, (c-m)/d)
}

// Case is one labelled query for fitting a calibration: its candidates' scores and priors,
// and which candidate is the one meant (none, for a name that is in no graph).
type Case struct {
	Scores, Priors []float64
	Right          []bool
}

// FitStats describes a fitted calibration on the cases it was fitted on.
type FitStats struct {
	Cases, Absent, Present         int
	AbsentAnswered                 int // absent cases whose best candidate reached Answer
	PresentRight, PresentHighRight int // present cases answered right, and right at ≥ 0.9
	High, HighRight                int // answers at ≥ 0.9, and how many were right
}

// FitCalibration fits a calibration on labelled cases: Answer is the lowest score at which at
// most maxAbsent of the absent names would be answered; Sharpness the one of sharpnesses that
// gets most present names answered right at confidence 0.9 or more (then the lowest Brier
// score); Steps fitted by FitSteps on the unambiguous answers, so that what is answered at 0.9
// or more is right at least 99.5% of the time.
func FitCalibration(cases []Case, maxAbsent float64, sharpnesses []float64) (Calibration, FitStats) {
	var absentTops []float64
	for _, c := range cases {
		if !slices.Contains(c.Right, true) && len(c.Scores) > 0 {
			absentTops = append(absentTops, slices.Max(c.Scores))
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(absentTops)))
	answer := 0.0 // no lower, absent names or not: no more evidence for than against
	if allowed := int(maxAbsent * float64(len(absentTops))); allowed < len(absentTops) {
		answer = max(answer, absentTops[allowed])
	}
	answer = math.Floor(answer*1e4)/1e4 + 1e-4 // above that absent name's score, readably
	var best Calibration
	var bestStats FitStats
	bestBrier := math.Inf(1)
	for _, sharp := range sharpnesses {
		cal := Calibration{Sharpness: sharp, Answer: answer}
		var samples []Sample
		type pick struct {
			score, share  float64
			right, absent bool
		}
		picks := make([]pick, 0, len(cases))
		for _, c := range cases {
			if len(c.Scores) == 0 {
				picks = append(picks, pick{absent: !slices.Contains(c.Right, true)})
				continue
			}
			shares := cal.Shares(c.Scores, c.Priors)
			top := 0
			for i := range shares {
				if shares[i] > shares[top] {
					top = i
				}
			}
			p := pick{score: c.Scores[top], share: shares[top], right: c.Right[top], absent: !slices.Contains(c.Right, true)}
			picks = append(picks, p)
			if p.score >= answer && p.share >= unambiguous {
				samples = append(samples, Sample{Raw: p.score, Right: p.right})
			}
		}
		cal.Steps = FitSteps(samples, 40, 0.9, 0.995)
		var st FitStats
		brier := 0.0
		for _, p := range picks {
			st.Cases++
			if p.absent {
				st.Absent++
			} else {
				st.Present++
			}
			if p.share == 0 || p.score < answer {
				continue
			}
			conf := cal.Confidence(p.score, p.share)
			r := 0.0
			if p.right {
				r = 1
			}
			brier += (conf - r) * (conf - r)
			if p.absent {
				st.AbsentAnswered++
			}
			if p.right {
				st.PresentRight++
			}
			if conf >= 0.9 {
				st.High++
				if p.right {
					st.HighRight++
					st.PresentHighRight++
				}
			}
		}
		if st.PresentHighRight > bestStats.PresentHighRight || st.PresentHighRight == bestStats.PresentHighRight && brier < bestBrier {
			best, bestStats, bestBrier = cal, st, brier
		}
	}
	return best, bestStats
}
