package summary

import (
	"fmt"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// Compare changes with:
//
//	go test -run '^$' -bench . -count 6 ./pipeline/summary | tee new.txt
//	benchstat old.txt new.txt

// benchLines returns n requests over 4096 client IPs, 64 endpoints and 8
// user agents, with durations of 1 ms resolution.
func benchLines(n int) []window.Line {
	uas := make([][]byte, 8)
	for i := range uas {
		uas[i] = fmt.Appendf(nil, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0 Safari/537.36", 120+i)
	}
	lines := make([]window.Line, n)
	for i := range lines {
		ip := uint32(i*2654435761) % 4096
		r := &parsers.Record{
			Status:    []int{200, 200, 200, 404, 500, 401}[i%6],
			Duration:  int64(i%997) * 1000,
			Client:    fmt.Appendf(nil, "10.%d.%d.%d", ip>>8, ip&255, i%3),
			User:      fmt.Appendf(nil, "u%d", i%500),
			UserAgent: uas[i%len(uas)],
		}
		id := int32(i % 64)
		lines[i] = window.Line{Rec: r, Endpoint: fmt.Sprintf("GET /e/%d", id), ID: id}
	}
	return lines
}

func classify(ua []byte) useragent.Class { c, _ := useragent.Classify(ua); return c }

// BenchmarkAdd counts one request per op into a summary that has seen
// every key.
func BenchmarkAdd(b *testing.B) {
	lines := benchLines(1 << 14)
	s := New(Options{})
	for i := range lines {
		l := &lines[i]
		l.UAClass = s.UserAgent(l.Rec.UserAgent, classify)
		s.Add(l)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l := &lines[i&(len(lines)-1)]
		l.UAClass = s.UserAgent(l.Rec.UserAgent, classify)
		s.Add(l)
		i++
	}
	if s.Requests != uint64(len(lines)+i) {
		b.Fatalf("unexpected requests; got %d; want %d", s.Requests, len(lines)+i)
	}
}

// TestAddAllocs checks that counting a request whose keys the summary has
// seen does not allocate.
func TestAddAllocs(t *testing.T) {
	lines := benchLines(256)
	s := New(Options{})
	add := func() {
		for i := range lines {
			l := &lines[i]
			l.UAClass = s.UserAgent(l.Rec.UserAgent, classify)
			s.Add(l)
		}
	}
	add()
	if n := testing.AllocsPerRun(10, add); n >= 1 {
		t.Fatalf("unexpected allocations per %d known requests; got %v; want 0", len(lines), n)
	}
	s.Flush()
	// add, then AllocsPerRun's warm-up and 10 runs.
	if got, want := s.UserAgents.Total(), uint64(12*len(lines)); got != want {
		t.Fatalf("unexpected user-agent total; got %d; want %d", got, want)
	}
}
