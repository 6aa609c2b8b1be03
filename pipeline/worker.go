package pipeline

import (
	"bytes"
	"errors"
	"sync"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/endpoint"
	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/summary"
	"github.com/vigil-ops/vigil/pipeline/window"
)

const (
	// sampleBytes is the default of Options.SampleBytes: rejected lines
	// shown in the report are cut to it.
	sampleBytes = 200
	// internCapacity caps a worker's table of endpoint keys (each interned
	// once, with its kind); past it, keys are copied per use.
	internCapacity = 1 << 17
	// uaCacheCapacity caps a worker's cache of user-agent classes.
	uaCacheCapacity = 4096
)

// ReasonTooLong is the reason of a line that its source skipped for its
// length ([Batch.TooLong]), in [Counted.Reasons] and [Sample.Reason].
const ReasonTooLong = "line too long"

const reasonEmpty = "empty line"

// job is one batch of one source, numbered in its source's order.
type job struct {
	src   *sourceState
	seq   uint64
	batch Batch
	// directive is, for a per-source format, the last directive line
	// (W3C "#Fields:") before the batch: the worker's parser reads it
	// first, so that a change of fields mid-file applies to every batch
	// after it, whichever worker parses it.
	directive []byte
}

// part is what a worker made of one batch: its line counts and its lines
// counted into windows of their own. The merger merges parts in input
// order. (The whole-run summary is the worker's own: its exact tables do
// not depend on which worker counted which line.)
type part struct {
	src     *sourceState
	seq     uint64
	idle    bool
	counts  InputCounts
	windows map[int64]*window.Window
	// hasTime and maxTime: the newest event time of the batch.
	hasTime bool
	maxTime int64
	reasons map[string]uint64
	samples []Sample
	// metrics holds the samples of a metric source's batch, to map in
	// input order (metrics.go); unmapped counts those no mapping names.
	metrics  *metricPart
	unmapped uint64
	// tailUnread counts the lines whose trailing number was left unread
	// (parsers.Record.TailUnread).
	tailUnread uint64
}

type endpointInfo struct {
	key  string
	kind window.EndpointKind
	id   int32
}

// worker parses batches into parts. It owns its parsers and caches; it is
// used by one goroutine.
type worker struct {
	opts *Options
	cfg  *window.Config
	// sum is the whole-run summary; nil for a Counter's worker, whose
	// caller keeps windows only.
	sum       *summary.Summary
	pool      *windowPool
	parsers   map[*format]lineParser
	fallbacks map[*format]lineParser
	rec       parsers.Record
	// skip says that the line being read was accounted for without being
	// a record (see other).
	skip bool
	// blank says that a blank line of the batch's format is a
	// continuation, not malformed (format.multiline).
	blank   bool
	keyBuf  []byte
	intern  map[string]endpointInfo
	uaCache map[string]useragent.Class
	// since and until bound the event times kept when filter is set.
	since, until               int64
	hasSince, hasUntil, filter bool
	late                       int64 // Options.Lateness in ns
	size                       int64 // window size in ns

	p *part
	// newest is the newest event time seen so far in the batch: a line
	// whose window ended at or before newest - late is late.
	newest    int64
	hasNewest bool
	lastWin   *window.Window
	// lineOffset is the batch's Batch.LineOffset, for its samples.
	lineOffset func(line uint64) int64
	// metrics parses metric sources (metrics.go).
	metrics metricWorker
}

func newWorker(o *Options, cfg *window.Config, pool *windowPool) *worker {
	w := &worker{
		opts:      o,
		cfg:       cfg,
		pool:      pool,
		sum:       summary.New(summary.Options{Exact: o.Exact}),
		parsers:   make(map[*format]lineParser),
		fallbacks: make(map[*format]lineParser),
		intern:    make(map[string]endpointInfo),
		uaCache:   make(map[string]useragent.Class),
		late:      int64(o.Lateness),
		size:      int64(cfg.Size),
	}
	w.since, w.hasSince = o.Since.UnixNano(), !o.Since.IsZero()
	w.until, w.hasUntil = o.Until.UnixNano(), !o.Until.IsZero()
	w.filter = w.hasSince || w.hasUntil
	return w
}

// run parses jobs until in is closed, sending parts to out.
func (w *worker) run(in <-chan job, out chan<- *part) {
	for j := range in {
		out <- w.batch(&j)
	}
}

