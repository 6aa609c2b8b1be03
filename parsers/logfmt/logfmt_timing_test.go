package logfmt

import (
	"regexp"
	"testing"

	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// BenchmarkParse: the parser on each sample, an invalid line, and the
// reference's regexp tokenizer as a baseline.
//
//	go test -run '^$' -bench . -count 6 ./parsers/logfmt | benchstat -
func BenchmarkParse(b *testing.B) {
	for _, name := range samples {
		lines := parsertest.ReadLines(b, name)
		b.Run(name, func(b *testing.B) {
			parsertest.BenchParse(b, NewParser(Options{}), lines, false, nil)
		})
	}
	b.Run("invalid", func(b *testing.B) {
		line := []byte(`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8.0"`)
		parsertest.BenchParse(b, NewParser(Options{}), [][]byte{line}, true, nil)
	})
	b.Run("regexp", func(b *testing.B) {
		lines := parsertest.ReadLines(b, "gen_heroku_router.log")
		re := regexp.MustCompile(refPair.String())
		b.ReportAllocs()
		b.SetBytes(int64(len(lines[0])))
		i := 0
		for b.Loop() {
			if re.FindAllSubmatchIndex(lines[i%len(lines)], -1) == nil {
				b.Fatal("no match")
			}
			i++
		}
	})
}
