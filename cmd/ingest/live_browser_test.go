package main

import (
	"bytes"
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
	"github.com/vigil-ops/vigil/internal/browsertest"
	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// A hostile user the live browser test writes into the log, exporting
// too much (an exfiltration incident about it): the page must show it
// as text.
const browserHostileUser = "<svg/onload=alert(2)>"

// TestLivePageInBrowser runs the ingest binary (kfake broker, local
// PostgreSQL) with its HTTP server and opens the live page in headless
// Chromium: no console message, exception, failed load or dialog; the
// numbers of /api/report; hostile log strings as text. Then the rest of
// the log, with one more injected incident, is produced: the page shows
// the new incident without being reloaded (a marker set on window
// survives, the scroll position stays, one navigation). Screenshots go
// to $TMPDIR/vigil-browser.
func TestLivePageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser, Kafka and ingest; the full run covers it")
	}
	browser := browsertest.New(t, 4*time.Minute)
	first, rest, newStart := liveBrowserLog(t)
	c := ingesttest.NewCluster(t, 2)
	dsn := ingesttest.Migrated(t)
	addr := freeAddr(t)
	ingesttest.Produce(t, c.ListenAddrs(), lines(first), 2)
	start(t, c.ListenAddrs(), dsn, "--http-addr", addr, "--idle", "2s")
	ingesttest.WaitConsumed(t, dsn, len(lines(first)), ingesttest.Tally(t, first))
	base := "http://" + addr
	before := apiReport(t, base)
	if len(before.Incidents) == 0 {
		t.Fatalf("unexpected incidents before the new one; got none; want the first part's")
	}

	tab := browsertest.Open(t, browser, base+"/?refresh=1s")
	dom := browsertest.Eval[*liveDOM](t, tab, readLiveDOM)
	checkLiveDOM(t, "first load", dom, before)
	if n := strings.Count(dom.Text, browserHostileUser); n < 2 {
		t.Errorf("unexpected page; got %q %d times as text; want it shown in the incidents and the users", browserHostileUser, n)
	}
	shots := browsertest.ShotDir(t)
	tab.Screenshot(t, filepath.Join(shots, "live-first-screen.png"), false)
	// The reader has scrolled a little and opened the timeline's table.
	browsertest.Eval[bool](t, tab, `window.vigilMarker = "still here"; document.querySelector("#timeline details").open = true; scrollTo(0, 300); true`)

	ingesttest.Produce(t, c.ListenAddrs(), lines(rest), 2)
	all := append(bytes.Clone(first), rest...)
	ingesttest.WaitConsumed(t, dsn, len(lines(all)), ingesttest.Tally(t, all))
	after := apiReport(t, base)
	var added []string
	for _, in := range after.Incidents {
		if !slices.ContainsFunc(before.Incidents, func(b incidentT) bool { return b.ID == in.ID }) && !in.Start.Before(newStart.Add(-5*time.Minute)) {
			added = append(added, in.ID)
		}
	}
	if len(added) == 0 {
		t.Fatalf("unexpected incidents after the rest of the log; got %d, none new from %s; want the injected one", len(after.Incidents), newStart)
	}
	ingesttest.WaitFor(t, 30*time.Second, "the page to show the new incident", func() bool {
		d := browsertest.Eval[*liveDOM](t, tab, readLiveDOM)
		return slices.ContainsFunc(d.IncidentIDs, func(id string) bool { return id == added[0] }) && d.Requests == grouped(after.Requests.Total)
	})
	dom = browsertest.Eval[*liveDOM](t, tab, readLiveDOM)
	checkLiveDOM(t, "after the refresh", dom, after)
	if dom.Marker != "still here" || dom.Navigations != 1 || dom.ScrollY != 300 || !dom.DetailsOpen {
		t.Errorf("unexpected page state after the refresh; got marker %q, %d navigations, scrollY %v, table open %v; want the same document, scrolled to 300, table open",
			dom.Marker, dom.Navigations, dom.ScrollY, dom.DetailsOpen)
	}
	if !strings.HasPrefix(dom.Note, "Updated ") {
		t.Errorf("unexpected live note; got %q; want \"Updated …\"", dom.Note)
	}
	for _, r := range dom.Resources {
		if r != base+"/?refresh=1s" {
			t.Errorf("unexpected request from the page; got %q; want only %q", r, base+"/?refresh=1s")
		}
	}
	if len(dom.Resources) == 0 {
		t.Errorf("unexpected requests from the page; got none; want its refreshes")
	}
	for _, p := range tab.Problems() {
		t.Errorf("unexpected %s in the live page; want none", p)
	}
	browsertest.Eval[bool](t, tab, `scrollTo(0, 0); true`)
	tab.Screenshot(t, filepath.Join(shots, "live-refreshed-first-screen.png"), false)
	tab.Screenshot(t, filepath.Join(shots, "live-refreshed-full.png"), true)
}

