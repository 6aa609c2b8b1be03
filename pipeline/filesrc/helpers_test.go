package filesrc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/vigil-ops/vigil/pipeline"
)

// collector checks the batches of one Read and keeps their lines.
type collector struct {
	t        *testing.T
	mu       sync.Mutex
	lines    []string // lines[i] is line i+1; too-long lines are "\x00"
	idle     int
	raw      int64
	offset   int64
	batches  int
	hold     []pipeline.Batch // batches whose Done is delayed
	holdN    int              // how many batches to hold
	changed  chan struct{}
	finalEnd bool // a batch whose last line lacks a newline was seen
}

const tooLongMark = "\x00"

func newCollector(t *testing.T) *collector {
	return &collector{t: t, changed: make(chan struct{}, 1)}
}

func (c *collector) emit(b pipeline.Batch) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.check(b); err != nil {
		c.t.Error(err)
		return err
	}
	c.add(b)
	c.hold = append(c.hold, b)
	for len(c.hold) > c.holdN {
		c.verifyHeld()
		if c.hold[0].Done != nil {
			c.hold[0].Done()
		}
		c.hold = c.hold[1:]
	}
	select {
	case c.changed <- struct{}{}:
	default:
	}
	return nil
}

// check verifies the batch's numbering against the lines seen so far.
func (c *collector) check(b pipeline.Batch) error {
	if c.finalEnd {
		return fmt.Errorf("batch after a line without newline: %+v", b)
	}
	if b.Idle {
		if len(b.Data) != 0 || b.TooLong != 0 || b.Done != nil {
			return fmt.Errorf("unexpected idle batch %+v", b)
		}
		return nil
	}
	if want := uint64(len(c.lines)) + b.TooLong + 1; b.Line != want {
		return fmt.Errorf("unexpected Line; got %d; want %d", b.Line, want)
	}
	if len(b.Data) == 0 && b.TooLong == 0 {
		return fmt.Errorf("empty batch %+v", b)
	}
	if b.Done == nil {
		return fmt.Errorf("batch without Done")
	}
	return nil
}

func (c *collector) add(b pipeline.Batch) {
	if b.Idle {
		c.idle++
		return
	}
	c.batches++
	c.raw += b.RawBytes
	c.offset = b.Offset
	for range b.TooLong {
		c.lines = append(c.lines, tooLongMark)
	}
	data := b.Data
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			c.lines = append(c.lines, string(data))
			c.finalEnd = true
			break
		}
		c.lines = append(c.lines, string(data[:i]))
		data = data[i+1:]
	}
}

// verifyHeld checks that the data of a held batch is intact.
func (c *collector) verifyHeld() {
	b := c.hold[0]
	if b.Idle {
		return
	}
	i := int(b.Line) - 1
	for _, l := range bytes.SplitAfter(b.Data, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		if got := string(bytes.TrimSuffix(l, []byte("\n"))); got != c.lines[i] {
			c.t.Errorf("unexpected held line %d; got %q; want %q", i+1, got, c.lines[i])
		}
		i++
	}
}

func (c *collector) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range c.hold {
		if b.Done != nil {
			b.Done()
		}
	}
	c.hold = nil
}

func (c *collector) snapshot() (lines []string, idle int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.lines...), c.idle
}

// waitFor waits until cond holds for the lines and idle count, failing
// the test after a generous timeout (a loaded machine is slow; the tests
// never assert speed).
func (c *collector) waitFor(what string, cond func(lines []string, idle int) bool) {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if lines, idle := c.snapshot(); cond(lines, idle) {
			return
		}
		select {
		case <-c.changed:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			lines, idle := c.snapshot()
			c.t.Fatalf("timeout waiting for %s; got %d lines (last %q), %d idle", what, len(lines), last(lines), idle)
		}
	}
}

func last(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[len(lines)-1]
}

// readAll reads f to its end, releasing every batch.
func readAll(t *testing.T, f *File) (*collector, error) {
	t.Helper()
	c := newCollector(t)
	err := f.Read(context.Background(), c.emit)
	c.release()
	return c, err
}

// readFile opens and reads path with o.
func readFile(t *testing.T, path string, o Options) (*collector, pipeline.SourceInfo, error) {
	t.Helper()
	f, err := Open(path, nil, o)
	if err != nil {
		t.Fatalf("cannot open %s: %v", path, err)
	}
	c, err := readAll(t, f)
	return c, f.Info(), err
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	fd, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fd.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := fd.Close(); err != nil {
		t.Fatal(err)
	}
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(data, nil)
}

// genLines returns n numbered lines of varying length, each with its
// newline.
func genLines(prefix string, n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "%s%d %s\n", prefix, i+1, bytes.Repeat([]byte("x"), (i*37)%150))
	}
	return b.Bytes()
}

// splitLines is the reference line splitting: lines without newlines,
// too-long lines replaced by tooLongMark.
func splitLines(data []byte, max int) []string {
	var lines []string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		l := data
		if i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(l) > max {
			lines = append(lines, tooLongMark)
		} else {
			lines = append(lines, string(l))
		}
	}
	return lines
}

type pipelineBatch = pipeline.Batch

func pipelineInfo(name, compression string, n int) pipeline.SourceInfo {
	return pipeline.SourceInfo{Name: name, Compression: compression, Bytes: uint64(n)}
}