// batch counts the lines of one batch into a new part and releases the
// batch.
func (w *worker) batch(j *job) *part {
	b := &j.batch
	p := &part{src: j.src, seq: j.seq, idle: b.Idle, windows: make(map[int64]*window.Window, 2), reasons: make(map[string]uint64)}
	w.p, w.hasNewest, w.lastWin = p, false, nil
	if len(b.Data) == 0 && b.TooLong == 0 {
		if b.Done != nil {
			b.Done()
		}
		return p
	}
	lineNo := b.Line
	w.lineOffset = b.LineOffset
	if b.TooLong > 0 {
		p.counts.Lines += b.TooLong
		p.counts.TooLong += b.TooLong
		p.reasons[ReasonTooLong] += b.TooLong
		w.sample(j.src.index, lineNo-b.TooLong, ReasonTooLong, nil)
	}
	if j.src.format.metric != 0 {
		w.metricBatch(j.src, lineNo, b.Data)
	} else {
		w.lines(j, lineNo, b.Data)
	}
	// The samples have their offsets: the batch may go.
	w.lineOffset = nil
	if b.Done != nil {
		b.Done()
	}
	if w.opts.Progress != nil {
		// The lines are counted here, as they are parsed, rather than in
		// another pass over the batch.
		w.opts.Progress(b.RawBytes, int(p.counts.Lines))
	}
	w.p = nil
	return p
}

// lines counts the log lines of data, the first numbered lineNo.
func (w *worker) lines(j *job, lineNo uint64, data []byte) {
	lp, fallback := w.parser(j.src.format)
	w.blank = j.src.format.multiline
	if j.directive != nil {
		lp.Parse(j.directive, &w.rec)
	}
	for len(data) > 0 {
		var line []byte
		line, data = cutLine(data)
		w.skip = false
		w.line(j.src.index, lineNo, lp, fallback, line)
		lineNo++
	}
}

func (w *worker) line(src int, lineNo uint64, lp, fallback lineParser, line []byte) {
	p := w.p
	p.counts.Lines++
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	switch {
	case len(line) == 0 && w.blank:
		p.counts.Continuations++
		return
	case len(line) == 0:
		p.counts.Malformed++
		w.reject(src, lineNo, reasonEmpty, line)
		return
	}
	if err := lp.Parse(line, &w.rec); err != nil && !w.other(err, fallback, line) {
		p.counts.Malformed++
		w.reject(src, lineNo, reasonOf(err), line)
		return
	}
	if w.skip {
		return
	}
	r := &w.rec
	t := r.Time
	if w.filter && (t == parsers.NoTime || (w.hasSince && t < w.since) || (w.hasUntil && t >= w.until)) {
		p.counts.Filtered++
		return
	}
	p.counts.Parsed++
	if r.TailUnread {
		p.tailUnread++
	}
	var win *window.Window
	if t != parsers.NoTime {
		if w.sum != nil {
			w.sum.AddTime(t)
		}
		win = w.window(t)
	}
	if r.Kind == parsers.KindApp {
		isErr := isErrorLevel(r.Level)
		if w.sum != nil {
			w.sum.AddApp(isErr)
		}
		if win != nil {
			win.AddApp(isErr)
		}
		return
	}
	if r.Kind == parsers.KindTCP {
		// A TCP proxy connection: no request, and its duration is the
		// connection's life, so it is in no request figure.
		if w.sum != nil {
			w.sum.AddTCP()
		}
		if win != nil {
			win.AddTCP() // in TCP only: ingest's live report counts them
		}
		return
	}
	l := window.Line{Rec: r}
	if w.sum != nil {
		l.UAClass = w.sum.UserAgent(r.UserAgent, w.userAgent)
	} else {
		l.UAClass = w.userAgent(r.UserAgent)
	}
	l.Endpoint, l.Kind, l.ID = w.endpoint(r.Method, r.Target)
	if w.sum != nil {
		w.sum.Add(&l)
	}
	if win != nil {
		win.Add(&l)
		w.health(win, &l)
	}
}

// other handles a line the format's parser rejected with err: a
// directive, a continuation (a stack trace's line, part of the record
// above), or a line of another kind that the format's fallback reads (an
// application line in an access log). It reports whether the line is
// accounted for; w.skip then says whether it is a record to count.
func (w *worker) other(err error, fallback lineParser, line []byte) bool {
	w.skip = true
	switch {
	case err == parsers.ErrDirective:
		w.p.counts.Directives++
	case err == parsers.ErrContinuation:
		w.p.counts.Continuations++
	case fallback == nil:
		return false
	default:
		switch fallback.Parse(line, &w.rec) {
		case nil:
			w.skip = false
		case parsers.ErrContinuation:
			w.p.counts.Continuations++
		default:
			return false
		}
	}
	return true
}

