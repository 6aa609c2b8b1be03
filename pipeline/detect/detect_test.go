package pipeline

import (
	"fmt"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// t0 is the start of the hand-made windows: window i starts i minutes
// later.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

const (
	charge = "POST /api/payments/{id}/charge"
	login  = "POST /api/auth/login"
	export = "GET /api/export/reports"
	search = "GET /api/search"
)

// brief is what the detector tests compare of an incident: times are
// minutes since t0.
type brief struct {
	Kind, Severity, Subject string
	Start, End              int
}

func (b brief) String() string {
	return fmt.Sprintf("%s %s %s [%d, %d)", b.Severity, b.Kind, b.Subject, b.Start, b.End)
}

func briefs(t *testing.T, incs []report.Incident) []brief {
	t.Helper()
	var out []brief
	for _, in := range incs {
		out = append(out, brief{in.Kind, in.Severity, in.Subject, minutesSince(t, in.Start), minutesSince(t, in.End)})
	}
	return out
}

func minutesSince(t *testing.T, s string) int {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("cannot parse incident time %q: %v", s, err)
	}
	return int(at.Sub(t0) / time.Minute)
}

// load adds requests to an endpoint of w, keeping the window's and the
// endpoint's counters consistent: n requests of which e5xx are 5xx,
// e4xx other 4xx, slowWarn above 500 ms and slowAlert above 2 s.
type load struct {
	endpoint                           string
	n, e5xx, e4xx, slowWarn, slowAlert uint64
}

func (l load) addTo(w *Window) {
	w.Requests += l.n
	w.Status[5] += l.e5xx
	w.Status[4] += l.e4xx
	w.Status[2] += l.n - l.e5xx - l.e4xx
	w.Codes[500] += l.e5xx
	w.Codes[404] += l.e4xx
	w.Codes[200] += l.n - l.e5xx - l.e4xx
	w.Durations += l.n
	w.SlowWarn += l.slowWarn
	w.SlowAlert += l.slowAlert
	e := w.endpoint(l.endpoint)
	e.Requests += l.n
	e.Errors5xx += l.e5xx
	e.ClientErrors += l.e4xx
	e.Durations += l.n
	e.SlowWarn += l.slowWarn
	e.SlowAlert += l.slowAlert
}

// authFailures adds n login failures (401) by client to w.
func authFailures(w *Window, client string, n uint64) {
	w.Requests += n
	w.Status[4] += n
	w.Codes[401] += n
	w.AuthFailures += n
	w.Logins += n
	w.LoginFailures += n
	w.endpoint(login).Requests += n
	w.AuthFailureClients.Add([]byte(client), n)
	w.Clients.Add([]byte(client), n)
}

// quietWindow is minute i of a quiet day: 1,000 requests with a little
// noise in every measure the detectors read.
func quietWindow(i int) *Window {
	w := newWindow(t0.Add(time.Duration(i) * time.Minute).UnixNano())
	load{endpoint: search, n: 900, e5xx: uint64(3 + i%5), e4xx: uint64(8 + i%4), slowWarn: uint64(8 + i%5), slowAlert: uint64(i % 2)}.addTo(w)
	load{endpoint: charge, n: 40, e4xx: uint64(i % 2)}.addTo(w)
	load{endpoint: export, n: 2}.addTo(w)
	load{endpoint: login, n: 38}.addTo(w)
	w.Logins += 38
	authFailures(w, fmt.Sprintf("198.51.100.%d", i%7), 2)
	w.NotFound += uint64(8 + i%4)
	w.UserAgents[useragent.Bot] += uint64(100 + i%7)
	w.UserAgents[useragent.Browser] += w.Requests - w.UserAgents[useragent.Bot]
	w.Clients.Add([]byte("203.0.113.1"), 50)
	w.ExportUsers.Add([]byte("u10001"), 1)
	w.ExportClients.Add([]byte("203.0.113.1"), 2)
	return w
}

// day returns n quiet windows, then lets change alter window i.
func day(n int, change func(i int, w *Window)) []*Window {
	ws := make([]*Window, n)
	for i := range ws {
		ws[i] = quietWindow(i)
		if change != nil {
			change(i, ws[i])
		}
	}
	return ws
}

// during returns change applied to the windows in [from, to) only.
func during(from, to int, change func(w *Window)) func(int, *Window) {
	return func(i int, w *Window) {
		if i >= from && i < to {
			change(w)
		}
	}
}

func TestDetectQuiet(t *testing.T) {
	f := func(name string, ws []*Window) {
		t.Helper()
		if got := Detect(ws, time.Minute, Rules{}); len(got) != 0 {
			t.Fatalf("unexpected incidents for %q; got %v; want none", name, briefs(t, got))
		}
	}
	f("quiet day", day(240, nil))
	f("no windows", nil)
	f("one window", day(1, nil))
	// A gap longer than MaxGap is a break in the log, not an outage.
	ws := day(120, nil)
	for _, w := range ws[60:] {
		w.Start += int64(25 * time.Hour)
	}
	f("long gap", ws)
}

