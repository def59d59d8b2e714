package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/openresolve/openresolve/internal/providers"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/usage"
)

// ProviderStatus is one provider's line of `openresolve providers status --json`.
type ProviderStatus struct {
	Name      string   `json:"name"`
	Preset    string   `json:"preset"`
	Endpoints []string `json:"endpoints"`
	// Calls, Found and Errors count this UTC month's calls across every worker (as far as
	// RESOLUTION_RETENTION keeps the resolutions that made them).
	Calls  int64 `json:"calls"`
	Found  int64 `json:"found"`
	Errors int64 `json:"errors"`
	// BudgetLeft is the month's calls left; null without a budget.
	BudgetLeft *int64 `json:"budgetLeft"`
	// Circuit is closed, open (skipped until OpenUntil) or half-open (a trial call is due).
	Circuit   string     `json:"circuit"`
	Failures  int32      `json:"failuresInARow"`
	OpenUntil *time.Time `json:"openUntil,omitempty"`
}

var providersStatus = &command{
	name:     "providers status",
	synopsis: "[--json]",
	summary:  "each upstream provider's calls this month, found, errors, budget left, circuit",
	detail: "Reads the providers of PROVIDERS_FILE and their figures of this UTC month across every worker:\n" +
		"calls made, answers found, errors, the monthly budget left, and the circuit breaker's state\n" +
		"(open after 5 failed calls in a row, for 60 s, then one trial call). With --json it prints\n" +
		"one object: {\"month\", \"providers\": [{\"name\", \"preset\", \"endpoints\", \"calls\", \"found\",\n" +
		"\"errors\", \"budgetLeft\", \"circuit\", \"failuresInARow\", \"openUntil\"}]}.",
	run: func(s *session, ctx context.Context, args []string) error {
		fs := s.flags()
		asJSON := fs.Bool("json", false, "print one JSON object")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if s.cfg.ProvidersFile == "" {
			return errors.New("providers status: PROVIDERS_FILE is not set: no provider is asked")
		}
		ps, err := providers.Load(s.cfg.ProvidersFile, nil)
		if err != nil {
			return err
		}
		pool, err := s.db(ctx)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		month := usage.Month(now)
		rows, err := store.New().ProviderMonthOf(ctx, pool, month)
		if err != nil {
			return err
		}
		byName := map[string]store.ProviderMonthOfRow{}
		for _, r := range rows {
			byName[r.Provider] = r
		}
		circuits, err := store.New().ProviderCircuits(ctx, pool)
		if err != nil {
			return err
		}
		out := make([]ProviderStatus, len(ps))
		for i, p := range ps {
			m := byName[p.Name]
			st := ProviderStatus{Name: p.Name, Preset: p.Preset, Endpoints: p.Endpoints, Calls: m.Calls, Found: m.Found,
				Errors: m.Errors, Circuit: "closed"}
			if p.MonthlyBudget > 0 {
				left := max(0, p.MonthlyBudget-m.BudgetCalls)
				st.BudgetLeft = &left
			}
			for _, c := range circuits {
				if c.Provider != p.Name {
					continue
				}
				st.Failures = c.Failures
				switch {
				case c.OpenUntil == nil:
				case c.OpenUntil.After(now):
					st.Circuit, st.OpenUntil = "open", c.OpenUntil
				default:
					st.Circuit = "half-open"
				}
			}
			out[i] = st
		}
		if *asJSON {
			return json.NewEncoder(s.env.Stdout).Encode(map[string]any{"month": month.Format("2006-01"), "providers": out})
		}
		fmt.Fprintf(s.env.Stdout, "providers, %s (UTC month)\n\n", month.Format("2006-01"))
		tw := tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tPRESET\tCALLS\tFOUND\tERRORS\tBUDGET LEFT\tCIRCUIT")
		for _, p := range out {
			budget := "no budget"
			if p.BudgetLeft != nil {
				budget = strconv.FormatInt(*p.BudgetLeft, 10)
			}
			circuit := p.Circuit
			if p.OpenUntil != nil {
				circuit += " until " + p.OpenUntil.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", p.Name, p.Preset, p.Calls, p.Found, p.Errors, budget, circuit)
		}
		return tw.Flush()
	},
}
