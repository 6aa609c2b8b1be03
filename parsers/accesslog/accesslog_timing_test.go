package accesslog

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// Run: go test -run '^$' -bench . -benchtime 1s ./parsers/accesslog/
// Every op parses one line; MB/s counts line bytes.

// benchLines returns the valid lines of testdata file name, each passed
// through edit, one after the other in one buffer as in a chunk read from a
// file.
func benchLines(b *testing.B, name string, edit func(i int, line []byte) []byte) [][]byte {
	b.Helper()
	var buf []byte
	var ends []int
	for i, line := range parsertest.ReadLines(b, name) {
		if i+1 == 8899 && name == "apache_logs" {
			continue // truncated
		}
		buf = append(append(buf, edit(i, bytes.Clone(line))...), '\n')
		ends = append(ends, len(buf)-1)
	}
	lines := make([][]byte, len(ends))
	start := 0
	for i, end := range ends {
		lines[i] = buf[start:end:end]
		start = end + 1
	}
	return lines
}

func keep(_ int, line []byte) []byte { return line }

// withDuration appends a duration that varies by line: seconds with three
// decimals when frac, else integer microseconds.
func withDuration(frac bool) func(int, []byte) []byte {
	return func(i int, line []byte) []byte {
		us := int64(i*7919%2000000 + 150)
		if !frac {
			return strconv.AppendInt(append(line, ' '), us, 10)
		}
		return strconv.AppendFloat(append(line, ' '), float64(us)/1e6, 'f', 3, 64)
	}
}

var commonPrefix = regexp.MustCompile(`^.*?" [0-9]{3} (?:[0-9]+|-)`)

// toCommon cuts a combined line after the byte count.
func toCommon(_ int, line []byte) []byte { return commonPrefix.Find(line) }

// benchParse measures a parser of fm on lines; see [parsertest.BenchParse].
func benchParse(b *testing.B, fm *Format, lines [][]byte, wantErr bool) {
	parsertest.BenchParse(b, NewParser(fm, Options{}), lines, wantErr, func(r *parsers.Record) bool { return r.Status != 0 })
}

func BenchmarkParse(b *testing.B) {
	must := func(fm *Format, err error) *Format {
		if err != nil {
			b.Fatal(err)
		}
		return fm
	}
	combined := mustNamed(b, "combined")
	b.Run("combined", func(b *testing.B) {
		benchParse(b, combined, benchLines(b, "apache_logs", keep), false)
	})
	b.Run("combined+extra", func(b *testing.B) {
		benchParse(b, combined, benchLines(b, "logfile_shop_access_log.0", keep), false)
	})
	b.Run("combined_rt", func(b *testing.B) {
		benchParse(b, mustNamed(b, "combined_rt"), benchLines(b, "apache_logs", withDuration(true)), false)
	})
	b.Run("common", func(b *testing.B) {
		benchParse(b, mustNamed(b, "common"), benchLines(b, "apache_logs", toCommon), false)
	})
	b.Run("nginx_request_time", func(b *testing.B) {
		fm := must(CompileNginx(`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time`))
		benchParse(b, fm, benchLines(b, "apache_logs", withDuration(true)), false)
	})
	b.Run("apache_D", func(b *testing.B) {
		fm := must(CompileApache(`%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D`))
		benchParse(b, fm, benchLines(b, "apache_logs", withDuration(false)), false)
	})
	b.Run("apache_strftime", func(b *testing.B) {
		// %t written as a %{format}t: the same lines, read by the layout.
		fm := must(CompileApache(`%h %l %u [%{%d/%b/%Y:%H:%M:%S %z}t] \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"`))
		benchParse(b, fm, benchLines(b, "apache_logs", keep), false)
	})
	b.Run("invalid_truncated", func(b *testing.B) {
		// Cut in the user agent, like apache_logs line 8899.
		benchParse(b, combined, benchLines(b, "apache_logs", func(_ int, line []byte) []byte { return line[:len(line)-1] }), true)
	})
	b.Run("invalid_time", func(b *testing.B) {
		benchParse(b, combined, benchLines(b, "apache_logs", func(_ int, line []byte) []byte {
			return bytes.Replace(line, []byte("/2015:"), []byte("/15:"), 1)
		}), true)
	})
	b.Run("regexp_baseline", func(b *testing.B) {
		lines := benchLines(b, "apache_logs", withDuration(true))
		b.ReportAllocs()
		b.SetBytes(parsertest.MeanLen(lines))
		i := 0
		for b.Loop() {
			if r, ok := refParse(lines[i], true, unitS); !ok || r.Status == 0 {
				b.Fatalf("unexpected result for %q", lines[i])
			}
			if i++; i == len(lines) {
				i = 0
			}
		}
	})
}

// BenchmarkParseParallel measures throughput with one parser per goroutine.
func BenchmarkParseParallel(b *testing.B) {
	fm := mustNamed(b, "combined_rt")
	lines := benchLines(b, "apache_logs", withDuration(true))
	b.ReportAllocs()
	b.SetBytes(parsertest.MeanLen(lines))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		p := NewParser(fm, Options{})
		var r parsers.Record
		for i := 0; pb.Next(); i = (i + 1) % len(lines) {
			if err := p.Parse(lines[i], &r); err != nil || r.Duration < 0 {
				b.Errorf("unexpected result for %q; got %v", lines[i], err)
				return
			}
		}
	})
}
