package detect

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/window"
)

var (
	benchOnce    sync.Once
	benchWindows []*window.Closed
)

// cycled returns n windows cycled from a generated 2-hour log with
// an injected incident, restamped minute after minute.
func cycled(b *testing.B, n int) []*window.Closed {
	benchOnce.Do(func() {
		o := injected(6)
		o.Lines = 200_000
		benchWindows = windows(b, generate(b, o).data, DefaultRules())
	})
	out := make([]*window.Closed, n)
	start := benchWindows[0].Start
	for i := range out {
		w := *benchWindows[i%len(benchWindows)]
		w.Start = start.Add(time.Duration(i) * w.Size)
		out[i] = &w
	}
	return out
}

// BenchmarkPush pushes 100 and 10,000 windows into a new engine: the cost
// per window (ns/window) must not grow with the number of windows pushed.
//
//	go test -run '^$' -bench Push -count 6 ./pipeline/detect/ | benchstat -
func BenchmarkPush(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		ws := cycled(b, n)
		b.Run(fmt.Sprintf("windows=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			loops := 0
			for b.Loop() {
				e := New(DefaultRules())
				for _, w := range ws {
					e.Push(w)
				}
				e.Close()
				loops++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(loops*n), "ns/window")
		})
	}
}
