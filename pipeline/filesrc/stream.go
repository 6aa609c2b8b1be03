package filesrc

import (
	"context"
	"io"
	"os"
	"sync"
)

// Stream reads are done in blocks of streamBlock bytes, streamBlocks of
// them ahead of the cutter.
const (
	streamBlock  = 64 << 10
	streamBlocks = 4
)

// block is what the stream's goroutine read: data, then err (io.EOF at
// the end).
type block struct {
	data []byte
	err  error
}

// stream reads a pipe, FIFO, terminal or any io.Reader. Such a read may
// block for ever (an idle writer), and neither open(2) of a FIFO nor a
// read of a blocking descriptor can be interrupted, so the opening, the
// reads and the decompression happen on a goroutine of the stream's own,
// which the cutter can abandon when ctx is done: the goroutine exits when
// its blocked call returns. A FIFO the stream opened is closed on
// abandonment, which unblocks its read; standard input is not closed.
type stream struct {
	f       *File
	cnt     counter
	blocks  chan block
	free    chan []byte
	quit    chan struct{}
	cur     block
	pos     int
	mu      sync.Mutex
	fd      *os.File // a FIFO the goroutine opened; guarded by mu
	stopped bool     // guarded by mu
}

// newStream starts reading r, or the file at path when r is nil.
func newStream(f *File, r io.Reader, path string) *stream {
	s := &stream{
		f:      f,
		blocks: make(chan block, streamBlocks),
		free:   make(chan []byte, streamBlocks),
		quit:   make(chan struct{}),
	}
	for range streamBlocks {
		s.free <- make([]byte, streamBlock)
	}
	go s.run(r, path)
	return s
}

// run is the stream's goroutine.
func (s *stream) run(r io.Reader, path string) {
	if r == nil {
		fd, err := s.open(path)
		if err != nil {
			s.send(block{err: err})
			return
		}
		defer fd.Close()
		r = fd
	}
	s.cnt.r = r
	d, err := newDecoder(displayName(s.f.name), &s.cnt, s.f.setCompression, s.f.warn)
	if err != nil {
		s.send(block{err: err})
		return
	}
	defer d.Close()
	for {
		var b []byte
		select {
		case b = <-s.free:
		case <-s.quit:
			return
		}
		n, err := d.Read(b)
		if !s.send(block{data: b[:n], err: err}) || err != nil {
			return
		}
	}
}

// open opens the FIFO (or device) at path; it blocks until a writer
// opens it too.
func (s *stream) open(path string) (*os.File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, openError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		fd.Close()
		return nil, context.Canceled
	}
	s.fd = fd
	return fd, nil
}

func (s *stream) send(b block) bool {
	select {
	case s.blocks <- b:
		return true
	case <-s.quit:
		return false
	}
}

// fill copies blocks into p: it waits for the first one, then takes
// those already read without waiting, so that a fast pipe gives full
// chunks and a slow one gives its lines as they come.
func (s *stream) fill(ctx context.Context, p []byte) (int, status, error) {
	n := 0
	for n < len(p) {
		if s.pos < len(s.cur.data) {
			c := copy(p[n:], s.cur.data[s.pos:])
			s.pos += c
			n += c
			continue
		}
		if err := s.cur.err; err != nil {
			if err == io.EOF {
				return n, stEnd, nil
			}
			return n, stMore, err
		}
		ok, err := s.next(ctx, n == 0)
		if err != nil || !ok {
			return n, stMore, err
		}
	}
	return n, stMore, nil
}

// next recycles the current block and takes the next one, waiting for it
// when wait is set.
func (s *stream) next(ctx context.Context, wait bool) (bool, error) {
	if s.cur.data != nil {
		s.free <- s.cur.data[:cap(s.cur.data)]
	}
	s.cur, s.pos = block{}, 0
	if !wait {
		select {
		case s.cur = <-s.blocks:
			return true, nil
		default:
			return false, nil
		}
	}
	select {
	case s.cur = <-s.blocks:
		return true, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (s *stream) raw() int64 { return s.cnt.n.Load() }

// close abandons the goroutine: it exits once its blocked call returns.
func (s *stream) close() {
	close(s.quit)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	if s.fd != nil {
		s.fd.Close()
	}
}