// window returns the part's window holding t, or nil when the line is
// late within the batch (its window ended lateness before the newest time
// seen earlier in the batch; the merger checks against earlier batches).
func (w *worker) window(t int64) *window.Window {
	p := w.p
	start := w.cfg.StartOf(t)
	if w.hasNewest && start+w.size <= w.newest-w.late {
		p.counts.Late++
		return nil
	}
	if !w.hasNewest || t > w.newest {
		w.newest, w.hasNewest = t, true
	}
	if !p.hasTime || t > p.maxTime {
		p.maxTime, p.hasTime = t, true
	}
	if w.lastWin != nil && w.lastWin.Start == start {
		return w.lastWin
	}
	win := p.windows[start]
	if win == nil {
		win = w.pool.get(start)
		p.windows[start] = win
	}
	w.lastWin = win
	return win
}

// endpoint returns the interned endpoint key of a request, its kind and
// its id in this worker (-1 past internCapacity).
func (w *worker) endpoint(method, target []byte) (string, window.EndpointKind, int32) {
	w.keyBuf = endpoint.Append(w.keyBuf[:0], method, target)
	if e, ok := w.intern[string(w.keyBuf)]; ok {
		return e.key, e.kind, e.id
	}
	key := string(w.keyBuf)
	kind := w.cfg.KindOf(key)
	if len(w.intern) >= internCapacity {
		return key, kind, -1
	}
	id := int32(len(w.intern))
	w.intern[key] = endpointInfo{key, kind, id}
	return key, kind, id
}

// userAgent classifies ua through a capped cache: user agents repeat, and
// classification costs far more than a map lookup.
func (w *worker) userAgent(ua []byte) useragent.Class {
	if class, ok := w.uaCache[string(ua)]; ok {
		return class
	}
	class, _ := useragent.Classify(ua)
	if len(w.uaCache) < uaCacheCapacity {
		w.uaCache[string(ua)] = class
	}
	return class
}

func reasonOf(err error) string {
	var se *parsers.SyntaxError
	if errors.As(err, &se) {
		return se.Reason
	}
	return err.Error()
}

func (w *worker) reject(src int, lineNo uint64, reason string, line []byte) {
	w.p.reasons[reason]++
	w.sample(src, lineNo, reason, line)
}

// sample keeps the part's first MalformedSamples rejects, each with the
// offset of its message when the batch has Batch.LineOffset (called here,
// while the batch is not Done).
func (w *worker) sample(src int, lineNo uint64, reason string, line []byte) {
	if len(w.p.samples) >= w.opts.MalformedSamples {
		return
	}
	off := int64(-1)
	if w.lineOffset != nil {
		off = w.lineOffset(lineNo)
	}
	text := string(line[:min(len(line), w.opts.SampleBytes)])
	w.p.samples = append(w.p.samples, Sample{Source: src, Line: lineNo, Reason: reason, Text: text, Offset: off})
}

// parser returns the worker's parser of f and of its fallback (nil when
// f has none).
func (w *worker) parser(f *format) (lineParser, lineParser) {
	p := w.parsers[f]
	if p == nil {
		p = f.newParser()
		w.parsers[f] = p
		if f.fallback != nil {
			w.fallbacks[f] = f.fallback()
		}
	}
	return p, w.fallbacks[f]
}

// cutLine splits data at its first newline; the last line of data may
// have none.
func cutLine(data []byte) (line, rest []byte) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return data[:i], data[i+1:]
	}
	return data, nil
}

var errorLevels = [][]byte{[]byte("error"), []byte("err"), []byte("fatal"), []byte("critical"), []byte("crit"), []byte("panic"), []byte("emerg"), []byte("alert")}

// isErrorLevel reports whether level is error or worse, ignoring case.
func isErrorLevel(level []byte) bool {
	for _, l := range errorLevels {
		if bytes.EqualFold(level, l) {
			return true
		}
	}
	return false
}

// windowPool recycles the windows of parts that the merger merged into an
// open window: a part holds one or two windows, and making their tables
// anew for every batch is most of the engine's allocation.
type windowPool struct {
	cfg  *window.Config
	pool sync.Pool
}

func (p *windowPool) get(start int64) *window.Window {
	if w, ok := p.pool.Get().(*window.Window); ok {
		w.Reset(start)
		return w
	}
	return window.New(start, p.cfg)
}

// put recycles w, which was merged into another window.
func (p *windowPool) put(w *window.Window) { p.pool.Put(w) }
