package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/metrics"
	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// Metric inputs (docs/metrics.md). A metric format's lines hold samples,
// not records: a worker parses them and copies the samples that a
// mapping names into its part (metricPart); the merger, which sees each
// source's parts in input order, maps them with the source's own
// metrics.Mapper (pairs, counter rates and sums span batches, so mapping
// cannot be split between workers) and counts the points into the part's
// windows before merging them, late or not, like a log's. So a metric
// file's windows are the same whatever the worker count, and meet the
// windows of logs of the same minutes.

// metricFormats are the metric formats, by the name --format takes:
// "json" is the JSON log format's, so the JSON metric lines are
// "metrics-json".
var metricFormats = []struct {
	name string
	f    metrics.Format
	info FormatInfo
}{
	{"influx", metrics.FormatInflux, FormatInfo{"influx", "InfluxDB line protocol metrics (Telegraf outputs.file or outputs.kafka): mem.used_percent, cpu.usage_idle of cpu-total, postgresql.numbackends; timestamps in ns",
		`mem,host=web-1 used_percent=87.5,available=2147483648i 1772359200000000000`}},
	{"prometheus", metrics.FormatProm, FormatInfo{"prometheus", "Prometheus text exposition metrics (node_exporter, a saved /metrics page): memory, the idle-CPU counter as a rate; samples without a timestamp take the file's modification time",
		"# TYPE node_memory_MemAvailable_bytes gauge\nnode_memory_MemAvailable_bytes{instance=\"web-1:9100\"} 2.1e+09 1772359200000"}},
	{"metrics-json", metrics.FormatJSON, FormatInfo{"metrics-json", `JSON metric lines: ts, name, value, labels; vigil's PostgreSQL monitor and probes write them (db_connections, pg_long_query_seconds, pg_statement_mean_ms, probe_success)`,
		`{"ts": "2026-03-01T10:00:00Z", "name": "memory_usage_percent", "value": 87.5, "labels": {"host": "web-1"}}`}},
}

// metricFormat returns the engine's format of metric format mf.
func metricFormat(name string, mf metrics.Format, evidence string) *format {
	return &format{name: name, metric: mf, evidence: evidence}
}

// namedMetricFormat returns the metric format named name, if it is one.
func namedMetricFormat(name string) *format {
	for _, m := range metricFormats {
		if m.name == name {
			return metricFormat(m.name, m.f, "given with --format")
		}
	}
	return nil
}

// detectMetric returns the metric format that reads the most of the
// judged lines when it reads some and at least as many as the best log
// format (logN): a metric file is one, even where a log format reads
// its lines too (a JSON metric line is a JSON object). Else nil.
func detectMetric(judged [][]byte, logN int) *format {
	var best *format
	bestN := 0
	var s metrics.Sample
	for _, m := range metricFormats {
		p, err := metrics.NewParser(m.f, metrics.Options{})
		if err != nil {
			panic("BUG: " + err.Error())
		}
		n, samples := 0, 0
		for _, line := range judged {
			switch err := p.Parse(line, &s); {
			case err == nil:
				n++
				samples++
			case err == parsers.ErrDirective:
				n++
			}
		}
		if samples > 0 && n > bestN {
			best, bestN = metricFormat(m.name, m.f, fmt.Sprintf("detected: %d of %d sample lines", n, len(judged))), n
		}
	}
	if best == nil || bestN < logN {
		return nil
	}
	best.warnUnsure(bestN, len(judged))
	return best
}

// stampOf returns the time given to a source's samples without one:
// the modification time of the file it names, else the time of reading
// (standard input, a pipe).
func stampOf(name string) int64 {
	if fi, err := os.Stat(name); err == nil && fi.Mode().IsRegular() {
		return fi.ModTime().UnixNano()
	}
	return time.Now().UnixNano()
}

// metricFirstTime returns the time of the first sample of data, stamped
// with stamp when it has none.
func metricFirstTime(f *format, data []byte, stamp int64) (int64, bool) {
	p := newMetricParser(f)
	var s metrics.Sample
	for len(data) > 0 {
		var line []byte
		line, data = cutLine(data)
		if p.Parse(line, &s) == nil {
			if s.Time == metrics.NoTime {
				return stamp, true
			}
			return s.Time, true
		}
	}
	return 0, false
}

func newMetricParser(f *format) metrics.Parser {
	p, err := metrics.NewParser(f.metric, metrics.Options{})
	if err != nil {
		panic("BUG: " + err.Error())
	}
	return p
}

