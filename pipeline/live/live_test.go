package live

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/ingest"
	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// runIngest runs an ingest Service on the brokers and database until the
// test ends.
func runIngest(t *testing.T, addrs []string, dsn string) {
	t.Helper()
	var l ingesttest.Logs
	t.Cleanup(func() { l.Dump(t) })
	svc, err := ingest.New(ingest.Options{
		Kafka: ingesttest.KafkaOptions(addrs, "g"), DSN: dsn,
		Flush: 200 * time.Millisecond, Idle: 2 * time.Second, MaxBackoff: time.Second,
		Logf: l.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := svc.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// analyze is analyze's report of data, through its JSON form (as the
// stored incidents are).
func analyze(t *testing.T, data []byte) *report.Report {
	t.Helper()
	return roundTrip(t, ingesttest.Analyze(t, ingesttest.Input{Name: "-", Data: data}).Report())
}

func roundTrip(t *testing.T, r *report.Report) *report.Report {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out report.Report
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func reader(t *testing.T, dsn string) *pgstore.Store {
	t.Helper()
	src, err := pgstore.OpenReader(dsn, "g")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	return src
}

// TestReportMatchesAnalyze: the report of what ingest stored has
// analyze's numbers for the same lines: requests and status codes, every
// timeline row, the latency percentiles (exact in both), the endpoints'
// counts, the auth-failure IPs, the user-agent classes and the incidents.
func TestReportMatchesAnalyze(t *testing.T) {
	data, lines := ingesttest.Generated(t, 60000)
	c := ingesttest.NewCluster(t, 4)
	ingesttest.Produce(t, c.ListenAddrs(), lines, 4)
	dsn := ingesttest.Migrated(t)
	runIngest(t, c.ListenAddrs(), dsn)
	ingesttest.WaitConsumed(t, dsn, len(lines), ingesttest.Tally(t, data))
	want := analyze(t, data)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := Report(ctx, reader(t, dsn), 24*time.Hour, time.Time{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkLikeAnalyze(t, got, want)
	same(t, "end of the time range", got.TimeRange.End, want.TimeRange.End)

	// The last half hour: its windows and the incidents that overlap it.
	now := want.TimeRange.End
	part, err := Report(ctx, reader(t, dsn), 30*time.Minute, now, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkRange(t, part, want, now, 30*time.Minute)
}

// checkLikeAnalyze compares a live report of every window of a log
// with analyze's report of it (want).
func checkLikeAnalyze(t *testing.T, got, want *report.Report) {
	t.Helper()
	if len(want.Incidents) < 2 || !want.Latency.Exact || !want.Exact.Timeline {
		t.Fatalf("unexpected analyze report: %d incidents, exact latency %v, exact timeline %v; want 2 or more, exact", len(want.Incidents), want.Latency.Exact, want.Exact.Timeline)
	}
	same(t, "requests", got.Requests, want.Requests)
	same(t, "latency", got.Latency, want.Latency)
	same(t, "timeline", got.Timeline, want.Timeline)
	same(t, "timeline step", got.TimelineStep, want.TimelineStep)
	same(t, "exact timeline", got.Exact.Timeline, want.Exact.Timeline)
	same(t, "incidents", got.Incidents, want.Incidents)
	same(t, "auth failure IPs", got.TopAuthFailureIPs, want.TopAuthFailureIPs)
	same(t, "user agent classes", got.UserAgentClasses, want.UserAgentClasses)
	same(t, "app errors", got.AppErrors, want.AppErrors)
	same(t, "parsed lines", got.Input.Parsed, want.Input.Parsed-want.Input.Late)
	var gotEndpoints, wantEndpoints [][3]any
	for _, e := range got.Endpoints {
		gotEndpoints = append(gotEndpoints, [3]any{e.Endpoint, e.Count, e.Errors5xx})
	}
	for _, e := range want.Endpoints {
		wantEndpoints = append(wantEndpoints, [3]any{e.Endpoint, e.Count, e.Errors5xx})
	}
	same(t, "endpoints", gotEndpoints, wantEndpoints)
	if got.TimeRange.Start.After(want.TimeRange.Start) || want.TimeRange.Start.Sub(got.TimeRange.Start) >= time.Minute {
		t.Errorf("unexpected start of the time range; got %s; want the start of the minute of %s", got.TimeRange.Start, want.TimeRange.Start)
	}
	for _, w := range got.Input.Files[0].Warnings {
		t.Logf("note: %s", w)
	}
	if s := strings.Join(got.Input.Files[0].Warnings, "\n"); !strings.Contains(s, "per-endpoint percentiles") {
		t.Errorf("unexpected notes; got %q; want them to say that per-endpoint percentiles are not kept", s)
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, got); err != nil {
		t.Fatalf("cannot write the live report as JSON: %v", err)
	}
}

// checkRange compares part, the live report of the since before now,
// with the rows and incidents of analyze's report (want) in that range.
func checkRange(t *testing.T, part, want *report.Report, now time.Time, since time.Duration) {
	t.Helper()
	from := now.Add(-since)
	var rows []report.TimelineRow
	for _, r := range want.Timeline {
		if !r.Start.Before(from) {
			rows = append(rows, r)
		}
	}
	same(t, "timeline of the range", part.Timeline, rows)
	var incs []string
	for _, in := range want.Incidents {
		if in.End.IsZero() || in.End.After(from) {
			incs = append(incs, in.ID)
		}
	}
	var gotIncs []string
	for _, in := range part.Incidents {
		gotIncs = append(gotIncs, in.ID)
	}
	same(t, "incidents of the range", gotIncs, incs)
	if !part.Options.Since.Equal(from) || !part.Options.Until.Equal(now) {
		t.Errorf("unexpected range; got %s to %s; want %s to %s", part.Options.Since, part.Options.Until, from, now)
	}
}

// same fails the test when got differs from analyze's want.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("unexpected %s; (-analyze +live):\n%s", what, diff)
	}
}
