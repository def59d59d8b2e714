package config

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/callback"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFromEnvDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := FromEnv(env(nil))
	require.NoError(t, err)
	require.Equal(t, DefaultDatabaseURL, cfg.DatabaseURL)
	require.Equal(t, DefaultDatabaseURL, cfg.GraphURL(), "the graph is read from the main database by default")
	require.Equal(t, ":8080", cfg.APIAddr)
	require.Equal(t, callback.DefaultSchedule, cfg.CallbackRetrySchedule)
	require.Equal(t, 100.0, cfg.APIRateLimit)
	require.Empty(t, cfg.CallbackAllowedNetworks)
	require.Equal(t, slog.LevelInfo, cfg.LogLevel)
	require.Equal(t, "json", cfg.LogFormat)
	require.Equal(t, 720*time.Hour, cfg.Retention)
	require.Equal(t, "completed", cfg.QuotaCounts)
	require.Equal(t, 9600*time.Hour, cfg.UsageRetention)
	require.Equal(t, Default(), cfg, "an empty environment is the default configuration")
}

func TestFromEnv(t *testing.T) {
	t.Parallel()
	cfg, err := FromEnv(env(map[string]string{
		"DATABASE_URL": "postgres://x/y", "GRAPH_DATABASE_URL": "postgres://replica/y", "API_ADDR": "127.0.0.1:9999", "BOOTSTRAP_API_KEY": " k ",
		"CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8,::1", "CALLBACK_RETRY_SCHEDULE": "1s, 2s",
		"API_RATE_LIMIT": "0", "LOG_LEVEL": "debug", "LOG_FORMAT": "TEXT", "DNS_RESOLVER": "127.0.0.1:53",
		"WORKER_RESOLVE_CONCURRENCY": "7", "WORKER_CALLBACK_CONCURRENCY": "9", "RESOLUTION_RETENTION": "24h",
		"QUOTA_COUNTS": "accepted", "USAGE_RETENTION": "10000h",
	}))
	require.NoError(t, err)
	require.Equal(t, "postgres://x/y", cfg.DatabaseURL)
	require.Equal(t, "postgres://replica/y", cfg.GraphURL())
	require.Equal(t, "127.0.0.1:9999", cfg.APIAddr)
	require.Equal(t, "k", cfg.BootstrapAPIKey)
	require.Len(t, cfg.CallbackAllowedNetworks, 2)
	require.Equal(t, []time.Duration{time.Second, 2 * time.Second}, cfg.CallbackRetrySchedule)
	require.Equal(t, 0.0, cfg.APIRateLimit)
	require.Equal(t, slog.LevelDebug, cfg.LogLevel)
	require.Equal(t, "text", cfg.LogFormat)
	require.Equal(t, "127.0.0.1:53", cfg.DNSResolver)
	require.Equal(t, 7, cfg.ResolveWorkers)
	require.Equal(t, 9, cfg.CallbackWorkers)
	require.Equal(t, 24*time.Hour, cfg.Retention)
	require.Equal(t, "accepted", cfg.QuotaCounts)
	require.Equal(t, 10000*time.Hour, cfg.UsageRetention)
}

func TestFromEnvErrors(t *testing.T) {
	t.Parallel()
	for name, m := range map[string]map[string]string{
		"network":     {"CALLBACK_ALLOWED_NETWORKS": "nope"},
		"schedule":    {"CALLBACK_RETRY_SCHEDULE": "5"},
		"rate":        {"API_RATE_LIMIT": "-1"},
		"rate text":   {"API_RATE_LIMIT": "fast"},
		"level":       {"LOG_LEVEL": "loud"},
		"format":      {"LOG_FORMAT": "xml"},
		"retention":   {"RESOLUTION_RETENTION": "23h"},
		"retention 0": {"RESOLUTION_RETENTION": "0"},
		"concurrency": {"WORKER_RESOLVE_CONCURRENCY": "0"},
		"counts":      {"QUOTA_COUNTS": "found"},
		"usage days":  {"USAGE_RETENTION": "720h"},
		"usage text":  {"USAGE_RETENTION": "a year"},
	} {
		_, err := FromEnv(env(m))
		require.Error(t, err, name)
	}
}
