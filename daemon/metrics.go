package daemon

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"wirefeed/aggregator"
)

// metrics are the Prometheus metrics served at /metrics. Each daemon has
// its own registry (no global state).
type metrics struct {
	registry *prometheus.Registry
	fetches  *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	items    *prometheus.CounterVec
	requests *prometheus.CounterVec
	renders  *prometheus.CounterVec

	// requestCounters caches requests' counters by requestLabel: a request
	// then costs one map read and an atomic add, not a label hash and a
	// formatted status code.
	requestCounters sync.Map

	// pulls and notModified count fetches that reached the partner, and
	// those it answered "not modified", for the 304 ratio.
	pulls, notModified atomic.Int64
}

func newMetrics(dbBytes func() float64, leading func() bool) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirefeed_fetches_total",
			Help: "Fetch attempts by source and outcome (ok, not_modified, error, deferred, disabled, paused, skipped).",
		}, []string{"source", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wirefeed_fetch_duration_seconds",
			Help:    "Time taken by fetches that reached the partner, by source.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}, []string{"source"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirefeed_items_total",
			Help: "Items fetched by source and what became of them (new; duplicate: new to the source, another partner's story already stored; updated; unchanged).",
		}, []string{"source", "result"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirefeed_http_requests_total",
			Help: "HTTP requests served, by kind (feed, page, status, health, other) and status code; 304s are cache hits of the client.",
		}, []string{"kind", "code"}),
		renders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wirefeed_feed_cache_total",
			Help: "Feed requests by how the server answered them: hit (a cached rendering), shared (a rendering in progress) or render.",
		}, []string{"outcome"}),
	}
	notModifiedRatio := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wirefeed_fetch_not_modified_ratio",
		Help: "Share of fetches since start that the partner answered 304 or with an unchanged body: nothing parsed or written.",
	}, func() float64 {
		if n := m.pulls.Load(); n > 0 {
			return float64(m.notModified.Load()) / float64(n)
		}
		return 0
	})
	dbSize := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wirefeed_db_size_bytes",
		Help: "Size of the database: the SQLite file and its write-ahead log, or the PostgreSQL database.",
	}, dbBytes)
	leader := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wirefeed_scheduler_leader",
		Help: "1 while this daemon holds the scheduler lease and pulls partners on schedule; 0 while another daemon on the database does.",
	}, func() float64 {
		if leading() {
			return 1
		}
		return 0
	})
	m.registry.MustRegister(m.fetches, m.latency, m.items, m.requests, m.renders, notModifiedRatio, dbSize, leader,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe records one fetch report.
func (m *metrics) observe(rep aggregator.Report) {
	outcome := "ok"
	switch {
	case rep.Skipped:
		outcome = "skipped"
	case rep.Paused:
		outcome = "paused"
	case rep.Deferred:
		outcome = "deferred"
	case rep.Disabled && rep.Err == nil:
		outcome = "disabled"
	case rep.Err != nil:
		outcome = "error"
	case rep.NotModified:
		outcome = "not_modified"
	}
	m.fetches.WithLabelValues(rep.Source, outcome).Inc()
	if outcome == "ok" || outcome == "not_modified" || outcome == "error" {
		m.latency.WithLabelValues(rep.Source).Observe(rep.Took.Seconds())
		m.pulls.Add(1)
		if rep.NotModified {
			m.notModified.Add(1)
		}
	}
	for result, n := range map[string]int{"new": rep.New - rep.Duplicates, "duplicate": rep.Duplicates,
		"updated": rep.Updated, "unchanged": rep.Unchanged} {
		if n > 0 {
			m.items.WithLabelValues(rep.Source, result).Add(float64(n))
		}
	}
}

// observeCache counts how a feed request was served.
func (m *metrics) observeCache(outcome string) { m.renders.WithLabelValues(outcome).Inc() }

// handler serves the metrics in Prometheus' text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// requestLabel is the label pair of a counted HTTP response.
type requestLabel struct {
	kind string
	code int
}

// countRequest records one HTTP response by kind and status.
func (m *metrics) countRequest(kind string, code int) {
	key := requestLabel{kind, code}
	c, ok := m.requestCounters.Load(key)
	if !ok {
		c, _ = m.requestCounters.LoadOrStore(key, m.requests.WithLabelValues(kind, strconv.Itoa(code)))
	}
	c.(prometheus.Counter).Inc()
}
