package applog

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// BenchmarkParse: the parser on each sample (records only), on an access
// line it rejects, on stack-trace continuation lines, and the reference's
// ISO 8601 regexp alone as a baseline.
//
//	go test -run '^$' -bench . -count 6 ./parsers/applog | benchstat -
func BenchmarkParse(b *testing.B) {
	isApp := func(r *parsers.Record) bool { return r.Kind == parsers.KindApp && r.Level != nil && r.Time != 0 }
	for _, name := range samples {
		var lines [][]byte
		p := newTestParser()
		for _, line := range parsertest.ReadLines(b, name) {
			var r parsers.Record
			if p.Parse(line, &r) == nil {
				lines = append(lines, line)
			}
		}
		b.Run(name, func(b *testing.B) {
			parsertest.BenchParse(b, newTestParser(), lines, false, isApp)
		})
	}
	b.Run("invalid", func(b *testing.B) {
		line := []byte(`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8.0"`)
		parsertest.BenchParse(b, newTestParser(), [][]byte{line}, true, nil)
	})
	b.Run("continuation", func(b *testing.B) {
		lines := [][]byte{
			[]byte("\tat com.example.shop.payments.GatewayClient.charge(GatewayClient.java:87) ~[!/:1.4.2]"),
			[]byte("java.lang.IllegalStateException: payment gateway unavailable"),
		}
		parsertest.BenchParse(b, newTestParser(), lines, true, nil)
	})
	b.Run("regexp", func(b *testing.B) {
		lines := parsertest.ReadLines(b, "gen_spring_boot.log")[:5]
		b.ReportAllocs()
		b.SetBytes(parsertest.MeanLen(lines))
		i := 0
		for b.Loop() {
			if refISO.FindSubmatchIndex(lines[i%len(lines)]) == nil {
				b.Fatal("no match")
			}
			i++
		}
	})
}