// metricPart holds the samples a worker kept of one batch, copied: their
// names and labels' bytes in buf, at the spans the samples and labels
// give.
type metricPart struct {
	buf     []byte
	samples []keptSample
	labels  []keptLabel
	// informational counts the samples vigil's monitor and probes write
	// for the record (metrics.Informational), not kept.
	informational uint64
}

type span struct{ from, to int32 }

type keptSample struct {
	name   span
	labels span // indexes into metricPart.labels
	value  float64
	time   int64
	typ    metrics.Type
	// first marks the first sample of its line: a line's samples share
	// its time, and a late line counts once.
	stamped, first bool
}

type keptLabel struct{ name, value span }

func (mp *metricPart) put(b []byte) span {
	from := len(mp.buf)
	mp.buf = append(mp.buf, b...)
	return span{int32(from), int32(len(mp.buf))}
}

func (mp *metricPart) bytes(s span) []byte { return mp.buf[s.from:s.to] }

// keep copies s into mp.
func (mp *metricPart) keep(s *metrics.Sample, stamped, first bool) {
	k := keptSample{name: mp.put(s.Name), value: s.Value, time: s.Time, typ: s.Type, stamped: stamped, first: first}
	from := len(mp.labels)
	for _, l := range s.Labels {
		mp.labels = append(mp.labels, keptLabel{mp.put(l.Name), mp.put(l.Value)})
	}
	k.labels = span{int32(from), int32(len(mp.labels))}
	mp.samples = append(mp.samples, k)
}

// maxPartBytes bounds a part's kept bytes so that int32 spans hold: a
// batch is far smaller.
const maxPartBytes = 1 << 30

// metricParts recycles the metricParts the merger has mapped: a batch's
// samples are copied into one, and growing it anew for every batch was
// most of a metric run's allocation. Parts that grew past
// maxPooledPartBytes are dropped (golang/go#23199).
var metricParts sync.Pool

const maxPooledPartBytes = 16 << 20

func getMetricPart() *metricPart {
	if mp, ok := metricParts.Get().(*metricPart); ok {
		mp.buf, mp.samples, mp.labels, mp.informational = mp.buf[:0], mp.samples[:0], mp.labels[:0], 0
		return mp
	}
	return &metricPart{}
}

func putMetricPart(mp *metricPart) {
	if cap(mp.buf) <= maxPooledPartBytes {
		metricParts.Put(mp)
	}
}

// metricWorker is a worker's state for metric inputs, and for the
// uptime points of access logs' health checks.
type metricWorker struct {
	parsers map[*format]metrics.Parser
	// wants tells the samples a mapping names: the others are counted
	// and dropped at once.
	wants  *metrics.Mapper
	sample metrics.Sample
	// health holds the rules' health-check paths (nil until the first
	// request); endpoints what each endpoint id is to them; path is
	// the path of an endpoint without an id.
	health    detect.HealthPaths
	endpoints []healthEndpoint
	path      []byte
}

// healthEndpoint is what a worker knows of one endpoint key: whether it
// is a health check's, and its path, the subject of its uptime points.
type healthEndpoint struct {
	known, health bool
	path          []byte
}

// uptimeKind is the metric of a health check's points.
var uptimeKind = []byte(metrics.Uptime)

// health counts a request to a health-check endpoint (the rules'
// Endpoints.Health) as a point of the uptime of its path, counted in win
// as a metric file's would be: 100 when it was answered with success
// (2xx or 3xx), else 0. So the uptime rule reads a day of access log as
// it reads probes. It allocates only for an endpoint id it has not seen.
func (w *worker) health(win *window.Window, l *window.Line) {
	path, ok := w.healthPath(l)
	if !ok {
		return
	}
	v := 0.0
	if s := l.Rec.Status; s >= 200 && s < 400 {
		v = 100
	}
	win.AddMetric(uptimeKind, path, l.Rec.Time, v, nil, nil)
}

// healthPath returns the path of l's endpoint and whether it is a health
// check's: looked up by the endpoint's id, classified the first time
// (each time past the worker's intern table, where endpoints have none).
func (w *worker) healthPath(l *window.Line) ([]byte, bool) {
	mw := &w.metrics
	if mw.health == nil {
		mw.health = w.opts.Rules.HealthPaths()
	}
	if len(mw.health) == 0 {
		return nil, false
	}
	if l.ID < 0 {
		path := endpointPath(l.Endpoint)
		if !mw.health.Match(path) {
			return nil, false
		}
		mw.path = append(mw.path[:0], path...)
		return mw.path, true
	}
	if int(l.ID) >= len(mw.endpoints) {
		mw.endpoints = append(mw.endpoints, make([]healthEndpoint, int(l.ID)+1-len(mw.endpoints))...)
	}
	e := &mw.endpoints[l.ID]
	if !e.known {
		path := endpointPath(l.Endpoint)
		e.known, e.health = true, mw.health.Match(path)
		if e.health {
			e.path = []byte(path)
		}
	}
	return e.path, e.health
}

