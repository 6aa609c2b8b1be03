package topk

import (
	"fmt"
	"testing"
)

// Compare changes with:
//
//	go test -run '^$' -bench . -benchtime 1s -count 6 ./sketches/topk | tee new.txt
//	benchstat old.txt new.txt

// BenchmarkAdd feeds client IPs of a Zipf-distributed stream (exponent 1.1
// over 100,000 addresses), one per op. With capacity 1024 about a third of
// the adds evict a counter.
func BenchmarkAdd(b *testing.B) {
	keys := zipfKeys(1, 1<<16, 1.1, 100_000)
	var size int
	for _, k := range keys {
		size += len(k)
	}
	for _, capacity := range []int{1024, 0} {
		b.Run(fmt.Sprint("capacity=", capacity), func(b *testing.B) {
			tk := New(capacity)
			b.ReportAllocs()
			b.SetBytes(int64(size / len(keys)))
			i := 0
			for b.Loop() {
				tk.Add(keys[i&(len(keys)-1)], 1)
				i++
			}
			if tk.Total() != uint64(i) {
				b.Fatalf("unexpected Total; got %d; want %d", tk.Total(), i)
			}
		})
	}
}

func BenchmarkMerge(b *testing.B) {
	keys := zipfKeys(2, 1<<16, 1.1, 100_000)
	for _, capacity := range []int{1024, 0} {
		b.Run(fmt.Sprint("capacity=", capacity), func(b *testing.B) {
			parts := make([]*TopK, 8)
			for i := range parts {
				parts[i] = summarize(keys[i*len(keys)/8:(i+1)*len(keys)/8], one, capacity, 1)
			}
			b.ReportAllocs()
			for b.Loop() {
				t := New(capacity)
				for _, p := range parts {
					t.Merge(p)
				}
				if t.Total() != uint64(len(keys)) {
					b.Fatalf("unexpected Total; got %d; want %d", t.Total(), len(keys))
				}
			}
		})
	}
}

func BenchmarkAppendTop(b *testing.B) {
	tk := summarize(zipfKeys(3, 1<<16, 1.1, 100_000), one, 1024, 1)
	var dst []Item
	b.ReportAllocs()
	for b.Loop() {
		dst = tk.AppendTop(dst[:0], 10)
		if len(dst) != 10 {
			b.Fatalf("unexpected length; got %d; want 10", len(dst))
		}
	}
}
