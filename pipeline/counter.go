package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/pipeline/detect"

	"github.com/vigil-ops/vigil/pipeline/window"
)

// Counter counts the batches of one source into windows of its own, the
// way Run counts a source, for a caller that keeps the window state
// itself: ingest keeps each Kafka partition's windows in PostgreSQL and
// merges them across partitions before detection. It detects the
// source's format from its first batch with data, as Run does, and
// applies the same lateness: a line whose window ended Options.Lateness
// before the newest event time counted so far (or at or before the bound
// set with SetClosed) is late, counted in Counts but in no window.
//
// A Counter is not safe for concurrent use.
type Counter struct {
	opts    Options
	cfg     window.Config
	st      *sourceState
	w       *worker
	pool    *windowPool
	seq     uint64
	dir     []byte
	open    map[int64]*window.Window
	dirty   map[int64]bool
	closed  int64
	counts  InputCounts
	reasons map[string]uint64
}

// NewCounter returns a Counter of the source named name under o (its
// Format, LogFormat, DurationUnit, Rules, Lateness, MalformedSamples and
// SampleBytes apply; Workers, Top, Since, Until and the callbacks do
// not).
func NewCounter(name string, o Options) (*Counter, error) {
	o.Workers, o.Since, o.Until, o.OnEvent, o.Progress = 1, time.Time{}, time.Time{}, nil, nil
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	c := &Counter{
		opts:    o,
		cfg:     o.Rules.WindowConfig().WithDefaults(),
		open:    make(map[int64]*window.Window),
		dirty:   make(map[int64]bool),
		closed:  math.MinInt64,
		reasons: make(map[string]uint64),
	}
	c.st = &sourceState{src: namedSource(name)}
	c.pool = &windowPool{cfg: &c.cfg}
	c.w = newWorker(&c.opts, &c.cfg, c.pool)
	c.w.sum = nil // Windows only: the whole-run summary is Run's.
	return c, nil
}

// Config is the window configuration the Counter counts under (the
// rules' one, defaults applied): what Decode of a stored window needs.
func (c *Counter) Config() *window.Config { return &c.cfg }

// Counted is what one batch added: its line counts, the reasons of its
// rejected lines, and samples of them (the first MalformedSamples, in
// line order, each with its Sample.Offset).
type Counted struct {
	Counts  InputCounts
	Reasons map[string]uint64
	Samples []Sample
}

// Count counts one batch and calls its Done. The samples' offsets are
// taken from b.LineOffset before Done, while it is valid. When the batch
// is the source's first with data and no format reads it, its lines are
// counted as malformed (reason "format not detected"), the error says
// why, and the next batch is tried again.
func (c *Counter) Count(b Batch) (Counted, error) {
	var err error
	if c.st.format == nil && len(b.Data) > 0 {
		var f *format
		if f, err = chooseFormat(&c.opts, sample(b.Data)); err != nil {
			err = fmt.Errorf("%s: %w", c.st.src.Info().Name, err)
		}
		c.st.format = f
	}
	if c.st.format == nil {
		// Nothing to parse with: no format yet (skipped lines only) or
		// none detected.
		c.st.format = noFormat
		defer func() { c.st.format = nil }()
	}
	if c.st.format.metric != 0 {
		c.st.stamp = time.Now().UnixNano() // samples without time: read now
	}
	p := c.w.batch(&job{src: c.st, seq: c.seq, batch: b, directive: c.dir})
	c.seq++
	if c.st.format.perSource {
		c.dir = lastDirective(b.Data, c.dir)
	}
	limit := c.closed
	if c.st.hasTime {
		limit = max(limit, c.st.newest-int64(c.opts.Lateness))
	}
	if p.metrics != nil {
		// Metric samples map in order, here as in Run (ingest never ends:
		// a sum waits for the next scrape).
		mapPart(p, &c.cfg, c, limit)
	}
	for start, w := range p.windows {
		if mergeWindow(c.open, w, start, limit, &c.cfg, c.pool, &p.counts) {
			c.dirty[start] = true
		}
	}
	if p.hasTime && (!c.st.hasTime || p.maxTime > c.st.newest) {
		c.st.newest, c.st.hasTime = p.maxTime, true
	}
	c.counts.add(&p.counts)
	c.st.tailUnread += p.tailUnread
	for r, n := range p.reasons {
		c.reasons[r] += n
	}
	return Counted{Counts: p.counts, Reasons: p.reasons, Samples: p.samples}, err
}