// endpointPath returns the path of an endpoint key ("GET /api/health").
func endpointPath(key string) string {
	_, path, _ := strings.Cut(key, " ")
	return path
}

// metricBatch parses the lines of a batch of a metric source into w.p.
func (w *worker) metricBatch(st *sourceState, lineNo uint64, data []byte) {
	mw := &w.metrics
	if mw.parsers == nil {
		mw.parsers = make(map[*format]metrics.Parser)
		m, err := metrics.NewMapper(metrics.MapperOptions{Mappings: w.opts.Rules.Mappings()})
		if err != nil {
			panic("BUG: " + err.Error())
		}
		mw.wants = m
	}
	p := mw.parsers[st.format]
	if p == nil {
		p = newMetricParser(st.format)
		mw.parsers[st.format] = p
	}
	w.p.metrics = getMetricPart()
	for len(data) > 0 {
		var line []byte
		line, data = cutLine(data)
		w.metricLine(st, lineNo, p, line)
		lineNo++
	}
}

// metricLine parses one line of a metric source.
func (w *worker) metricLine(st *sourceState, lineNo uint64, p metrics.Parser, line []byte) {
	part, s := w.p, &w.metrics.sample
	part.counts.Lines++
	switch err := p.Parse(line, s); {
	case err == nil:
	case errors.Is(err, metrics.ErrNoSample), err == parsers.ErrDirective:
		part.counts.Directives++
		return
	default:
		part.counts.Malformed++
		w.reject(st.index, lineNo, reasonOf(err), line)
		return
	}
	stamped := s.Time == metrics.NoTime
	t := s.Time
	if stamped {
		t = st.stamp
	}
	if w.filter && ((w.hasSince && t < w.since) || (w.hasUntil && t >= w.until)) {
		part.counts.Filtered++
		return
	}
	part.counts.Parsed++
	if w.sum != nil {
		w.sum.AddTime(t)
	}
	if w.window(t) == nil {
		return // late within the batch, counted as a log line is
	}
	mp := part.metrics
	first := true
	for ok := true; ok; ok = p.Next(s) {
		s.Time = t
		switch {
		case w.metrics.wants.Wants(s.Name) && len(mp.buf) < maxPartBytes:
			mp.keep(s, stamped, first)
			first = false
		case metrics.Informational(s.Name):
			mp.informational++
		default:
			part.unmapped++
		}
	}
}

// metricSource is the merger's state for a metric source: its mapper
// and what mapping counted.
type metricSource struct {
	mapper  *metrics.Mapper
	labels  []metrics.Label
	points  []metrics.Point
	flushed bool
	stats   MetricInput
}

// MetricInput counts what became of a metric source's samples.
type MetricInput struct {
	// Samples counts the samples read; Unmapped those no mapping names
	// (counted, not kept), but for Informational ones (vigil's monitor's
	// pg_connections, its probes' probe_duration_seconds: written for the
	// record, no warning); Stamped those without time, given the file's
	// modification time or the time of reading.
	Samples, Unmapped, Informational, Stamped uint64
	// Points counts the points the samples made; NotCounted those a
	// window did not count (NaN or ±Inf, or a series past a window's
	// budget); Late those whose window had closed (a sum or rate emitted
	// a scrape late; a late sample is a late line).
	Points, NotCounted, Late uint64
	// Mapper says which samples mapping ignored: without time for a
	// stateful op, out of order, or past the mapper's series.
	Mapper metrics.MapperStats
}

// newMetricSource returns the state of st, mapped by the mappings of
// rules; its samples without a subject label are about the file (its
// base name).
func newMetricSource(st *sourceState, rules *detect.Rules) *metricSource {
	m, err := metrics.NewMapper(metrics.MapperOptions{Mappings: rules.Mappings(), Subject: filepath.Base(st.src.Info().Name)})
	if err != nil {
		panic("BUG: " + err.Error())
	}
	return &metricSource{mapper: m}
}

