package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/vigil-ops/vigil/parsers"
)

const (
	// chunkSize is the size of the buffers handed to workers; it must be
	// well above MaxLineBytes so that a line of the maximum length fits.
	chunkSize = 1 << 20
	// sniffBytes is how much of an input format detection looks at.
	sniffBytes = 64 << 10
	// sampleBytes truncates rejected lines shown in the report.
	sampleBytes = 200
)

// source is one input as the workers see it.
type source struct {
	index       int
	path        string
	compression string
	format      *format
	bytes       uint64
}

// Result is everything an analysis found: the merged aggregate and the
// bookkeeping of the input. [Result.Report] turns it into a report.
type Result struct {
	Options Options
	Agg     *Aggregate
	Sources []*source
	Counts  InputCounts
	Samples []Sample
	Reasons map[string]uint64
	// LinesBySource counts lines per input, indexed like Sources.
	LinesBySource []uint64
}

// InputCounts are the line counts of an analysis. Lines = Parsed +
// Malformed + TooLong + Filtered.
type InputCounts struct {
	Lines, Parsed, Malformed, TooLong, Filtered uint64
}

// Sample is a rejected line kept for the report.
type Sample struct {
	Source int
	Line   uint64
	Reason string
	Text   string
}

// Run analyses paths ("-" is stdin) as one log. stdin is read for "-".
func Run(ctx context.Context, paths []string, stdin io.Reader, o Options) (*Result, error) {
	o = o.withDefaults()
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	if o.Last > 0 {
		end, err := lastEventTime(paths, &o)
		if err != nil {
			return nil, err
		}
		o.Since = end.Add(-o.Last)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan chunk, 2*o.Workers)
	pool := newBufPool(4*o.Workers+2, chunkSize)
	sources := make([]*source, len(paths))
	var readErr error
	var once sync.Once
	fail := func(err error) {
		once.Do(func() { readErr = err; cancel() })
	}
	go func() {
		readAll(ctx, paths, stdin, &o, pool, chunks, sources, fail)
		close(chunks)
	}()
	workers := make([]*worker, o.Workers)
	store := newWindowStore()
	var wg sync.WaitGroup
	for i := range workers {
		workers[i] = newWorker(&o, len(paths))
		workers[i].agg.store = store
		wg.Go(func() { workers[i].run(chunks, pool) })
	}
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	res := merge(&o, sources, workers)
	res.Agg.absorb(store.windows)
	return res, nil
}

// readAll reads the inputs concurrently, up to one reader per worker so
// that several compressed files decompress in parallel, and records each
// input in sources. It returns when all are read or one failed.
func readAll(ctx context.Context, paths []string, stdin io.Reader, o *Options, pool *bufPool, out chan<- chunk, sources []*source, fail func(error)) {
	next := make(chan int, len(paths))
	for i := range paths {
		next <- i
	}
	close(next)
	var readers sync.WaitGroup
	for range min(len(paths), o.Workers) {
		readers.Go(func() {
			for i := range next {
				src, err := readSource(ctx, i, paths[i], stdin, o, pool, out)
				sources[i] = src
				if err != nil {
					fail(err)
					return
				}
			}
		})
	}
	readers.Wait()
}

// readSource opens one input, detects its format and cuts it into chunks.
func readSource(ctx context.Context, i int, path string, stdin io.Reader, o *Options, pool *bufPool, out chan<- chunk) (*source, error) {
	in, err := openInput(path, stdin)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	src := &source{index: i, path: path, compression: in.compression}
	br := bufio.NewReaderSize(in.r, sniffBytes)
	sample, err := br.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return src, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if err != nil && len(sample) > 0 && sample[len(sample)-1] != '\n' {
		// The whole input is in the sample: its last line is complete.
		sample = append(bytes.Clone(sample), '\n')
	}
	if len(sample) == 0 {
		return src, nil
	}
	if src.format, err = chooseFormat(o, sample); err != nil {
		return src, fmt.Errorf("%s: %w", path, err)
	}
	var reported int64
	src.bytes, err = cut(ctx, src, br, pool, out, func(lines int) {
		if o.Progress != nil {
			o.Progress(in.raw.n-reported, lines)
			reported = in.raw.n
		}
	})
	return src, err
}

// worker parses chunks into its own aggregate.
type worker struct {
	opts    *Options
	agg     *Aggregate
	counts  InputCounts
	lines   []uint64
	samples []Sample
	reasons map[string]uint64
	parsers map[*format]lineParser
	rec     parsers.Record
	since   int64
	until   int64
}

