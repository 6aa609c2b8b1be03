package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/filesrc"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// TestRecentMatchesAnalyze: a Recent fed by a run of the engine
// (Options.OnWindow, OnOpen, OnEvent, Progress) gives the report of the same
// run's analyze report, as ingest's stored windows do; and its last half
// hour, the windows and incidents of that range. Meanwhile the report
// is read as the run goes (for the race detector).
func TestRecentMatchesAnalyze(t *testing.T) {
	data, _ := ingesttest.Generated(t, 60000)
	rec := NewRecent(RecentOptions{Name: "gen.log", Format: "combined_rt"})
	src, err := filesrc.Open("-", bytes.NewReader(data), filesrc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, err := Report(ctx, rec, time.Hour, time.Time{}, Options{}); err != nil {
				t.Errorf("cannot report while the run goes: %v", err)
				return
			}
		}
	})
	res, err := pipeline.Run(ctx, []pipeline.Source{src}, pipeline.Options{OnWindow: rec.AddWindow, OnOpen: rec.SnapshotOpen, OnEvent: rec.AddEvent, Progress: rec.Progress})
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	want := roundTrip(t, res.Report())
	got, err := Report(ctx, rec, 24*time.Hour, time.Time{}, Options{Input: "gen.log"})
	if err != nil {
		t.Fatal(err)
	}
	checkLikeAnalyze(t, got, want)
	// The end of the newest window: the windows keep no event time.
	last := want.Timeline[len(want.Timeline)-1].Start
	same(t, "end of the time range", got.TimeRange.End, last.Add(time.Minute))
	same(t, "input", [3]string{got.Input.Files[0].Path, got.Input.Format, got.Input.Files[0].Detection}, [3]string{"gen.log", "combined_rt", "detected per file"})
	parts, _ := rec.Partitions(ctx)
	if age := time.Since(parts[0].LastMessageAt); age < 0 || age > time.Minute {
		t.Errorf("unexpected last message time; got %s; want the run's last batch, just now", parts[0].LastMessageAt)
	}
	now := last.Add(time.Minute)
	part, err := Report(ctx, rec, 30*time.Minute, now, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkRange(t, part, want, now, 30*time.Minute)
}

// recentWindow is a window of one request at start, encoded to n bytes
// or so by the length of its path.
func recentWindow(t *testing.T, start time.Time, path string) *window.Window {
	t.Helper()
	cfg := window.Config{}.WithDefaults()
	w := window.New(start.UnixNano(), &cfg)
	rec := &parsers.Record{Time: start.UnixNano(), Client: []byte("203.0.113.9"), Status: 200, Duration: 1000}
	w.Add(&window.Line{Rec: rec, Endpoint: "GET " + path, ID: -1})
	return w
}

