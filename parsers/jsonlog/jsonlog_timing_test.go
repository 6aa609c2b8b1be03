package jsonlog

import (
	"encoding/json"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/vigil-ops/vigil/parsers"
)

// benchLines are the inputs of the benchmarks: a real Caddy access entry
// (1.2 kB, nested request and header arrays), a typical application access
// line, a real Caddy runtime line, and two rejected lines.
func benchLines(b *testing.B) []struct{ name, line string } {
	caddy := refLines(mustRead(b, "testdata/logfile_caddy_log.1"))[0]
	app := refLines(mustRead(b, "testdata/logfile_caddy_log.0"))[1]
	return []struct{ name, line string }{
		{"caddy", string(caddy)},
		{"typical", typicalLine},
		{"app", string(app)},
		{"invalid_truncated", typicalLine[:len(typicalLine)/2]},
		{"invalid_not_json", `10.0.0.1 - - [02/Jan/2026:03:04:05 +0000] "GET /api/x/12 HTTP/1.1" 200 512 "-" "curl/8.0"`},
	}
}

// Compare runs with benchstat:
//
//	go test -run XXX -bench Parse -benchtime=1s -count=6 ./parsers/jsonlog/ > new.txt
//	benchstat old.txt new.txt
func BenchmarkParse(b *testing.B) {
	for _, c := range benchLines(b) {
		line := []byte(c.line)
		b.Run(c.name, func(b *testing.B) {
			p := NewParser(Options{})
			var r parsers.Record
			wantErr := p.Parse(line, &r) != nil
			b.ReportAllocs()
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				if err := p.Parse(line, &r); (err != nil) != wantErr {
					b.Fatalf("unexpected error for %q: %v", c.line, err)
				}
			}
		})
	}
}

// BenchmarkParseFields measures --field mappings (nested paths) on the
// Caddy entry: the cost of finding each mapped key beside the own names.
func BenchmarkParseFields(b *testing.B) {
	line := refLines(mustRead(b, "testdata/logfile_caddy_log.1"))[0]
	fs, err := parsers.ParseFieldSpecs([]string{"status=resp.code", "path=request.uri", "user_agent=request.headers.User-Agent"})
	if err != nil {
		b.Fatal(err)
	}
	p := NewParser(Options{Fields: fs})
	var r parsers.Record
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if err := p.Parse(line, &r); err != nil || r.Target == nil || r.UserAgent == nil {
			b.Fatalf("unexpected result for the Caddy line: %v, %+v", err, r)
		}
	}
}

// BenchmarkParseParallel measures the throughput of one parser per
// goroutine on the typical line.
func BenchmarkParseParallel(b *testing.B) {
	line := []byte(typicalLine)
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	b.RunParallel(func(pb *testing.PB) {
		p := NewParser(Options{})
		var r parsers.Record
		for pb.Next() {
			if err := p.Parse(line, &r); err != nil || r.Status != 200 {
				b.Errorf("unexpected result for %q: %v, status %d", line, err, r.Status)
				return
			}
		}
	})
}

// BenchmarkBaseline measures the parts and the alternatives: the
// validation pass alone, fastjson alone (parse and visit every key, no
// mapping) and encoding/json decoding into a map.
func BenchmarkBaseline(b *testing.B) {
	for _, c := range benchLines(b)[:3] {
		line := []byte(c.line)
		js := line[len(line)-len(c.line[indexBrace(c.line):]):]
		b.Run("validate/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(js)))
			for b.Loop() {
				if v := validate(js); v.reason != "" {
					b.Fatalf("unexpected reason for %q: %s", c.line, v.reason)
				}
			}
		})
		b.Run("fastjson/"+c.name, func(b *testing.B) {
			var p fastjson.Parser
			keys := 0
			count := func(key []byte, v *fastjson.Value) { keys++ }
			b.ReportAllocs()
			b.SetBytes(int64(len(js)))
			for b.Loop() {
				v, err := p.ParseBytes(js)
				if err != nil {
					b.Fatalf("unexpected error for %q: %v", c.line, err)
				}
				v.GetObject().Visit(count)
			}
			if keys == 0 {
				b.Fatalf("no keys visited in %q", c.line)
			}
		})
		b.Run("encoding_json/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(js)))
			for b.Loop() {
				var m map[string]any
				if err := json.Unmarshal(js, &m); err != nil || len(m) == 0 {
					b.Fatalf("unexpected result for %q: %v", c.line, err)
				}
			}
		})
	}
}

func indexBrace(s string) int {
	for i := range len(s) {
		if s[i] == '{' {
			return i
		}
	}
	return -1
}