func newWorker(o *Options, nsources int) *worker {
	w := &worker{
		opts:    o,
		agg:     NewAggregate(o),
		lines:   make([]uint64, nsources),
		reasons: make(map[string]uint64),
		parsers: make(map[*format]lineParser),
	}
	if !o.Since.IsZero() {
		w.since = o.Since.UnixNano()
	}
	if !o.Until.IsZero() {
		w.until = o.Until.UnixNano()
	}
	return w
}

func (w *worker) run(chunks <-chan chunk, pool *bufPool) {
	for c := range chunks {
		w.chunk(&c)
		pool.put(c.buf)
	}
	w.agg.flush()
}

// chunk parses every line of c. This is the hot loop: no allocation, no
// interface boxing beyond the parser call.
func (w *worker) chunk(c *chunk) {
	p := w.parser(c.src.format)
	lineNo := c.line
	if c.tooLong > 0 {
		w.counts.TooLong += c.tooLong
		w.counts.Lines += c.tooLong
		w.lines[c.src.index] += c.tooLong
		w.reasons[reasonTooLong] += c.tooLong
		w.sample(c.src.index, lineNo-c.tooLong, reasonTooLong, nil)
	}
	data := c.data
	for len(data) > 0 {
		var line []byte
		line, data = cutLine(data)
		w.line(c.src.index, lineNo, p, line)
		lineNo++
	}
}

const (
	reasonTooLong = "line too long"
	reasonEmpty   = "empty line"
)

func (w *worker) line(src int, lineNo uint64, p lineParser, line []byte) {
	w.counts.Lines++
	w.lines[src]++
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	switch {
	case len(line) > w.opts.MaxLineBytes:
		w.counts.TooLong++
		w.reject(src, lineNo, reasonTooLong, line)
		return
	case len(line) == 0:
		w.counts.Malformed++
		w.reject(src, lineNo, reasonEmpty, line)
		return
	}
	if err := p.Parse(line, &w.rec); err != nil {
		w.counts.Malformed++
		w.reject(src, lineNo, reasonOf(err), line)
		return
	}
	if t := w.rec.Time; (w.since != 0 || w.until != 0) && (t == 0 || t < w.since || (w.until != 0 && t >= w.until)) {
		w.counts.Filtered++
		return
	}
	w.counts.Parsed++
	w.agg.Add(&w.rec)
}

func reasonOf(err error) string {
	var se *parsers.SyntaxError
	if errors.As(err, &se) {
		return se.Reason
	}
	return err.Error()
}

func (w *worker) reject(src int, lineNo uint64, reason string, line []byte) {
	w.reasons[reason]++
	w.sample(src, lineNo, reason, line)
}

// sample keeps the first MalformedSamples rejects in (source, line) order;
// workers see chunks out of order, so it keeps the smallest positions.
func (w *worker) sample(src int, lineNo uint64, reason string, line []byte) {
	n := w.opts.MalformedSamples
	if len(w.samples) == n && !before(src, lineNo, w.samples[n-1]) {
		return
	}
	s := Sample{Source: src, Line: lineNo, Reason: reason, Text: string(line[:min(len(line), sampleBytes)])}
	w.samples = insertSample(w.samples, s, n)
}

func before(src int, line uint64, s Sample) bool {
	return src < s.Source || (src == s.Source && line < s.Line)
}

// insertSample inserts s in order into samples, keeping at most n.
func insertSample(samples []Sample, s Sample, n int) []Sample {
	i := len(samples)
	for i > 0 && before(s.Source, s.Line, samples[i-1]) {
		i--
	}
	samples = append(samples, Sample{})
	copy(samples[i+1:], samples[i:])
	samples[i] = s
	if len(samples) > n {
		samples = samples[:n]
	}
	return samples
}

func (w *worker) parser(f *format) lineParser {
	p := w.parsers[f]
	if p == nil {
		p = f.newParser()
		w.parsers[f] = p
	}
	return p
}

// merge combines the workers' results.
func merge(o *Options, sources []*source, workers []*worker) *Result {
	res := &Result{
		Options:       *o,
		Agg:           workers[0].agg,
		Sources:       sources,
		Reasons:       make(map[string]uint64),
		LinesBySource: make([]uint64, len(sources)),
	}
	for i, w := range workers {
		if i > 0 {
			res.Agg.Merge(w.agg)
		}
		res.Counts.Lines += w.counts.Lines
		res.Counts.Parsed += w.counts.Parsed
		res.Counts.Malformed += w.counts.Malformed
		res.Counts.TooLong += w.counts.TooLong
		res.Counts.Filtered += w.counts.Filtered
		for r, n := range w.reasons {
			res.Reasons[r] += n
		}
		for j, n := range w.lines {
			res.LinesBySource[j] += n
		}
		for _, s := range w.samples {
			res.Samples = insertSample(res.Samples, s, o.MalformedSamples)
		}
	}
	return res
}