// incidentT is an incident of a report.
type incidentT = struct {
	ID    string
	Start time.Time
}

// liveReport is what the test reads of /api/report.
type liveReport struct {
	Requests  report.Requests
	Incidents []incidentT
	Endpoints []report.Endpoint
}

func apiReport(t *testing.T, base string) *liveReport {
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
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("cannot decode /api/report: %v", err)
	}
	out := &liveReport{Requests: r.Requests, Endpoints: r.Endpoints}
	for _, in := range r.Incidents {
		out.Incidents = append(out.Incidents, incidentT{in.ID, in.Start})
	}
	return out
}

// liveDOM is what the test reads from the live page.
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

// checkLiveDOM compares the page with /api/report.
func checkLiveDOM(t *testing.T, when string, dom *liveDOM, rep *liveReport) {
	t.Helper()
	f := func(what string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("unexpected %s %s; got %v; want %v", what, when, got, want)
		}
	}
	f("requests", dom.Requests, grouped(rep.Requests.Total))
	if len(rep.Endpoints) > 0 {
		e := rep.Endpoints[0]
		f("first endpoint", dom.FirstEndpoint, []string{e.Endpoint, grouped(e.Count), grouped(e.Errors5xx)})
	}
	var ids []string
	for _, in := range rep.Incidents {
		ids = append(ids, in.ID)
	}
	got := slices.Clone(dom.IncidentIDs)
	slices.Sort(got)
	slices.Sort(ids)
	f("incidents", got, ids)
	f("incident bands", dom.Bands, len(rep.Incidents))
	f("scripts", dom.Scripts, 1)
	f("event handler attributes", dom.OnAttrs, []string{})
}

// liveBrowserLog is a loggen log with injected incidents, cut at the
// minute 10 minutes before its last incident starts (a cut within a
// minute would make the rest of that minute late: ingest closes every
// window once its partitions are idle), with a hostile user's export
// spree added to the first part (3 minutes of 20 export requests a
// minute, half an hour before the cut: an exfiltration incident about
// that user). It returns the first part, the rest, and the last
// incident's start.
func liveBrowserLog(t *testing.T) (first, rest []byte, newStart time.Time) {
	t.Helper()
	var b bytes.Buffer
	labels, err := loggen.Generate(&b, loggen.Options{Lines: 60000, Seed: 7, Format: loggen.FormatCombinedRT, Rate: 8, Inject: true})
	if err != nil {
		t.Fatalf("cannot generate: %v", err)
	}
	if len(labels) < 2 {
		t.Fatalf("unexpected incidents; got %d labels; want 2 or more", len(labels))
	}
	newStart = labels[len(labels)-1].Start
	cut := newStart.Add(-10 * time.Minute).Truncate(time.Minute)
	spree := cut.Add(-30 * time.Minute)
	for line := range bytes.Lines(b.Bytes()) {
		i, j := bytes.IndexByte(line, '['), bytes.IndexByte(line, ']')
		ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", string(line[i+1:j]))
		if err != nil {
			t.Fatalf("cannot read the time of %q: %v", line, err)
		}
		if !ts.Before(cut) {
			rest = append(rest, line...)
			continue
		}
		first = append(first, line...)
		if !spree.IsZero() && ts.After(spree) {
			for k := range 60 {
				stamp := ts.Add(time.Duration(k) * 3 * time.Second).Format("02/Jan/2006:15:04:05 -0700")
				first = fmt.Appendf(first, "203.0.113.66 - %s [%s] \"GET /api/export/orders.csv HTTP/1.1\" 200 812 \"-\" \"curl/8.0\" 0.004\n", browserHostileUser, stamp)
			}
			spree = time.Time{}
		}
	}
	return first, rest, newStart
}

func lines(data []byte) [][]byte {
	return bytes.SplitAfter(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}

// grouped writes n with thousands separated by commas, as the page does.
func grouped(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
