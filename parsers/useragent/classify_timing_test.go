package useragent

import (
	"regexp"
	"testing"
)

// BenchmarkClassify classifies the user agents of testdata/uas.tsv: "mix"
// weighted by how often each appears in the source logs, "distinct" each
// once (the cache-miss workload of a pipeline that caches per distinct user
// agent). "regexp" is the bot test of a typical runbook, grep -iE
// 'bot|crawl|spider', over the same mix.
func BenchmarkClassify(b *testing.B) {
	uas := readUAs(b)
	var mix [][]byte
	for i, ua := range uas.list {
		for range uas.counts[i] {
			mix = append(mix, ua)
		}
	}
	// Spread the repeats so that consecutive calls see different values.
	for i := range mix {
		j := (i * 7919) % len(mix)
		mix[i], mix[j] = mix[j], mix[i]
	}
	bench := func(b *testing.B, in [][]byte, classify func(ua []byte) bool) {
		size := 0
		for _, ua := range in {
			size += len(ua)
		}
		b.ReportAllocs()
		b.SetBytes(int64(size / len(in)))
		i := 0
		for b.Loop() {
			if !classify(in[i]) {
				b.Fatalf("unexpected result for %q", in[i])
			}
			i++
			if i == len(in) {
				i = 0
			}
		}
	}
	classify := func(ua []byte) bool {
		_, family := Classify(ua)
		return family != ""
	}
	b.Run("mix", func(b *testing.B) { bench(b, mix, classify) })
	b.Run("distinct", func(b *testing.B) { bench(b, uas.list, classify) })
	b.Run("regexp", func(b *testing.B) {
		re := regexp.MustCompile(`(?i)bot|crawl|spider`)
		bench(b, mix, func(ua []byte) bool {
			re.Match(ua)
			return true
		})
	})
}
