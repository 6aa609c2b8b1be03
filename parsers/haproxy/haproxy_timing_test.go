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
	lines := parsertest.ReadLines(b, "logfile_haproxy.0")[3:14]
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
