package filesrc

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

func TestReadLinesSuccess(t *testing.T) {
	f := func(in string, o Options) {
		t.Helper()
		c, info, err := readFile(t, writeFile(t, "log", []byte(in)), o)
		if err != nil {
			t.Fatalf("unexpected error for %q: %v", in, err)
		}
		want := splitLines([]byte(in), o.withDefaults().MaxLineBytes)
		if d := gocmp.Diff(want, c.lines); d != "" {
			t.Errorf("unexpected lines for %q (-want +got):\n%s", in, d)
		}
		if info.Bytes != uint64(len(in)) || c.raw != int64(len(in)) {
			t.Errorf("unexpected byte counts for %q; got %d decompressed, %d raw; want %d", in, info.Bytes, c.raw, len(in))
		}
		if len(want) > 0 && c.offset != int64(len(in)) {
			t.Errorf("unexpected last offset for %q; got %d; want %d", in, c.offset, len(in))
		}
	}
	small := Options{ChunkBytes: 16, MaxLineBytes: 8}
	f("", Options{})
	f("\n", Options{})
	f("a", Options{})
	f("a\nb\n", Options{})
	f("a\nb", Options{})
	f("a\r\nb\r\n", Options{})
	f("\n\n\n", small)
	f("12345678\n12345678\n12345678\n", small)        // at the limit
	f("123456789\nab\n", small)                       // too long first
	f("ab\n123456789\ncd\n", small)                   // too long in the middle
	f("ab\n123456789012345678901234567\ncd\n", small) // longer than a chunk
	f("ab\ncd\n123456789", small)                     // too long at the end, no newline
	f("ab\ncd\n1234567890123456789012", small)        // longer than a chunk at the end
	f("123456789\n123456789\n123456789\n", small)     // only too-long lines
	f("ab\n12345678", small)                          // at the limit at the end
}

// TestReadLinesRandom compares Read with the reference split on random
// inputs, chunk sizes and line limits, with batches held for a while.
func TestReadLinesRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var b bytes.Buffer
		for range r.IntN(60) {
			b.Write(bytes.Repeat([]byte{'a' + byte(r.IntN(26))}, r.IntN(40)))
			if r.IntN(10) > 0 {
				b.WriteByte('\n')
			}
		}
		o := Options{ChunkBytes: 1 + r.IntN(64), MaxLineBytes: 1 + r.IntN(32), Buffers: 1 + r.IntN(4)}
		f, err := Open(writeFile(t, "log", b.Bytes()), nil, o)
		if err != nil {
			t.Fatal(err)
		}
		c := newCollector(t)
		c.holdN = o.Buffers - 1
		err = f.Read(t.Context(), c.emit)
		c.release()
		if err != nil {
			t.Fatalf("unexpected error for %q: %v", b.Bytes(), err)
		}
		if d := gocmp.Diff(splitLines(b.Bytes(), o.MaxLineBytes), c.lines); d != "" {
			t.Fatalf("unexpected lines for %q with %+v (-want +got):\n%s", b.Bytes(), o, d)
		}
	}
}

func TestReadCompressed(t *testing.T) {
	plain := genLines("line ", 5000)
	f := func(name string, data []byte, compression string, o Options) {
		t.Helper()
		c, info, err := readFile(t, writeFile(t, name, data), o)
		if err != nil {
			t.Fatalf("unexpected error for %q: %v", name, err)
		}
		if d := gocmp.Diff(splitLines(plain, DefaultMaxLineBytes), c.lines); d != "" {
			t.Errorf("unexpected lines for %q (-want +got):\n%s", name, d)
		}
		want := pipelineInfo(name, compression, len(plain))
		info.Name = filepath.Base(info.Name)
		if d := gocmp.Diff(want, info); d != "" {
			t.Errorf("unexpected info for %q (-want +got):\n%s", name, d)
		}
		if c.raw != int64(len(data)) {
			t.Errorf("unexpected raw bytes for %q; got %d; want %d", name, c.raw, len(data))
		}
		if c.offset != int64(len(plain)) {
			t.Errorf("unexpected last offset for %q; got %d; want %d", name, c.offset, len(plain))
		}
	}
	gz := gzipBytes(t, plain)
	half := bytes.IndexByte(plain[len(plain)/2:], '\n') + len(plain)/2 + 1
	members := append(gzipBytes(t, plain[:half]), gzipBytes(t, plain[half:])...)
	f("log.gz", gz, Gzip, Options{})
	f("no-extension", gz, Gzip, Options{ChunkBytes: 4096})
	f("log.zst", zstdBytes(t, plain), Zstd, Options{ChunkBytes: 4096})
	f("log.txt", plain, None, Options{ChunkBytes: 4096})
	f("members.gz", members, Gzip, Options{ChunkBytes: 4096})
	f("empty-member.gz", append(gzipBytes(t, nil), gz...), Gzip, Options{})
}

