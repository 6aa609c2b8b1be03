package pipeline

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/report"
)

// The -rewrite flag regenerates golden files. Other test files of the
// package may define it too: register it only once.
func init() {
	if flag.Lookup("rewrite") == nil {
		flag.Bool("rewrite", false, "rewrite golden files")
	}
}

// golden compares got with testdata/detect/name, or rewrites the file
// under -rewrite.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "detect", name)
	if flag.Lookup("rewrite").Value.String() == "true" {
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
	f := func(name string, change func(int, *Window), want ...brief) {
		t.Helper()
		got := briefs(t, Detect(day(120, change), time.Minute, Rules{}))
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Fatalf("unexpected incidents for %q; got %v; want %v\n%s", name, got, want, diff)
		}
	}
	attack := func(i int, w *Window) { authFailures(w, "192.0.2.77", 50) }
	f("one quiet window inside", func(i int, w *Window) {
		if i >= 60 && i < 70 && i != 64 {
			attack(i, w)
		}
	}, brief{"attack", "P1", "192.0.2.77", 60, 70})
	f("two quiet windows inside", func(i int, w *Window) {
		if i >= 60 && i < 70 && i != 64 && i != 65 {
			attack(i, w)
		}
	}, brief{"attack", "P1", "192.0.2.77", 60, 64}, brief{"attack", "P1", "192.0.2.77", 66, 70})
	f("one window is not enough", during(60, 61, func(w *Window) { attack(60, w) }))
	f("two attackers", during(60, 65, func(w *Window) {
		authFailures(w, "192.0.2.77", 50)
		authFailures(w, "2001:db8::1", 30)
	}), brief{"attack", "P1", "192.0.2.77", 60, 65}, brief{"attack", "P1", "2001:db8::1", 60, 65})
	// The P3 tail of an error rate merges into its P2 incident.
	f("error rate falling to P3", func(i int, w *Window) {
		switch {
		case i >= 60 && i < 70:
			load{endpoint: search, n: 20_000, e5xx: 2000}.addTo(w)
		case i >= 70 && i < 90:
			load{endpoint: search, n: 20_000, e5xx: 400}.addTo(w)
		}
	}, brief{"error_rate", "P2", "*", 60, 90})
	// An outage hides the error rate, error burst and latency of the same
	// minutes, its ramp included.
	f("outage with a ramp", func(i int, w *Window) {
		switch {
		case i == 59:
			load{endpoint: search, n: 20_000, e5xx: 4000, slowAlert: 4000}.addTo(w)
		case i >= 60 && i < 70:
			load{endpoint: search, n: 20_000, e5xx: 16_000, slowAlert: 2000}.addTo(w)
		}
	}, brief{"outage", "P1", "*", 60, 70})
	// Everything failing is an outage, not a payment incident too.
	f("outage of payments too", during(60, 70, func(w *Window) {
		load{endpoint: search, n: 20_000, e5xx: 16_000}.addTo(w)
		load{endpoint: charge, n: 1000, e5xx: 800}.addTo(w)
	}), brief{"outage", "P1", "*", 60, 70})
	// A slow endpoint is its own incident, not the service's too.
	f("slow endpoint", during(60, 70, func(w *Window) {
		load{endpoint: search, n: 20_000, slowWarn: 4000, slowAlert: 4000}.addTo(w)
	}), brief{"latency", "P2", search, 60, 70})
	// The end of a surge of traffic is not a collapse.
	f("surge ending", during(30, 70, func(w *Window) { load{endpoint: search, n: 20_000}.addTo(w) }))
	// A gap in the log is traffic collapsing.
	ws := day(120, nil)
	ws = append(ws[:60], ws[65:]...)
	if got := briefs(t, Detect(ws, time.Minute, Rules{})); !gocmp.Equal(got, []brief{{"outage", "P1", "*", 60, 65}}) {
		t.Fatalf("unexpected incidents for %q; got %v; want %v", "gap", got, "[outage 60-65]")
	}
}

