package filesrc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"

	"github.com/vigil-ops/vigil/pipeline"
)

// maxWarnings bounds File's warnings, so that a followed file rotated
// every hour for months holds a bounded list.
const maxWarnings = 16

// File is one input: a file, standard input, a FIFO or a followed file.
// It implements pipeline.Source.
//
// Read is called once, from one goroutine; Info may be called from any
// goroutine, also while Read runs.
type File struct {
	name  string // the path, "-" for standard input
	opts  Options
	stdin io.Reader
	// fd is the regular file opened by Open (nil for streams and for a
	// followed file that does not exist yet); owned is false when it is
	// standard input.
	fd      *os.File
	owned   bool
	size    int64 // fd's size at Open; -1 when unknown
	stream  bool  // read on a goroutine that can be abandoned
	started atomic.Bool
	bytes   atomic.Uint64

	mu          sync.Mutex
	compression string
	warnings    []string
	dropped     int
}

var _ pipeline.Source = (*File)(nil)

// Open opens the input at path, "-" for stdin (os.Stdin when stdin is
// nil). Compression is recognised by magic bytes (gzip, zstd), not by
// name. A regular file is opened at once and its errors are returned
// ("cannot open input: open x: no such file or directory"); a FIFO or
// device is opened by Read, since opening a FIFO waits for its writer.
//
// With o.Follow, a path that does not exist yet is not an error (Read
// waits for it), and a compressed file is.
func Open(path string, stdin io.Reader, o Options) (*File, error) {
	f := &File{name: path, opts: o.withDefaults(), compression: None, size: -1}
	if path == "-" {
		f.openStdin(stdin)
		return f, nil
	}
	if err := f.openPath(); err != nil {
		return nil, err
	}
	return f, nil
}

// openStdin reads a stdin redirected from a regular file directly, and
// anything else as a stream.
func (f *File) openStdin(stdin io.Reader) {
	if stdin == nil {
		stdin = os.Stdin
	}
	f.stdin = stdin
	if fd, ok := stdin.(*os.File); ok {
		if fi, err := fd.Stat(); err == nil && fi.Mode().IsRegular() {
			f.fd = fd
			return
		}
	}
	f.stream = true
}

func (f *File) openPath() error {
	if fi, err := os.Stat(f.name); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f.stream = true // a FIFO, device or socket
		return nil
	}
	fd, err := os.Open(f.name)
	if err != nil {
		if f.opts.Follow && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return openError(err)
	}
	if err := f.sniff(fd); err != nil {
		fd.Close()
		return err
	}
	f.fd, f.owned = fd, true
	return nil
}

// sniff records the size and compression of a newly opened file, and
// refuses a compressed file to follow.
func (f *File) sniff(fd *os.File) error {
	if f.opts.Follow {
		_, err := checkFollowable(f.name, fd)
		return err
	}
	fi, err := fd.Stat()
	if err != nil {
		return fmt.Errorf("cannot stat %s: %w", f.name, err)
	}
	var head [4]byte
	n, err := fd.ReadAt(head[:], 0)
	if err != nil && err != io.EOF {
		return fmt.Errorf("cannot read %s: %w", f.name, err)
	}
	f.size, f.compression = fi.Size(), detect(head[:n])
	return nil
}

func openError(err error) error { return fmt.Errorf("cannot open input: %w", err) }

// Read emits the input's batches in order, as pipeline.Source says. Each
// Batch.Data is a slice of a pooled buffer, valid until its Done is
// called; Read waits for Done calls when Options.Buffers batches are in
// flight. Batch.RawBytes counts the raw (compressed) bytes consumed since
// the previous batch; Batch.Offset is the decompressed byte offset after
// the batch in the current file (a followed file starts again at 0 after
// rotation or truncation).
//
// Read returns nil at the end of the input, ctx.Err() promptly when ctx is
// done (also while waiting for a pipe's writer), the error of emit as is,
// a *DamagedError after the whole lines read before damage in a
// compressed input, or a "cannot read" error. A followed file ends only
// with ctx. Read closes the input before it returns.
func (f *File) Read(ctx context.Context, emit func(pipeline.Batch) error) error {
	if !f.started.CompareAndSwap(false, true) {
		return fmt.Errorf("cannot read %s: already read or closed", displayName(f.name))
	}
	src, err := f.source()
	if err != nil {
		return err
	}
	defer src.close()
	f.fd = nil // src owns it now
	return newCutter(f, src, emit).run(ctx)
}

func (f *File) source() (filler, error) {
	switch {
	case f.stream && f.name == "-":
		return newStream(f, f.stdin, ""), nil
	case f.stream:
		return newStream(f, nil, f.name), nil
	case f.opts.Follow && f.name != "-":
		return newFollower(f, f.fd)
	}
	return &fileFiller{f: f, fd: f.fd, owned: f.owned, cnt: counter{r: f.fd}}, nil
}

// Close releases the file opened by Open when Read is not called; Read
// closes it itself. Not safe for use concurrent with Read.
func (f *File) Close() error {
	if f.started.Swap(true) || f.fd == nil || !f.owned {
		return nil
	}
	return f.fd.Close()
}

// Info describes the input. Compression is "none" until Read has seen
// the first bytes of a stream. Safe for concurrent use.
func (f *File) Info() pipeline.SourceInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	w := append([]string(nil), f.warnings...)
	if f.dropped > 0 {
		w = append(w, fmt.Sprintf("%s: %d more warnings", displayName(f.name), f.dropped))
	}
	return pipeline.SourceInfo{Name: f.name, Compression: f.compression, Bytes: f.bytes.Load(), Warnings: w}
}

func (f *File) setCompression(c string) {
	f.mu.Lock()
	f.compression = c
	f.mu.Unlock()
}

// warn records a warning, past maxWarnings only counts it.
func (f *File) warn(msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.warnings) == maxWarnings {
		f.dropped++
		return
	}
	f.warnings = append(f.warnings, msg)
}
