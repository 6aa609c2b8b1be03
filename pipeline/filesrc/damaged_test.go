package filesrc

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/vigil-ops/vigil/pipeline"
)

// TestReadDamaged reads compressed inputs cut short or corrupt (reported:
// they used to end with exit 0 and no message). Read must emit every whole
// line decompressed before the damage, then a *DamagedError saying how far
// it got.
func TestReadDamaged(t *testing.T) {
	plain := genLines("line ", 40000)
	f := func(name string, data []byte, compression string, cut bool) {
		t.Helper()
		path := writeFile(t, name, data)
		c, _, err := readFile(t, path, Options{ChunkBytes: 64 << 10})
		var d *DamagedError
		if !errors.As(err, &d) {
			t.Fatalf("unexpected error for %s; got %v; want a *DamagedError", name, err)
		}
		if d.Path != path || d.Compression != compression || d.Bytes == 0 {
			t.Fatalf("unexpected damage for %s: %+v", name, d)
		}
		if !cut {
			// Corrupt data decompresses to garbage until a check fails:
			// only the report can be checked.
			if errors.Is(err, io.ErrUnexpectedEOF) || !strings.HasPrefix(err.Error(), path+": damaged "+compression+" data (") {
				t.Errorf("unexpected error for %s; got %v", name, err)
			}
			return
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || d.Bytes > uint64(len(plain)) {
			t.Fatalf("unexpected damage for %s: %+v", name, d)
		}
		// Exactly the whole lines of the decompressed bytes, no more.
		whole := bytes.Count(plain[:d.Bytes], []byte("\n"))
		if d.Line != uint64(whole) {
			t.Errorf("unexpected damage line for %s; got %d; want %d", name, d.Line, whole)
		}
		want := splitLines(plain, DefaultMaxLineBytes)[:whole]
		if dif := gocmp.Diff(want, c.lines); dif != "" {
			t.Errorf("unexpected lines for %s (-want +got):\n%s", name, dif)
		}
		partial := plain[d.Bytes-1] != '\n'
		if d.Partial != partial || partial != strings.HasSuffix(err.Error(), "; the partial line at the end is dropped") {
			t.Errorf("unexpected partial line report for %s; got %q (Partial %v); want partial %v", name, err, d.Partial, partial)
		}
	}
	gz := gzipBytes(t, plain)
	zst := zstdBytes(t, plain)
	f("cut.gz", gz[:len(gz)-1000], Gzip, true)
	f("cut-trailer.gz", gz[:len(gz)-3], Gzip, true)
	f("cut.zst", zst[:len(zst)-1000], Zstd, true)
	half := bytes.IndexByte(plain[len(plain)/2:], '\n') + len(plain)/2 + 1
	members := append(gzipBytes(t, plain[:half]), gzipBytes(t, plain[half:])...)
	f("cut-members.gz", members[:len(members)-1000], Gzip, true)
	f("cut-header.gz", members[:len(gzipBytes(t, plain[:half]))+5], Gzip, true)
	corrupt := bytes.Clone(gz)
	for i := len(gz) / 2; i < len(gz)/2+64; i++ {
		corrupt[i] ^= 0x55
	}
	f("corrupt.gz", corrupt, Gzip, false)
	corrupt = bytes.Clone(zst)
	for i := len(zst) / 2; i < len(zst)/2+64; i++ {
		corrupt[i] ^= 0x55
	}
	f("corrupt.zst", corrupt, Zstd, false)
}

func TestDamagedErrorMessage(t *testing.T) {
	f := func(e *DamagedError, want string) {
		t.Helper()
		if got := e.Error(); got != want {
			t.Errorf("unexpected message; got %q; want %q", got, want)
		}
	}
	f(&DamagedError{Path: "testdata.gz", Compression: Gzip, Bytes: 1234567, Line: 4321, Partial: true, Err: io.ErrUnexpectedEOF},
		"testdata.gz: unexpected end of gzip data after 1,234,567 decompressed bytes (line 4,321); the partial line at the end is dropped")
	f(&DamagedError{Path: "-", Compression: Zstd, Bytes: 10, Line: 1, Err: errors.New("checksum mismatch")},
		"standard input: damaged zstd data (checksum mismatch) after 10 decompressed bytes (line 1)")
}

// TestReadDamagedStdin checks the damage report through a stream.
func TestReadDamagedStdin(t *testing.T) {
	gz := gzipBytes(t, genLines("line ", 20000))
	f, err := Open("-", bytes.NewReader(gz[:len(gz)-1000]), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(t, f)
	var d *DamagedError
	if !errors.As(err, &d) || d.Path != "-" || !strings.HasPrefix(err.Error(), "standard input: unexpected end of gzip data after ") {
		t.Errorf("unexpected error for cut gzip on standard input; got %v", err)
	}
}

// TestReadTrailingGarbage: like gzip -d, keep what decompressed, warn and
// succeed.
func TestReadTrailingGarbage(t *testing.T) {
	plain := genLines("line ", 3000)
	f := func(name string, data []byte, garbage int) {
		t.Helper()
		c, info, err := readFile(t, writeFile(t, name, data), Options{})
		if err != nil {
			t.Fatalf("unexpected error for %s: %v", name, err)
		}
		if d := gocmp.Diff(splitLines(plain, DefaultMaxLineBytes), c.lines); d != "" {
			t.Errorf("unexpected lines for %s (-want +got):\n%s", name, d)
		}
		want := []string{info.Name + ": trailing garbage after the gzip data ignored (" + commas(uint64(garbage)) + " bytes)"}
		if d := gocmp.Diff(want, info.Warnings); d != "" {
			t.Errorf("unexpected warnings for %s (-want +got):\n%s", name, d)
		}
	}
	gz := gzipBytes(t, plain)
	garbage := bytes.Repeat([]byte("not gzip\n"), 200)
	f("garbage.gz", append(bytes.Clone(gz), garbage...), len(garbage))
	f("zeros.gz", append(bytes.Clone(gz), make([]byte, 7)...), 7)
	f("one-byte.gz", append(bytes.Clone(gz), 0x1f), 1)
	half := bytes.IndexByte(plain[len(plain)/2:], '\n') + len(plain)/2 + 1
	members := append(gzipBytes(t, plain[:half]), gzipBytes(t, plain[half:])...)
	f("members.gz", append(members, garbage...), len(garbage))
}

// TestReadShrinking truncates a plain file while it is read (reported: the
// lost end went unnoticed).
func TestReadShrinking(t *testing.T) {
	plain := genLines("line ", 2000)
	path := writeFile(t, "log", plain)
	f, err := Open(path, nil, Options{ChunkBytes: 4096, MaxLineBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	c := newCollector(t)
	truncated := false
	err = f.Read(t.Context(), func(b pipeline.Batch) error {
		if !truncated {
			truncated = true
			if err := os.Truncate(path, 10000); err != nil {
				t.Fatal(err)
			}
		}
		return c.emit(b)
	})
	c.release()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{path + ": file shrank from " + commas(uint64(len(plain))) + " to 10,000 bytes while it was read"}
	if d := gocmp.Diff(want, f.Info().Warnings); d != "" {
		t.Errorf("unexpected warnings (-want +got):\n%s", d)
	}
	// What was read before the truncation (at least the first chunk) is
	// kept; the last line may be cut.
	want = splitLines(plain, DefaultMaxLineBytes)
	if len(c.lines) < bytes.Count(plain[:4096], []byte("\n")) || len(c.lines) > len(want) {
		t.Fatalf("unexpected line count after the truncation; got %d", len(c.lines))
	}
	n := len(c.lines) - 1
	if d := gocmp.Diff(want[:n], c.lines[:n]); d != "" || !strings.HasPrefix(want[n], c.lines[n]) {
		t.Errorf("unexpected lines after the truncation (-want +got):\n%s", d)
	}
}

// TestReadDamagedHeader: a file cut inside its first gzip header.
func TestReadDamagedHeader(t *testing.T) {
	path := writeFile(t, "head.gz", gzipBytes(t, []byte("a\n"))[:5])
	c, info, err := readFile(t, path, Options{})
	want := path + ": unexpected end of gzip data after 0 decompressed bytes (line 0)"
	if err == nil || err.Error() != want || len(c.lines) != 0 || info.Compression != Gzip {
		t.Errorf("unexpected result for a cut header; got %d lines, compression %q, error %v; want %q", len(c.lines), info.Compression, err, want)
	}
}
