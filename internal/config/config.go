// Package config reads OpenResolve's settings from the environment, once, in main. Everything
// below main receives the values it needs; nothing else reads the environment.
package config

import (
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/netguard"
)

// Version is the release, sent in the callback User-Agent. Set at build time with
// -ldflags "-X github.com/openresolve/openresolve/internal/config.Version=...".
var Version = "0.1.0-dev"

// MinRescueAfter is the shortest WORKER_RESCUE_AFTER, and its default: longer than any job
// runs while the database answers (worker.JobTimeout, 14 s). River's rescuer looks every
// 30 s, so a dead worker's jobs run again within about 50 s.
const MinRescueAfter = 15 * time.Second

// MinRetention is the shortest RESOLUTION_RETENTION: an Idempotency-Key stays usable for at
// least a day.
const MinRetention = 24 * time.Hour

// MinUsageRetention is the shortest USAGE_RETENTION, and its default: 400 days, so that a
// year's figures can be compared with the year before.
const MinUsageRetention = 9600 * time.Hour

// DefaultDatabaseURL is the project-local development database that scripts/devdb.sh runs.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:54329/openresolve?sslmode=disable"

// Config is every setting of the API, the worker and the CLI. Default gives every default;
// the environment overrides some (FromEnv), tests override any. Nothing below config applies
// a default of its own.
type Config struct {
	DatabaseURL string
	// GraphDatabaseURL is where resolvers read the identity graph: a read replica, say
	// (GRAPH_DATABASE_URL; empty for DatabaseURL, see GraphURL).
	GraphDatabaseURL        string
	APIAddr                 string
	BootstrapAPIKey         string
	CallbackAllowedNetworks []netip.Prefix
	CallbackRetrySchedule   []time.Duration
	APIRateLimit            float64
	DNSResolver             string
	LogLevel                slog.Level
	LogFormat               string

	// ResolveWorkers and CallbackWorkers are each worker process's concurrency per queue
	// (WORKER_RESOLVE_CONCURRENCY, WORKER_CALLBACK_CONCURRENCY). Resolving is short database
	// work; delivering mostly waits on receivers, so the callback queue gets more goroutines.
	ResolveWorkers  int
	CallbackWorkers int
	// Retention is how long finished resolutions (requests, results, delivery attempts) are
	// kept before the workers delete them (RESOLUTION_RETENTION, 720h, at least 24h so that
	// an Idempotency-Key stays usable for a day).
	Retention time.Duration
	// ProvidersFile names the upstream providers' YAML file (PROVIDERS_FILE; empty: none);
	// their secrets come from the variables it names (internal/providers).
	ProvidersFile string
	// QuotaCounts is what a key's quota counts (QUOTA_COUNTS): "completed", answers that
	// found something, or "accepted", every accepted request or batch item.
	QuotaCounts string
	// UsageRetention is how long daily usage figures are kept (USAGE_RETENTION, 9600h, at
	// least MinUsageRetention): they outlive the resolutions they count.
	UsageRetention time.Duration
	// JobRetention is how long River keeps completed jobs (WORKER_JOB_RETENTION, 10m): the
	// resolutions table is the record, so River's rows need only outlive a look at River UI.
	JobRetention time.Duration
	// MaxConns caps each process's connection pool (DATABASE_MAX_CONNS, 16). Measured on 2
	// cores, 12 connections accepted twice as much as 40: more backends than cores only adds
	// switching; raise it with a bigger Postgres.
	MaxConns int
	// PollOnly is for a DATABASE_URL through a transaction-mode pooler (PgBouncer), which can
	// hold neither a LISTEN nor a prepared statement across transactions
	// (DATABASE_POLL_ONLY=true; WORKER_POLL_ONLY is its old name): no process LISTENs, workers
	// poll for jobs, the API polls the API keys' change count, and statements are described
	// but never prepared by name (store.PoolConfig.NoPreparedStatements).
	PollOnly bool
	// PprofAddr, when set (PPROF_ADDR), serves net/http/pprof there, for profiling under load.
	PprofAddr string
	// RescueStuckJobsAfter is how long a job may run before River assumes its worker died and
	// runs it elsewhere (WORKER_RESCUE_AFTER, 15s, at least MinRescueAfter): every job's
	// whole run is shorter while the database answers, so a running job is not taken for a
	// dead one (after an outage, a rescued callback waits for its first run's record).
	RescueStuckJobsAfter time.Duration
	// WorkerMetricsAddr is where a worker serves /metrics and /healthz (WORKER_METRICS_ADDR;
	// off when empty).
	WorkerMetricsAddr string
	// RiverUIUser and RiverUIPassword guard River UI at /riverui on the API with HTTP basic
	// auth (RIVERUI_USER, RIVERUI_PASSWORD); River UI is off unless both are set.
	RiverUIUser     string
	RiverUIPassword string
	// OTLPEndpoint turns on OpenTelemetry tracing, exported over OTLP/HTTP
	// (OTEL_EXPORTER_OTLP_ENDPOINT; the exporter reads the other OTEL_* variables itself).
	OTLPEndpoint string

	// The settings below have no variable: their defaults are the product's, and tests
	// shorten them.

	// DBTimeout bounds the database work of one API request, so that an outage turns into a
	// 503 within that time instead of a hanging client.
	DBTimeout time.Duration
	// FetchCooldown is the shortest time between two fetches of one queue, and between two
	// notifications of the jobs a process inserts. River's default of 100 ms caps a queue at
	// MaxWorkers jobs per 100 ms and adds up to 100 ms to each step; 5 ms does neither.
	FetchCooldown time.Duration
	// NotifyCooldown is the shortest time between two notifications the API sends to wake the
	// workers for the jobs it inserted; River's 100 ms would add up to 100 ms to every
	// resolution.
	NotifyCooldown time.Duration
	// FetchPollInterval is how often queues are polled when no notification arrives: snoozed
	// callbacks, and every job in PollOnly mode, are found by polling.
	FetchPollInterval time.Duration
	// ResolveRetryBase is the wait before the second run of a failing resolver; it doubles
	// with each run, so a resolver that keeps failing is given up within about 15 s.
	ResolveRetryBase time.Duration
	// CallbackTimeout bounds one delivery attempt, from dialing to the end of the answer's
	// headers.
	CallbackTimeout time.Duration
	// SweepAge is how old a resolution must be before the sweep may fail it for want of a job:
	// far longer than a healthy resolution takes, so only orphans are swept.
	SweepAge time.Duration
}

