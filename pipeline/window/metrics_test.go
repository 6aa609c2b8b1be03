package window

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMetricsMerge: points split over two windows merge, in either
// order, to the window that counted them all; the latest detail wins
// whatever the order.
func TestMetricsMerge(t *testing.T) {
	cfg := Config{}.WithDefaults()
	type point struct {
		subject string
		t       int64
		v       float64
		detail  string
	}
	var pts []point
	for i := range 400 {
		pts = append(pts, point{[]string{"web-1", "web-2", "web-3"}[i%3], int64(i % 37), float64(i%97) + 0.25, []string{"a", "b", ""}[i%3]})
	}
	add := func(w *Window, ps []point) {
		for _, p := range ps {
			if !w.AddMetric([]byte("memory"), []byte(p.subject), p.t, p.v, []byte(p.detail), nil) {
				t.Fatalf("unexpected refusal of %+v", p)
			}
		}
	}
	all := New(0, &cfg)
	add(all, pts)
	for _, order := range [][2]int{{0, 1}, {1, 0}} {
		parts := [2]*Window{New(0, &cfg), New(0, &cfg)}
		add(parts[0], pts[:150])
		add(parts[1], pts[150:])
		parts[order[0]].Merge(parts[order[1]])
		if diff := cmp.Diff(all.Close().Metrics, parts[order[0]].Close().Metrics, closedOptions); diff != "" {
			t.Fatalf("unexpected merge in order %v; diff (-all +merged):\n%s", order, diff)
		}
	}
	// Independent answer: a plain count, sum and max of web-1's values.
	var n int
	var sum, hi float64
	for _, p := range pts {
		if p.subject == "web-1" {
			n, sum, hi = n+1, sum+p.v, max(hi, p.v)
		}
	}
	m := all.Metrics[MetricKey{"memory", "web-1"}]
	if int(m.Values.Count()) != n || math.Abs(Unit(m.Values.Mean())-sum/float64(n)) > 1e-9 || Unit(float64(m.Values.Max())) != hi || m.Detail != "a" || m.At != 36 {
		t.Fatalf("unexpected web-1 stats; got n=%d mean=%v max=%v detail=%q at=%d; want %d %v %v \"a\" 36",
			m.Values.Count(), Unit(m.Values.Mean()), Unit(float64(m.Values.Max())), m.Detail, m.At, n, sum/float64(n), hi)
	}
	if all.AddMetric([]byte("memory"), []byte("web-1"), 1, math.NaN(), nil, nil) || all.AddMetric([]byte("memory"), []byte("web-1"), 1, math.Inf(1), nil, nil) {
		t.Fatalf("unexpected NaN or Inf counted")
	}
	if all.MetricPoints() != 400 {
		t.Fatalf("unexpected MetricPoints; got %d; want 400", all.MetricPoints())
	}
}

// TestAddMetricAllocs: counting a point of a known series with the same
// detail allocates nothing.
func TestAddMetricAllocs(t *testing.T) {
	cfg := Config{}.WithDefaults()
	w := New(0, &cfg)
	kind, subject, detail := []byte("long_query"), []byte("db-1 pid 4242"), []byte("SELECT pg_sleep(600) FROM a_rather_long_table_name")
	i := int64(0)
	add := func() {
		i++
		w.AddMetric(kind, subject, i, float64(i%50), detail, nil)
	}
	add()
	if n := testing.AllocsPerRun(100, add); n >= 1 {
		t.Fatalf("unexpected allocations per point; got %v; want 0", n)
	}
}
