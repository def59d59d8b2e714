package resolve

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	graphimport "github.com/openresolve/openresolve/internal/importer"
	"github.com/openresolve/openresolve/internal/tools/pgtest"
)

// TestTradeWordsInEnglish: a company's trade word said in English finds it ("Nordwind Energy"
// for Nordwind Energie GmbH, "Büttner Steel Construction" for Büttner Stahlbau GmbH), and
// another trade word does not.
func TestTradeWordsInEnglish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t, pgtest.NewDatabase(t))
	src, err := graphimport.NewCSV(strings.NewReader(`domain,name,country
nordwind-energie.de,Nordwind Energie GmbH,DE
nordwind-solar.de,Nordwind Solar GmbH,DE
buettner-stahlbau.de,Büttner Stahlbau GmbH,DE
rossi-costruzioni.it,Rossi Costruzioni S.r.l.,IT
sakura-kensetsu.co.jp,Sakura Kensetsu K.K.,JP
`))
	require.NoError(t, err)
	_, err = (&graphimport.Importer{Pool: pool}).Import(ctx, "companies", src)
	require.NoError(t, err)
	r := NewEnrichment(Deps{Graph: pool})
	for name, want := range map[string]string{
		"Nordwind Energy":                 "nordwind-energie.de",
		"Nordwind Energie":                "nordwind-energie.de",
		"Nordwind Solar":                  "nordwind-solar.de",
		"Büttner Steel Construction GmbH": "buettner-stahlbau.de",
		"Rossi Construction":              "rossi-costruzioni.it",
		"Sakura Construction Co., Ltd.":   "sakura-kensetsu.co.jp",
		"Büttner Glassworks":              "",
		"Rossi Insurance":                 "",
	} {
		res, m := resolveJSON(t, r, EnrichmentRequest{CompanyName: name})
		if want == "" {
			require.False(t, res.Found, "%s: %v", name, m["domain"])
			continue
		}
		require.True(t, res.Found, name)
		require.Equal(t, want, m["domain"], name)
		if name != "Nordwind Energie" && name != "Nordwind Solar" {
			require.Equal(t, "company_name_fuzzy", m["matchedBy"], name, "not the name as written")
		}
	}
}
