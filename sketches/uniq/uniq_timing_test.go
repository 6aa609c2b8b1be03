package uniq

import (
	"bytes"
	"testing"

	"github.com/vigil-ops/vigil/sketches/xxhash"
)

// Compare changes with:
//
//	go test -run '^$' -bench . -benchtime 1s -count 6 ./sketches/uniq | tee new.txt
//	benchstat old.txt new.txt

func BenchmarkAdd(b *testing.B) {
	f := func(name string, c *Counter, ks [][]byte) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(ks[0])))
			i := 0
			for b.Loop() {
				c.Add(ks[i&(len(ks)-1)])
				i++
			}
			if c.Count() == 0 {
				b.Fatalf("unexpected Count; got 0")
			}
		})
	}
	// Client IPs seen before, while the count is exact.
	seen := keys(0, 2048)
	f("exact", countOf(seen, false, 1), seen)
	// New client IPs, once the Counter is a HyperLogLog.
	f("hyperloglog", countOf(keys(0, 10_000), false, 1), keys(1<<20, 1<<16))
	// New user agents (about 115 bytes), once the Counter is a HyperLogLog;
	// 4096 of them, so that they stay in cache like a just-parsed line.
	agents := keys(1<<21, 1<<12)
	for i, k := range agents {
		agents[i] = append(bytes.Clone(userAgent), k...)
	}
	f("hyperloglog-user-agent", countOf(keys(0, 10_000), false, 1), agents)
}

var userAgent = []byte("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/")

func BenchmarkHash(b *testing.B) {
	f := func(name string, key []byte) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(key)))
			var h uint64
			for b.Loop() {
				h ^= xxhash.Sum64(key)
			}
			if h == 0 && b.N%2 == 1 {
				b.Fatalf("unexpected hash 0 of %q", key)
			}
		})
	}
	f("ip", []byte("203.0.113.195"))
	f("user-agent", userAgent)
}

func BenchmarkCount(b *testing.B) {
	c := countOf(keys(0, 100_000), false, 1)
	b.ReportAllocs()
	for b.Loop() {
		if c.Count() == 0 {
			b.Fatalf("unexpected Count; got 0")
		}
	}
}

func BenchmarkMerge(b *testing.B) {
	parts := make([]*Counter, 8)
	for i := range parts {
		parts[i] = countOf(keys(i*100_000, 100_000), false, 1)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(parts) * registers))
	for b.Loop() {
		c := New(false)
		for _, p := range parts {
			c.Merge(p)
		}
		if c.Exact() {
			b.Fatalf("unexpected Exact after merging HyperLogLogs; got true")
		}
	}
}
