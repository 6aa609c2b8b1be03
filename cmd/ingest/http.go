package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vigil-ops/vigil/pipeline/ingest"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
)

// service is what the HTTP endpoints read: [ingest.Service], or a fake in
// tests. Both methods must be safe for concurrent use.
type service interface {
	Health() map[string]ingest.Health
	Stats() ingest.Snapshot
}

// httpShutdownGrace is how long in-flight requests get once serving stops.
const httpShutdownGrace = 2 * time.Second

// newHandler serves the health checks and the metrics of svc:
//
//   - GET /health: 200 when every part is OK, else 503 naming the
//     failing parts; each part reads "connected" or its error.
//   - GET /health/{part} ("kafka", "database", as svc names them): 200
//     {"status":"connected"}, or 503 with the error and since when.
//   - GET /metrics: Prometheus text exposition; each scrape takes one
//     [service.Stats] snapshot, which hands out the flush durations once.
//   - GET / and GET /api/report: the live page and its JSON, when svc is
//     a [liveService] (see [liveService.registerLive]).
//
// more are further collectors (the incident outputs'). Other paths get
// 404 and other methods 405 (HEAD is served as GET).
// The handler is safe for concurrent use.
func newHandler(svc service, more ...prometheus.Collector) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newStatsCollector(svc),
	)
	reg.MustRegister(more...)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeOverall(w, svc.Health())
	})
	mux.HandleFunc("GET /health/{part}", func(w http.ResponseWriter, r *http.Request) {
		h, ok := svc.Health()[r.PathValue("part")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		writePart(w, h)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	if l, ok := svc.(liveService); ok {
		l.registerLive(mux)
	}
	return mux
}

// writeOverall answers GET /health. Parts come in name order, so the
// body does not depend on map iteration.
func writeOverall(w http.ResponseWriter, parts map[string]ingest.Health) {
	names := slices.Sorted(maps.Keys(parts))
	var failing []string
	for _, name := range names {
		if !parts[name].OK {
			failing = append(failing, name)
		}
	}
	// Fixed keys first, then one key per part: a map would sort "status"
	// after "database".
	var b bytes.Buffer
	status, code := "ok", http.StatusOK
	if len(failing) > 0 {
		status, code = "degraded", http.StatusServiceUnavailable
	}
	b.WriteString(`{"status":`)
	appendJSON(&b, status)
	if len(failing) > 0 {
		b.WriteString(`,"failing":`)
		appendJSON(&b, failing)
	}
	for _, name := range names {
		b.WriteByte(',')
		appendJSON(&b, name)
		b.WriteByte(':')
		appendJSON(&b, partState(parts[name]))
	}
	b.WriteString("}\n")
	writeJSON(w, code, b.Bytes())
}

// partState is "connected" for a working part, else its error.
func partState(h ingest.Health) string {
	if h.OK {
		return "connected"
	}
	if h.Error == "" {
		return "failing"
	}
	return h.Error
}

// partBody is the body of GET /health/{part}.
type partBody struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// Since is RFC 3339 in UTC; empty when the part never failed.
	Since string `json:"since,omitempty"`
}

// writePart answers GET /health/{part}.
func writePart(w http.ResponseWriter, h ingest.Health) {
	if h.OK {
		writeJSON(w, http.StatusOK, marshal(partBody{Status: "connected"}))
		return
	}
	body := partBody{Status: "degraded", Error: partState(h)}
	if !h.Since.IsZero() {
		body.Since = h.Since.UTC().Format(time.RFC3339)
	}
	writeJSON(w, http.StatusServiceUnavailable, marshal(body))
}

func writeJSON(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(body) // The client went away: nothing to do.
}

// appendJSON appends v as JSON; v is a string or a []string, which
// always marshal.
func appendJSON(b *bytes.Buffer, v any) {
	out, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("BUG: cannot marshal %T: %v", v, err))
	}
	b.Write(out)
}

func marshal(body partBody) []byte {
	var b bytes.Buffer
	appendJSON(&b, body)
	b.WriteByte('\n')
	return b.Bytes()
}

// Descriptions of the metrics statsCollector exports.
var (
	linesDesc = prometheus.NewDesc("vigil_ingest_lines_consumed_total",
		"Log lines consumed from Kafka, counted or rejected, by topic and partition.",
		[]string{"topic", "partition"}, nil)
	bytesDesc = prometheus.NewDesc("vigil_ingest_bytes_consumed_total",
		"Bytes of Kafka message values consumed, by topic and partition.",
		[]string{"topic", "partition"}, nil)
	rejectsDesc = prometheus.NewDesc("vigil_ingest_parse_failures_total",
		"Log lines rejected instead of counted, by reason.",
		[]string{"reason"}, nil)
	lagDesc = prometheus.NewDesc("vigil_ingest_consumer_lag",
		"Consumer lag in messages of each partition assigned now, as of its last fetch: messages in the partition past the last one read. Absent until the partition's first message.",
		[]string{"topic", "partition"}, nil)
	flushesDesc = prometheus.NewDesc("vigil_ingest_flushes_total",
		"Flush transactions to PostgreSQL that committed.",
		nil, nil)
	flushFailuresDesc = prometheus.NewDesc("vigil_ingest_flush_failures_total",
		"Flush transactions to PostgreSQL that failed.",
		nil, nil)
	eventsDesc = prometheus.NewDesc("vigil_ingest_incident_events_total",
		"Incident events detected, by severity and event type.",
		[]string{"severity", "event"}, nil)
	deadLettersDesc = prometheus.NewDesc("vigil_ingest_dead_letters_total",
		"Rejected messages given to the dead-letter topic, by outcome: sent (written), dropped (queue full), failed (write failed). Absent without --dead-letter-topic.",
		[]string{"outcome"}, nil)
	deadLetterQueueDesc = prometheus.NewDesc("vigil_ingest_dead_letter_queue",
		"Rejected messages waiting for their write to the dead-letter topic.",
		nil, nil)
	healthDesc = prometheus.NewDesc("vigil_ingest_health",
		"Whether each part of the service works: 1 when it does, 0 while its last attempt failed.",
		[]string{"part"}, nil)
)

