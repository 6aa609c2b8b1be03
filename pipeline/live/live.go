package live

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/summary"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// Source is what Report reads: a [pgstore.Store] (pgstore.OpenReader).
// Its methods must be safe for concurrent use.
type Source interface {
	// Partitions returns every partition's stored state.
	Partitions(ctx context.Context) ([]pgstore.Partition, error)
	// EachWindow calls fn with every partition's window whose start is in
	// [from, to], in order of start.
	EachWindow(ctx context.Context, from, to time.Time, fn func(*pgstore.StoredWindow) error) error
	// IncidentDocs returns the incidents that overlap [from, to], but the
	// superseded ones, as the JSON report has them.
	IncidentDocs(ctx context.Context, from, to time.Time) ([]json.RawMessage, error)
}

// Options configure Report. The zero value means every default.
type Options struct {
	// Rules are the detection rules ingest counted the windows under:
	// their window size, slow thresholds and endpoint globs decode the
	// stored windows. Default: the runbook's.
	Rules detect.Rules
	// Top is the length of every top list. Default: 10.
	Top int
	// Lateness is ingest's --lateness, recorded in the report's options.
	// Default: pipeline.DefaultLateness.
	Lateness time.Duration
	// Input names what the windows were counted from in the report's
	// input (report.File.Path), such as the files analyze --follow reads.
	// Default: the partitions' Kafka topics, "kafka: logs (4 partitions)".
	Input string
	// Warnings, if set, returns more warnings of the report's input
	// (report.File.Warnings), called once a report: what the formats
	// detected leave unread, as analyze warns of a file's
	// (ingest.Service.FormatWarnings). Default: none.
	Warnings func() []string
}

// MaxSince bounds the range of a report: every refresh of the live page
// decodes each window of the range, and ingest keeps 7 days of windows by
// default.
const MaxSince = 31 * 24 * time.Hour

// Report returns the report of the windows starting in [now-since, now]
// and of the incidents overlapping that range. A zero now means the
// newest event time ingest stored (log time, as the dashboard queries of
// docs/schema.md use), but not after the wall clock, which it is when
// nothing is stored: a replayed old log shows its last hours rather than
// nothing. The report's
// time range is the data's: from its first window's start to its newest
// event time.
func Report(ctx context.Context, src Source, since time.Duration, now time.Time, o Options) (*report.Report, error) {
	if since <= 0 || since > MaxSince {
		return nil, fmt.Errorf("cannot report on the last %s: want more than 0 and at most %s", since, MaxSince)
	}
	o = o.withDefaults()
	cfg := o.Rules.WindowConfig().WithDefaults()
	parts, err := src.Partitions(ctx)
	if err != nil {
		return nil, err
	}
	if now.IsZero() {
		now = newest(parts)
	}
	now = now.UTC()
	from := now.Add(-since)
	t := newTotals(&cfg)
	tl := summary.NewTimeline(cfg.Size, 0, 0)
	if err := eachStart(ctx, src, from, now, &cfg, func(w *window.Window) {
		// The timeline reads the window's tallies and durations first:
		// t.add merges the window into the range's totals, after which
		// it is not used.
		tl.Add(&window.Closed{Start: time.Unix(0, w.Start).UTC(), Size: cfg.Size, Counts: w.Counts, Latency: w.Latency})
		t.add(w)
	}); err != nil {
		return nil, err
	}
	docs, err := src.IncidentDocs(ctx, from, now)
	if err != nil {
		return nil, err
	}
	r := t.report(o.Top)
	if r.Incidents, err = incidents(docs); err != nil {
		return nil, err
	}
	r.Timeline, r.TimelineStep, r.Exact.Timeline = pipeline.TimelineReport(tl), tl.Step, tl.Exact()
	r.TimeRange = t.timeRange(parts, now)
	r.Input = t.input(parts, &cfg, o.Input)
	if o.Warnings != nil {
		f := &r.Input.Files[0]
		f.Warnings = append(f.Warnings, o.Warnings()...)
	}
	r.Options = report.ReportOptions{Top: o.Top, Since: from, Until: now, Window: cfg.Size, Lateness: o.Lateness}
	return r, nil
}

func (o Options) withDefaults() Options {
	if o.Top <= 0 {
		o.Top = 10
	}
	if o.Lateness <= 0 {
		o.Lateness = pipeline.DefaultLateness
	}
	return o
}

// newest is the newest event time of the partitions, but not after the
// wall clock (a line from the future must not empty the page), which it
// is when none has one.
func newest(parts []pgstore.Partition) time.Time {
	var t time.Time
	for _, p := range parts {
		if p.Newest.After(t) {
			t = p.Newest
		}
	}
	if now := time.Now(); t.IsZero() || t.After(now) {
		return now
	}
	return t
}

// eachStart decodes the windows starting in [from, to] and calls fn with
// each start's windows merged across partitions, in time order, as
// ingest's detection merges them. fn may keep nothing of the window.
func eachStart(ctx context.Context, src Source, from, to time.Time, cfg *window.Config, fn func(*window.Window)) error {
	var merged *window.Window
	var at time.Time
	err := src.EachWindow(ctx, from, to, func(sw *pgstore.StoredWindow) error {
		w, err := window.Decode(sw.State, cfg)
		if err != nil {
			return errors.Join(fmt.Errorf("cannot read the stored window %s of %s/%d", sw.Start.Format(time.RFC3339), sw.Topic, sw.Partition), err)
		}
		switch {
		case merged == nil:
		case sw.Start.Equal(at):
			merged.Merge(w)
			return nil
		default:
			fn(merged)
		}
		merged, at = w, sw.Start
		return nil
	})
	if err != nil {
		return err
	}
	if merged != nil {
		fn(merged)
	}
	return nil
}

// incidents decodes the stored incidents with the JSON report's own
// types: the docs become the incidents list of a report.
func incidents(docs []json.RawMessage) ([]incident.Incident, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	body, err := json.Marshal(struct {
		Incidents []json.RawMessage `json:"incidents"`
	}{docs})
	if err != nil {
		return nil, err
	}
	var r report.Report
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("cannot read the stored incidents: %w", err)
	}
	// The report's order: severity, then start, kind and subject.
	slices.SortFunc(r.Incidents, func(a, b incident.Incident) int {
		return cmp.Or(cmp.Compare(a.Severity, b.Severity), a.Start.Compare(b.Start),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject))
	})
	return r.Incidents, nil
}
