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