// starts returns the starts of the windows rec hands out over all time.
func starts(t *testing.T, rec *Recent) []time.Time {
	t.Helper()
	var out []time.Time
	cfg := window.Config{}.WithDefaults()
	err := rec.EachWindow(context.Background(), time.Time{}, time.Unix(1<<40, 0), func(sw *pgstore.StoredWindow) error {
		if _, err := window.Decode(sw.State, &cfg); err != nil {
			return err
		}
		out = append(out, sw.Start)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRecentBounds: a Recent keeps the windows within Keep of the newest
// (and within MaxBytes), the incidents open or ended after the oldest
// window kept, and hands out the windows and incidents of a range.
func TestRecentBounds(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	minute := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	rec := NewRecent(RecentOptions{Keep: time.Hour})
	for m := range 120 {
		rec.AddWindow(recentWindow(t, minute(m), "/x"))
	}
	// Kept: the windows starting after 11:59 - 1h.
	var want []time.Time
	for m := 60; m < 120; m++ {
		want = append(want, minute(m))
	}
	same(t, "windows kept", starts(t, rec), want)

	// A range: the windows starting in [from, to].
	var got []time.Time
	rec.EachWindow(context.Background(), minute(70), minute(72), func(sw *pgstore.StoredWindow) error { got = append(got, sw.Start); return nil })
	same(t, "windows of 11:10 to 11:12", got, []time.Time{minute(70), minute(71), minute(72)})

	// Incidents: one resolved before the oldest window kept, one resolved
	// after, one open, one superseded.
	ev := func(typ incident.EventType, id string, from, to int, status incident.Status) {
		rec.AddEvent(incident.Event{Type: typ, Incident: incident.Incident{ID: id, Kind: "error_rate", Severity: incident.P2, Subject: "x", Status: status, Start: minute(from), End: minute(to)}})
	}
	ev(incident.Opened, "old", 10, 20, incident.Open)
	ev(incident.ResolvedEv, "old", 10, 20, incident.Resolved)
	ev(incident.ResolvedEv, "late", 50, 88, incident.Resolved)
	ev(incident.Opened, "open", 100, 119, incident.Open)
	ev(incident.Opened, "gone", 90, 95, incident.Open)
	ev(incident.Superseded, "gone", 90, 95, incident.Resolved)
	ids := func(from, to int) []string {
		docs, _ := rec.IncidentDocs(context.Background(), minute(from), minute(to))
		var out []string
		for _, d := range docs {
			var in struct{ ID string }
			json.Unmarshal(d, &in)
			out = append(out, in.ID)
		}
		return out
	}
	same(t, "incidents of every time before a trim", ids(0, 200), []string{"old", "late", "open"})
	same(t, "incidents of 11:25 to 11:30", ids(85, 90), []string{"late"})
	same(t, "incidents of 11:25 to 11:40", ids(85, 100), []string{"late", "open"})
	rec.AddWindow(recentWindow(t, minute(120), "/x"))
	same(t, "incidents of every time after a trim", ids(0, 200), []string{"late", "open"})

	// MaxBytes: past it the oldest windows go, and the bytes counted are
	// those kept.
	big := NewRecent(RecentOptions{Keep: time.Hour, MaxBytes: 10000})
	path := fmt.Sprintf("/%0900d", 0) // about 1 KB a window
	for m := range 60 {
		big.AddWindow(recentWindow(t, minute(m), path))
	}
	kept := starts(t, big)
	var sum int
	big.EachWindow(context.Background(), time.Time{}, minute(1000), func(sw *pgstore.StoredWindow) error { sum += len(sw.State); return nil })
	if len(kept) < 5 || len(kept) > 10 || sum > 10000 || sum != big.bytes || !kept[len(kept)-1].Equal(minute(59)) {
		t.Errorf("unexpected windows under MaxBytes 10000; got %d windows of %d bytes (counted %d), the last %s; want the newest, 5 to 10, at most 10000 bytes",
			len(kept), sum, big.bytes, kept[len(kept)-1])
	}
}

// TestRecentHandler: the Handler over a Recent serves at most its Keep.
func TestRecentHandler(t *testing.T) {
	rec := NewRecent(RecentOptions{Keep: 24 * time.Hour})
	h := liveHandler(rec, HandlerOptions{MaxSince: rec.Keep()})
	f := func(path string, wantCode int, wantBody string) {
		t.Helper()
		code, _, body := get(t, h, "GET", path)
		if code != wantCode || !bytes.Contains([]byte(body), []byte(wantBody)) {
			t.Fatalf("unexpected answer for %q; got %d %.300q; want %d with %q", path, code, body, wantCode, wantBody)
		}
	}
	f("/?since=2d", 400, "from 1ns to 1d")
	f("/api/report?since=1d", 200, `"schema": "vigil.report/v1"`)
	// The ranges linked to stop at a day; the default is 6h.
	f("/", 200, `<b>6h</b> <a href="?since=1d">1d</a>.`)
}

// TestRecentOpen: the copies of the open windows are handed out after
// the closed ones, at most one copy a second, until their window closes.
func TestRecentOpen(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	minute := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	rec := NewRecent(RecentOptions{})
	rec.AddWindow(recentWindow(t, minute(0), "/x"))
	open := map[int64]*window.Window{}
	for _, m := range []int{2, 1} {
		open[minute(m).UnixNano()] = recentWindow(t, minute(m), "/x")
	}
	rec.SnapshotOpen(open)
	same(t, "windows with two open", starts(t, rec), []time.Time{minute(0), minute(1), minute(2)})
	parts, _ := rec.Partitions(context.Background())
	same(t, "newest time", parts[0].Newest, minute(3))
	// Within the second: no new copy.
	open[minute(3).UnixNano()] = recentWindow(t, minute(3), "/x")
	rec.SnapshotOpen(open)
	same(t, "windows after a copy too soon", starts(t, rec), []time.Time{minute(0), minute(1), minute(2)})
	// Minute 1 closes: its copy goes, the closed one stays.
	rec.AddWindow(recentWindow(t, minute(1), "/y"))
	same(t, "windows after a close", starts(t, rec), []time.Time{minute(0), minute(1), minute(2)})
	var paths []string
	cfg := window.Config{}.WithDefaults()
	rec.EachWindow(context.Background(), minute(1), minute(1), func(sw *pgstore.StoredWindow) error {
		w, err := window.Decode(sw.State, &cfg)
		for k := range w.Endpoints {
			paths = append(paths, k)
		}
		return err
	})
	same(t, "endpoints of the closed minute 1", paths, []string{"GET /y"})
	delete(open, minute(1).UnixNano())
	rec.openAt = time.Time{} // A second later.
	rec.SnapshotOpen(open)
	same(t, "windows after a second copy", starts(t, rec), []time.Time{minute(0), minute(1), minute(2), minute(3)})
}
