package pipeline_test

import (
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline"
)

// TestCounterSampleOffset: the samples of a batch carry the offset of the
// message holding their line, taken from Batch.LineOffset before Done;
// SampleBytes cuts their text (200 bytes by default).
func TestCounterSampleOffset(t *testing.T) {
	long := strings.Repeat("z", 300)
	// Messages: offset 100 holds lines 10 (too long, skipped), 11 and 12;
	// 101 holds 13; 102 holds 14 and 15.
	data := strings.Join([]string{sampleLine, "garbage", long, sampleLine, ""}, "\n") + "\n"
	lineOffset := func(done *bool) func(uint64) int64 {
		return func(line uint64) int64 {
			if *done {
				t.Errorf("unexpected LineOffset(%d) after Done", line)
			}
			switch {
			case line >= 10 && line <= 12:
				return 100
			case line == 13:
				return 101
			case line == 14 || line == 15:
				return 102
			}
			t.Errorf("unexpected LineOffset(%d) for a line not in the batch", line)
			return -1
		}
	}
	f := func(o pipeline.Options, withOffsets bool, want []pipeline.Sample) {
		t.Helper()
		o.Format, o.MalformedSamples = "combined", 10
		c, err := pipeline.NewCounter("logs/0", o)
		if err != nil {
			t.Fatal(err)
		}
		var done bool
		b := pipeline.Batch{Data: []byte(data), Line: 11, TooLong: 1, Offset: 103, Done: func() { done = true }}
		if withOffsets {
			b.LineOffset = lineOffset(&done)
		}
		n, err := c.Count(b)
		if err != nil {
			t.Fatal(err)
		}
		if !done {
			t.Errorf("unexpected Count without Done")
		}
		if diff := gocmp.Diff(want, n.Samples); diff != "" {
			t.Errorf("unexpected samples for SampleBytes %d, offsets %v (-want +got):\n%s", o.SampleBytes, withOffsets, diff)
		}
	}
	reason := func(line string) string {
		t.Helper()
		c, err := pipeline.NewCounter("x", pipeline.Options{Format: "combined"})
		if err != nil {
			t.Fatal(err)
		}
		n, _ := c.Count(pipeline.Batch{Data: []byte(line + "\n"), Line: 1})
		return n.Samples[0].Reason
	}
	garbage, longReason := reason("garbage"), reason(long)
	f(pipeline.Options{SampleBytes: 250}, true, []pipeline.Sample{
		{Line: 10, Reason: pipeline.ReasonTooLong, Offset: 100},
		{Line: 12, Reason: garbage, Text: "garbage", Offset: 100},
		{Line: 13, Reason: longReason, Text: long[:250], Offset: 101},
		{Line: 15, Reason: "empty line", Offset: 102},
	})
	f(pipeline.Options{}, false, []pipeline.Sample{
		{Line: 10, Reason: pipeline.ReasonTooLong, Offset: -1},
		{Line: 12, Reason: garbage, Text: "garbage", Offset: -1},
		{Line: 13, Reason: longReason, Text: long[:200], Offset: -1},
		{Line: 15, Reason: "empty line", Offset: -1},
	})
	f(pipeline.Options{SampleBytes: 1 << 16}, true, []pipeline.Sample{
		{Line: 10, Reason: pipeline.ReasonTooLong, Offset: 100},
		{Line: 12, Reason: garbage, Text: "garbage", Offset: 100},
		{Line: 13, Reason: longReason, Text: long, Offset: 101},
		{Line: 15, Reason: "empty line", Offset: 102},
	})
}

// TestCounterFormatWarning: a Counter warns of its source's format as
// analyze warns of the same lines (SourceResult.FormatWarning): none
// before the first batch, then, for a combined log whose first batch ends
// in no number, the count of the later lines that did, across batches;
// and nothing with --duration-unit.
func TestCounterFormatWarning(t *testing.T) {
	data := tailLog(150, 50, 3)
	cut := strings.Index(data, "\n")
	for range 99 {
		cut += strings.Index(data[cut+1:], "\n") + 1
	}
	first, rest := data[:cut+1], data[cut+1:]
	if strings.Count(first, "\n") != 100 || strings.Count(rest, "\n") != 50 {
		t.Fatalf("BUG: batches of %d and %d lines; want 100 and 50", strings.Count(first, "\n"), strings.Count(rest, "\n"))
	}
	f := func(o pipeline.Options, want string) {
		t.Helper()
		c, err := pipeline.NewCounter("logs/0", o)
		if err != nil {
			t.Fatal(err)
		}
		if w := c.FormatWarning(); w != "" {
			t.Fatalf("unexpected warning before any batch; got %q", w)
		}
		half := strings.Index(rest[len(rest)/2:], "\n") + len(rest)/2 + 1
		for _, b := range []string{first, rest[:half], rest[half:]} {
			if _, err := c.Count(pipeline.Batch{Data: []byte(b)}); err != nil {
				t.Fatal(err)
			}
		}
		if got := c.FormatWarning(); got != want {
			t.Fatalf("unexpected warning with unit %q; got %q; want %q", o.DurationUnit, got, want)
		}
	}
	want := run(t, []string{"-"}, []byte(data), pipeline.Options{}).Sources[0].FormatWarning
	if !strings.HasPrefix(want, "50 lines end in a number not read as a duration") {
		t.Fatalf("BUG: analyze's warning is %q; want one of 50 lines", want)
	}
	f(pipeline.Options{}, want)
	f(pipeline.Options{DurationUnit: "ms"}, "")
}
