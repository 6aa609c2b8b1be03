package metrics

import (
	"encoding/json"
	"errors"
	"regexp"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// BenchmarkParse: each parser on its samples (one line an op, every
// sample of it read), on invalid lines, and a baseline: the reference's
// regexp for the text formats, encoding/json for JSON lines. MB/s counts
// the lines' bytes; samples/s the samples read.
//
//	go test -run '^$' -bench Parse -count 6 ./parsers/metrics | benchstat -
func BenchmarkParse(b *testing.B) {
	cases := []struct {
		name   string
		format Format
		file   string
		re     *regexp.Regexp
	}{
		{"influx/telegraf", FormatInflux, "telegraf.influx", inLine},
		{"prometheus/node_exporter", FormatProm, "node_exporter.prom", prLine},
		{"prometheus/federate", FormatProm, "federate.prom", prLine},
		{"json/lines", FormatJSON, "metrics.jsonl", nil},
	}
	for _, c := range cases {
		lines := readLines(b, c.file)
		b.Run(c.name, func(b *testing.B) {
			benchParse(b, mustParser(b, c.format, Options{}), lines, true)
		})
		if c.re != nil {
			b.Run(c.name+"/regexp", func(b *testing.B) { benchRegexp(b, c.re, lines) })
		}
	}
	b.Run("json/lines/encoding_json", func(b *testing.B) { benchEncodingJSON(b, readLines(b, "metrics.jsonl")) })
	invalid := map[Format][][]byte{
		FormatInflux: {[]byte(`cpu,cpu=cpu-total,host=web-1 usage_user=12.5,usage_idle=idle 1772359200000000000`)},
		FormatProm:   {[]byte(`node_cpu_seconds_total{cpu="0",mode=idle} 722144.58`)},
		FormatJSON:   {[]byte(`{"ts": "2026-03-01T10:00:00Z", "name": "memory_usage_percent", "value": "high", "labels": {"host": "web-1"}}`)},
	}
	for _, f := range []Format{FormatInflux, FormatProm, FormatJSON} {
		b.Run(f.String()+"/invalid", func(b *testing.B) { benchParse(b, mustParser(b, f, Options{}), invalid[f], false) })
	}
}

// benchParse parses lines in turn, one an op, reading every sample. It
// fails b when a line is rejected while valid is set (a directive or no
// sample is not a rejection), or accepted while it is not.
func benchParse(b *testing.B, p Parser, lines [][]byte, valid bool) {
	b.ReportAllocs()
	b.SetBytes(parsertest.MeanLen(lines))
	var s Sample
	i, samples := 0, 0
	for b.Loop() {
		err := p.Parse(lines[i], &s)
		skip := errors.Is(err, ErrNoSample) || errors.Is(err, parsers.ErrDirective)
		if valid != (err == nil || skip) {
			b.Fatalf("unexpected result for %q; got %v; want valid: %v", lines[i], err, valid)
		}
		if err == nil {
			for ok := true; ok; ok = p.Next(&s) {
				if len(s.Name) == 0 {
					b.Fatalf("unexpected empty name for %q", lines[i])
				}
				samples++
			}
		}
		if i++; i == len(lines) {
			i = 0
		}
	}
	b.ReportMetric(float64(samples)/b.Elapsed().Seconds(), "samples/s")
}

// benchRegexp matches lines in turn with re: the baseline of a regexp
// tokenizer, without converting anything.
func benchRegexp(b *testing.B, re *regexp.Regexp, lines [][]byte) {
	b.ReportAllocs()
	b.SetBytes(parsertest.MeanLen(lines))
	i := 0
	for b.Loop() {
		if re.FindSubmatchIndex(lines[i]) == nil && len(lines[i]) > 0 && lines[i][0] != '#' {
			b.Fatalf("no match for %q", lines[i])
		}
		if i++; i == len(lines) {
			i = 0
		}
	}
}

// benchEncodingJSON decodes lines in turn into a struct with
// encoding/json: the standard library's baseline.
func benchEncodingJSON(b *testing.B, lines [][]byte) {
	b.ReportAllocs()
	b.SetBytes(parsertest.MeanLen(lines))
	var v struct {
		TS     json.RawMessage `json:"ts"`
		Name   string          `json:"name"`
		Value  json.RawMessage `json:"value"`
		Labels map[string]any  `json:"labels"`
		Tags   map[string]any  `json:"tags"`
	}
	i := 0
	for b.Loop() {
		v.Name = ""
		if err := json.Unmarshal(lines[i], &v); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(lines) {
			i = 0
		}
	}
}

// BenchmarkMapper: parsing and mapping scrape after scrape, the samples
// of each stamped 15 s after the last, in steady state (every series
// known). MB/s counts the lines' bytes.
func BenchmarkMapper(b *testing.B) {
	for _, c := range []struct {
		name   string
		format Format
		file   string
	}{
		{"influx/telegraf", FormatInflux, "telegraf.influx"},
		{"prometheus/node_exporter", FormatProm, "node_exporter.prom"},
	} {
		b.Run(c.name, func(b *testing.B) {
			lines := readLines(b, c.file)
			p := mustParser(b, c.format, Options{})
			m := mustMapper(b, MapperOptions{Subject: "web-1"})
			var s Sample
			pts := make([]Point, 0, 16)
			b.ReportAllocs()
			b.SetBytes(parsertest.MeanLen(lines))
			i, stamp, points := 0, t0, 0
			for b.Loop() {
				if p.Parse(lines[i], &s) == nil {
					for ok := true; ok; ok = p.Next(&s) {
						s.Time = stamp
						pts = m.AppendPoints(pts[:0], &s)
						points += len(pts)
					}
				}
				if i++; i == len(lines) {
					i, stamp = 0, stamp+15*sec
				}
			}
			if b.N > 2*len(lines) && points == 0 {
				b.Fatal("no points")
			}
		})
	}
}
