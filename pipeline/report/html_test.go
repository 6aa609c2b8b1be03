package report

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files in testdata")

// Hostile log data: each must come out as text, never as markup.
const (
	scriptUA   = "<script>alert(1)</script>"
	imgSample  = `"><img src=x onerror=alert(1)>`
	svgPath    = "GET /<svg onload=alert(1)>"
	tdSubject  = "</td><script>x</script>"
	quoteUser  = `o'brien"&<b>`
	invalidUA  = "curl/8.0 \xff\xfe\x1b[31m"
	maxPageLen = 100_000
)

// sampleReport is a small report with every section, approximate counts
// and hostile strings.
func sampleReport() *Report {
	r := &Report{
		Schema: Schema,
		Input: Input{
			Files: []File{
				{Path: "/var/log/nginx/access.log", Compression: "none", Format: "combined_rt", Lines: 1000, Bytes: 210_000},
				{Path: "/var/log/nginx/access.log.1.gz", Compression: "gzip", Format: "combined_rt", Lines: 212, Bytes: 44_100},
			},
			Lines: 1212, Parsed: 1200, Malformed: 4, TooLong: 1, Filtered: 7, Bytes: 254_100, Format: "combined_rt",
			MalformedReasons: []Count{{Key: "bad request line", Count: 3}, {Key: "unterminated quote", Count: 1}},
			MalformedSamples: []Sample{
				{File: "/var/log/nginx/access.log", Line: 17, Reason: "bad request line", Text: `10.0.0.1 - - [01/Mar/2026:03:00:09 +0000] "GET ` + imgSample},
				{File: "/var/log/nginx/access.log", Line: 90, Reason: "bad request line", Text: "\xff\xfe\x00binary\tjunk"},
			},
		},
		TimeRange: TimeRange{Start: "2026-03-01T03:00:05Z", End: "2026-03-01T03:29:50Z"},
		Requests: Requests{
			Total:     1200,
			Status:    map[string]uint64{"200": 900, "301": 40, "401": 90, "404": 60, "500": 70, "503": 30, "-": 10},
			Errors5xx: 100, ErrorRate: 100.0 / 1200,
		},
		Latency: Latency{Count: 1190, Mean: 84.2, P50: 31, P90: 180, P95: 420, P99: 2900, P999: 30_000, Max: 60_012},
		Endpoints: []Endpoint{
			{Endpoint: "GET /api/properties/{id}", Count: 700, Errors5xx: 60, Latency: Latency{Count: 700, P50: 30, P90: 170, P95: 400, P99: 2800, P999: 29_000, Max: 60_012}},
			{Endpoint: "POST /api/payments/{id}/charge", Count: 300, Errors5xx: 40, Latency: Latency{Count: 290, P50: 210, P90: 900, P95: 1400, P99: 3100, P999: 4000, Max: 4100}},
			{Endpoint: svgPath, Count: 12},
		},
		TopIPs:            []Count{{Key: "192.0.2.77", Count: 410, Error: 12}, {Key: "2001:db8::1", Count: 98}, {Key: "198.51.100.4", Count: 51, Error: 3}},
		TopAuthFailureIPs: []Count{{Key: "192.0.2.77", Count: 88, Error: 2}},
		TopUsers:          []Count{{Key: "u77733", Count: 140}, {Key: quoteUser, Count: 9}},
		UniqueIPs:         3481,
		UserAgents: []UserAgent{
			{Key: "Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0", Count: 600, Class: "browser", Family: "Firefox"},
			{Key: scriptUA, Count: 300, Error: 7, Class: "unknown", Family: "Other"},
			{Key: invalidUA, Count: 250, Class: "tool", Family: "curl"},
		},
		UserAgentClasses: []Count{{Key: "browser", Count: 640}, {Key: "unknown", Count: 300}, {Key: "tool", Count: 250}, {Key: "bot", Count: 10}},
		AppErrors:        3,
		Incidents: []Incident{
			{
				ID: "0123456789abcdef", Severity: "P1", Kind: "attack", Subject: "192.0.2.77",
				Start: "2026-03-01T03:12:00Z", End: "2026-03-01T03:19:00Z",
				Summary: "192.0.2.77 made 88 failed auth requests (401/403/429) between 03:12 and 03:19",
				Runbook: Runbook{Section: "Suspected Attack", RespondWithin: "15 min", Escalation: "escalate to CTO"},
			},
			{
				ID: "89abcdef01234567", Severity: "P2", Kind: "latency", Subject: tdSubject,
				Start: "2026-03-01T03:20:00Z", End: "2026-03-01T03:24:00Z",
				Summary: "p95 above 2s: 40 of 90 requests took longer between 03:20 and 03:24",
				Runbook: Runbook{Section: "High Response Times (P2)", RespondWithin: "1 h", Escalation: "escalate to team lead"},
			},
			{
				ID: "fedcba9876543210", Severity: "P4", Kind: "bot_surge", Subject: "*",
				Start: "2026-03-01T03:02:00Z", End: "2026-03-01T03:05:00Z",
				Summary: "bots made 31% of requests between 03:02 and 03:05",
				Runbook: Runbook{Section: "Bot Traffic", RespondWithin: "1 business day", Escalation: "note in the weekly report"},
			},
		},
		Options: ReportOptions{Top: 3, Since: "2026-03-01T03:00:00Z", Until: "2026-03-01T03:30:00Z", Workers: 2, WindowSecs: 60},
	}
	start := time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)
	for i := range 30 {
		m := Minute{Start: start.Add(time.Duration(i) * time.Minute).Format(time.RFC3339), Requests: uint64(30 + i%7*3), P95: float64(90 + i*10)}
		switch {
		case i == 8 || i == 9: // no minute: a gap in the bars and the line
			continue
		case i == 11: // a minute without durations, next to the gap: a lone p95 point at 10
			m.P95 = 0
		case i >= 20 && i < 25:
			m.Errors5xx, m.P95 = uint64(10+i), 2400
		}
		if i == 27 {
			m.AppErrors = 3
		}
		r.Timeline = append(r.Timeline, m)
	}
	return r
}

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
		got := writeHTML(t, r)
		path := filepath.Join("testdata", name)
		if *rewrite {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatalf("cannot rewrite %s: %v", path, err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("cannot read golden file: %v (run go test -rewrite)", err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Fatalf("unexpected HTML for %q (-want +got; run go test -rewrite and review the diff):\n%s", name, diff)
		}
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
		for _, id := range []string{"summary", "incidents", "requests", "latency", "endpoints", "clients", "user-agents", "timeline", "rejected"} {
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
	f("sample", sampleReport(), "summary", "incidents", "requests", "latency", "endpoints", "clients", "user-agents", "timeline", "rejected")
	f("empty", &Report{}, "summary", "requests", "latency", "endpoints", "clients", "user-agents", "timeline")
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
	f("approximate count", `410 <span class="pm">±12</span>`)
	f("approximate user agent", `300 <span class="pm">±7</span>`)
	f("HyperLogLog estimate", "~3,481 (HyperLogLog estimate, about 0.8% standard error)")
	f("time filter", "Time filter: 2026-03-01T03:00:00Z to 2026-03-01T03:30:00Z")
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
		r.Timeline = append(r.Timeline, Minute{
			Start:    start.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
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

func TestChartStep(t *testing.T) {
	f := func(minutes int, want time.Duration) {
		t.Helper()
		first := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		last := first.Add(time.Duration(minutes-1) * time.Minute)
		if got := chartStep(first, last); got != want {
			t.Fatalf("unexpected step for %q; got %v; want %v", fmt.Sprint(minutes, " minutes"), got, want)
		}
	}
	f(1, time.Minute)
	f(600, time.Minute)
	f(601, 2*time.Minute)
	f(10_000, 20*time.Minute)
	f(30*1440, 2*time.Hour)
	f(5*365*1440, 4*24*time.Hour)
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

func TestVisible(t *testing.T) {
	f := func(s, want string) {
		t.Helper()
		if got := visible(s); got != want {
			t.Fatalf("unexpected text for %q; got %q; want %q", s, got, want)
		}
	}
	f("", "")
	f("GET /index.html", "GET /index.html")
	f(`quotes " ' and \ stay`, `quotes " ' and \ stay`)
	f("café ✓", "café ✓")
	f("a\xffb", `a\xffb`)
	f("tab\there\n", `tab\there\n`)
	f("\x1b[31mred", `\x1b[31mred`)
	f("zero\u200bwidth", `zero\u200bwidth`)
	f("\uFFFD is valid", "\uFFFD is valid")
}
