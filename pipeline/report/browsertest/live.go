package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/bench/loggen"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// The live page's helpers, shared by the live page tests of ingest and
// analyze --follow: the log they feed, what they read of the page and
// of /api/report, and the comparison of both.

// HostileUser is the user LiveLog writes into the log, exporting too
// much (an exfiltration incident about it): the page must show it as
// text.
const HostileUser = "<svg/onload=alert(2)>"

// Generated is the log the browser tests read: loggen's combined_rt
// with injected incidents (60,000 lines, seed 7, 8 lines a second), and
// the labels of its incidents, 2 or more.
func Generated(t testing.TB) ([]byte, []loggen.Label) {
	t.Helper()
	var b bytes.Buffer
	labels, err := loggen.Generate(&b, loggen.Options{Lines: 60000, Seed: 7, Format: loggen.FormatCombinedRT, Rate: 8, Inject: true})
	if err != nil {
		t.Fatalf("cannot generate: %v", err)
	}
	if len(labels) < 2 {
		t.Fatalf("unexpected incidents; got %d labels; want 2 or more", len(labels))
	}
	return b.Bytes(), labels
}

// LineTime is the time of a line of Generated.
func LineTime(t testing.TB, line []byte) time.Time {
	t.Helper()
	i, j := bytes.IndexByte(line, '['), bytes.IndexByte(line, ']')
	if i < 0 || j < i {
		t.Fatalf("cannot find the time of %q", line)
	}
	ts, err := time.Parse(timeLayout, string(line[i+1:j]))
	if err != nil {
		t.Fatalf("cannot read the time of %q: %v", line, err)
	}
	return ts
}

// timeLayout is the layout of Generated's times.
const timeLayout = "02/Jan/2006:15:04:05 -0700"

// LiveLog is Generated cut at the minute 10 minutes before its last
// incident starts (a cut within a minute would make the rest of that
// minute late: the windows are closed once the input is idle), with a
// hostile user's export spree added to the first part (3 minutes of 20
// export requests a minute, half an hour before the cut: an exfiltration
// incident about that user). It returns the first part, the rest, and
// the last incident's start.
func LiveLog(t testing.TB) (first, rest []byte, newStart time.Time) {
	t.Helper()
	data, labels := Generated(t)
	newStart = labels[len(labels)-1].Start
	cut := newStart.Add(-10 * time.Minute).Truncate(time.Minute)
	spree := cut.Add(-30 * time.Minute)
	for line := range bytes.Lines(data) {
		ts := LineTime(t, line)
		if !ts.Before(cut) {
			rest = append(rest, line...)
			continue
		}
		first = append(first, line...)
		if !spree.IsZero() && ts.After(spree) {
			for k := range 60 {
				stamp := ts.Add(time.Duration(k) * 3 * time.Second).Format(timeLayout)
				first = fmt.Appendf(first, "203.0.113.66 - %s [%s] \"GET /api/export/orders.csv HTTP/1.1\" 200 812 \"-\" \"curl/8.0\" 0.004\n", HostileUser, stamp)
			}
			spree = time.Time{}
		}
	}
	return first, rest, newStart
}

// APIReport returns the report of base's /api/report, failing the test
// on any other answer than 200 with a vigil.report/v1 body.
func APIReport(t testing.TB, base string) *report.Report {
	t.Helper()
	resp, err := http.Get(base + "/api/report")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("unexpected answer of /api/report; got %d %v: %s", resp.StatusCode, err, body)
	}
	var r report.Report
	if err := json.Unmarshal(body, &r); err != nil || r.Schema != report.Schema {
		t.Fatalf("cannot decode /api/report (%v): %.300s", err, body)
	}
	return &r
}

// NewIncidents returns the ids of the incidents of after that before
// has not and that start at from or later.
func NewIncidents(before, after *report.Report, from time.Time) []string {
	var out []string
	for _, in := range after.Incidents {
		if !slices.ContainsFunc(before.Incidents, func(b incident.Incident) bool { return b.ID == in.ID }) && !in.Start.Before(from) {
			out = append(out, in.ID)
		}
	}
	return out
}

