package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/report"
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

	s := &browsertest.LiveScenario{Base: base, Before: before, NewStart: newStart, Shots: "live", Rest: func() *report.Report {
		ingesttest.Produce(t, c.ListenAddrs(), lines(rest), 2)
		all := append(bytes.Clone(first), rest...)
		ingesttest.WaitConsumed(t, dsn, len(lines(all)), ingesttest.Tally(t, all))
		var after *report.Report
		ingesttest.WaitFor(t, 30*time.Second, "the new incident in /api/report", func() bool {
			after = browsertest.APIReport(t, base)
			return len(browsertest.NewIncidents(before, after, newStart.Add(-5*time.Minute))) > 0
		})
		return after
	}}
	s.Run(t, browser)
}

func lines(data []byte) [][]byte {
	return bytes.SplitAfter(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}
