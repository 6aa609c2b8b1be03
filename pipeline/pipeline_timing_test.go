package pipeline_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/vigil-ops/vigil/pipeline"

	"github.com/vigil-ops/vigil/bench/loggen"
)

var (
	benchOnce sync.Once
	benchLog  []byte
)

// benchInput is 1M generated combined + request_time lines.
func benchInput(b *testing.B) []byte {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := loggen.Generate(&buf, loggen.Options{Lines: 1_000_000, Seed: 1, Format: "combined_rt"}); err != nil {
			b.Fatal(err)
		}
		benchLog = buf.Bytes()
	})
	return benchLog
}

// BenchmarkRun measures the whole analysis (parse, aggregate, windows,
// merge, report) of 1M lines. lines/s = 1e6 / (ns/op / 1e9).
//
//	go test -run='^$' -bench=Run -benchtime=5x ./pipeline
func BenchmarkRun(b *testing.B) {
	data := benchInput(b)
	for _, bc := range []struct {
		name    string
		workers int
		exact   bool
	}{{"workers=1", 1, false}, {"workers=2", 2, false}, {"workers=2/exact", 2, true}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				res := run(b, []string{"-"}, data, pipeline.Options{Workers: bc.workers, Exact: bc.exact})
				if res.Counts.Parsed != 1_000_000 {
					b.Fatalf("unexpected parsed; got %d; want 1000000", res.Counts.Parsed)
				}
				res.Report()
			}
			b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