func TestIncidentRules(t *testing.T) {
	f := func(name string, rules Rules, change func(int, *Window), want ...brief) {
		t.Helper()
		got := briefs(t, Detect(day(120, change), time.Minute, rules))
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Fatalf("unexpected incidents for %q; got %v; want %v\n%s", name, got, want, diff)
		}
	}
	attack := during(60, 70, func(w *Window) { authFailures(w, "192.0.2.77", 50) })
	f("attack off", Rules{Attack: ClientRule{Off: true}}, attack)
	f("attack above 60 a minute", Rules{Attack: ClientRule{MinPerMinute: 60}}, attack)
	f("attack for 15 minutes", Rules{Attack: ClientRule{For: Duration(15 * time.Minute)}}, attack)
	f("attack for 10 minutes", Rules{Attack: ClientRule{For: Duration(10 * time.Minute)}}, attack,
		brief{"attack", "P1", "192.0.2.77", 60, 70})
	outage := during(60, 65, func(w *Window) { *w = *scaled(w, 10) })
	f("collapse off", Rules{Outage: OutageRule{Collapse: CollapseRule{Off: true}}}, outage)
	// Windows of 5 minutes: thresholds per minute scale, durations round up.
	ws5 := make([]*Window, 0, 24)
	for i := range 24 {
		w := quietWindow(i)
		w.Start = t0.Add(time.Duration(i) * 5 * time.Minute).UnixNano()
		if i == 12 || i == 13 {
			authFailures(w, "192.0.2.77", 100)
		}
		ws5 = append(ws5, w)
	}
	if got := briefs(t, Detect(ws5, 5*time.Minute, Rules{})); !gocmp.Equal(got, []brief{{"attack", "P1", "192.0.2.77", 60, 70}}) {
		t.Fatalf("unexpected incidents for %q; got %v; want %v", "5-minute windows", got, "[attack 60-70]")
	}
}

// goldenDay is a day with one incident of most kinds.
func goldenDay(i int, w *Window) {
	switch {
	case i >= 20 && i < 28:
		authFailures(w, "192.0.2.77", 40+uint64(i))
	case i >= 35 && i < 45:
		load{endpoint: charge, n: 60, e5xx: 25}.addTo(w)
	case i >= 50 && i < 56:
		*w = *scaled(w, 20)
	case i >= 65 && i < 80:
		load{endpoint: search, n: 3000, slowWarn: 900, slowAlert: 600}.addTo(w)
	case i >= 90 && i < 96:
		w.ExportUsers.Add([]byte("u4711"), 30)
		w.ExportClients.Add([]byte("198.51.100.23"), 30)
		w.endpoint(export).Requests += 30
	case i >= 100 && i < 104:
		w.NotFound += 60
	}
}

func TestIncidentGolden(t *testing.T) {
	incs := Detect(day(120, goldenDay), time.Minute, Rules{})
	if len(incs) != 6 {
		t.Fatalf("unexpected incidents for %q; got %v; want 6", "golden day", briefs(t, incs))
	}
	js, err := json.MarshalIndent(incs, "", "  ")
	if err != nil {
		t.Fatalf("cannot marshal incidents: %v", err)
	}
	golden(t, "incidents.json", append(js, '\n'))
	rep := &report.Report{
		TimeRange: report.TimeRange{Start: t0.Format(time.RFC3339), End: t0.Add(119 * time.Minute).Format(time.RFC3339)},
		Incidents: incs,
	}
	var b bytes.Buffer
	if err := report.WriteNotification(&b, rep); err != nil {
		t.Fatalf("cannot write notification: %v", err)
	}
	golden(t, "notification.txt", b.Bytes())
	b.Reset()
	if err := report.WriteText(&b, rep); err != nil {
		t.Fatalf("cannot write text: %v", err)
	}
	golden(t, "report.txt", b.Bytes())
}

// TestIncidentID checks that ids are stable and tell incidents apart.
func TestIncidentID(t *testing.T) {
	f := func(kind, subject string, start int64, want string) {
		t.Helper()
		if got := incidentID(kind, subject, start); got != want {
			t.Fatalf("unexpected id for %q; got %s; want %s", fmt.Sprint(kind, subject, start), got, want)
		}
	}
	f("outage", "*", t0.UnixNano(), "7fb3dd280abc8af2")
	f("outage", "*", t0.Add(time.Minute).UnixNano(), "06797e26688e5670")
	f("attack", "*", t0.UnixNano(), "67f3dccfee3bdd35")
}