// mergeWindow merges w, a part's window starting at start, into open
// unless it ended at or before limit (then its lines count as late in
// counts and w goes back to the pool). It reports whether w was merged.
func mergeWindow(open map[int64]*window.Window, w *window.Window, start, limit int64, cfg *window.Config, pool *windowPool, counts *InputCounts) bool {
	if start+int64(cfg.Size) <= limit {
		counts.Late += w.Lines + w.TCP // as the worker counts a late line of any kind
		pool.put(w)
		return false
	}
	if mine := open[start]; mine != nil {
		mine.Merge(w)
		pool.put(w)
	} else {
		open[start] = w
	}
	return true
}

// openWindow returns the open window starting at start, taken from pool
// and added to open if there is none, or nil if it ended at or before
// limit.
func openWindow(open map[int64]*window.Window, start, limit int64, cfg *window.Config, pool *windowPool) *window.Window {
	if start+int64(cfg.Size) <= limit {
		return nil
	}
	w := open[start]
	if w == nil {
		w = pool.get(start)
		open[start] = w
	}
	return w
}

// Newest returns the newest event time counted (Unix ns), and whether
// there is one.
func (c *Counter) Newest() (int64, bool) { return c.st.newest, c.st.hasTime }

// Counts returns the line counts of every batch counted, and the reasons
// of the rejected lines; the map is the Counter's own, to read only.
func (c *Counter) Counts() (InputCounts, map[string]uint64) { return c.counts, c.reasons }

// Format returns the name of the source's format, "" before the first
// batch with data.
func (c *Counter) Format() string {
	if c.st.format == nil {
		return ""
	}
	return c.st.format.name
}

// FormatWarning says what the source's format leaves unread, or reads on
// an assumption, as analyze says it of a file (SourceResult.FormatWarning):
// the warning detection gave the format, and how many lines counted since
// NewCounter ended in a number left unread. It is "" before the first
// batch with data and when there is nothing to say.
func (c *Counter) FormatWarning() string { return c.st.formatWarning() }

// formatWarning is the warning of the source's format and of its lines
// counted so far (see Counter.FormatWarning); "" without a format.
func (st *sourceState) formatWarning() string {
	f := st.format
	if f == nil {
		return ""
	}
	if f.unreadNote == nil {
		return f.warning
	}
	return joinNotes(f.warning, f.unreadNote(st.tailUnread))
}

// Restore sets the state the Counter resumes from: the counts, reasons
// and newest time a store kept, and its open windows (which the Counter
// owns from now on). Call it before the first Count.
func (c *Counter) Restore(counts InputCounts, reasons map[string]uint64, newest int64, hasNewest bool, open []*window.Window) {
	c.counts = counts
	maps.Copy(c.reasons, reasons)
	c.st.newest, c.st.hasTime = newest, hasNewest
	for _, w := range open {
		c.open[w.Start] = w
	}
}

// SetClosed marks every window ending at or before t as closed
// downstream (detection has passed it): later lines for them are late.
func (c *Counter) SetClosed(t int64) { c.closed = max(c.closed, t) }

// Dirty calls fn with each open window changed since the last Dirty, by
// start; fn must not keep or modify the window.
func (c *Counter) Dirty(fn func(w *window.Window) error) error {
	for _, start := range slices.Sorted(maps.Keys(c.dirty)) {
		if err := fn(c.open[start]); err != nil {
			return err
		}
		delete(c.dirty, start)
	}
	return nil
}

// Release forgets the open windows that can take no more lines (they
// ended at or before the lateness bound or the SetClosed one) and that
// Dirty has handed out since they last changed; it returns how many
// windows stay open.
func (c *Counter) Release() int {
	limit := c.closed
	if c.st.hasTime {
		limit = max(limit, c.st.newest-int64(c.opts.Lateness))
	}
	for start := range c.open {
		if start+int64(c.cfg.Size) <= limit && !c.dirty[start] {
			delete(c.open, start)
		}
	}
	return len(c.open)
}

// noFormat stands for the format of a source while none is chosen: it
// rejects every line.
var noFormat = &format{newParser: func() lineParser { return undetected{} }}

type undetected struct{}

var errUndetected = errors.New("format not detected")

func (undetected) Parse([]byte, *parsers.Record) error { return errUndetected }

// namedSource names a source that the engine does not read itself.
type namedSource string

func (namedSource) Read(context.Context, func(Batch) error) error { return nil }
func (n namedSource) Info() SourceInfo                            { return SourceInfo{Name: string(n)} }

// metricWindow implements metricWindows for the Counter: the window it
// opens or changes is dirty.
func (c *Counter) metricWindow(start, limit int64) *window.Window {
	w := openWindow(c.open, start, limit, &c.cfg, c.pool)
	if w != nil {
		c.dirty[start] = true
	}
	return w
}

// metricRules implements metricWindows for the Counter.
func (c *Counter) metricRules() *detect.Rules { return &c.opts.Rules }
