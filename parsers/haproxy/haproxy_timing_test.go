package haproxy

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// BenchmarkParse: syslog-wrapped HTTP lines, an invalid line and the
// regexp reference as a baseline.
//
//	go test -run '^$' -bench . -count 6 ./parsers/haproxy | benchstat -
func BenchmarkParse(b *testing.B) {
	lines := parsertest.ReadLines(b, "logfile_haproxy.0")[3:13]
	run := func(name string, line func(i int) []byte, parse func([]byte) bool) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(line(0))))
			i := 0
			for b.Loop() {
				parse(line(i))
				i++
			}
		})
	}
	p := NewParser()
	var r parsers.Record
	run("valid", func(i int) []byte { return lines[i%len(lines)] }, func(l []byte) bool {
		if err := p.Parse(l, &r); err != nil || r.Status == 0 {
			b.Fatal(err)
		}
		return true
	})
	run("invalid", func(int) []byte { return lines[0][:len(lines[0])/2] }, func(l []byte) bool {
		if p.Parse(l, &r) == nil {
			b.Fatal("parsed")
		}
		return false
	})
	run("regexp", func(i int) []byte { return lines[i%len(lines)] }, func(l []byte) bool {
		_, ok := refParse(l)
		return ok
	})
}

// BenchmarkParseLogFormat: the default httplog format compiled, on the
// lines BenchmarkParse reads (the hand-written httplog parser is the
// baseline), the custom format of beats_haproxy.log, an invalid line
// and the regexp reference.
//
//	go test -run '^$' -bench ParseLogFormat -count 6 ./parsers/haproxy | benchstat -
func BenchmarkParseLogFormat(b *testing.B) {
	lines := parsertest.ReadLines(b, "logfile_haproxy.0")[3:13]
	custom := parsertest.ReadLines(b, "beats_haproxy.log")[1:]
	ok := func(r *parsers.Record) bool { return r.Status != 0 }
	b.Run("httplog", func(b *testing.B) {
		parsertest.BenchParse(b, NewFormatParser(mustCompile(b, httplogFormat)), lines, false, ok)
	})
	b.Run("httplog-parser", func(b *testing.B) {
		parsertest.BenchParse(b, NewParser(), lines, false, ok)
	})
	b.Run("custom", func(b *testing.B) {
		parsertest.BenchParse(b, NewFormatParser(mustCompile(b, hostFormat)), custom, false, ok)
	})
	b.Run("invalid", func(b *testing.B) {
		parsertest.BenchParse(b, NewFormatParser(mustCompile(b, httplogFormat)), [][]byte{lines[0][:len(lines[0])/2]}, true, nil)
	})
	b.Run("regexp", func(b *testing.B) {
		ref := refCompile(b, httplogFormat)
		b.ReportAllocs()
		b.SetBytes(parsertest.MeanLen(lines))
		i := 0
		for b.Loop() {
			if _, ok := ref.parse(lines[i%len(lines)]); !ok {
				b.Fatal("reference rejects a sample line")
			}
			i++
		}
	})
}
