package tdigest

import (
	"testing"

	influx "github.com/influxdata/tdigest"
)

// Baselines against github.com/influxdata/tdigest, pinned in go.mod, at the
// same compression (DefaultCompression) on the same inputs as BenchmarkAdd
// and BenchmarkQuantile. Run with:
//
//	go test -run '^$' -bench 'Add|Quantile' -benchtime 1s -count 6 ./sketches/tdigest | tee baseline.txt
//	benchstat baseline.txt

// BenchmarkAddBaseline is influx's side of BenchmarkAdd: compare
// BenchmarkAdd/quantized with BenchmarkAddBaseline/quantized.
func BenchmarkAddBaseline(b *testing.B) {
	f := func(name string, samples []int64) {
		b.Run(name, func(b *testing.B) {
			d := influx.NewWithCompression(DefaultCompression)
			b.ReportAllocs()
			b.SetBytes(8)
			i := 0
			for b.Loop() {
				d.Add(float64(samples[i&(len(samples)-1)]), 1)
				i++
			}
			if d.Count() != float64(i) {
				b.Fatalf("unexpected Count; got %v; want %d", d.Count(), i)
			}
		})
	}
	f("quantized", logNormal(1, 1<<16, 50_000, 1, 1000))
	f("unquantized", logNormal(1, 1<<16, 50_000, 1, 1))
}

func BenchmarkQuantileBaseline(b *testing.B) {
	f := func(name string, samples []int64) {
		b.Run(name, func(b *testing.B) {
			b.Run("vigil", func(b *testing.B) {
				d := digestsOf(samples, 1, 0)[0]
				b.ReportAllocs()
				for b.Loop() {
					if v := d.Quantile(0.99); !(v > 0) {
						b.Fatalf("unexpected p99; got %v", v)
					}
				}
			})
			b.Run("influxdata", func(b *testing.B) {
				d := influxOf(samples, 1, DefaultCompression)
				b.ReportAllocs()
				for b.Loop() {
					if v := d.Quantile(0.99); !(v > 0) {
						b.Fatalf("unexpected p99; got %v", v)
					}
				}
			})
		})
	}
	f("quantized", logNormal(1, 1<<16, 50_000, 1, 1000))
	f("unquantized", logNormal(1, 1<<16, 50_000, 1, 1))
}
