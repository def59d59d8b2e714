package resolve

import (
	"context"

	"github.com/openresolve/openresolve/internal/normalize"
	"github.com/openresolve/openresolve/internal/store"
)

// Company-name matching. A wrong company is worse than none, so:
//
//   - An exact match of the normalized name (normalize.CompanyKey: case, punctuation, "&" and
//     legal forms ignored) has confidence ExactConfidence, an alias match AliasConfidence;
//     when k companies share the name, the one with most employees (then the smallest domain)
//     is chosen and every candidate gets the confidence divided by k.
//   - Otherwise trigram similarity of the normalized names must reach FuzzyThreshold; such a
//     match has a confidence from FuzzyMinConfidence up to FuzzyMaxConfidence with the
//     similarity, again divided among near-ties, and never reaches 0.9.
//
// The constants were chosen by TestCompanyNameMatchingPrecision, which measures precision and
// recall on variants of generated names (README, "How confident is confidence").
const (
	ExactConfidence    = 0.97
	AliasConfidence    = 0.93
	FuzzyThreshold     = 0.65
	FuzzyMinConfidence = 0.40
	FuzzyMaxConfidence = 0.85
	// fuzzyTie is how close in similarity two candidates must be to count as a tie.
	fuzzyTie = 0.05
)

// candidate is one company a name may mean.
type candidate struct {
	company    company
	confidence float64
	matchedBy  string
}

// matchCompanyName returns the companies name may mean, best first; country (ISO code or "")
// restricts them. It returns nothing rather than a poor guess.
func (g graph) matchCompanyName(ctx context.Context, name, country string) ([]candidate, error) {
	key := normalize.CompanyKey(name)
	if key == "" {
		return nil, nil
	}
	exact, err := g.q.CompanyListByNameKey(ctx, g.db, store.CompanyListByNameKeyParams{NameKey: key, Country: country})
	if err != nil {
		return nil, err
	}
	if len(exact) > 0 {
		out := make([]candidate, len(exact))
		for i, r := range exact {
			out[i] = candidate{company(r), ExactConfidence / float64(len(exact)), "company_name"}
		}
		return out, nil
	}
	alias, err := g.q.CompanyListByAliasKey(ctx, g.db, store.CompanyListByAliasKeyParams{NameKey: key, Country: country})
	if err != nil {
		return nil, err
	}
	if len(alias) > 0 {
		out := make([]candidate, len(alias))
		for i, r := range alias {
			out[i] = candidate{company(r), AliasConfidence / float64(len(alias)), "company_alias"}
		}
		return out, nil
	}
	similar, err := g.q.CompanyListBySimilarName(ctx, g.db, store.CompanyListBySimilarNameParams{NameKey: key, Country: country})
	if err != nil {
		return nil, err
	}
	var out []candidate
	ties := 0
	for _, r := range similar {
		if r.Similarity < FuzzyThreshold {
			break // ordered by similarity
		}
		if r.Similarity >= similar[0].Similarity-fuzzyTie {
			ties++
		}
		c := company{r.Domain, r.Name, r.LinkedinUrl, r.Address, r.City, r.Region, r.PostalCode,
			r.Country, r.Employees, r.Industry, r.Description, r.Founded}
		out = append(out, candidate{c, fuzzyConfidence(r.Similarity), "company_name_fuzzy"})
	}
	for i := range out {
		out[i].confidence /= float64(max(ties, 1))
	}
	return out, nil
}

// fuzzyConfidence maps a similarity in [FuzzyThreshold, 1] linearly onto
// [FuzzyMinConfidence, FuzzyMaxConfidence].
func fuzzyConfidence(sim float64) float64 {
	f := (sim - FuzzyThreshold) / (1 - FuzzyThreshold)
	return FuzzyMinConfidence + f*(FuzzyMaxConfidence-FuzzyMinConfidence)
}

// round2 keeps confidences readable.
func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }
