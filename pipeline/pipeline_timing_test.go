package pipeline_test

import (
	"bytes"
	"fmt"
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

// BenchmarkRunMetrics measures the analysis of a day of Telegraf line
// protocol from 20 hosts every 10 s (mem, cpu-total and 4 per-CPU lines
// a host: 1,036,800 lines, 2 mapped samples of 7 fields a scrape).
// samples/s counts every field read.
//
//	go test -run='^$' -bench=RunMetrics -benchtime=3x ./pipeline
func BenchmarkRunMetrics(b *testing.B) {
	var buf bytes.Buffer
	const t0 = int64(1772323200) * 1e9
	lines, samples := 0, 0
	for s := int64(0); s < 86400; s += 10 {
		for h := range 20 {
			t := t0 + s*1e9
			fmt.Fprintf(&buf, "mem,host=web-%d used_percent=%d.5,available=%di %d\n", h, 40+(s/60+int64(h))%50, 1<<30, t)
			fmt.Fprintf(&buf, "cpu,cpu=cpu-total,host=web-%d usage_idle=%d.25,usage_user=3.5 %d\n", h, 10+(s/60)%80, t)
			for c := range 4 {
				fmt.Fprintf(&buf, "cpu,cpu=cpu%d,host=web-%d usage_idle=50 %d\n", c, h, t)
			}
			lines, samples = lines+6, samples+8
		}
	}
	data := buf.Bytes()
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				res := run(b, []string{"-"}, data, pipeline.Options{Workers: workers})
				if res.Counts.Parsed != uint64(lines) || len(res.Metrics) != 40 {
					b.Fatalf("unexpected result; got %d parsed, %d series; want %d, 40", res.Counts.Parsed, len(res.Metrics), lines)
				}
			}
			b.ReportMetric(float64(b.N)*float64(samples)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
