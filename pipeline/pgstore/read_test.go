package pgstore

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

// TestReadWindows: EachWindow streams every partition's windows whose
// start is in [from, to], by start, topic and partition; Partitions
// reads the partitions' state.
func TestReadWindows(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	s := open(t, dsn)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var flushes []Flush
	for part := range 2 {
		p, _, _, err := s.Claim(ctx, "logs", part, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		p.Next, p.Newest, p.Format, p.Counts.Late = 3, start.Add(2*time.Minute+time.Second), "combined", uint64(part)
		f := Flush{Partition: p}
		for m := range 3 {
			f.Windows = append(f.Windows, Window{Start: start.Add(time.Duration(m) * time.Minute), Size: time.Minute,
				LatencyUS: []int64{}, LatencyN: []int64{}, State: []byte{byte(part), byte(m)}})
		}
		flushes = append(flushes, f)
	}
	if err := s.Flush(ctx, flushes); err != nil {
		t.Fatal(err)
	}
	r, err := OpenReader(dsn, "g")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got [][]byte
	err = r.EachWindow(ctx, start.Add(time.Minute), start.Add(2*time.Minute), func(w *StoredWindow) error {
		if w.Size != time.Minute || w.Topic != "logs" || w.Partition != int(w.State[0]) || !w.Start.Equal(start.Add(time.Duration(w.State[1])*time.Minute)) {
			t.Errorf("unexpected window %+v", w)
		}
		got = append(got, slices.Clone(w.State))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]byte{{0, 1}, {1, 1}, {0, 2}, {1, 2}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("unexpected windows of [10:01, 10:02]; got %v; want %v", got, want)
	}
	parts, err := r.Partitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 || parts[1].Partition != 1 || parts[1].Format != "combined" || parts[1].Counts.Late != 1 || !parts[1].Newest.Equal(start.Add(2*time.Minute+time.Second)) {
		t.Fatalf("unexpected partitions %+v", parts)
	}
	// Another group reads nothing.
	other, err := OpenReader(dsn, "other")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if parts, err := other.Partitions(ctx); err != nil || len(parts) != 0 {
		t.Fatalf("unexpected partitions of another group; got %v, %v; want none", parts, err)
	}
}

// TestReadIncidents: IncidentDocs returns the incidents that overlap the
// range, open ones included, superseded ones left out.
func TestReadIncidents(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	s := open(t, dsn)
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	mk := func(id string, from, to int, status incident.Status, by string) incident.Event {
		in := incident.Incident{ID: id, Severity: incident.P2, Kind: "error_rate", Subject: "*", Status: status,
			Start: at.Add(time.Duration(from) * time.Minute), SupersededBy: by}
		if to > 0 {
			in.End = at.Add(time.Duration(to) * time.Minute)
		}
		return incident.Event{Type: incident.Opened, Seq: 1, Incident: in}
	}
	l, err := s.TryLead(ctx)
	if err != nil || l == nil {
		t.Fatalf("cannot lead: %v", err)
	}
	defer l.Close()
	err = l.Save(ctx, at.Add(time.Hour), []incident.Event{
		mk("before", 0, 10, incident.Resolved, ""),
		mk("across", 5, 25, incident.Resolved, ""),
		mk("open", 30, 0, incident.Open, ""),
		mk("superseded", 22, 26, incident.Resolved, "open"),
		mk("after", 50, 55, incident.Resolved, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := OpenReader(dsn, "g")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	docs, err := r.IncidentDocs(ctx, at.Add(20*time.Minute), at.Add(40*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		var in struct{ ID string }
		if err := json.Unmarshal(d, &in); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	if want := []string{"across", "open"}; !slices.Equal(ids, want) {
		t.Fatalf("unexpected incidents of [10:20, 10:40]; got %v; want %v", ids, want)
	}
}
