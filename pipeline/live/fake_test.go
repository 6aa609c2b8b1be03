package live

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// fakeSource holds partitions, raw window states at one start, and
// incident docs.
type fakeSource struct {
	parts  []pgstore.Partition
	states [][]byte
	docs   []json.RawMessage
}

func (f *fakeSource) Partitions(context.Context) ([]pgstore.Partition, error) { return f.parts, nil }

func (f *fakeSource) EachWindow(_ context.Context, from, to time.Time, fn func(*pgstore.StoredWindow) error) error {
	for i, st := range f.states {
		if err := fn(&pgstore.StoredWindow{Topic: "logs", Partition: i, Start: to.Truncate(time.Minute), Size: time.Minute, State: st}); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeSource) IncidentDocs(context.Context, time.Time, time.Time) ([]json.RawMessage, error) {
	return f.docs, nil
}

func TestReportFailure(t *testing.T) {
	f := func(src Source, since time.Duration, want string) {
		t.Helper()
		_, err := Report(context.Background(), src, since, time.Time{}, Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("unexpected error for since %s; got %v; want %q", since, err, want)
		}
	}
	f(&fakeSource{}, 0, "cannot report on the last 0s")
	f(&fakeSource{}, MaxSince+time.Second, "at most 744h0m0s")
	f(&fakeSource{states: [][]byte{{99}}}, time.Hour, "cannot read the stored window")
	f(&fakeSource{states: [][]byte{{99}}}, time.Hour, "of logs/0")
	f(&fakeSource{docs: []json.RawMessage{json.RawMessage(`{"start": 3}`)}}, time.Hour, "cannot read the stored incidents")
}

// TestReportEmpty: nothing stored gives an empty report of the last
// hours of the wall clock, with the JSON contract's lists.
func TestReportEmpty(t *testing.T) {
	before := time.Now()
	r, err := Report(context.Background(), &fakeSource{}, time.Hour, time.Time{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Options.Until.Before(before) || r.Options.Until.Sub(r.Options.Since) != time.Hour || !r.TimeRange.Start.IsZero() {
		t.Fatalf("unexpected range of an empty store; got options %+v, time range %+v; want the last hour up to now, no data", r.Options, r.TimeRange)
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"timeline": []`, `"incidents": []`, `"endpoints": []`, `"start": ""`} {
		if !strings.Contains(b.String(), s) {
			t.Fatalf("unexpected JSON of an empty report; got no %q in\n%s", s, b.String())
		}
	}
}
