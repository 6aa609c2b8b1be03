package summary

import (
	"math"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/window"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// closed makes a closed one-minute window at minute i with n requests of
// durations 1..n ms.
func closed(cfg *window.Config, i, n int) *window.Closed {
	w := window.New(t0.Add(time.Duration(i)*time.Minute).UnixNano(), cfg)
	for d := 1; d <= n; d++ {
		w.Latency.Add(int64(d) * 1000)
		w.Requests++
		w.Lines++
	}
	return w.Close()
}

func TestTimelineOneRowPerWindow(t *testing.T) {
	cfg := window.Config{}.WithDefaults()
	tl := NewTimeline(time.Minute, 0, 0)
	for i := range 10 {
		tl.Add(closed(&cfg, i, 100))
	}
	rows := tl.Rows()
	if len(rows) != 10 || tl.Step != time.Minute || !tl.Exact() {
		t.Fatalf("unexpected timeline; got %d rows of %v, exact %v; want 10 of 1m, exact", len(rows), tl.Step, tl.Exact())
	}
	if rows[3].P95 != 95000 || rows[3].Requests != 100 {
		t.Errorf("unexpected row; got p95 %v, %d requests; want 95000, 100", rows[3].P95, rows[3].Requests)
	}
}

func TestTimelineCoarsens(t *testing.T) {
	cfg := window.Config{}.WithDefaults()
	tl := NewTimeline(time.Minute, 0, 100)
	for i := range 1000 {
		tl.Add(closed(&cfg, i, 100))
	}
	rows := tl.Rows()
	if len(rows) > 100 || tl.Step != 16*time.Minute || tl.Exact() {
		t.Fatalf("unexpected timeline; got %d rows of %v, exact %v; want at most 100 of 16m, estimated", len(rows), tl.Step, tl.Exact())
	}
	var total uint64
	for _, r := range rows {
		total += r.Requests
		// Every window holds 1..100 ms: the p95 is 95 ms within a bucket
		// (1/16 of a power of two), reported by its middle.
		if math.Abs(r.P95-95000) > 95000.0/32 {
			t.Errorf("unexpected coarse p95; got %v; want 95000 ±1/32 (the documented 3 %%)", r.P95)
		}
	}
	if total != 100000 {
		t.Errorf("unexpected requests; got %d; want 100000", total)
	}
}

func TestTimelineFixedStep(t *testing.T) {
	cfg := window.Config{}.WithDefaults()
	tl := NewTimeline(time.Minute, 90*time.Second, 10)
	for i := range 100 {
		tl.Add(closed(&cfg, i, 10))
	}
	if tl.Step != 2*time.Minute || len(tl.Rows()) != 50 {
		t.Errorf("unexpected fixed step; got %d rows of %v; want 50 of 2m (90s rounded up to windows)", len(tl.Rows()), tl.Step)
	}
}
