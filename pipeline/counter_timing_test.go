package pipeline

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkCounter counts the bundled apache log through a Counter, in
// 64 KiB batches of whole lines, as ingest counts a partition.
func BenchmarkCounter(b *testing.B) {
	data, err := os.ReadFile("../testdata/apache_logs")
	if err != nil {
		b.Fatal(err)
	}
	var batches [][]byte
	for len(data) > 0 {
		n := min(len(data), 64<<10)
		if i := bytes.LastIndexByte(data[:n], '\n'); i >= 0 && n < len(data) {
			n = i + 1
		}
		batches = append(batches, data[:n])
		data = data[n:]
	}
	b.SetBytes(int64(len(bytes.Join(batches, nil))))
	b.ReportAllocs()
	for b.Loop() {
		c, err := NewCounter("bench", Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range batches {
			if _, err := c.Count(Batch{Data: d}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
