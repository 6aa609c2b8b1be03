package filesrc

import (
	"context"
	"io"
	"os"
)

// status says what a filler's fill met, besides the bytes it read.
type status int

const (
	// stMore: more input may follow.
	stMore status = iota
	// stEnd: the input ended; its last line may lack a newline.
	stEnd
	// stIdle: a followed file had no new data for the idle period.
	stIdle
	// stFileEnd: a followed file was rotated and read to its end; the
	// next bytes come from the new file. A partial last line ends there.
	stFileEnd
	// stRestart: a followed file was truncated; the next bytes come from
	// its start. A partial last line is dropped: its end is gone.
	stRestart
)

// filler is where a cutter's bytes come from: a file or a stream read to
// its end, or a followed file.
type filler interface {
	// fill reads into p and returns how many bytes it read, and an error
	// (with the bytes read before it) or a status. It blocks until it
	// has read at least one byte or has a status other than stMore to
	// tell, and returns promptly when ctx is done, with ctx.Err().
	fill(ctx context.Context, p []byte) (int, status, error)
	// raw counts the bytes consumed from the underlying file so far
	// (compressed bytes for a compressed input).
	raw() int64
	// close releases what the filler opened.
	close()
}

// fileFiller reads a regular file (or standard input redirected from
// one) to its end on the caller's goroutine: reads from a regular file do
// not block for long, so ctx is checked once per fill.
type fileFiller struct {
	f     *File
	fd    *os.File
	owned bool // fd is closed by close
	cnt   counter
	d     *decoder
}

func (r *fileFiller) fill(ctx context.Context, p []byte) (int, status, error) {
	if err := ctx.Err(); err != nil {
		return 0, stMore, err
	}
	if r.d == nil {
		d, err := newDecoder(displayName(r.f.name), &r.cnt, r.f.setCompression, r.f.warn)
		if err != nil {
			return 0, stMore, err
		}
		r.d = d
	}
	n := 0
	for n < len(p) {
		m, err := r.d.Read(p[n:])
		n += m
		if err == io.EOF {
			r.checkShrink()
			return n, stEnd, nil
		}
		if err != nil {
			r.checkShrink()
			return n, stMore, err
		}
	}
	return n, stMore, nil
}

// checkShrink warns when the file is now shorter than it was at Open:
// someone truncated it while it was read, and its end is lost.
func (r *fileFiller) checkShrink() {
	if !r.owned || r.f.size < 0 {
		return
	}
	if fi, err := r.fd.Stat(); err == nil && fi.Size() < r.f.size {
		r.f.warn(displayName(r.f.name) + ": file shrank from " + commas(uint64(r.f.size)) +
			" to " + commas(uint64(fi.Size())) + " bytes while it was read")
	}
}

func (r *fileFiller) raw() int64 { return r.cnt.n.Load() }

func (r *fileFiller) close() {
	if r.d != nil {
		r.d.Close()
	}
	if r.owned {
		r.fd.Close()
	}
}
