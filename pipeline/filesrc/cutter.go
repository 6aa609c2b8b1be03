package filesrc

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"

	"github.com/vigil-ops/vigil/pipeline"
)

// cutter turns what a filler reads into batches of whole lines: it fills
// a pooled buffer, emits the whole lines in it, and carries the partial
// last line over to the next buffer. A line longer than max is skipped up
// to its newline and counted in the next batch's TooLong. Not safe for
// concurrent use: it runs on Read's goroutine.
type cutter struct {
	f    *File
	src  filler
	pool *pool
	emit func(pipeline.Batch) error
	size int // input bytes a buffer takes
	max  int // longest line kept, without its newline
	// carry is the partial line at the end of the previous buffer. It
	// aliases that buffer, released already: only this cutter gets
	// buffers from the pool, and copies carry before anything else.
	carry   []byte
	skip    bool   // inside a too-long line: drop up to its newline, then count it
	line    uint64 // number of the next line
	tooLong uint64 // lines skipped since the previous batch
	readOff int64  // bytes read from the current file
	filled  int    // input bytes in the current buffer
	rawSent int64  // raw bytes accounted in batches so far
	total   *atomic.Uint64
}

func newCutter(f *File, src filler, emit func(pipeline.Batch) error) *cutter {
	return &cutter{
		f:     f,
		src:   src,
		pool:  newPool(f.opts.Buffers, f.opts.ChunkBytes),
		emit:  emit,
		size:  f.opts.ChunkBytes,
		max:   f.opts.MaxLineBytes,
		line:  1,
		total: &f.bytes,
	}
}

// run reads the input to its end, or until ctx is done or emit fails.
func (c *cutter) run(ctx context.Context) error {
	for {
		b, err := c.pool.get(ctx)
		if err != nil {
			return err
		}
		st, err := c.step(ctx, b)
		b.release()
		switch {
		case err != nil:
			return err
		case st == stEnd:
			return nil
		case st == stIdle:
			err = c.emit(pipeline.Batch{Idle: true, Line: c.line, Offset: c.readOff - int64(len(c.carry))})
		case st == stFileEnd || st == stRestart:
			c.readOff = 0
		}
		if err != nil {
			return err
		}
	}
}

// step fills b and emits its whole lines.
func (c *cutter) step(ctx context.Context, b *buffer) (status, error) {
	n, st, err := c.fill(ctx, b)
	if err != nil {
		return st, c.fail(ctx, b, n, err)
	}
	return st, c.cut(b, n, st)
}

// fill copies the carried partial line into b and reads after it until b
// is full, the filler has a status to tell, or b holds a whole line.
func (c *cutter) fill(ctx context.Context, b *buffer) (int, status, error) {
	n := copy(b.data, c.carry)
	c.carry = nil
	for {
		m, st, err := c.src.fill(ctx, b.data[n:c.size])
		n += m
		c.readOff += int64(m)
		c.total.Add(uint64(m))
		if err != nil || st != stMore || n == c.size || bytes.IndexByte(b.data[n-m:n], '\n') >= 0 {
			return n, st, err
		}
	}
}

// cut emits the whole lines of b.data[:n], skipping and counting those
// longer than max, and keeps the partial last line as the carry; st says
// what to do with that line instead.
func (c *cutter) cut(b *buffer, n int, st status) error {
	data := b.data[:n]
	c.filled = n
	pos := 0
	if c.skip {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			// The whole buffer is inside the long line.
			if st == stMore || st == stIdle {
				return nil
			}
			c.skipped()
			return c.send(b, data, n, n, 0)
		}
		c.skipped()
		pos = i + 1
	}
	start, lines := pos, 0
	for {
		i := bytes.IndexByte(data[pos:], '\n')
		if i < 0 {
			break
		}
		if i > c.max {
			if err := c.send(b, data, start, pos, lines); err != nil {
				return err
			}
			c.skipped()
			pos += i + 1
			start, lines = pos, 0
			continue
		}
		lines++
		pos += i + 1
	}
	return c.tail(b, data, start, pos, lines, st)
}

// tail emits data[start:pos], lines whole lines, and deals with the bytes
// after them according to st.
func (c *cutter) tail(b *buffer, data []byte, start, pos, lines int, st status) error {
	end, rest := pos, len(data)-pos
	switch {
	case rest > c.max:
		if err := c.send(b, data, start, end, lines); err != nil {
			return err
		}
		if st == stMore || st == stIdle {
			c.skip = true // counted when its newline comes
			return nil
		}
		c.skipped()
		return c.send(b, data, len(data), len(data), 0)
	case rest == 0 || st == stRestart:
	case st == stEnd:
		end, lines = len(data), lines+1
	case st == stFileEnd:
		// The old file's last line ends with the file: give it the
		// newline a batch needs in the middle of its source. There is
		// room: buffers have one byte more than a chunk.
		data = b.data[:len(data)+1]
		data[len(data)-1] = '\n'
		end, lines = len(data), lines+1
	default:
		c.carry = data[pos:]
	}
	return c.send(b, data, start, end, lines)
}

// skipped counts a too-long line, whose end has come.
func (c *cutter) skipped() {
	c.skip = false
	c.tooLong++
	c.line++
}

// send emits data[start:end], lines whole lines after the c.tooLong
// skipped ones, as a batch sharing b; nothing when there is neither.
func (c *cutter) send(b *buffer, data []byte, start, end, lines int) error {
	if start == end && c.tooLong == 0 {
		return nil
	}
	raw := c.src.raw()
	b.refs.Add(1)
	batch := pipeline.Batch{
		Data:     data[start:end],
		Line:     c.line,
		TooLong:  c.tooLong,
		RawBytes: raw - c.rawSent,
		Offset:   c.readOff - int64(c.filled-min(end, c.filled)),
		Done:     b.done,
	}
	c.rawSent = raw
	c.line += uint64(lines)
	c.tooLong = 0
	return c.emit(batch)
}

// fail emits what was read whole before a damaged stream and returns the
// DamagedError; other errors are returned as they are.
func (c *cutter) fail(ctx context.Context, b *buffer, n int, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var d *damage
	if !errors.As(err, &d) {
		return err
	}
	if err := c.cut(b, n, stMore); err != nil {
		return err
	}
	return &DamagedError{
		Path:        c.f.name,
		Compression: c.f.Info().Compression,
		Bytes:       c.total.Load(),
		Line:        c.line - 1,
		Partial:     len(c.carry) > 0 || c.skip,
		Err:         d.err,
	}
}
