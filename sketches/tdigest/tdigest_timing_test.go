package tdigest

import (
	"fmt"
	"testing"
)

// Compare changes with:
//
//	go test -run '^$' -bench . -benchtime 1s -count 6 ./sketches/tdigest | tee new.txt
//	benchstat old.txt new.txt

func BenchmarkAdd(b *testing.B) {
	f := func(name string, samples []int64) {
		b.Run(name, func(b *testing.B) {
			d := New(0)
			b.ReportAllocs()
			b.SetBytes(8)
			i := 0
			for b.Loop() {
				d.Add(samples[i&(len(samples)-1)])
				i++
			}
			if d.Count() != uint64(i) {
				b.Fatalf("unexpected Count; got %d; want %d", d.Count(), i)
			}
		})
	}
	f("quantized", logNormal(1, 1<<16, 50_000, 1, 1000))
	f("unquantized", logNormal(1, 1<<16, 50_000, 1, 1))
}

func BenchmarkMerge(b *testing.B) {
	f := func(name string, samples []int64) {
		b.Run(name, func(b *testing.B) {
			parts := digestsOf(samples, 8, 0)
			b.ReportAllocs()
			b.SetBytes(int64(8 * len(samples)))
			for b.Loop() {
				d := New(0)
				for _, p := range parts {
					d.Merge(p)
				}
				if d.Count() != uint64(len(samples)) {
					b.Fatalf("unexpected Count; got %d; want %d", d.Count(), len(samples))
				}
			}
		})
	}
	f("quantized", logNormal(1, 1<<16, 50_000, 1, 1000))
	f("unquantized", logNormal(1, 1<<16, 50_000, 1, 1))
}

func BenchmarkQuantile(b *testing.B) {
	for _, compression := range []float64{100, DefaultCompression} {
		b.Run(fmt.Sprint("compression=", compression), func(b *testing.B) {
			d := digestsOf(logNormal(1, 1<<16, 50_000, 1, 1), 1, compression)[0]
			b.ReportAllocs()
			for b.Loop() {
				if v := d.Quantile(0.99); !(v > 0) {
					b.Fatalf("unexpected p99; got %v", v)
				}
			}
		})
	}
}
