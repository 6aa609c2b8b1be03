package pipeline_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/pipeline"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
)

const sampleLine = `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /a/1 HTTP/1.1" 200 12 "-" "curl/8.0"`

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func zstdBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	return enc.EncodeAll(data, nil)
}

// TestCompressedInputs checks that gzip and zstd are recognised by their
// magic bytes (whatever the file name) and give the plain file's report.
func TestCompressedInputs(t *testing.T) {
	plain, err := os.ReadFile("../testdata/apache_logs")
	if err != nil {
		t.Fatal(err)
	}
	gz, err := os.ReadFile("../testdata/apache_logs.gz")
	if err != nil {
		t.Fatal(err)
	}
	want := runFiles(t, []string{"../testdata/apache_logs"}, pipeline.Options{})
	f := func(name string, data []byte, compression string) {
		t.Helper()
		got := runFiles(t, []string{writeFile(t, name, data)}, pipeline.Options{})
		if got.Input.Files[0].Compression != compression {
			t.Errorf("unexpected compression for %q; got %q; want %q", name, got.Input.Files[0].Compression, compression)
		}
		got.Input.Files, want.Input.Files = nil, nil
		got.Input.MalformedSamples[0].File = want.Input.MalformedSamples[0].File
		if d := gocmp.Diff(want, got); d != "" {
			t.Errorf("unexpected report for %q (-plain +got):\n%s", name, d)
		}
	}
	f("log.gz", gz, "gzip")
	f("no-extension", gz, "gzip")
	f("log.zst", zstdBytes(t, plain), "zstd")
	f("log.txt", plain, "none")
}

// TestSeveralFilesOneReport checks that two halves give the whole's counts.
func TestSeveralFilesOneReport(t *testing.T) {
	data, err := os.ReadFile("../testdata/apache_logs")
	if err != nil {
		t.Fatal(err)
	}
	half := bytes.Index(data[len(data)/2:], []byte("\n")) + len(data)/2 + 1
	a := writeFile(t, "a.log", data[:half])
	b := writeFile(t, "b.log", data[half:])
	whole := runFiles(t, []string{"../testdata/apache_logs"}, pipeline.Options{})
	parts := runFiles(t, []string{a, b}, pipeline.Options{})
	if len(parts.Input.Files) != 2 || parts.Input.Files[0].Lines+parts.Input.Files[1].Lines != whole.Input.Lines {
		t.Fatalf("unexpected files %+v; want two files adding up to %d lines", parts.Input.Files, whole.Input.Lines)
	}
	whole.Input.Files, parts.Input.Files = nil, nil
	for i := range parts.Input.MalformedSamples {
		parts.Input.MalformedSamples[i].File, parts.Input.MalformedSamples[i].Line = "", 0
	}
	for i := range whole.Input.MalformedSamples {
		whole.Input.MalformedSamples[i].File, whole.Input.MalformedSamples[i].Line = "", 0
	}
	if d := gocmp.Diff(whole, parts); d != "" {
		t.Errorf("unexpected report of two halves (-whole +parts):\n%s", d)
	}
}

// TestLineHandling checks line splitting: CRLF, a missing final newline,
// empty lines, over-long lines (within a chunk and beyond a whole chunk),
// and the line numbers of the samples.
func TestLineHandling(t *testing.T) {
	long := strings.Repeat("x", 70<<10)
	huge := strings.Repeat("y", 3*(1<<20))
	input := strings.Join([]string{
		sampleLine + "\r", // 1
		"",                // 2
		long,              // 3
		sampleLine,        // 4
		huge,              // 5
		"garbage",         // 6
		sampleLine,        // 7 (no final newline)
	}, "\n")
	rep := runBytes(t, []byte(input), pipeline.Options{Format: "combined", MalformedSamples: 10})
	in := rep.Input
	if in.Lines != 7 || in.Parsed != 3 || in.TooLong != 2 || in.Malformed != 2 {
		t.Fatalf("unexpected counts; got lines %d parsed %d too long %d malformed %d; want 7 3 2 2", in.Lines, in.Parsed, in.TooLong, in.Malformed)
	}
	var got []string
	for _, s := range in.MalformedSamples {
		got = append(got, s.Reason+"@"+strconv.FormatUint(s.Line, 10))
	}
	want := []string{"empty line" + "@2", "line too long" + "@3", "line too long" + "@5", in.MalformedSamples[3].Reason + "@6"}
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("unexpected samples (-want +got):\n%s", d)
	}
	if in.Bytes != uint64(len(input)) {
		t.Errorf("unexpected bytes; got %d; want %d", in.Bytes, len(input))
	}
}
