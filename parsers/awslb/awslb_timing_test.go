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
		b.Run(s.file, func(b *testing.B) {
			parsertest.BenchParse(b, NewParser(s.format), lines, false, func(r *parsers.Record) bool {
				return r.Status != 0 || r.Method == nil
			})
		})
	}
	b.Run("invalid", func(b *testing.B) {
		line := []byte(`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8.0"`)
		parsertest.BenchParse(b, NewParser(ALB), [][]byte{line}, true, nil)
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
