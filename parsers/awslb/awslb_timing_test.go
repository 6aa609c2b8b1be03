package awslb

import (
	"regexp"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// BenchmarkParse measures one parser over the samples; the regexp
// sub-benchmark is the baseline.
//
//	go test -run '^$' -bench . -count 6 ./parsers/awslb | benchstat -
func BenchmarkParse(b *testing.B) {
	for _, s := range samples {
		lines := parsertest.ReadLines(b, s.file)
		size := 0
		for _, l := range lines {
			size += len(l)
		}
		b.Run(s.file, func(b *testing.B) {
			p := NewParser(s.format)
			var r parsers.Record
			b.ReportAllocs()
			b.SetBytes(int64(size / len(lines)))
			i := 0
			for b.Loop() {
				if err := p.Parse(lines[i%len(lines)], &r); err != nil || r.Status == 0 && r.Method != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
	b.Run("invalid", func(b *testing.B) {
		line := []byte(`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8.0"`)
		p := NewParser(ALB)
		var r parsers.Record
		b.ReportAllocs()
		b.SetBytes(int64(len(line)))
		for b.Loop() {
			if p.Parse(line, &r) == nil {
				b.Fatal("parsed")
			}
		}
	})
	b.Run("regexp", func(b *testing.B) {
		lines := parsertest.ReadLines(b, "gen_alb.log")
		re := regexp.MustCompile(refALB.String())
		b.ReportAllocs()
		b.SetBytes(int64(len(lines[0])))
		i := 0
		for b.Loop() {
			if re.FindSubmatchIndex(lines[i%len(lines)]) == nil {
				b.Fatal("no match")
			}
			i++
		}
	})
}
