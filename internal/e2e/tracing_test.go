package e2e

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/openresolve/openresolve/internal/telemetry"
	"github.com/openresolve/openresolve/internal/tools/testkit"
)

// otlpCollector is an OTLP/HTTP trace receiver: it keeps the spans it is sent.
type otlpCollector struct {
	mu    sync.Mutex
	spans map[string][]string // span name → trace ids
	links map[string][]string // span name → trace ids of its links
	*httptest.Server
}

func newOTLPCollector(t *testing.T) *otlpCollector {
	c := &otlpCollector{spans: map[string][]string{}, links: map[string][]string{}}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req coltrace.ExportTraceServiceRequest
		if r.URL.Path != "/v1/traces" || proto.Unmarshal(body, &req) != nil {
			http.Error(w, "bad export", http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, sp := range ss.Spans {
					c.spans[sp.Name] = append(c.spans[sp.Name], string(sp.TraceId))
					for _, l := range sp.Links {
						c.links[sp.Name] = append(c.links[sp.Name], string(l.TraceId))
					}
				}
			}
		}
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		_, _ = w.Write(out)
	}))
	t.Cleanup(c.Close)
	return c
}

// TestTracing turns tracing on as OTEL_EXPORTER_OTLP_ENDPOINT does and checks that a request
// and the jobs worked for it reach a collector, each job's span linked to what started it.
func TestTracing(t *testing.T) {
	col := newOTLPCollector(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", col.URL)
	ctx := context.Background()
	tracing, err := telemetry.Setup(ctx, col.URL, "openresolve-test", "test")
	require.NoError(t, err)
	require.True(t, tracing.Enabled())

	s := newStack(t, stackOpts{tracing: tracing})
	rcv := testkit.NewReceiver(t)
	id := s.accept(rcv.URL, nil)
	s.waitCallbackState(id, "delivered", 10*time.Second)
	s.waitCallbackJobCompleted()
	require.NoError(t, tracing.Shutdown(ctx)) // flushes the batch

	col.mu.Lock()
	defer col.mu.Unlock()
	names := make([]string, 0, len(col.spans))
	for n := range col.spans {
		names = append(names, n)
	}
	require.Contains(t, col.spans, "POST /v1/email-to-hem", "spans: %v", names)
	require.Contains(t, col.spans, "river.work/resolve", "spans: %v", names)
	require.Contains(t, col.spans, "river.work/callback", "spans: %v", names)
	// The request's trace context travels in the job's metadata, and the resolve job's in the
	// callback job's (groups insert the jobs of many at once, outside any one's span).
	var meta string
	require.NoError(t, s.pool.QueryRow(ctx, `SELECT metadata->>'traceparent' FROM river_job WHERE kind = 'resolve'`).Scan(&meta))
	require.Regexp(t, `^00-[0-9a-f]{32}-[0-9a-f]{16}-01$`, meta)
	request := col.spans["POST /v1/email-to-hem"][0]
	require.Equal(t, request, string(mustHex(t, meta[3:35])), "the job carries the request's trace id")
	require.Equal(t, []string{request}, col.links["river.work/resolve"], "resolving links to the request")
	require.Equal(t, col.spans["river.work/resolve"], col.links["river.work/callback"], "delivering links to resolving")
	require.NotContains(t, col.spans, "GET /metrics")
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}
