// Package metrics defines OpenResolve's Prometheus metrics. Each process builds its own
// registry (API or worker), so tests can read what one server counted, and serves it at
// /metrics. Labels are endpoints, queues, outcomes and status codes: never anything a client
// sent.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/openresolve/openresolve/internal/store"
)

const namespace = "openresolve"

// latencyBuckets cover a millisecond to a minute: accepts take milliseconds, deliveries to
// slow receivers up to the 10 s timeout, end-to-end latency under retries much longer.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// newRegistry returns a registry holding the Go runtime and process collectors.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// handler serves reg in the Prometheus text format. A collector that fails leaves its metrics
// out rather than failing the scrape: during a database outage is when the rest matters most.
func handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, ErrorHandling: promhttp.ContinueOnError})
}

// API holds the API's metrics.
type API struct {
	Registry *prometheus.Registry
	// Requests counts answered requests by route (the pattern, such as /v1/enrichment),
	// method and status code.
	Requests *prometheus.CounterVec
	// AcceptDuration is the time to answer a resolution request, by endpoint and status.
	AcceptDuration *prometheus.HistogramVec
	// Accepted counts what usage counts as accepted, by endpoint: requests and batch items
	// stored (an Idempotency-Key repeat stores nothing). The workers count outcomes
	// (resolutions_total).
	Accepted *prometheus.CounterVec
	// QuotaExceeded counts requests and batches refused 429 quota_exceeded, by endpoint.
	QuotaExceeded *prometheus.CounterVec
}

// NewAPI registers the API's metrics, and the job counts and backlog of pool's River table
// for queues (each reported even when empty), in a new registry.
func NewAPI(pool *pgxpool.Pool, logger *slog.Logger, queues ...string) *API {
	reg := newRegistry()
	m := &API{
		Registry: reg,
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "http_requests_total",
			Help: "HTTP requests answered, by route, method and status code.",
		}, []string{"route", "method", "code"}),
		AcceptDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "accept_duration_seconds",
			Help:    "Time to answer a resolution request (202 only after the commit), by endpoint and status code.",
			Buckets: latencyBuckets,
		}, []string{"endpoint", "code"}),
	}
	m.Accepted = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "accepted_total",
		Help: "Requests and batch items accepted (stored with their job), by endpoint, as usage counts them.",
	}, []string{"endpoint"})
	m.QuotaExceeded = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "quota_exceeded_total",
		Help: "Requests and batches refused because their key's monthly quota had no room, by endpoint.",
	}, []string{"endpoint"})
	reg.MustRegister(m.Requests, m.AcceptDuration, m.Accepted, m.QuotaExceeded)
	if pool != nil {
		reg.MustRegister(&jobsCollector{pool: pool, logger: logger, queues: queues})
	}
	return m
}

// Handler serves the API's metrics.
func (m *API) Handler() http.Handler { return handler(m.Registry) }

// Worker holds a worker process's metrics.
type Worker struct {
	Registry *prometheus.Registry
	// Resolutions counts finished resolve jobs by endpoint and outcome (completed, not_found,
	// failed, or retry when a resolver error will be tried again).
	Resolutions *prometheus.CounterVec
	// ResolveDuration is the resolver's own time, by endpoint.
	ResolveDuration *prometheus.HistogramVec
	// CallbackAttempts counts delivery attempts by outcome: delivered, retry (failed, will be
	// tried again), failed (given up: 410 or the schedule exhausted).
	CallbackAttempts *prometheus.CounterVec
	// AttemptDuration is one delivery attempt's HTTP time, by outcome.
	AttemptDuration *prometheus.HistogramVec
	// DeliveryLatency is the time from the request's acceptance to its callback's delivery.
	DeliveryLatency prometheus.Histogram
	// Batches counts completed batches: every item finished, the batch's callback queued.
	Batches prometheus.Counter
	// ProviderCalls counts the upstream providers' calls by provider and outcome (found,
	// not_found, error); ProviderDuration is each call's time, retries included.
	ProviderCalls    *prometheus.CounterVec
	ProviderDuration *prometheus.HistogramVec
}

// ObserveProviderCall counts one call to an upstream provider.
func (m *Worker) ObserveProviderCall(provider, outcome string, took time.Duration) {
	m.ProviderCalls.WithLabelValues(provider, outcome).Inc()
	m.ProviderDuration.WithLabelValues(provider).Observe(took.Seconds())
}

