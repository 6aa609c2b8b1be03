package loggen

import (
	"io"
	"testing"
)

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// BenchmarkGenerate writes 100k lines per op to a discarding writer and
// reports lines per second.
func BenchmarkGenerate(b *testing.B) {
	for _, format := range []string{FormatCombined, FormatCombinedRT, FormatJSON} {
		b.Run(format, func(b *testing.B) {
			o := Options{Lines: 100_000, Seed: 1, Format: format, Inject: true, Rate: 5}
			var w countingWriter
			if _, err := Generate(&w, o); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(w.n)
			for b.Loop() {
				labels, err := Generate(io.Discard, o)
				if err != nil || len(labels) == 0 {
					b.Fatalf("unexpected result for %+v; got %d labels, error %v; want labels", o, len(labels), err)
				}
			}
			b.ReportMetric(float64(o.Lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
