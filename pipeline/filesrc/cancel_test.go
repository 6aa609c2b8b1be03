package filesrc

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
)

// readCancelled runs cancelRead with a collector, which it returns; ready
// is given the collector.
func readCancelled(t *testing.T, f *File, ready func(c *collector)) *collector {
	t.Helper()
	c := newCollector(t)
	cancelRead(t, f, c.emit, func() { ready(c) })
	c.release()
	return c
}

// cancelRead starts f.Read with emit, cancels it once ready returns, and
// checks that Read returns ctx.Err() within a second (reported: a Ctrl-C
// while reading an idle pipe waited for the writer to close it).
func cancelRead(t *testing.T, f *File, emit func(pipeline.Batch) error, ready func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.Read(ctx, emit) }()
	ready()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("unexpected error after the cancellation; got %v; want %v", err, context.Canceled)
		}
	case <-time.After(time.Second):
		t.Fatal("Read did not return within a second of the cancellation")
	}
}

func settle(*collector) { time.Sleep(50 * time.Millisecond) }

// openPipe opens a pipe as standard input; it returns the pipe's writer,
// which the test's end closes before the reader (an abandoned read of the
// pipe ends then).
func openPipe(t *testing.T) (*os.File, *File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	t.Cleanup(func() { w.Close() })
	f, err := Open("-", r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return w, f
}

func TestCancelIdlePipe(t *testing.T) {
	_, f := openPipe(t)
	readCancelled(t, f, settle)
}

// TestCancelSlowPipe: lines written to a pipe come out as they are
// written, without waiting for a full chunk or the writer's end.
func TestCancelSlowPipe(t *testing.T) {
	w, f := openPipe(t)
	c := readCancelled(t, f, func(c *collector) {
		io.WriteString(w, "a1\na2\na3 partial")
		c.waitFor("the lines written so far", hasLines(2))
	})
	if lines, _ := c.snapshot(); len(lines) != 2 {
		t.Errorf("unexpected lines %q; want a1 and a2", lines)
	}
}

// openFIFO makes a FIFO in a temporary directory and opens it; it skips
// the test where FIFOs cannot be made.
func openFIFO(t *testing.T) (string, *File) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	f, err := Open(path, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return path, f
}

func TestCancelIdleFIFO(t *testing.T) {
	path, f := openFIFO(t)
	readCancelled(t, f, settle)
	// Let the abandoned open(2) return, so that the goroutine exits.
	if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
}

// TestCancelFIFOWriterIdle: a FIFO whose writer is open but silent.
func TestCancelFIFOWriterIdle(t *testing.T) {
	path, f := openFIFO(t)
	wc := make(chan *os.File, 1)
	go func() {
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
		}
		wc <- w
	}()
	c := readCancelled(t, f, func(c *collector) {
		w := <-wc
		t.Cleanup(func() { w.Close() })
		io.WriteString(w, "a1\n")
		c.waitFor("the first line", hasLines(1))
	})
	if lines, _ := c.snapshot(); len(lines) != 1 || f.Info().Name != path {
		t.Errorf("unexpected lines %q", lines)
	}
}

// TestCancelWaitingForBuffer: the engine holds every buffer.
func TestCancelWaitingForBuffer(t *testing.T) {
	f, err := Open(writeFile(t, "log", genLines("l", 1000)), nil, Options{ChunkBytes: 1024, MaxLineBytes: 512, Buffers: 1})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan struct{}, 1)
	hold := func(pipeline.Batch) error { got <- struct{}{}; return nil } // never releases
	cancelRead(t, f, hold, func() { <-got })
}

// TestCancelFollow: cancelling while a followed file is polled.
func TestCancelFollow(t *testing.T) {
	f, err := Open(writeFile(t, "log", []byte("a1\n")), nil, Options{Follow: true, Poll: time.Hour, Idle: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	readCancelled(t, f, func(c *collector) { c.waitFor("the line", hasLines(1)) })
}
