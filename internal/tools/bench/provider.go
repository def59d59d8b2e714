package bench

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/openresolve/openresolve/internal/tools/harness"
)

// ProviderLoad is linkedin-to-phone for profiles the graph does not hold, each found by an
// upstream provider that answers in providerDelay (a local server in People Data Labs' shape):
// the waterfall's cost beside GraphLoad, the same endpoint answered by the graph, in one run.
const (
	ProviderLoad = "linkedin-to-phone, through a provider"
	GraphLoad    = "linkedin-to-phone"
)

// providerDelay is how long the bench's provider takes to answer.
const providerDelay = 50 * time.Millisecond

// unknownProfile numbers the profiles of ProviderLoad across every phase of a run, so that none
// is asked twice (a second time the graph would answer it).
var unknownProfile atomic.Int64

func init() {
	Loads[GraphLoad] = harness.Only("linkedin-to-phone")
	Loads[ProviderLoad] = []harness.Request{{Path: "linkedin-to-phone", Body: func(int) map[string]any {
		return map[string]any{"linkedinUrl": fmt.Sprintf("linkedin.com/in/bench-unknown-%d", unknownProfile.Add(1))}
	}}}
}

// startProvider serves the Person Enrichment API after providerDelay, finding everyone with a
// mobile phone of their own, and writes the providers file that points at it into dir; it
// returns the environment that makes the processes ask it.
func startProvider(dir string) (env []string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	var n atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(providerDelay)
		i := n.Add(1)
		profile := r.URL.Query().Get("profile")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"status": 200, "likelihood": 9, "data": map[string]any{
			"full_name": "bench person", "linkedin_url": profile,
			// +1 212 2NN NNNN: valid North American numbers, a distinct one per answer.
			"mobile_phone": fmt.Sprintf("+1212%03d%04d", 200+(i/10000)%800, i%10000)}})
	})}
	go func() { _ = srv.Serve(ln) }()
	file := filepath.Join(dir, "providers.yaml")
	doc := fmt.Sprintf(`providers:
  - name: bench
    preset: peopledatalabs
    endpoints: [linkedin-to-phone]
    url: http://%s
    apiKeyEnv: BENCH_PROVIDER_KEY
    allowedNetworks: [127.0.0.0/8]
`, ln.Addr())
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		srv.Close()
		return nil, nil, err
	}
	return []string{"PROVIDERS_FILE=" + file, "BENCH_PROVIDER_KEY=bench"}, func() { srv.Close() }, nil
}
