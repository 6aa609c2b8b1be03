package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// chunk is a run of whole lines of one source, handed to a worker.
type chunk struct {
	src *source
	// line is the 1-based number of the first line of data in its source.
	line uint64
	data []byte
	// tooLong counts lines the reader skipped before data because they
	// did not fit in a chunk buffer at all.
	tooLong uint64
	buf     *[]byte
}

// bufPool recycles chunk buffers between the reader and the workers, so
// that the memory in flight is bounded by the pool's size.
type bufPool struct {
	free chan *[]byte
	size int
}

func newBufPool(n, size int) *bufPool {
	p := &bufPool{free: make(chan *[]byte, n), size: size}
	for range n {
		b := make([]byte, size)
		p.free <- &b
	}
	return p
}

func (p *bufPool) get(ctx context.Context) (*[]byte, error) {
	select {
	case b := <-p.free:
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *bufPool) put(b *[]byte) { p.free <- b }

// cut reads r to its end and sends newline-aligned chunks to out. A line
// longer than a whole buffer is skipped up to its newline and counted as
// too long. It calls sent with the number of lines of each chunk sent, and
// returns the number of bytes read.
func cut(ctx context.Context, src *source, r io.Reader, pool *bufPool, out chan<- chunk, sent func(lines int)) (uint64, error) {
	var (
		total   uint64
		line    uint64 = 1
		carry   []byte
		tooLong uint64
		skip    bool
	)
	for {
		bp, err := pool.get(ctx)
		if err != nil {
			return total, err
		}
		buf := *bp
		n := copy(buf, carry)
		m, rerr := io.ReadFull(r, buf[n:])
		total += uint64(m)
		data := buf[:n+m]
		eof := errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF)
		if rerr != nil && !eof {
			pool.put(bp)
			return total, fmt.Errorf("cannot read %s: %w", src.path, rerr)
		}
		resumed := false
		if skip {
			// Still inside an over-long line: drop up to its newline.
			i := bytes.IndexByte(data, '\n')
			switch {
			case i >= 0:
				skip, resumed = false, true
				data = data[i+1:]
			case eof:
				data = data[:0] // the input ends inside the long line
			default:
				carry = nil
				pool.put(bp)
				continue
			}
		}
		end := len(data)
		if !eof {
			end = bytes.LastIndexByte(data, '\n') + 1
			if end == 0 && !resumed {
				// No newline in a full buffer: the line is too long.
				tooLong++
				line++
				skip = true
				carry = nil
				pool.put(bp)
				continue
			}
		}
		carry = append(carry[:0:0], data[end:]...)
		if end == 0 && tooLong == 0 {
			pool.put(bp)
		} else {
			c := chunk{src: src, line: line, data: data[:end], tooLong: tooLong, buf: bp}
			lines := bytes.Count(c.data, newline)
			line += uint64(lines)
			tooLong = 0
			select {
			case out <- c:
			case <-ctx.Done():
				return total, ctx.Err()
			}
			sent(lines)
		}
		if eof {
			return total, nil
		}
	}
}

var newline = []byte{'\n'}

// cutLine splits data at its first newline; the last line of data may
// have none.
func cutLine(data []byte) (line, rest []byte) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return data[:i], data[i+1:]
	}
	return data, nil
}
