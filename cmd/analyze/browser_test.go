package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/report/browsertest"
)

// The browser tests drive Chromium through pipeline/report/browsertest.

// Hostile strings the browser test writes into a log: the page must show
// them as text.
const (
	hostileScript = "<script>alert(1)</script>"
	hostileImg    = `"><img src=x onerror=alert(2)>`
)

// TestHTMLInBrowser opens analyze's HTML reports in headless Chromium
// (Debian's chromium; make deps installs it) and reads them as a person
// would: no console message, exception, dialog or request but the page's
// own, the report's numbers in the DOM, the incidents and the timeline on
// the first screen, hostile log strings shown as text. Full-page and
// first-screen screenshots go to $TMPDIR/vigil-browser, beside the pages,
// for a person to look at. One browser serves every case.
func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser; the full run covers it")
	}
	ctx := browsertest.New(t, 60*time.Second)
	t.Run("harness", func(t *testing.T) { testHarness(t, ctx) })
	dir := t.TempDir()
	shots := browsertest.ShotDir(t)
	srv := serve(t, shots)
	f := func(name string, log []byte, args ...string) *domFacts {
		t.Helper()
		path := filepath.Join(dir, name+".log")
		if err := os.WriteFile(path, log, 0o644); err != nil {
			t.Fatal(err)
		}
		rep := jsonReport(t, path, args...)
		html := analyzeOut(t, append([]string{"-o", "html", path}, args...)...)
		if err := os.WriteFile(filepath.Join(shots, name+".html"), html, 0o644); err != nil {
			t.Fatal(err)
		}
		dom, problems := openPage(t, ctx, name, srv.URL+"/"+name+".html", shots)
		problems = append(problems, srv.others(name+".html")...)
		for _, p := range append(problems, activeContent(dom)...) {
			t.Errorf("unexpected %s in %q; want none", p, name)
		}
		checkNumbers(t, name, dom, rep)
		checkLayout(t, name, dom, rep)
		return dom
	}
	apache, err := os.ReadFile("../../testdata/apache_logs")
	if err != nil {
		t.Fatal(err)
	}
	f("apache", apache)
	// --top 60 lists every endpoint and user agent, the hostile ones too.
	dom := f("generated", generatedLog(t), "--top", "60")
	for _, s := range []string{hostileScript, hostileImg} {
		if !strings.Contains(dom.Text, s) {
			t.Errorf("unexpected text for %q; got a page without %q as text; want it shown", "generated", s)
		}
	}
	// A log and a metric file of the same minutes (issue 11): the metric
	// incidents are bands of the timeline with the log's, and each
	// series is charted with its threshold.
	dom = f("metrics", accessMinutes(), "../../testdata/metrics/telegraf.influx")
	for _, s := range []string{"memory of web-1", "cpu of web-2", "> 85 (mean)", "crossed for 6m"} {
		if !strings.Contains(dom.Text, s) {
			t.Errorf("unexpected text for %q; got a page without %q; want the metrics section", "metrics", s)
		}
	}
}

// accessMinutes is 20 minutes of combined lines from 2026-03-01 10:00
// UTC, the minutes of testdata/metrics/telegraf.influx.
func accessMinutes() []byte {
	var b bytes.Buffer
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for s := 0; s < 20*60; s += 2 {
		at := t0.Add(time.Duration(s) * time.Second)
		fmt.Fprintf(&b, "10.0.0.%d - - [%s] \"GET /api/items HTTP/1.1\" 200 10 \"-\" \"curl/8\"\n", s%200, at.Format("02/Jan/2006:15:04:05 -0700"))
	}
	return b.Bytes()
}

