package live

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// TestReportInput: the report's input counts the windows' TCP proxy
// connections in kinds.tcp and in its lines (not in requests or
// application lines), over two partitions, and ends its warnings with
// those of Options.Warnings.
func TestReportInput(t *testing.T) {
	cfg := window.Config{}.WithDefaults()
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	src := &fakeSource{}
	for p := range 2 {
		w := window.New(start.UnixNano(), &cfg)
		for range 3 + p {
			w.Add(&window.Line{Rec: &parsers.Record{Time: start.UnixNano(), Status: 200, Duration: 1000}, Endpoint: "GET /", ID: -1})
		}
		for range 2 {
			w.AddApp(false)
		}
		for range 4 + 3*p {
			w.AddTCP()
		}
		b, err := w.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		src.states = append(src.states, b)
	}
	r, err := Report(context.Background(), src, time.Hour, start.Add(30*time.Second), Options{Warnings: func() []string { return []string{"logs: a warning"} }})
	if err != nil {
		t.Fatal(err)
	}
	in := r.Input
	if want := (report.Kinds{HTTP: 7, App: 4, TCP: 11}); in.Kinds != want || in.Lines != 22 || in.Parsed != 22 || r.Requests.Total != 7 {
		t.Fatalf("unexpected input; got kinds %+v, %d lines, %d parsed, %d requests; want %+v, 22 lines, 7 requests", in.Kinds, in.Lines, in.Parsed, r.Requests.Total, want)
	}
	if w := in.Files[0].Warnings; len(w) < 2 || w[len(w)-1] != "logs: a warning" || slices.Index(w, "logs: a warning") != len(w)-1 {
		t.Fatalf("unexpected warnings; got %q; want the windows' notes, then %q", w, "logs: a warning")
	}
}
