package kafkasrc

import (
	"bytes"
	"context"
	"fmt"

	"github.com/segmentio/kafka-go"

	"github.com/vigil-ops/vigil/pipeline"
)

// gatherer is the loop of one Read: it fetches messages, gathers their
// lines into the slot's buffer and emits a batch when it is full, when
// Options.BatchWait has passed since its first message, or when the
// generation ends. Not safe for concurrent use.
type gatherer struct {
	p    *Partition
	r    *kafka.Reader
	emit func(pipeline.Batch) error

	s       *slot  // the slot being filled, nil between batches
	buf     []byte // its buffer
	msgs    int    // messages in buf
	lines   uint64 // lines in buf
	tooLong uint64 // lines skipped for this batch
	raw     int64  // message bytes of this batch
	next    int64  // the offset after the last message read
	line    uint64 // lines before this batch, skipped ones included

	wait       context.Context // the fetch's context: idle or batch deadline
	waitCancel context.CancelFunc
	idleSent   bool
}

func newGatherer(p *Partition, r *kafka.Reader, emit func(pipeline.Batch) error) *gatherer {
	return &gatherer{p: p, r: r, emit: emit, next: p.start}
}

// run fetches until the generation ends (rctx done, ctx not), ctx is
// done, emit fails or a fetch error is fatal.
func (g *gatherer) run(ctx, rctx context.Context) error {
	defer g.clearWait()
	for {
		if g.s == nil && !g.acquire(rctx) {
			return ctx.Err() // nil when the generation ended
		}
		if g.wait == nil {
			g.setWait(rctx)
		}
		msg, err := g.r.FetchMessage(g.wait)
		if err != nil {
			if err := g.fetchFailed(ctx, rctx, err); err != nil || rctx.Err() != nil {
				return err
			}
			continue
		}
		if err := g.add(rctx, &msg); err != nil {
			return err
		}
	}
}

// fetchFailed handles a failed fetch: the end of the generation or of
// ctx, a deadline of the idle or batch wait, or a broker error.
func (g *gatherer) fetchFailed(ctx, rctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		g.p.release()
		return ctx.Err()
	case rctx.Err() != nil: // the generation ended: emit what we hold
		if g.msgs == 0 {
			g.p.release()
			return nil
		}
		return g.flush()
	case g.wait.Err() == context.DeadlineExceeded:
		g.clearWait()
		if g.msgs > 0 {
			return g.flush()
		}
		g.idleSent = true
		return g.emit(pipeline.Batch{Idle: true, Line: g.line + 1, Offset: g.next})
	case isFatal(err):
		g.p.release()
		return fmt.Errorf("kafka fetch %s: %w", g.p.name, err)
	}
	g.p.opts.reportError(fmt.Errorf("kafka fetch %s: %w", g.p.name, err))
	return nil
}

// add gathers the lines of msg, emitting the batch first when msg has a
// line too long for it (TooLong counts lines just before Data) and after
// when the batch is full.
func (g *gatherer) add(rctx context.Context, msg *kafka.Message) error {
	limit := g.p.opts.MaxLineBytes
	if g.msgs > 0 && len(msg.Value) > limit && hasLongLine(msg.Value, limit) {
		if err := g.flush(); err != nil {
			return err
		}
		if !g.acquire(rctx) {
			return nil // the generation ended; msg is read again by its next owner
		}
	}
	g.s.starts = append(g.s.starts, msgStart{line: g.line + g.tooLong + g.lines + 1, offset: msg.Offset})
	var kept, skipped uint64
	g.buf, kept, skipped = appendLines(g.buf, msg.Value, limit)
	g.lines += kept
	g.tooLong += skipped
	if skipped > 0 && g.p.opts.OnTooLong != nil {
		g.p.opts.OnTooLong(Rejected{Source: g.p.tp, Offset: msg.Offset, Value: msg.Value, Reason: pipeline.ReasonTooLong})
	}
	g.raw += int64(len(msg.Value))
	g.next = msg.Offset + 1
	g.p.bytes.Add(uint64(len(msg.Value)))
	g.p.lag.Store(max(msg.HighWaterMark-g.next, 0))
	g.msgs++
	if g.msgs == 1 {
		g.clearWait() // from the idle wait to the batch wait
		g.idleSent = false
	}
	if len(g.buf) >= g.p.opts.BatchBytes {
		return g.flush()
	}
	return nil
}

// acquire waits for a free slot to gather the next batch in; false when
// rctx is done.
func (g *gatherer) acquire(rctx context.Context) bool {
	if g.s = g.p.acquire(rctx); g.s == nil {
		return false
	}
	g.buf, g.s.starts = g.s.buf[:0], g.s.starts[:0]
	return true
}

// flush emits the batch being gathered.
func (g *gatherer) flush() error {
	s := g.s
	s.buf, s.offset, s.end = g.buf, g.next, g.line+g.tooLong+g.lines+1
	b := pipeline.Batch{
		Data:       g.buf,
		Line:       g.line + g.tooLong + 1,
		TooLong:    g.tooLong,
		RawBytes:   g.raw,
		Offset:     g.next,
		LineOffset: s.lineOffsetFn,
		Done:       s.doneFn,
	}
	g.line += g.tooLong + g.lines
	g.s, g.buf, g.msgs, g.lines, g.tooLong, g.raw = nil, nil, 0, 0, 0, 0
	g.clearWait()
	return g.emit(b)
}

// setWait makes the fetch context: until the batch's deadline when it
// has messages, until the idle deadline when it is empty and the idle
// batch has not been sent, else rctx itself.
func (g *gatherer) setWait(rctx context.Context) {
	switch {
	case g.msgs > 0:
		g.wait, g.waitCancel = context.WithTimeout(rctx, g.p.opts.BatchWait)
	case !g.idleSent:
		g.wait, g.waitCancel = context.WithTimeout(rctx, g.p.opts.Idle)
	default:
		g.wait, g.waitCancel = rctx, nil
	}
}

func (g *gatherer) clearWait() {
	if g.waitCancel != nil {
		g.waitCancel()
	}
	g.wait, g.waitCancel = nil, nil
}

// appendLines appends the lines of a message value to dst, each followed
// by '\n': one trailing newline of v is dropped, and each other newline
// ends a line. Lines longer than limit bytes are skipped. It returns dst
// and how many lines it kept and skipped.
func appendLines(dst, v []byte, limit int) ([]byte, uint64, uint64) {
	v = bytes.TrimSuffix(v, newline)
	if len(v) <= limit { // Fast path: no line can be too long.
		dst = append(dst, v...)
		return append(dst, '\n'), uint64(bytes.Count(v, newline)) + 1, 0
	}
	var kept, skipped uint64
	for {
		line, rest, found := bytes.Cut(v, newline)
		if len(line) > limit {
			skipped++
		} else {
			dst = append(append(dst, line...), '\n')
			kept++
		}
		if !found {
			return dst, kept, skipped
		}
		v = rest
	}
}

// hasLongLine says whether v has a line longer than limit bytes.
func hasLongLine(v []byte, limit int) bool {
	v = bytes.TrimSuffix(v, newline)
	for len(v) > limit {
		i := bytes.IndexByte(v, '\n')
		if i < 0 || i > limit {
			return true
		}
		v = v[i+1:]
	}
	return false
}

var newline = []byte{'\n'}