// testHarness checks that openPage, server.others and activeContent see
// what TestHTMLInBrowser relies on them to see, on a page that does
// everything a report must not.
func testHarness(t *testing.T, ctx context.Context) {
	dir := t.TempDir()
	bad := `<!DOCTYPE html><title>bad</title><link rel="stylesheet" href="ok.css"><p>x</p>` +
		`<img src="missing.png" onerror="alert('img')"><script>console.error("boom"); throw new Error("thrown")</script>`
	for name, text := range map[string]string{"bad.html": bad, "ok.css": "p{color:red}"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := serve(t, dir)
	dom, problems := openPage(t, ctx, "bad", srv.URL+"/bad.html", "")
	problems = append(problems, srv.others("bad.html")...)
	problems = append(problems, activeContent(dom)...)
	got := strings.Join(problems, "\n")
	for _, want := range []string{`console.error("boom")`, "exception: Uncaught Error: thrown", "log error (network)", `dialog alert: "img"`,
		"3 script, img", "event handler attributes [onerror]", "2 resources loaded", "request for /ok.css", "request for /missing.png"} {
		if !strings.Contains(got, want) {
			t.Errorf("unexpected problems for %q; got:\n%s\nwant a line with %q", "bad", got, want)
		}
	}
}

// server serves a directory over loopback HTTP and records the paths
// asked for: a report page must ask for nothing but itself.
type server struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func serve(t *testing.T, dir string) *server {
	t.Helper()
	s := &server{}
	files := http.FileServer(http.Dir(dir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.paths = append(s.paths, r.URL.Path)
		s.mu.Unlock()
		if r.URL.Path == "/favicon.ico" {
			// The browser's own request: no icon, and no 404 in its log.
			w.WriteHeader(http.StatusNoContent)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// others returns the requests since the last call for anything but page
// (and the favicon, which the browser asks for by itself), and forgets
// them all.
func (s *server) others(page string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, p := range s.paths {
		if p != "/"+page && p != "/favicon.ico" {
			out = append(out, "request for "+p)
		}
	}
	s.paths = nil
	return out
}

// generatedLog is browsertest.Generated cut in the middle of its last
// incident so that it is open at the end, with hostile lines added: a
// path, a user agent and a user that try to inject markup, and a
// malformed line that carries both.
func generatedLog(t *testing.T) []byte {
	t.Helper()
	data, labels := browsertest.Generated(t)
	last := labels[len(labels)-1]
	cut := last.Start.Add(last.End.Sub(last.Start) / 2)
	var out []byte
	for line := range bytes.Lines(data) {
		if !browsertest.LineTime(t, line).Before(cut) {
			break
		}
		out = append(out, line...)
	}
	at := cut.Add(-30 * time.Second).Format("02/Jan/2006:15:04:05 -0700")
	for range 3 {
		out = fmt.Appendf(out, "203.0.113.66 - %s [%s] \"GET /%s HTTP/1.1\" 404 12 \"-\" \"\\%s\" 0.004\n", hostileScript, at, hostileScript, hostileImg)
	}
	return fmt.Appendf(out, "%s %s\n", hostileScript, hostileImg)
}

func analyzeOut(t *testing.T, args ...string) []byte {
	t.Helper()
	out, stderr, code := analyze(t, nil, append([]string{"-q"}, args...)...)
	if code != 0 {
		t.Fatalf("unexpected exit status of analyze %v; got %d; want 0; stderr: %s", args, code, stderr)
	}
	return []byte(out)
}

func jsonReport(t *testing.T, path string, args ...string) *report.Report {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal(analyzeOut(t, append([]string{"-o", "json", path}, args...)...), &rep); err != nil {
		t.Fatalf("cannot decode the JSON report of %s: %v", path, err)
	}
	return &rep
}

// domFacts is what the test reads from a rendered page.
type domFacts struct {
	Text          string     `json:"text"`
	Requests      string     `json:"requests"`
	FirstEndpoint []string   `json:"firstEndpoint"`
	IncidentRows  []string   `json:"incidentRows"` // class attributes
	Bands         []band     `json:"bands"`
	BandLabels    int        `json:"bandLabels"`
	Bars          int        `json:"bars"`
	Chart         *box       `json:"chart"`
	Incidents     *box       `json:"incidents"`
	Tables        *box       `json:"tables"`
	Viewport      float64    `json:"viewport"`
	Injected      int        `json:"injected"`
	OnAttrs       []string   `json:"onAttrs"`
	Resources     int        `json:"resources"`
	Overflow      [2]float64 `json:"overflow"` // scroll width, viewport width
}

type band struct {
	Class string `json:"class"`
	Fill  string `json:"fill"`
}

type box struct{ Top, Height float64 }

// readDOM gathers domFacts in the page: positions are in page
// coordinates.
const readDOM = `(() => {
	const all = s => [...document.querySelectorAll(s)];
	const box = s => {
		const e = document.querySelector(s);
		if (!e) return null;
		const r = e.getBoundingClientRect();
		return {Top: r.top + scrollY, Height: r.height};
	};
	const fact = all('#summary .fact').find(f => f.querySelector('span').textContent === 'requests');
	return {
		text: document.body.textContent,
		requests: fact ? fact.querySelector('b').textContent : '',
		firstEndpoint: all('#endpoints tbody tr:first-child td').slice(0, 3).map(td => td.textContent),
		incidentRows: all('#incidents tbody tr').map(tr => tr.className),
		bands: all('#timeline svg.chart rect.band').map(r => ({class: r.getAttribute('class'), fill: getComputedStyle(r).fill})),
		bandLabels: all('#timeline svg.chart text.band-label').length,
		bars: all('#timeline svg.chart g.req rect').length,
		chart: box('#timeline svg.chart'),
		incidents: box('#incidents'),
		tables: box('#requests'),
		viewport: innerHeight,
		injected: all('script, img, iframe, object, embed, link').length,
		onAttrs: all('*').flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on')),
		resources: performance.getEntriesByType('resource').length,
		overflow: [document.documentElement.scrollWidth, innerWidth],
	};
})()`

// openPage opens url in a new tab, reads the DOM and, when shots is set,
// saves a full-page and a first-screen screenshot there. It returns the
// page's problems (browsertest.Tab.Problems; the page has no script: any
// console call is injected code).
func openPage(t *testing.T, browser context.Context, name, url, shots string) (*domFacts, []string) {
	t.Helper()
	tab := browsertest.Open(t, browser, url)
	dom := browsertest.Eval[*domFacts](t, tab, readDOM)
	if shots != "" {
		tab.Screenshot(t, filepath.Join(shots, name+"-first-screen.png"), false)
		tab.Screenshot(t, filepath.Join(shots, name+"-full.png"), true)
	}
	return dom, tab.Problems()
}

// checkNumbers compares the page with the JSON report of the same input.
func checkNumbers(t *testing.T, name string, dom *domFacts, rep *report.Report) {
	t.Helper()
	f := func(what string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("unexpected %s for %q; got %v; want %v", what, name, got, want)
		}
	}
	f("requests", dom.Requests, browsertest.Grouped(rep.Requests.Total))
	if len(rep.Endpoints) == 0 || len(dom.FirstEndpoint) < 3 {
		t.Fatalf("unexpected endpoints for %q; got %d in the report and row %q in the page; want some", name, len(rep.Endpoints), dom.FirstEndpoint)
	}
	e := rep.Endpoints[0]
	f("first endpoint", dom.FirstEndpoint, []string{e.Endpoint, browsertest.Grouped(e.Count), browsertest.Grouped(e.Errors5xx)})
	f("incident rows", len(dom.IncidentRows), len(rep.Incidents))
	f("incident bands", len(dom.Bands), len(rep.Incidents))
	f("band labels", dom.BandLabels, len(rep.Incidents))
	var rows int
	for _, m := range rep.Timeline {
		if m.Requests > 0 {
			rows++
		}
	}
	f("timeline bars", dom.Bars, rows)
	// The report lists incidents by severity, and so does the chart.
	colours := map[incident.Severity]string{incident.P1: "rgb(207, 34, 46)", incident.P2: "rgb(209, 87, 11)", incident.P3: "rgb(176, 136, 0)", incident.P4: "rgb(110, 119, 129)"}
	for i, b := range dom.Bands {
		if i >= len(rep.Incidents) {
			break
		}
		sev := rep.Incidents[i].Severity
		f("band class", b.Class, "band sev-"+strings.ToLower(sev.String()))
		f("band colour", b.Fill, colours[sev])
	}
	open := 0
	for _, in := range rep.Incidents {
		if in.Status == incident.Open {
			open++
		}
	}
	for i, c := range dom.IncidentRows {
		f(fmt.Sprintf("open class of incident row %d", i+1), strings.HasSuffix(c, " open"), i < open)
	}
}

// checkLayout checks that the first screen shows what happened and when:
// the incidents, then the timeline starting within the first screen, the
// tables below; and that nothing is wider than the screen.
func checkLayout(t *testing.T, name string, dom *domFacts, rep *report.Report) {
	t.Helper()
	if dom.Chart == nil || dom.Tables == nil || (len(rep.Incidents) > 0) != (dom.Incidents != nil) {
		t.Fatalf("unexpected sections for %q; got chart %v, incidents %v, tables %v", name, dom.Chart, dom.Incidents, dom.Tables)
	}
	if dom.Chart.Height < 150 {
		t.Errorf("unexpected chart height for %q; got %v px; want at least 150", name, dom.Chart.Height)
	}
	if dom.Chart.Top+dom.Chart.Height/2 > dom.Viewport {
		t.Errorf("unexpected chart position for %q; got top %v, height %v; want half of it within the first %v px", name, dom.Chart.Top, dom.Chart.Height, dom.Viewport)
	}
	if dom.Incidents != nil && dom.Incidents.Top > dom.Chart.Top {
		t.Errorf("unexpected order for %q; got incidents at %v below the chart at %v; want them above", name, dom.Incidents.Top, dom.Chart.Top)
	}
	if dom.Tables.Top < dom.Chart.Top+dom.Chart.Height {
		t.Errorf("unexpected order for %q; got tables at %v above the chart's end at %v; want them below", name, dom.Tables.Top, dom.Chart.Top+dom.Chart.Height)
	}
	if dom.Overflow[0] > dom.Overflow[1] {
		t.Errorf("unexpected page width for %q; got %v px; want at most the viewport's %v", name, dom.Overflow[0], dom.Overflow[1])
	}
}

// activeContent lists what in the page could run or load something:
// elements, event handler attributes, loaded resources.
func activeContent(dom *domFacts) []string {
	var out []string
	if dom.Injected > 0 {
		out = append(out, fmt.Sprintf("%d script, img, frame or link elements", dom.Injected))
	}
	if len(dom.OnAttrs) > 0 {
		out = append(out, fmt.Sprintf("event handler attributes %v", dom.OnAttrs))
	}
	if dom.Resources > 0 {
		out = append(out, fmt.Sprintf("%d resources loaded", dom.Resources))
	}
	return out
}
