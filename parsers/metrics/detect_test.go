package metrics

import (
	"bytes"
	"os"
	"testing"
)

func TestDetectSuccess(t *testing.T) {
	f := func(sample string, want Format, n int) {
		t.Helper()
		got, gotN, err := Detect([]byte(sample))
		if err != nil || got != want || gotN != n {
			t.Fatalf("unexpected detection for %q; got %v, %d, %v; want %v, %d", short(sample), got, gotN, err, want, n)
		}
	}
	read := func(name string) string {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	f(read("telegraf.influx"), FormatInflux, 46) // the four uptime_format lines give no sample
	f(read("node_exporter.prom"), FormatProm, 86)
	f(read("federate.prom"), FormatProm, 30)
	f(read("metrics.jsonl"), FormatJSON, 10)
	// Comments and blank lines count for nobody; directives for Prometheus.
	f("# a comment\n\nm v=1\n", FormatInflux, 1)
	f("# TYPE m gauge\n", FormatProm, 1)
	// A mostly broken sample still goes to the format that reads most.
	f("m v=1\nm v=2\nup 1\n", FormatInflux, 2)
	// A last line without '\n' counts only alone.
	f("up 1\nm v=1\nm v=2", FormatProm, 1)
	f("m v=1", FormatInflux, 1)
}

func TestDetectFailure(t *testing.T) {
	for _, sample := range []string{"", "\n\n", "# only comments\n", "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326\n", "level=info msg=x\n"} {
		if f, n, err := Detect([]byte(sample)); err == nil {
			t.Fatalf("unexpected detection for %q; got %v, %d; want an error", sample, f, n)
		}
	}
}

func TestFormatNames(t *testing.T) {
	for _, f := range []Format{FormatInflux, FormatProm, FormatJSON} {
		got, ok := ParseFormat(f.String())
		if !ok || got != f {
			t.Fatalf("unexpected format for %q; got %v, %v; want %v", f, got, ok, f)
		}
	}
	if _, ok := ParseFormat("graphite"); ok {
		t.Fatalf("unexpected format for %q; want none", "graphite")
	}
	if _, err := NewParser(Format(0), Options{}); err == nil {
		t.Fatalf("unexpected parser for format 0; want an error")
	}
	if !bytes.Equal([]byte(Format(9).String()), []byte("unknown")) {
		t.Fatalf("unexpected name for format 9; got %q", Format(9))
	}
}