func TestReadStdin(t *testing.T) {
	plain := genLines("line ", 3000)
	f := func(stdin []byte, o Options) {
		t.Helper()
		src, err := Open("-", bytes.NewReader(stdin), o)
		if err != nil {
			t.Fatal(err)
		}
		c, err := readAll(t, src)
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if d := gocmp.Diff(splitLines(plain, DefaultMaxLineBytes), c.lines); d != "" {
			t.Errorf("unexpected lines (-want +got):\n%s", d)
		}
		if info := src.Info(); info.Name != "-" || info.Bytes != uint64(len(plain)) {
			t.Errorf("unexpected info %+v", info)
		}
	}
	f(plain, Options{})
	f(gzipBytes(t, plain), Options{ChunkBytes: 1000})
	f(zstdBytes(t, plain), Options{Follow: true}) // read to its end
	// Standard input redirected from a regular file.
	fd, err := os.Open(writeFile(t, "log", plain))
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	src, err := Open("-", fd, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := readAll(t, src); err != nil || len(c.lines) != 3000 {
		t.Errorf("unexpected result for stdin from a file; got %d lines, error %v; want 3000 lines", len(c.lines), err)
	}
}

func TestOpenFailure(t *testing.T) {
	dir := t.TempDir()
	f := func(path string, o Options, want string) {
		t.Helper()
		_, err := Open(path, nil, o)
		if err == nil || err.Error() != want {
			t.Errorf("unexpected error for %q; got %v; want %q", path, err, want)
		}
	}
	missing := filepath.Join(dir, "x")
	f(missing, Options{}, "cannot open input: open "+missing+": no such file or directory")
	gz := writeFile(t, "x.gz", gzipBytes(t, []byte("a\n")))
	f(gz, Options{Follow: true}, "cannot follow "+gz+": gzip-compressed files cannot be followed")
	zst := writeFile(t, "x.log", zstdBytes(t, []byte("a\n")))
	f(zst, Options{Follow: true}, "cannot follow "+zst+": zstd-compressed files cannot be followed")
	f(dir, Options{}, "cannot read "+dir+": read "+dir+": is a directory")
}

func TestReadFailure(t *testing.T) {
	f, err := Open(writeFile(t, "log", []byte("a\n")), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, f); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, f); err == nil || !strings.Contains(err.Error(), "already read or closed") {
		t.Errorf("unexpected error for a second Read; got %v", err)
	}
	// emit's error comes back as it is.
	f, err = Open(writeFile(t, "log", []byte("a\n")), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	if err := f.Read(t.Context(), func(b pipelineBatch) error { b.Done(); return stop }); err != stop {
		t.Errorf("unexpected error from emit; got %v; want %v", err, stop)
	}
}

// TestBuffersBound checks that Read waits for Done beyond Options.Buffers
// and goes on when a buffer comes back.
func TestBuffersBound(t *testing.T) {
	f, err := Open(writeFile(t, "log", genLines("l", 1000)), nil, Options{ChunkBytes: 1024, MaxLineBytes: 512, Buffers: 2})
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan pipelineBatch, 100)
	done := make(chan error)
	go func() {
		done <- f.Read(t.Context(), func(b pipelineBatch) error { held <- b; return nil })
	}()
	first, second := <-held, <-held
	time.Sleep(50 * time.Millisecond) // a third batch would come now
	select {
	case b := <-held:
		t.Fatalf("unexpected third batch while two are held: %+v", b.Line)
	case err := <-done:
		t.Fatalf("unexpected end of Read while two batches are held: %v", err)
	default:
	}
	first.Done()
	second.Done()
	for {
		select {
		case b := <-held:
			b.Done()
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			return
		}
	}
}

func TestCommas(t *testing.T) {
	f := func(n uint64, want string) {
		t.Helper()
		if got := commas(n); got != want {
			t.Errorf("unexpected commas(%d); got %q; want %q", n, got, want)
		}
	}
	f(0, "0")
	f(999, "999")
	f(1000, "1,000")
	f(1234567, "1,234,567")
	f(100000, "100,000")
}

// TestWarningsBound: a followed file rotated for months keeps a bounded
// list of warnings.
func TestWarningsBound(t *testing.T) {
	f, err := Open("-", strings.NewReader(""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range maxWarnings + 4 {
		f.warn("w" + strconv.Itoa(i))
	}
	w := f.Info().Warnings
	if len(w) != maxWarnings+1 || w[0] != "w0" || w[maxWarnings] != "standard input: 4 more warnings" {
		t.Errorf("unexpected warnings %q", w)
	}
}
