package filesrc

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/vigil-ops/vigil/pipeline"
)

// accessLog returns about size bytes of combined-format lines, varied
// enough to compress like a real log, and its line count.
func accessLog(size int) ([]byte, int) {
	var b bytes.Buffer
	n := 0
	for b.Len() < size {
		fmt.Fprintf(&b, "10.%d.%d.%d - - [17/May/2015:10:%02d:%02d +0000] \"GET /api/items/%d HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0 (X11; Linux x86_64) curl/%d.%d\"\n",
			n%251, n%13, n%7, n/60%60, n%60, n*7919%100000, 200+n%5*100, n*31%50000, n%9, n%3)
		n++
	}
	return b.Bytes(), n
}

// readCount reads path and returns its line count; batches are released
// at once.
func readCount(tb testing.TB, path string, o Options) int {
	f, err := Open(path, nil, o)
	if err != nil {
		tb.Fatal(err)
	}
	lines := 0
	err = f.Read(tb.Context(), func(b pipeline.Batch) error {
		lines += bytes.Count(b.Data, []byte{'\n'}) + int(b.TooLong)
		b.Done()
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return lines
}

// BenchmarkRead reads a 50 MB generated access log, plain and compressed,
// against a bufio.Scanner baseline over the plain file.
//
//	go test -run '^$' -bench Read -count 6 ./pipeline/filesrc/ | benchstat -
func BenchmarkRead(b *testing.B) {
	data, lines := accessLog(50 << 20)
	dir := b.TempDir()
	write := func(name string, d []byte) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, d, 0o644); err != nil {
			b.Fatal(err)
		}
		return p
	}
	inputs := []struct{ name, path string }{
		{"plain", write("plain.log", data)},
		{"gzip", write("log.gz", gzipBytes(b, data))},
		{"zstd", write("log.zst", zstdBytes(b, data))},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if got := readCount(b, in.path, Options{}); got != lines {
					b.Fatalf("unexpected line count; got %d; want %d", got, lines)
				}
			}
		})
	}
	b.Run("scanner-baseline", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if got := scanCount(b, inputs[0].path); got != lines {
				b.Fatalf("unexpected line count; got %d; want %d", got, lines)
			}
		}
	})
}

func scanCount(b *testing.B, path string) int {
	fd, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer fd.Close()
	s := bufio.NewScanner(fd)
	s.Buffer(make([]byte, 1<<20), DefaultMaxLineBytes)
	n := 0
	for s.Scan() {
		n++
	}
	if err := s.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// TestReadAllocsPerBatch checks that a batch costs no allocation: reading
// a file of many batches allocates as much as reading one of a few (the
// allocations are Open's, the buffers' and the decoder's). The zstd
// decoder's internal pools allocate a few times per input, more often
// under the race detector: slack allows for that.
func TestReadAllocsPerBatch(t *testing.T) {
	data, _ := accessLog(1 << 20)
	o := Options{ChunkBytes: 8 << 10, MaxLineBytes: 4 << 10}
	batches := len(data) / o.ChunkBytes
	f := func(name string, few, many []byte, slack float64) {
		t.Helper()
		fewPath, manyPath := writeFile(t, "few", few), writeFile(t, "many", many)
		fewAllocs := testing.AllocsPerRun(5, func() { readCount(t, fewPath, o) })
		manyAllocs := testing.AllocsPerRun(5, func() { readCount(t, manyPath, o) })
		t.Logf("%s: %.0f allocations for one batch, %.0f for ~%d", name, fewAllocs, manyAllocs, batches)
		if extra := manyAllocs - fewAllocs; extra >= 1+slack {
			t.Errorf("unexpected allocations for %s; got %.0f more for ~%d batches more (%.0f and %.0f)", name, extra, batches, manyAllocs, fewAllocs)
		}
	}
	f("plain", data[:o.ChunkBytes], data, 0)
	f("gzip", gzipBytes(t, data[:o.ChunkBytes]), gzipBytes(t, data), 0)
	f("zstd", zstdBytes(t, data[:o.ChunkBytes]), zstdBytes(t, data), float64(batches)/16)
}
