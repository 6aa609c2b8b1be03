package window

import (
	"bytes"
	"encoding/gob"
	"testing"

	"github.com/vigil-ops/vigil/sketches/topk"
)

// Compare changes with:
//
//	go test -run '^$' -bench Codec -benchtime 1s -count 6 ./pipeline/window | tee new.txt
//	benchstat old.txt new.txt

// BenchmarkCodec encodes and decodes a typical minute (20,000 requests,
// about 300 endpoints and 1,300 notable clients, latency in whole ms) and
// a busier one whose latency sketch spilled into its histogram. SetBytes
// is the size of the binary form. The gob sub-benchmark is a stdlib
// baseline: gob of what a caller can read of the window (tallies,
// endpoints, every table item, the latency values), which cannot be
// restored into a window.
func BenchmarkCodec(b *testing.B) {
	cfg := Config{}.WithDefaults()
	for _, c := range windowCases() {
		if c.name != "typical minute" && c.name != "µs latency past the exact budget" {
			continue
		}
		w := c.build(&cfg)
		form := mustEncode(b, w)
		b.Run("encode/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(form)))
			buf := make([]byte, 0, len(form))
			for b.Loop() {
				var err error
				if buf, err = w.AppendBinary(buf[:0]); err != nil || len(buf) != len(form) {
					b.Fatalf("unexpected encoding; got %d bytes, %v; want %d", len(buf), err, len(form))
				}
			}
		})
		b.Run("decode/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(form)))
			for b.Loop() {
				if d, err := Decode(form, &cfg); err != nil || d.Requests != w.Requests {
					b.Fatalf("unexpected decoding: %v", err)
				}
			}
		})
		b.Run("decode truncated/"+c.name, func(b *testing.B) {
			cut := form[:len(form)-1] // fails at the last byte: the whole form is read
			b.ReportAllocs()
			b.SetBytes(int64(len(cut)))
			for b.Loop() {
				if _, err := Decode(cut, &cfg); err == nil {
					b.Fatalf("unexpected success decoding a truncated form")
				}
			}
		})
		b.Run("gob baseline/"+c.name, func(b *testing.B) {
			v := gobView(w)
			var buf bytes.Buffer
			b.ReportAllocs()
			b.SetBytes(int64(len(form)))
			for b.Loop() {
				buf.Reset()
				if err := gob.NewEncoder(&buf).Encode(v); err != nil {
					b.Fatalf("unexpected gob error: %v", err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "gob-bytes")
		})
	}
}

// windowView is the baseline's plain copy of a window.
type windowView struct {
	Start     int64
	Counts    Counts
	Codes     []CodeCount
	Endpoints map[string]*EndpointCounts
	Latency   [][2]int64
	Tables    [4][]topk.Item
	Folded    uint64
}

func gobView(w *Window) *windowView {
	v := &windowView{Start: w.Start, Counts: w.Counts, Codes: w.codes, Endpoints: w.Endpoints, Folded: w.Folded}
	w.Latency.Each(func(x int64, n uint64) { v.Latency = append(v.Latency, [2]int64{x, int64(n)}) })
	for i, t := range w.tables() {
		v.Tables[i] = (*t).AppendTop(nil, -1)
	}
	return v
}