func TestDetectThresholds(t *testing.T) {
	f := func(name string, change func(int, *Window), want ...brief) {
		t.Helper()
		got := briefs(t, Detect(day(120, change), time.Minute, Rules{}))
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Fatalf("unexpected incidents for %q; got %v; want %v\n%s", name, got, want, diff)
		}
	}
	// outage: 5xx on half of the requests, with 99% confidence.
	f("5xx just below 50%", during(60, 65, func(w *Window) {
		load{endpoint: search, n: 100_000, e5xx: 49_000}.addTo(w)
	}), brief{"error_rate", "P2", "*", 60, 65})
	f("5xx just above 50%", during(60, 65, func(w *Window) {
		load{endpoint: search, n: 100_000, e5xx: 51_000}.addTo(w)
	}), brief{"outage", "P1", "*", 60, 65})
	// outage: traffic falls by 80% against the trailing median.
	f("traffic down 75%", during(60, 65, func(w *Window) { *w = *scaled(w, 4) }))
	f("traffic down 90%", during(60, 65, func(w *Window) { *w = *scaled(w, 10) }),
		brief{"outage", "P1", "*", 60, 65})

	// payment_failures: below 95% success on a payment endpoint, pooled
	// over 5 minutes; the start is dated back to the first failing minute.
	f("payments 95.5% ok", during(60, 70, func(w *Window) {
		load{endpoint: charge, n: 4000, e4xx: 180}.addTo(w)
	}))
	f("payments 93% ok", during(60, 70, func(w *Window) {
		load{endpoint: charge, n: 4000, e4xx: 280}.addTo(w)
	}), brief{"payment_failures", "P1", charge, 60, 70})

	// attack: one client with 20 or more auth failures a minute.
	f("19 failures a minute", during(60, 70, func(w *Window) { authFailures(w, "192.0.2.77", 19) }))
	f("20 failures a minute", during(60, 70, func(w *Window) { authFailures(w, "192.0.2.77", 20) }),
		brief{"attack", "P1", "192.0.2.77", 60, 70})

	// exfiltration: 5 exports a minute and 10 times the usual top user.
	f("9 exports a minute", during(60, 70, func(w *Window) { w.ExportUsers.Add([]byte("u4711"), 9) }))
	f("10 exports a minute", during(60, 70, func(w *Window) { w.ExportUsers.Add([]byte("u4711"), 10) }),
		brief{"exfiltration", "P1", "u4711", 60, 70})
	f("exports by a client without a user", during(60, 70, func(w *Window) { w.ExportClients.Add([]byte("192.0.2.9"), 40) }),
		brief{"exfiltration", "P1", "192.0.2.9", 60, 70})

	// error_rate: 5xx above 5% (P2), above 1% for 10 minutes (P3).
	f("5xx at 4.5%", during(60, 70, func(w *Window) {
		load{endpoint: search, n: 20_000, e5xx: 900}.addTo(w)
	}), brief{"error_rate", "P3", "*", 60, 70})
	f("5xx at 6%", during(60, 70, func(w *Window) {
		load{endpoint: search, n: 20_000, e5xx: 1200}.addTo(w)
	}), brief{"error_rate", "P2", "*", 60, 70})
	f("5xx at 1.5% for 9 minutes", during(60, 69, func(w *Window) {
		load{endpoint: search, n: 20_000, e5xx: 300}.addTo(w)
	}))
	f("5xx at 1.5% for 20 minutes", during(60, 80, func(w *Window) {
		load{endpoint: search, n: 20_000, e5xx: 300}.addTo(w)
	}), brief{"error_rate", "P3", "*", 60, 80})

	// latency: p95 above 2 s (P2) on an endpoint with 50 requests in 5
	// minutes, or overall; above 500 ms overall for 10 minutes (P3).
	f("endpoint p95 below 2s", during(60, 70, func(w *Window) {
		load{endpoint: "GET /api/properties", n: 2000, slowWarn: 80, slowAlert: 80}.addTo(w)
	}))
	f("endpoint p95 above 2s", during(60, 70, func(w *Window) {
		load{endpoint: "GET /api/properties", n: 2000, slowWarn: 140, slowAlert: 140}.addTo(w)
	}), brief{"latency", "P2", "GET /api/properties", 60, 70})
	f("p95 above 500ms for 9 minutes", during(60, 69, func(w *Window) {
		load{endpoint: search, n: 20_000, slowWarn: 2000}.addTo(w)
	}))
	f("p95 above 500ms for 20 minutes", during(60, 80, func(w *Window) {
		load{endpoint: search, n: 20_000, slowWarn: 2000}.addTo(w)
	}), brief{"latency", "P3", "*", 60, 80})

	// auth_failures: more than half the logins fail, across 10 clients.
	f("logins failing from 9 clients", during(60, 70, func(w *Window) {
		for c := range 8 {
			authFailures(w, fmt.Sprintf("192.0.2.%d", c), 10)
		}
	}))
	f("logins failing from 10 clients", during(60, 70, func(w *Window) {
		for c := range 9 {
			authFailures(w, fmt.Sprintf("192.0.2.%d", c), 10)
		}
	}), brief{"auth_failures", "P2", "*", 60, 70})

	// error_burst: 5xx three times the baseline, below the error rates.
	f("5xx twice the baseline", during(60, 63, func(w *Window) {
		w.Status[5] += 5
		w.endpoint(search).Errors5xx += 5
	}))
	f("5xx six times the baseline", during(60, 63, func(w *Window) {
		w.Status[5] += 25
		w.endpoint(search).Errors5xx += 25
	}), brief{"error_burst", "P3", "*", 60, 63})

	// not_found_spike and bot_surge: bursts at P4.
	f("404s twice the baseline", during(60, 65, func(w *Window) { w.NotFound += 10 }))
	f("404s five times the baseline", during(60, 65, func(w *Window) { w.NotFound += 40 }),
		brief{"not_found_spike", "P4", "*", 60, 65})
	f("bots up 50%", during(60, 70, func(w *Window) { w.UserAgents[useragent.Bot] += 50 }))
	f("bots four times the baseline", during(60, 70, func(w *Window) { w.UserAgents[useragent.Bot] += 300 }),
		brief{"bot_surge", "P4", "*", 60, 70})
}

// scaled returns a window like w with its traffic divided by k.
func scaled(w *Window, k uint64) *Window {
	s := newWindow(w.Start)
	load{endpoint: search, n: w.Requests / k}.addTo(s)
	return s
}
