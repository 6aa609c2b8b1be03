package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/summary"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// InputCounts are the line counts of an analysis. Lines = Parsed +
// Malformed + TooLong + Filtered + Directives + Continuations; Late counts parsed lines that were
// older than their window's close.
type InputCounts struct {
	Lines, Parsed, Malformed, TooLong, Filtered, Directives, Continuations, Late uint64
}

func (c *InputCounts) add(o *InputCounts) {
	c.Lines += o.Lines
	c.Parsed += o.Parsed
	c.Malformed += o.Malformed
	c.TooLong += o.TooLong
	c.Filtered += o.Filtered
	c.Directives += o.Directives
	c.Continuations += o.Continuations
	c.Late += o.Late
}

// Sample is a rejected line kept for the report.
type Sample struct {
	Source int
	Line   uint64
	Reason string
	// Text is the line, cut to Options.SampleBytes; empty for a line
	// too long, which the source skipped.
	Text string
	// Offset is the position of the message holding the line, from
	// [Batch.LineOffset]; -1 when the source gave none. The report
	// ignores it.
	Offset int64
}

// sourceState is the engine's view of one source.
type sourceState struct {
	index  int
	src    Source
	format *format
	err    error
	lines  uint64
	// tailUnread counts the lines whose trailing number was left unread
	// (format.unreadNote).
	tailUnread uint64
	// Merger state: the next part to merge, parts waiting for it, the
	// newest event time merged, whether the source has ended.
	next     uint64
	waiting  map[uint64]*part
	hasTime  bool
	newest   int64
	finished bool
	// total is the number of parts the source produced, known once its
	// Read returned.
	total uint64
	// Gate state (gate.go): the first event time, whether the merger
	// knows it and admitted the source (admit is closed then), and
	// whether the source is idle.
	registered, hasFirst, admitted, idle bool
	first                                int64
	admit                                chan struct{}
	// stamp is the time of a metric source's samples without one
	// (stampOf); metric maps its samples (metrics.go).
	stamp  int64
	metric *metricSource
}

// Run reads sources as one log and returns what was found. It returns an
// error only when ctx is done or a source's format cannot be detected;
// other read errors are kept per source in the Result, after the lines
// read before them are counted.
func Run(ctx context.Context, sources []Source, o Options) (*Result, error) {
	o = o.withDefaults()
	cfg := o.Rules.WindowConfig().WithDefaults()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	states := make([]*sourceState, len(sources))
	for i, s := range sources {
		states[i] = &sourceState{index: i, src: s, waiting: make(map[uint64]*part), admit: make(chan struct{})}
	}
	jobs := make(chan job, 2*o.Workers)
	parts := make(chan *part, 2*o.Workers)
	ended := make(chan *sourceState, len(sources))
	regs := make(chan registration, len(sources))
	var readers sync.WaitGroup
	for _, st := range states {
		readers.Go(func() { read(ctx, st, &o, jobs, regs, ended, cancel) })
	}
	go func() { readers.Wait(); close(jobs); close(ended) }()
	var workers sync.WaitGroup
	ws := make([]*worker, o.Workers)
	pool := &windowPool{cfg: &cfg}
	for i := range ws {
		ws[i] = newWorker(&o, &cfg, pool)
		workers.Go(func() { ws[i].run(jobs, parts) })
	}
	go func() { workers.Wait(); close(parts) }()
	m := newMerger(&o, &cfg, states, pool)
	m.loop(parts, regs, ended)
	// The workers are done (parts is closed): merge their summaries, in
	// worker order.
	for _, w := range ws {
		m.sum.Merge(w.sum)
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return m.result(), nil
}

// read runs one source, numbering its batches, detecting its format from
// the first one, and reports the source ended.
func read(ctx context.Context, st *sourceState, o *Options, jobs chan<- job, regs chan<- registration, ended chan<- *sourceState, fail context.CancelCauseFunc) {
	var seq uint64
	var directive []byte
	emit := func(b Batch) error {
		if st.format == nil && len(b.Data) > 0 {
			f, err := chooseFormat(o, sample(b.Data))
			if err != nil {
				return fmt.Errorf("%s: %w", st.src.Info().Name, err)
			}
			st.format = f
			var first int64
			var ok bool
			if f.metric != 0 {
				st.stamp = stampOf(st.src.Info().Name)
				first, ok = metricFirstTime(f, b.Data, st.stamp)
			} else {
				first, ok = firstTime(f, b.Data)
			}
			regs <- registration{st: st, hasFirst: ok, first: first}
			select {
			case <-st.admit:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		j := job{src: st, seq: seq, batch: b, directive: directive}
		if st.format != nil && st.format.perSource {
			directive = lastDirective(b.Data, directive)
		}
		select {
		case jobs <- j:
			seq++
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	err := st.src.Read(ctx, emit)
	var fe *FormatError
	switch {
	case ctx.Err() != nil:
	case asFormatError(err, &fe):
		fail(err)
	default:
		st.err = err
	}
	st.total = seq
	ended <- st
}

var fieldsDirective = []byte("#Fields:")

// lastDirective returns a copy of the last "#Fields:" line of data, or
// prev when data has none.
func lastDirective(data, prev []byte) []byte {
	i := bytes.LastIndex(data, fieldsDirective)
	for i > 0 && data[i-1] != '\n' {
		i = bytes.LastIndex(data[:i], fieldsDirective)
	}
	if i < 0 {
		return prev
	}
	line, _ := cutLine(data[i:])
	return bytes.Clone(line)
}

// sample returns data for format detection (which bounds its own work),
// ending with a newline: the last line of an input may lack one.
func sample(data []byte) []byte {
	if data[len(data)-1] != '\n' {
		return append(bytes.Clone(data), '\n')
	}
	return data
}

// merger merges parts in input order, closes windows behind the
// watermark, and runs detection. It runs on one goroutine.
type merger struct {
	opts    *Options
	cfg     *window.Config
	states  []*sourceState
	counts  InputCounts
	reasons map[string]uint64
	samples []Sample
	sum     *summary.Summary
	open    map[int64]*window.Window
	// closedTo: windows ending at or before it are closed (MinInt64:
	// none yet).
	closedTo int64
	timeline *summary.Timeline
	detector *detect.Engine
	maxOpen  int
	pool     *windowPool
	// metrics sums up the closed windows' metric series for the report.
	metrics *metricSummary
}

func newMerger(o *Options, cfg *window.Config, states []*sourceState, pool *windowPool) *merger {
	return &merger{
		pool:     pool,
		opts:     o,
		cfg:      cfg,
		states:   states,
		reasons:  make(map[string]uint64),
		sum:      summary.New(summary.Options{Exact: o.Exact}),
		open:     make(map[int64]*window.Window),
		timeline: summary.NewTimeline(cfg.Size, o.TimelineStep, 0),
		detector: detect.New(o.Rules),
		closedTo: math.MinInt64,
		metrics:  newMetricSummary(o.Rules, cfg.Size),
	}
}
