package detect

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/window"
)

var rewrite = flag.Bool("rewrite", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites the file under
// -rewrite.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *rewrite {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("cannot rewrite %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read golden file (run go test -rewrite): %v", err)
	}
	if diff := gocmp.Diff(string(want), string(got)); diff != "" {
		t.Fatalf("unexpected output for %q; run go test -rewrite and review the diff (-want +got):\n%s", name, diff)
	}
}

func TestIncidentMerge(t *testing.T) {
	f := func(name string, change func(int, *win), want ...brief) {
		t.Helper()
		thresholds(t, name, Rules{}, change, want...)
	}
	attack := func(w *win) { authFailures(w, "192.0.2.77", 50) }
	f("one quiet window inside", func(i int, w *win) {
		if i >= 60 && i < 70 && i != 64 {
			attack(w)
		}
	}, brief{incident.Attack, incident.P1, "192.0.2.77", 60, 70})
	f("two quiet windows inside", func(i int, w *win) {
		if i >= 60 && i < 70 && i != 64 && i != 65 {
			attack(w)
		}
	}, brief{incident.Attack, incident.P1, "192.0.2.77", 60, 64}, brief{incident.Attack, incident.P1, "192.0.2.77", 66, 70})
	f("one window is not enough", during(60, 61, attack))
	f("two attackers", during(60, 65, func(w *win) {
		authFailures(w, "192.0.2.77", 50)
		authFailures(w, "2001:db8::1", 30)
	}), brief{incident.Attack, incident.P1, "192.0.2.77", 60, 65}, brief{incident.Attack, incident.P1, "2001:db8::1", 60, 65})
	// The P3 tail of an error rate merges into its P2 incident.
	f("error rate falling to P3", func(i int, w *win) {
		switch {
		case i >= 60 && i < 70:
			load{endpoint: search, n: 20_000, e5xx: 2000}.addTo(w)
		case i >= 70 && i < 90:
			load{endpoint: search, n: 20_000, e5xx: 400}.addTo(w)
		}
	}, brief{incident.ErrorRate, incident.P2, "*", 60, 90})
	// An outage supersedes the error rate, error burst and latency of the
	// same minutes, its ramp included.
	f("outage with a ramp", func(i int, w *win) {
		switch {
		case i == 59:
			load{endpoint: search, n: 20_000, e5xx: 4000, slowAlert: 4000}.addTo(w)
		case i >= 60 && i < 70:
			load{endpoint: search, n: 20_000, e5xx: 16_000, slowAlert: 2000}.addTo(w)
		}
	}, brief{incident.Outage, incident.P1, "*", 60, 70})
	// Everything failing is an outage, not a payment incident too.
	f("outage of payments too", during(60, 70, func(w *win) {
		load{endpoint: search, n: 20_000, e5xx: 16_000}.addTo(w)
		load{endpoint: charge, n: 1000, e5xx: 800}.addTo(w)
	}), brief{incident.Outage, incident.P1, "*", 60, 70})
	// A slow endpoint is its own incident, not the service's too.
	f("slow endpoint", during(60, 70, load{endpoint: search, n: 20_000, slowWarn: 4000, slowAlert: 4000}.addTo),
		brief{incident.Latency, incident.P2, search, 60, 70})
	// The end of a surge of traffic is not a collapse.
	f("surge ending", during(30, 70, load{endpoint: search, n: 20_000}.addTo))
	// A gap in the log is traffic collapsing.
	ws := day(120, nil)
	ws = append(ws[:60], ws[65:]...)
	if got := briefs(detect(t, closedAll(ws), Rules{}).final); !gocmp.Equal(got, []brief{{incident.Outage, incident.P1, "*", 60, 65}}) {
		t.Fatalf("unexpected incidents for %q; got %v; want %v", "gap", got, "[outage 60-65]")
	}
}

func TestIncidentRules(t *testing.T) {
	f := func(name string, rules Rules, change func(int, *win), want ...brief) {
		t.Helper()
		thresholds(t, name, rules, change, want...)
	}
	attack := during(60, 70, func(w *win) { authFailures(w, "192.0.2.77", 50) })
	f("attack off", Rules{Attack: ClientRule{Off: true}}, attack)
	f("attack above 60 a minute", Rules{Attack: ClientRule{MinPerMinute: 60}}, attack)
	f("attack for 15 minutes", Rules{Attack: ClientRule{For: Duration(15 * time.Minute)}}, attack)
	f("attack for 10 minutes", Rules{Attack: ClientRule{For: Duration(10 * time.Minute)}}, attack,
		brief{incident.Attack, incident.P1, "192.0.2.77", 60, 70})
	f("collapse off", Rules{Outage: OutageRule{Collapse: CollapseRule{Off: true}}}, during(60, 65, func(w *win) { scaled(w, 10) }))
	// Windows of 5 minutes: thresholds per minute scale, durations round up.
	var ws5 []*window.Closed
	for i := range 24 {
		w := newWin(t0.Add(time.Duration(i)*5*time.Minute), 5*time.Minute)
		quietLoad(w, i)
		if i == 12 || i == 13 {
			authFailures(w, "192.0.2.77", 100)
		}
		ws5 = append(ws5, w.closed())
	}
	rules5 := Rules{WindowSize: Duration(5 * time.Minute)}
	if got := briefs(detect(t, ws5, rules5).final); !gocmp.Equal(got, []brief{{incident.Attack, incident.P1, "192.0.2.77", 60, 70}}) {
		t.Fatalf("unexpected incidents for %q; got %v; want %v", "5-minute windows", got, "[attack 60-70]")
	}
}

// goldenDay is a day with one incident of most kinds.
func goldenDay(i int, w *win) {
	switch {
	case i >= 20 && i < 28:
		authFailures(w, "192.0.2.77", 40+uint64(i))
	case i >= 35 && i < 45:
		load{endpoint: charge, n: 60, e5xx: 25}.addTo(w)
	case i >= 50 && i < 56:
		scaled(w, 20)
	case i >= 65 && i < 80:
		load{endpoint: search, n: 3000, slowWarn: 900, slowAlert: 600}.addTo(w)
	case i >= 90 && i < 96:
		w.top(topExportUsers, "u4711", 30)
		w.top(topExportClients, "198.51.100.23", 30)
		w.endpoint(export).Requests += 30
	case i >= 100 && i < 104:
		w.c.NotFound += 60
	}
}

// TestIncidentGolden checks every field of the incidents of a day with
// one incident of most kinds; the file shows them as the JSON report's
// incident objects will.
func TestIncidentGolden(t *testing.T) {
	got := detect(t, closedAll(day(120, goldenDay)), Rules{})
	if len(got.final) != 6 {
		t.Fatalf("unexpected incidents for %q; got %v; want 6", "golden day", briefs(got.final))
	}
	js, err := json.MarshalIndent(got.final, "", "  ")
	if err != nil {
		t.Fatalf("cannot marshal incidents: %v", err)
	}
	golden(t, "incidents.json", append(js, '\n'))
}