// NewWorker registers a worker's metrics in a new registry.
func NewWorker() *Worker {
	reg := newRegistry()
	m := &Worker{
		Registry: reg,
		Resolutions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "resolutions_total",
			Help: "Resolve job runs by endpoint and outcome (completed, not_found, failed, retry).",
		}, []string{"endpoint", "outcome"}),
		ResolveDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "resolve_duration_seconds",
			Help: "Time a resolver took, by endpoint.", Buckets: latencyBuckets,
		}, []string{"endpoint"}),
		CallbackAttempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "callback_attempts_total",
			Help: "Callback delivery attempts by outcome (delivered, retry, failed).",
		}, []string{"outcome"}),
		AttemptDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "callback_attempt_duration_seconds",
			Help: "HTTP time of one callback delivery attempt, by outcome.", Buckets: latencyBuckets,
		}, []string{"outcome"}),
		DeliveryLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Name: "delivery_latency_seconds",
			Help:    "Time from a request's acceptance to the delivery of its callback.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 4 * 3600, 24 * 3600},
		}),
	}
	m.Batches = prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: "batches_completed_total",
		Help: "Batches whose items have all finished and whose callback is queued."})
	m.ProviderCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "provider_calls_total",
		Help: "Calls to upstream providers by provider and outcome (found, not_found, error)."}, []string{"provider", "outcome"})
	m.ProviderDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace,
		Name: "provider_call_duration_seconds", Help: "Time of one call to an upstream provider, retries included.",
		Buckets: latencyBuckets}, []string{"provider"})
	reg.MustRegister(m.Resolutions, m.ResolveDuration, m.CallbackAttempts, m.AttemptDuration, m.DeliveryLatency, m.Batches,
		m.ProviderCalls, m.ProviderDuration)
	return m
}

// Handler serves the worker's metrics.
func (m *Worker) Handler() http.Handler { return handler(m.Registry) }

// jobsCollector reports River's unfinished jobs by queue and state, and each queue's backlog,
// read when scraped from River's fetch index: what is live, however many finished jobs River
// keeps.
type jobsCollector struct {
	pool   *pgxpool.Pool
	logger *slog.Logger
	queues []string
}

var (
	jobsDesc = prometheus.NewDesc(namespace+"_jobs", "River's unfinished jobs by queue and state, counted at scrape time.",
		[]string{"queue", "state"}, nil)
	backlogDesc = prometheus.NewDesc(namespace+"_queue_backlog_age_seconds",
		"How long the oldest job ready to run in each queue has waited (0 when none waits): it grows when accepting outruns resolving or delivering.",
		[]string{"queue"}, nil)
	jobsUpDesc = prometheus.NewDesc(namespace+"_jobs_counted",
		"1 when openresolve_jobs could be counted at this scrape, 0 when the database did not answer.", nil, nil)
)

func (j *jobsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobsDesc
	ch <- backlogDesc
	ch <- jobsUpDesc
}

func (j *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	counts, backlog, err := j.read()
	if err != nil {
		j.logger.Warn("metrics: count River jobs", slog.Any("error", err))
		ch <- prometheus.MustNewConstMetric(jobsUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(jobsUpDesc, prometheus.GaugeValue, 1)
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
	for q, age := range backlog {
		ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, age, q)
	}
}

// read returns the number of jobs per queue and state, and each queue's backlog age, within a
// scrape's patience.
func (j *jobsCollector) read() (map[[2]string]int64, map[string]float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	q := store.New()
	rows, err := q.JobCountByQueueAndState(ctx, j.pool)
	if err != nil {
		return nil, nil, err
	}
	counts := make(map[[2]string]int64, len(rows))
	for _, r := range rows {
		counts[[2]string{r.Queue, r.State}] = r.Jobs
	}
	ages, err := q.JobBacklogAge(ctx, j.pool)
	if err != nil {
		return nil, nil, err
	}
	backlog := make(map[string]float64, len(j.queues)+len(ages))
	for _, queue := range j.queues {
		backlog[queue] = 0
	}
	for _, a := range ages {
		backlog[a.Queue] = max(a.AgeSeconds, 0)
	}
	return counts, backlog, nil
}