// metricWindows is where mapped points go: the open windows of a merger
// or of a Counter. Points go straight there, not into the part's
// windows: a part's windows are new every batch, and so would be every
// series' state in them.
type metricWindows interface {
	// metricWindow returns the open window starting at start, opening
	// it, or nil when it ended at or before limit (closed).
	metricWindow(start, limit int64) *window.Window
	// metricRules returns the rules whose mappings map the samples.
	metricRules() *detect.Rules
}

// mapPart maps the samples of part p, the next of its source, into the
// windows of to. A line whose window ends at or before limit (the
// source's watermark before p, or a closed window) is late: counted in
// p's counts, its samples not mapped, as a log line's.
func mapPart(p *part, cfg *window.Config, to metricWindows, limit int64) {
	st := p.src
	if st.metric == nil {
		st.metric = newMetricSource(st, to.metricRules())
	}
	ms, mp := st.metric, p.metrics
	ms.stats.Unmapped += p.unmapped
	ms.stats.Informational += mp.informational
	ms.stats.Samples += p.unmapped + mp.informational + uint64(len(mp.samples))
	var s metrics.Sample
	late := false
	for i := range mp.samples {
		k := &mp.samples[i]
		if k.first {
			if late = cfg.StartOf(k.time)+int64(cfg.Size) <= limit; late {
				p.counts.Late++
			}
		}
		if late {
			continue
		}
		ms.labels = ms.labels[:0]
		for _, l := range mp.labels[k.labels.from:k.labels.to] {
			ms.labels = append(ms.labels, metrics.Label{Name: mp.bytes(l.name), Value: mp.bytes(l.value)})
		}
		s = metrics.Sample{Name: mp.bytes(k.name), Value: k.value, Time: k.time, Labels: ms.labels, Type: k.typ}
		if k.stamped {
			ms.stats.Stamped++
		}
		ms.points = ms.mapper.AppendPoints(ms.points[:0], &s)
		ms.addPoints(to, cfg, limit)
	}
	// The mapper keeps copies of what it needs: the samples may go.
	p.metrics = nil
	putMetricPart(mp)
}

// flushMetrics maps what st's mapper still holds (the last sums and
// means) into the open windows, once st has ended and its parts are
// merged.
func (m *merger) flushMetrics(st *sourceState) {
	ms := st.metric
	if ms == nil || ms.flushed || !st.done() {
		return
	}
	ms.flushed = true
	ms.points = ms.mapper.Flush(ms.points[:0])
	ms.addPoints(m, m.cfg, m.limit(st))
	ms.stats.Mapper = ms.mapper.Stats()
}

// addPoints counts ms's points into the windows of to; a point whose
// window closed (a sum emitted a scrape late) is counted in ms's Late.
func (ms *metricSource) addPoints(to metricWindows, cfg *window.Config, limit int64) {
	for _, pt := range ms.points {
		ms.stats.Points++
		win := to.metricWindow(cfg.StartOf(pt.Time), limit)
		switch {
		case win == nil:
			ms.stats.Late++
		case !win.AddMetric([]byte(pt.Kind), pt.Subject, pt.Time, pt.Value, pt.Detail, pt.Severity):
			ms.stats.NotCounted++
		}
	}
}

// metricWindow implements metricWindows for Run.
func (m *merger) metricWindow(start, limit int64) *window.Window {
	w := openWindow(m.open, start, limit, m.cfg, m.pool)
	m.maxOpen = max(m.maxOpen, len(m.open))
	return w
}

// metricRules implements metricWindows for Run.
func (m *merger) metricRules() *detect.Rules { return &m.opts.Rules }

// warnings says, a sentence each, what of the samples of the source
// named name did not reach a window as read: the report's input
// warnings.
func (mi *MetricInput) warnings(name string) []string {
	var out []string
	add := func(n uint64, what string) {
		if n > 0 {
			out = append(out, fmt.Sprintf("%s: %d %s", name, n, what))
		}
	}
	add(mi.Stamped, "samples without a time were given the file's modification time (or the time of reading)")
	add(mi.Unmapped, "samples are not runbook metrics (no mapping names them; see docs/metrics.md) and were left out")
	add(uint64(mi.Mapper.Untimed), "samples without a time could not be paired or turned into rates")
	add(uint64(mi.Mapper.Late), "samples were not after the previous one of their series and were ignored")
	add(uint64(mi.Mapper.Dropped), "samples of series past the mapper's limit were dropped")
	add(mi.NotCounted, "points were not counted (NaN or infinite values, or series past a window's limit)")
	add(mi.Late, "points came after their window had closed and were not counted")
	return out
}