// statsCollector exports one [service.Stats] snapshot per scrape, and
// the flush durations it hands out through a histogram. Collect is safe
// for concurrent use: each snapshot's durations are observed exactly
// once, by the scrape that took it.
type statsCollector struct {
	svc          service
	flushSeconds prometheus.Histogram
}

func newStatsCollector(svc service) *statsCollector {
	return &statsCollector{
		svc: svc,
		flushSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "vigil_ingest_flush_duration_seconds",
			Help: "Duration in seconds of the flush transactions to PostgreSQL that committed.",
			// 1 ms … 32.8 s: a flush is one COPY and a commit.
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}),
	}
}

// Describe sends the descriptions of every metric Collect sends.
func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{linesDesc, bytesDesc, rejectsDesc, lagDesc, flushesDesc, flushFailuresDesc, eventsDesc, deadLettersDesc, deadLetterQueueDesc, healthDesc} {
		ch <- d
	}
	ch <- c.flushSeconds.Desc()
}

// Collect takes one snapshot and sends its metrics. The histogram is
// sent by this collector, after the snapshot's durations are observed:
// registered apart, it could be collected before them.
func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	snap := c.svc.Stats()
	for _, s := range snap.FlushSeconds {
		c.flushSeconds.Observe(s)
	}
	sendPartitions(ch, linesDesc, snap.Lines)
	sendPartitions(ch, bytesDesc, snap.Bytes)
	for reason, n := range snap.Rejects {
		ch <- prometheus.MustNewConstMetric(rejectsDesc, prometheus.CounterValue, float64(n), reason)
	}
	for tp, lag := range snap.Lag {
		if lag >= 0 { // -1: unknown yet.
			ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(lag), tp.Topic, strconv.Itoa(tp.Partition))
		}
	}
	ch <- prometheus.MustNewConstMetric(flushesDesc, prometheus.CounterValue, float64(snap.Flushes))
	ch <- prometheus.MustNewConstMetric(flushFailuresDesc, prometheus.CounterValue, float64(snap.FlushFailures))
	for k, n := range snap.Events {
		ch <- prometheus.MustNewConstMetric(eventsDesc, prometheus.CounterValue, float64(n), k.Severity.String(), string(k.Type))
	}
	if dl := snap.DeadLetter; dl != nil {
		for outcome, n := range map[string]uint64{"sent": dl.Sent, "dropped": dl.Dropped, "failed": dl.Failed} {
			ch <- prometheus.MustNewConstMetric(deadLettersDesc, prometheus.CounterValue, float64(n), outcome)
		}
		ch <- prometheus.MustNewConstMetric(deadLetterQueueDesc, prometheus.GaugeValue, float64(dl.Queued))
	}
	for part, h := range c.svc.Health() {
		ch <- prometheus.MustNewConstMetric(healthDesc, prometheus.GaugeValue, boolValue(h.OK), part)
	}
	ch <- c.flushSeconds
}

func sendPartitions(ch chan<- prometheus.Metric, d *prometheus.Desc, counts map[kafkasrc.TopicPartition]uint64) {
	for tp, n := range counts {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(n), tp.Topic, strconv.Itoa(tp.Partition))
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// serveHTTP serves h on addr until ctx is done, then stops: requests in
// flight get [httpShutdownGrace] to finish before their connections are
// closed. It returns at once the error of listening (a taken port), and
// otherwise nil after a clean stop, the error that stopped serving, or
// the shutdown's error when requests outlived the grace. logf gets the
// listening address and the server's own errors.
func serveHTTP(ctx context.Context, addr string, h http.Handler, logf func(string, ...any)) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("http listen: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(logWriter(logf), "", 0),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logf("http: listening on %s", ln.Addr())
	select {
	case err := <-served:
		return fmt.Errorf("http serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), httpShutdownGrace)
	defer cancel()
	err = srv.Shutdown(sctx)
	if err != nil {
		srv.Close() // Cut the requests that outlived the grace.
		err = fmt.Errorf("http shutdown: %w", err)
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		return errors.Join(err, fmt.Errorf("http serve: %w", serr))
	}
	return err
}

// logWriter sends the lines of an http.Server's ErrorLog to a logf.
type logWriter func(string, ...any)

func (f logWriter) Write(p []byte) (int, error) {
	f("%s", bytes.TrimSuffix(p, []byte("\n")))
	return len(p), nil
}
