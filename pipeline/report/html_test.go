package report

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

func writeHTML(t *testing.T, r *Report) string {
	t.Helper()
	var b strings.Builder
	if err := WriteHTML(&b, r); err != nil {
		t.Fatalf("cannot write HTML: %v", err)
	}
	return b.String()
}

func TestWriteHTMLGolden(t *testing.T) {
	f := func(name string, r *Report) {
		t.Helper()
		golden(t, name, writeHTML(t, r))
	}
	f("report.html", sampleReport())
	f("empty.html", &Report{})
}

func TestWriteHTMLEscaping(t *testing.T) {
	page := writeHTML(t, sampleReport())
	f := func(raw, want string) {
		t.Helper()
		if strings.Contains(page, raw) {
			t.Fatalf("unexpected raw markup for %q; got it in the page; want only %q", raw, want)
		}
		if !strings.Contains(page, want) {
			t.Fatalf("unexpected escaping for %q; got a page without %q; want it", raw, want)
		}
	}
	f(scriptUA, "&lt;script&gt;alert(1)&lt;/script&gt;")
	f(imgSample, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;")
	f(svgPath, "GET /&lt;svg onload=alert(1)&gt;")
	f(tdSubject, "&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;")
	f(quoteUser, "o&#39;brien&#34;&amp;&lt;b&gt;")
	f(invalidUA, `curl/8.0 \xff\xfe\x1b[31m`)
	f("\xff\xfe\x00binary\tjunk", `\xff\xfe\x00binary\tjunk`)
	if !utf8.ValidString(page) {
		t.Fatalf("unexpected encoding for %q; got invalid UTF-8; want valid", "sample report")
	}
}

// TestWriteHTMLSelfContained checks that the page needs nothing but
// itself: no script, no stylesheet, image, frame or font to fetch.
func TestWriteHTMLSelfContained(t *testing.T) {
	f := func(name string, r *Report) {
		t.Helper()
		page := strings.ToLower(writeHTML(t, r))
		for _, s := range []string{"<script", "<link", "<img", "<iframe", "<object", "<embed", "href=", "src=\"", "url(", "@import"} {
			if strings.Contains(page, s) {
				t.Fatalf("unexpected %q for %q; got it in the page; want a self-contained page", s, name)
			}
		}
	}
	f("sample", sampleReport())
	f("empty", &Report{})
}

func TestWriteHTMLSections(t *testing.T) {
	f := func(name string, r *Report, want ...string) {
		t.Helper()
		page := writeHTML(t, r)
		var got []string
		for _, id := range []string{"summary", "incidents", "timeline", "requests", "latency", "endpoints", "clients", "user-agents", "input", "rejected"} {
			if strings.Contains(page, ` id="`+id+`"`) {
				got = append(got, id)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("unexpected sections for %q; got %v; want %v", name, got, want)
		}
		last := -1
		for _, id := range got {
			i := strings.Index(page, ` id="`+id+`"`)
			if i < last {
				t.Fatalf("unexpected section order for %q; got %q before its predecessor; want %v", name, id, want)
			}
			last = i
		}
	}
	f("sample", sampleReport(), "summary", "incidents", "timeline", "requests", "latency", "endpoints", "clients", "user-agents", "input", "rejected")
	f("empty", &Report{}, "summary", "timeline", "requests", "latency", "endpoints", "clients", "user-agents", "input")
}

func TestWriteHTMLContent(t *testing.T) {
	page := writeHTML(t, sampleReport())
	f := func(what, want string) {
		t.Helper()
		if !strings.Contains(page, want) {
			t.Fatalf("unexpected %s for %q; got a page without %q; want it", what, "sample report", want)
		}
	}
	f("P1 badge", `<span class="badge sev-p1">P1</span>`)
	f("P2 badge", `<span class="badge sev-p2">P2</span>`)
	f("P4 badge", `<span class="badge sev-p4">P4</span>`)
	f("runbook", "respond within 15 min; escalate to CTO")
	f("severity name", `</span> <span class="small muted">Critical</span>`)
	f("open incident", `<tr class="inc row-sev-p2 open">`)
	f("resolved incident", `<tr class="inc row-sev-p1">`)
	f("open incident count", "Incidents (3, 1 open at the end of the log)")
	f("resolved after", `03:12 to 03:19 UTC<div class="small muted">2026-03-01, lasted 7m</div>`)
	f("open for", `03:20 to 03:30 UTC<div class="small muted">2026-03-01, 10m so far</div>`)
	f("file error up front", "Input ended early: ")
	f("late lines", "<b>9</b><span>late: older than their window's close")
	f("file error", "Error: unexpected end of gzip data after 43.1 KiB; the lines before it are counted")
	f("file warning", "Warning: line 1,000 has no newline at the end; it is counted")
	f("exact latency", "Percentiles exact.")
	f("approximate count", `410 <span class="pm">±12</span>`)
	f("approximate user agent", `300 <span class="pm">±7</span>`)
	f("HyperLogLog estimate", "~3,481 (HyperLogLog estimate, about 0.8% standard error)")
	f("time filter", "Time filter: 2026-03-01T03:00:00Z to 2026-03-01T03:30:00Z")
	f("time range", "2026-03-01T03:00:05Z to 2026-03-01T03:29:50Z (29m45s)")
	f("filtered lines", "outside the time filter")
	f("latency", "<b>2,900</b><span>p99</span>")
	f("incident band", `<rect class="band sev-p1"`)
	f("timeline table", "<details>")
	f("app errors column", `<th class="n">app errors</th>`)
	f("lone p95 point", "h0")
}

// TestWriteHTMLLongTimeline checks that 10,000 minutes (a week) become at
// most maxChartBars bars, and the page stays small.
func TestWriteHTMLLongTimeline(t *testing.T) {
	r := sampleReport()
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	r.Timeline = r.Timeline[:0]
	for i := range 10_000 {
		r.Timeline = append(r.Timeline, TimelineRow{
			Start:    start.Add(time.Duration(i) * time.Minute),
			Requests: uint64(1000 + i%97), Errors5xx: uint64(1 + i%13), P95: float64(100 + i%1009),
		})
	}
	page := writeHTML(t, r)
	if len(page) > maxPageLen {
		t.Fatalf("unexpected page size for %q; got %d bytes; want at most %d", "10,000 minutes", len(page), maxPageLen)
	}
	f := func(group string, lo, hi int) {
		t.Helper()
		_, g, ok := strings.Cut(page, `<g class="`+group+`">`)
		g, _, ok2 := strings.Cut(g, "</g>")
		if !ok || !ok2 {
			t.Fatalf("unexpected chart for %q; got no group %q; want one", "10,000 minutes", group)
		}
		if n := strings.Count(g, "<rect "); n < lo || n > hi {
			t.Fatalf("unexpected %s bars for %q; got %d; want %d to %d", group, "10,000 minutes", n, lo, hi)
		}
	}
	f("req", maxChartBars/2, maxChartBars)
	f("err", maxChartBars/2, maxChartBars)
	_, d, _ := strings.Cut(page, `<path class="p95" d="`)
	d, _, _ = strings.Cut(d, `"`)
	if n := strings.Count(d, "M") + strings.Count(d, "L"); n < maxChartBars/2 || n > maxChartBars {
		t.Fatalf("unexpected p95 points for %q; got %d; want %d to %d", "10,000 minutes", n, maxChartBars/2, maxChartBars)
	}
	if want := "Minutes are merged into 20m bars"; !strings.Contains(page, want) {
		t.Fatalf("unexpected caption for %q; got a page without %q; want it", "10,000 minutes", want)
	}
}

func TestCoarsenChart(t *testing.T) {
	f := func(base time.Duration, rows int, want time.Duration) {
		t.Helper()
		first := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		last := first.Add(time.Duration(rows-1) * base)
		if got := coarsen(base, first, last, chartSteps, maxChartBars); got != want {
			t.Fatalf("unexpected step for %q; got %v; want %v", fmt.Sprint(rows, " rows of ", base), got, want)
		}
	}
	f(time.Minute, 1, time.Minute)
	f(time.Minute, 600, time.Minute)
	f(time.Minute, 601, 2*time.Minute)
	f(time.Minute, 10_000, 20*time.Minute)
	f(time.Minute, 30*1440, 2*time.Hour)
	f(time.Minute, 5*365*1440, 4*24*time.Hour)
	f(10*time.Second, 600, 10*time.Second)
	f(10*time.Second, 601, time.Minute)
	f(5*time.Minute, 601, 10*time.Minute)
	f(7*time.Minute, 601, 14*time.Minute)
}

func TestNiceStep(t *testing.T) {
	f := func(v, want float64) {
		t.Helper()
		if got := niceStep(v); got != want {
			t.Fatalf("unexpected step for %q; got %v; want %v", fmt.Sprint(v), got, want)
		}
	}
	f(0, 1)
	f(0.3, 0.5)
	f(1, 1)
	f(3, 5)
	f(1000, 1000)
	f(2001, 2500)
	f(7000, 10_000)
}

// TestBandLabels checks that the labels of incidents that overlap in time
// go on separate lines and that the others share the first.
func TestBandLabels(t *testing.T) {
	f := func(name string, spans [][2]int, want ...string) {
		t.Helper()
		r := sampleReport()
		r.Incidents = r.Incidents[:0]
		for _, s := range spans {
			r.Incidents = append(r.Incidents, incident.Incident{Severity: incident.P1, Kind: incident.Outage, Subject: "*",
				Start: r.Timeline[0].Start.Add(time.Duration(s[0]) * time.Minute), End: r.Timeline[0].Start.Add(time.Duration(s[1]) * time.Minute)})
		}
		var got []string
		for _, b := range newChart(r).Bands {
			got = append(got, b.LabelY)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("unexpected label lines for %q; got %v; want %v", name, got, want)
		}
	}
	f("apart", [][2]int{{2, 5}, {12, 19}, {20, 30}}, "18", "18", "18")
	f("overlapping", [][2]int{{2, 10}, {3, 9}, {4, 8}, {20, 30}}, "18", "29", "40", "18")
	f("adjacent minutes, labels apart", [][2]int{{2, 3}, {3, 4}}, "18", "18")
}