// liveDOM is what the tests read from the live page (readLiveDOM).
type liveDOM struct {
	Text          string   `json:"text"`
	Requests      string   `json:"requests"`
	FirstEndpoint []string `json:"firstEndpoint"`
	IncidentIDs   []string `json:"incidentIds"`
	Bands         int      `json:"bands"`
	Scripts       int      `json:"scripts"`
	OnAttrs       []string `json:"onAttrs"`
	Marker        string   `json:"marker"`
	Navigations   int      `json:"navigations"`
	ScrollY       float64  `json:"scrollY"`
	DetailsOpen   bool     `json:"detailsOpen"`
	Note          string   `json:"note"`
	Resources     []string `json:"resources"`
}

// readLiveDOM is the script that reads a liveDOM (Eval).
const readLiveDOM = `(() => {
	const all = s => [...document.querySelectorAll(s)];
	const fact = all('#summary .fact').find(f => f.querySelector('span').textContent === 'requests');
	const details = document.querySelector('#timeline details');
	return {
		text: document.body.textContent,
		requests: fact ? fact.querySelector('b').textContent : '',
		firstEndpoint: all('#endpoints tbody tr:first-child td').slice(0, 3).map(td => td.textContent),
		incidentIds: all('#incidents tbody tr td:nth-child(3) .muted.mono').map(e => e.textContent),
		bands: all('#timeline svg.chart rect.band').length,
		scripts: all('script').length,
		onAttrs: all('*').flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on')),
		marker: String(window.vigilMarker || ''),
		navigations: performance.getEntriesByType('navigation').length,
		scrollY: scrollY,
		detailsOpen: !!(details && details.open),
		note: document.getElementById('live-note').textContent,
		resources: performance.getEntriesByType('resource').map(r => r.name),
	};
})()`

// checkLiveDOM compares the page with /api/report's report: requests,
// the first endpoint, the incidents and their bands, one script and no
// event handler attribute.
func checkLiveDOM(t testing.TB, when string, dom *liveDOM, rep *report.Report) {
	t.Helper()
	f := func(what string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("unexpected %s %s; got %v; want %v", what, when, got, want)
		}
	}
	f("requests", dom.Requests, Grouped(rep.Requests.Total))
	if len(rep.Endpoints) > 0 {
		e := rep.Endpoints[0]
		f("first endpoint", dom.FirstEndpoint, []string{e.Endpoint, Grouped(e.Count), Grouped(e.Errors5xx)})
	}
	f("incidents", sortedIDs(dom.IncidentIDs), incidentIDs(rep))
	f("incident bands", dom.Bands, len(rep.Incidents))
	f("scripts", dom.Scripts, 1)
	f("event handler attributes", dom.OnAttrs, []string{})
}

// incidentIDs returns the IDs of rep's incidents, sorted.
func incidentIDs(rep *report.Report) []string {
	ids := make([]string, 0, len(rep.Incidents))
	for _, in := range rep.Incidents {
		ids = append(ids, in.ID)
	}
	return sortedIDs(ids)
}

// sortedIDs returns a sorted copy of ids.
func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// checkRefreshed checks that the live page at url was refreshed in
// place: the same document (a marker set on window, one navigation), the
// scroll position and the open timeline table kept (as setReaderState
// left them), a note "Updated …", and no request but its own refreshes.
func checkRefreshed(t testing.TB, dom *liveDOM, url string) {
	t.Helper()
	if dom.Marker != "still here" || dom.Navigations != 1 || dom.ScrollY != 300 || !dom.DetailsOpen {
		t.Errorf("unexpected page state after the refresh; got marker %q, %d navigations, scrollY %v, table open %v; want the same document, scrolled to 300, table open",
			dom.Marker, dom.Navigations, dom.ScrollY, dom.DetailsOpen)
	}
	if len(dom.Note) < 8 || dom.Note[:8] != "Updated " {
		t.Errorf("unexpected live note; got %q; want \"Updated …\"", dom.Note)
	}
	for _, r := range dom.Resources {
		if r != url {
			t.Errorf("unexpected request from the page; got %q; want only %q", r, url)
		}
	}
	if len(dom.Resources) == 0 {
		t.Errorf("unexpected requests from the page; got none; want its refreshes")
	}
}

