package worker

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/metrics"
)

func TestServeMetrics(t *testing.T) {
	t.Parallel()
	var unhealthy error
	m := metrics.NewWorker()
	m.CallbackAttempts.WithLabelValues("delivered").Inc()
	addr, stop, err := serveMetrics("127.0.0.1:0", m.Handler(), func() error { return unhealthy },
		slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer stop()

	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/metrics")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `openresolve_callback_attempts_total{outcome="delivered"} 1`)
	code, body = get("/healthz")
	require.Equal(t, http.StatusOK, code)
	require.JSONEq(t, `{"status":"ok"}`, body)

	unhealthy = errors.New("the River client has stopped")
	code, body = get("/healthz")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body, "stopped")
}