// Default is the configuration with nothing set.
func Default() Config {
	return Config{
		DatabaseURL:           DefaultDatabaseURL,
		APIAddr:               ":8080",
		CallbackRetrySchedule: callback.DefaultSchedule,
		APIRateLimit:          100,
		LogLevel:              slog.LevelInfo,
		LogFormat:             "json",
		ResolveWorkers:        200,
		CallbackWorkers:       400,
		JobRetention:          10 * time.Minute,
		Retention:             720 * time.Hour,
		QuotaCounts:           "completed",
		UsageRetention:        MinUsageRetention,
		MaxConns:              16,
		RescueStuckJobsAfter:  MinRescueAfter,
		DBTimeout:             2 * time.Second,
		FetchCooldown:         5 * time.Millisecond,
		NotifyCooldown:        2 * time.Millisecond,
		FetchPollInterval:     time.Second,
		ResolveRetryBase:      time.Second,
		CallbackTimeout:       10 * time.Second,
		SweepAge:              10 * time.Minute,
	}
}

// FromEnv reads the configuration through getenv (os.Getenv in main, a map in tests): Default,
// with what the environment sets.
func FromEnv(getenv func(string) string) (Config, error) {
	cfg := Default()
	cfg.DatabaseURL = or(getenv("DATABASE_URL"), cfg.DatabaseURL)
	cfg.GraphDatabaseURL = strings.TrimSpace(getenv("GRAPH_DATABASE_URL"))
	cfg.APIAddr = or(getenv("API_ADDR"), cfg.APIAddr)
	cfg.BootstrapAPIKey = strings.TrimSpace(getenv("BOOTSTRAP_API_KEY"))
	cfg.DNSResolver = strings.TrimSpace(getenv("DNS_RESOLVER"))
	cfg.LogFormat = strings.ToLower(or(getenv("LOG_FORMAT"), cfg.LogFormat))
	cfg.PprofAddr = strings.TrimSpace(getenv("PPROF_ADDR"))
	cfg.WorkerMetricsAddr = strings.TrimSpace(getenv("WORKER_METRICS_ADDR"))
	cfg.RiverUIUser = strings.TrimSpace(getenv("RIVERUI_USER"))
	cfg.RiverUIPassword = getenv("RIVERUI_PASSWORD")
	cfg.OTLPEndpoint = strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))
	if (cfg.RiverUIUser == "") != (cfg.RiverUIPassword == "") {
		return Config{}, fmt.Errorf("RIVERUI_USER and RIVERUI_PASSWORD: set both to turn River UI on, or neither")
	}
	var err error
	if cfg.CallbackAllowedNetworks, err = netguard.ParsePrefixes(getenv("CALLBACK_ALLOWED_NETWORKS")); err != nil {
		return Config{}, fmt.Errorf("CALLBACK_ALLOWED_NETWORKS: %w", err)
	}
	if s := getenv("CALLBACK_RETRY_SCHEDULE"); strings.TrimSpace(s) != "" {
		if cfg.CallbackRetrySchedule, err = callback.ParseSchedule(s); err != nil {
			return Config{}, fmt.Errorf("CALLBACK_RETRY_SCHEDULE: %w", err)
		}
	}
	if s := strings.TrimSpace(getenv("API_RATE_LIMIT")); s != "" {
		if cfg.APIRateLimit, err = strconv.ParseFloat(s, 64); err != nil || cfg.APIRateLimit < 0 {
			return Config{}, fmt.Errorf("API_RATE_LIMIT: %q is not a non-negative number", s)
		}
	}
	if s := strings.TrimSpace(getenv("LOG_LEVEL")); s != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(s)); err != nil {
			return Config{}, fmt.Errorf("LOG_LEVEL: %w", err)
		}
	}
	if cfg.LogFormat != "json" && cfg.LogFormat != "text" {
		return Config{}, fmt.Errorf("LOG_FORMAT: %q is neither json nor text", cfg.LogFormat)
	}
	if s := strings.TrimSpace(getenv("WORKER_JOB_RETENTION")); s != "" {
		if cfg.JobRetention, err = time.ParseDuration(s); err != nil || cfg.JobRetention <= 0 {
			return Config{}, fmt.Errorf("WORKER_JOB_RETENTION: %q is not a positive duration", s)
		}
	}
	if s := strings.TrimSpace(getenv("RESOLUTION_RETENTION")); s != "" {
		if cfg.Retention, err = time.ParseDuration(s); err != nil || cfg.Retention < MinRetention {
			return Config{}, fmt.Errorf("RESOLUTION_RETENTION: %q is not a duration of at least 24h", s)
		}
	}
	cfg.ProvidersFile = strings.TrimSpace(getenv("PROVIDERS_FILE"))
	if s := strings.TrimSpace(getenv("QUOTA_COUNTS")); s != "" {
		if s != "completed" && s != "accepted" {
			return Config{}, fmt.Errorf("QUOTA_COUNTS: %q is neither completed nor accepted", s)
		}
		cfg.QuotaCounts = s
	}
	if s := strings.TrimSpace(getenv("USAGE_RETENTION")); s != "" {
		if cfg.UsageRetention, err = time.ParseDuration(s); err != nil || cfg.UsageRetention < MinUsageRetention {
			return Config{}, fmt.Errorf("USAGE_RETENTION: %q is not a duration of at least 9600h", s)
		}
	}
	for _, name := range []string{"WORKER_POLL_ONLY", "DATABASE_POLL_ONLY"} { // the new name wins
		if s := strings.TrimSpace(getenv(name)); s != "" {
			if cfg.PollOnly, err = strconv.ParseBool(s); err != nil {
				return Config{}, fmt.Errorf("%s: %q is not true or false", name, s)
			}
		}
	}
	if s := strings.TrimSpace(getenv("WORKER_RESCUE_AFTER")); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < MinRescueAfter {
			return Config{}, fmt.Errorf("WORKER_RESCUE_AFTER: %q is not a duration of at least %s", s, MinRescueAfter)
		}
		cfg.RescueStuckJobsAfter = d
	}
	for name, dst := range map[string]*int{
		"WORKER_RESOLVE_CONCURRENCY":  &cfg.ResolveWorkers,
		"WORKER_CALLBACK_CONCURRENCY": &cfg.CallbackWorkers,
		"DATABASE_MAX_CONNS":          &cfg.MaxConns,
	} {
		if s := strings.TrimSpace(getenv(name)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return Config{}, fmt.Errorf("%s: %q is not a positive integer", name, s)
			}
			*dst = n
		}
	}
	return cfg, nil
}

// GraphURL is where the identity graph is read: GraphDatabaseURL, or DatabaseURL when that is
// empty.
func (c Config) GraphURL() string {
	if c.GraphDatabaseURL == "" {
		return c.DatabaseURL
	}
	return c.GraphDatabaseURL
}

// NewLogger returns the process logger writing to w in the configured format and level.
func (c Config) NewLogger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}