// setReaderState does what a reader of the live page does before a
// refresh: it sets a marker on window, opens the timeline's table and
// scrolls down a little (checkRefreshed reads them).
func setReaderState(t testing.TB, tab *Tab) {
	t.Helper()
	Eval[bool](t, tab, `window.vigilMarker = "still here"; document.querySelector("#timeline details").open = true; scrollTo(0, 300); true`)
}

// Grouped writes n with thousands separated by commas, as the page does.
func Grouped(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// LiveScenario is the browser test of a live page, for ingest and
// analyze --follow alike: the page at Base holds the first part of
// LiveLog, whose report Before is; Rest feeds the rest of the log and
// returns /api/report once every line of it is counted and the new
// incident (starting at NewStart) is found.
type LiveScenario struct {
	Base     string
	Before   *report.Report
	Rest     func() *report.Report
	NewStart time.Time
	// Shots prefixes the names of the screenshots.
	Shots string
}

// Run opens the live page in browser and checks it: no console message,
// exception, failed load or dialog; the numbers of /api/report; the
// hostile user as text; then, once Rest has fed the rest, the new
// incident and the new numbers shown without a reload (checkRefreshed).
// Screenshots go to ShotDir.
func (s *LiveScenario) Run(t testing.TB, browser context.Context) {
	t.Helper()
	url := s.Base + "/?refresh=1s"
	tab := Open(t, browser, url)
	dom := Eval[*liveDOM](t, tab, readLiveDOM)
	checkLiveDOM(t, "first load", dom, s.Before)
	if n := strings.Count(dom.Text, HostileUser); n < 2 {
		t.Errorf("unexpected page; got %q %d times as text; want it shown in the incidents and the users", HostileUser, n)
	}
	shots := ShotDir(t)
	tab.Screenshot(t, filepath.Join(shots, s.Shots+"-first-screen.png"), false)
	setReaderState(t, tab)

	after := s.Rest()
	added := NewIncidents(s.Before, after, s.NewStart.Add(-5*time.Minute))
	if len(added) == 0 {
		t.Fatalf("unexpected incidents after the rest of the log; got %d, none new from %s; want the injected one", len(after.Incidents), s.NewStart)
	}
	// Detection goes on after Rest returns (the last window is closed
	// after the idle time), so the page is compared with /api/report
	// once both show the same incidents, the new one among them.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		dom = Eval[*liveDOM](t, tab, readLiveDOM)
		if slices.Contains(dom.IncidentIDs, added[0]) && dom.Requests == Grouped(after.Requests.Total) &&
			slices.Equal(sortedIDs(dom.IncidentIDs), incidentIDs(after)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page did not show the new incident %s and %d requests within 30 s; it shows %v, %s; /api/report has %v",
				added[0], after.Requests.Total, dom.IncidentIDs, dom.Requests, incidentIDs(after))
		}
		after = APIReport(t, s.Base)
	}
	checkLiveDOM(t, "after the refresh", dom, after)
	checkRefreshed(t, dom, url)
	for _, p := range tab.Problems() {
		t.Errorf("unexpected %s in the live page; want none", p)
	}
	Eval[bool](t, tab, `scrollTo(0, 0); true`)
	tab.Screenshot(t, filepath.Join(shots, s.Shots+"-refreshed-first-screen.png"), false)
	tab.Screenshot(t, filepath.Join(shots, s.Shots+"-refreshed-full.png"), true)
}
