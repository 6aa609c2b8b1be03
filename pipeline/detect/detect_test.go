package detect

import (
	"fmt"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/incident"
)

func TestDetectQuiet(t *testing.T) {
	f := func(name string, ws []*win) {
		t.Helper()
		if got := detect(t, closedAll(ws), Rules{}); len(got.final) != 0 || len(got.events) != 0 {
			t.Fatalf("unexpected incidents for %q; got %v; want none", name, briefs(got.final))
		}
	}
	f("quiet day", day(240, nil))
	f("no windows", nil)
	f("one window", day(1, nil))
	// A gap longer than MaxGap is a break in the log, not an outage.
	ws := day(120, nil)
	for _, w := range ws[60:] {
		w.c.Start = w.c.Start.Add(25 * time.Hour)
	}
	f("long gap", ws)
}

// thresholds checks the incidents of 120 quiet minutes altered by change.
func thresholds(t *testing.T, name string, rules Rules, change func(int, *win), want ...brief) *feed {
	t.Helper()
	got := detect(t, closedAll(day(120, change)), rules)
	if diff := gocmp.Diff(want, briefs(got.final)); diff != "" {
		t.Fatalf("unexpected incidents for %q; got %v; want %v\n%s", name, briefs(got.final), want, diff)
	}
	return got
}

func TestDetectThresholds(t *testing.T) {
	f := func(name string, change func(int, *win), want ...brief) {
		t.Helper()
		thresholds(t, name, Rules{}, change, want...)
	}
	// outage: 5xx on half of the requests, with 99% confidence.
	f("5xx just below 50%", during(60, 65, load{endpoint: search, n: 100_000, e5xx: 49_000}.addTo),
		brief{incident.ErrorRate, incident.P2, "*", 60, 65})
	f("5xx just above 50%", during(60, 65, load{endpoint: search, n: 100_000, e5xx: 51_000}.addTo),
		brief{incident.Outage, incident.P1, "*", 60, 65})
	// outage: traffic falls by 80% against the trailing lower quartile.
	f("traffic down 75%", during(60, 65, func(w *win) { scaled(w, 4) }))
	f("traffic down 90%", during(60, 65, func(w *win) { scaled(w, 10) }),
		brief{incident.Outage, incident.P1, "*", 60, 65})

	// payment_failures: below 95% success on a payment endpoint, pooled
	// over 5 minutes; the start is dated back to the first failing minute.
	f("payments 95.5% ok", during(60, 70, load{endpoint: charge, n: 4000, e4xx: 180}.addTo))
	f("payments 93% ok", during(60, 70, load{endpoint: charge, n: 4000, e4xx: 280}.addTo),
		brief{incident.PaymentFailures, incident.P1, charge, 60, 70})

	// attack: one client with 20 or more auth failures a minute.
	f("19 failures a minute", during(60, 70, func(w *win) { authFailures(w, "192.0.2.77", 19) }))
	f("20 failures a minute", during(60, 70, func(w *win) { authFailures(w, "192.0.2.77", 20) }),
		brief{incident.Attack, incident.P1, "192.0.2.77", 60, 70})

	// exfiltration: 5 exports a minute and 10 times the usual top user.
	f("9 exports a minute", during(60, 70, func(w *win) { w.top(topExportUsers, "u4711", 9) }))
	f("10 exports a minute", during(60, 70, func(w *win) { w.top(topExportUsers, "u4711", 10) }),
		brief{incident.Exfiltration, incident.P1, "u4711", 60, 70})
	f("exports by a client without a user", during(60, 70, func(w *win) { w.top(topExportClients, "192.0.2.9", 40) }),
		brief{incident.Exfiltration, incident.P1, "192.0.2.9", 60, 70})

	// error_rate: 5xx above 5% (P2), above 1% for 10 minutes (P3).
	f("5xx at 4.5%", during(60, 70, load{endpoint: search, n: 20_000, e5xx: 900}.addTo),
		brief{incident.ErrorRate, incident.P3, "*", 60, 70})
	f("5xx at 6%", during(60, 70, load{endpoint: search, n: 20_000, e5xx: 1200}.addTo),
		brief{incident.ErrorRate, incident.P2, "*", 60, 70})
	f("5xx at 1.5% for 9 minutes", during(60, 69, load{endpoint: search, n: 20_000, e5xx: 300}.addTo))
	f("5xx at 1.5% for 20 minutes", during(60, 80, load{endpoint: search, n: 20_000, e5xx: 300}.addTo),
		brief{incident.ErrorRate, incident.P3, "*", 60, 80})

	// latency: p95 above 2 s (P2) on an endpoint with 50 requests in 5
	// minutes, or overall; above 500 ms overall for 10 minutes (P3).
	f("endpoint p95 below 2s", during(60, 70, load{endpoint: "GET /api/properties", n: 2000, slowWarn: 80, slowAlert: 80}.addTo))
	f("endpoint p95 above 2s", during(60, 70, load{endpoint: "GET /api/properties", n: 2000, slowWarn: 140, slowAlert: 140}.addTo),
		brief{incident.Latency, incident.P2, "GET /api/properties", 60, 70})
	f("p95 above 500ms for 9 minutes", during(60, 69, load{endpoint: search, n: 20_000, slowWarn: 2000}.addTo))
	f("p95 above 500ms for 20 minutes", during(60, 80, load{endpoint: search, n: 20_000, slowWarn: 2000}.addTo),
		brief{incident.Latency, incident.P3, "*", 60, 80})

	// auth_failures: more than half the logins fail, across 10 clients.
	f("logins failing from 9 clients", during(60, 70, func(w *win) {
		for c := range 8 {
			authFailures(w, fmt.Sprintf("192.0.2.%d", c), 10)
		}
	}))
	f("logins failing from 10 clients", during(60, 70, func(w *win) {
		for c := range 9 {
			authFailures(w, fmt.Sprintf("192.0.2.%d", c), 10)
		}
	}), brief{incident.AuthFailures, incident.P2, "*", 60, 70})

	// error_burst: 5xx three times the baseline, below the error rates.
	f("5xx twice the baseline", during(60, 63, func(w *win) {
		w.c.Status[5] += 5
		w.endpoint(search).Errors5xx += 5
	}))
	f("5xx six times the baseline", during(60, 63, func(w *win) {
		w.c.Status[5] += 25
		w.endpoint(search).Errors5xx += 25
	}), brief{incident.ErrorBurst, incident.P3, "*", 60, 63})

	// not_found_spike and bot_surge: bursts at P4.
	f("404s twice the baseline", during(60, 65, func(w *win) { w.c.NotFound += 10 }))
	f("404s five times the baseline", during(60, 65, func(w *win) { w.c.NotFound += 40 }),
		brief{incident.NotFoundSpike, incident.P4, "*", 60, 65})
	f("bots up 50%", during(60, 70, func(w *win) { w.c.UserAgents[useragent.Bot] += 50 }))
	f("bots four times the baseline", during(60, 70, func(w *win) { w.c.UserAgents[useragent.Bot] += 300 }),
		brief{incident.BotSurge, incident.P4, "*", 60, 70})
}
