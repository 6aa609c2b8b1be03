package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/report/browsertest"
)

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
	first, rest, newStart := browsertest.LiveLog(t)
	c := ingesttest.NewCluster(t, 2)
	dsn := ingesttest.Migrated(t)
	addr := freeAddr(t)
	ingesttest.Produce(t, c.ListenAddrs(), lines(first), 2)
	start(t, c.ListenAddrs(), dsn, "--http-addr", addr, "--idle", "2s")
	ingesttest.WaitConsumed(t, dsn, len(lines(first)), ingesttest.Tally(t, first))
	base := "http://" + addr
	before := browsertest.APIReport(t, base)
	if len(before.Incidents) == 0 {
		t.Fatalf("unexpected incidents before the new one; got none; want the first part's")
	}

	url := base + "/?refresh=1s"
	tab := browsertest.Open(t, browser, url)
	dom := browsertest.Eval[*browsertest.LiveDOM](t, tab, browsertest.ReadLiveDOM)
	browsertest.CheckLiveDOM(t, "first load", dom, before)
	if n := strings.Count(dom.Text, browsertest.HostileUser); n < 2 {
		t.Errorf("unexpected page; got %q %d times as text; want it shown in the incidents and the users", browsertest.HostileUser, n)
	}
	shots := browsertest.ShotDir(t)
	tab.Screenshot(t, filepath.Join(shots, "live-first-screen.png"), false)
	browsertest.SetReaderState(t, tab)

	ingesttest.Produce(t, c.ListenAddrs(), lines(rest), 2)
	all := append(bytes.Clone(first), rest...)
	ingesttest.WaitConsumed(t, dsn, len(lines(all)), ingesttest.Tally(t, all))
	after := browsertest.APIReport(t, base)
	added := browsertest.NewIncidents(before, after, newStart.Add(-5*time.Minute))
	if len(added) == 0 {
		t.Fatalf("unexpected incidents after the rest of the log; got %d, none new from %s; want the injected one", len(after.Incidents), newStart)
	}
	ingesttest.WaitFor(t, 30*time.Second, "the page to show the new incident", func() bool {
		d := browsertest.Eval[*browsertest.LiveDOM](t, tab, browsertest.ReadLiveDOM)
		return slices.Contains(d.IncidentIDs, added[0]) && d.Requests == browsertest.Grouped(after.Requests.Total)
	})
	dom = browsertest.Eval[*browsertest.LiveDOM](t, tab, browsertest.ReadLiveDOM)
	browsertest.CheckLiveDOM(t, "after the refresh", dom, after)
	browsertest.CheckRefreshed(t, dom, url)
	for _, p := range tab.Problems() {
		t.Errorf("unexpected %s in the live page; want none", p)
	}
	browsertest.Eval[bool](t, tab, `scrollTo(0, 0); true`)
	tab.Screenshot(t, filepath.Join(shots, "live-refreshed-first-screen.png"), false)
	tab.Screenshot(t, filepath.Join(shots, "live-refreshed-full.png"), true)
}

func lines(data []byte) [][]byte {
	return bytes.SplitAfter(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}
