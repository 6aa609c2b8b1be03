package logfmt

import (
	"regexp"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// BenchmarkParse: the parser on each sample, an invalid line, and the
// reference's regexp tokenizer as a baseline.
//
//	go test -run '^$' -bench . -count 6 ./parsers/logfmt | benchstat -
func BenchmarkParse(b *testing.B) {
	for _, name := range samples {
		lines := parsertest.ReadLines(b, name)
		size := 0
		for _, l := range lines {
			size += len(l)
		}
		b.Run(name, func(b *testing.B) {
			p := NewParser(Options{})
			var r parsers.Record
			b.ReportAllocs()
			b.SetBytes(int64(size / len(lines)))
			i := 0
			for b.Loop() {
				if err := p.Parse(lines[i%len(lines)], &r); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
	b.Run("invalid", func(b *testing.B) {
		line := []byte(`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8.0"`)
		p := NewParser(Options{})
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
