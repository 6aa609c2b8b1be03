package detect

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/bench/loggen"
	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/accesslog"
	"github.com/vigil-ops/vigil/parsers/endpoint"
	"github.com/vigil-ops/vigil/parsers/useragent"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// generated is a log written by loggen, with its labels.
type generated struct {
	data   []byte
	labels []loggen.Label
}

func generate(t testing.TB, o loggen.Options) generated {
	t.Helper()
	var b bytes.Buffer
	labels, err := loggen.Generate(&b, o)
	if err != nil {
		t.Fatalf("cannot generate log: %v", err)
	}
	return generated{b.Bytes(), labels}
}

// lateness is how long a window stays open after its end, in event time:
// loggen writes 1 % of lines up to 5 s late.
const lateness = 30 * time.Second

// windows counts a combined_rt log into closed windows as the engine's
// runner does, but sequentially, in file order, without the runner: a
// window closes once a line lateness past its end has been read.
func windows(t testing.TB, data []byte, rules Rules) []*window.Closed {
	t.Helper()
	cfg := rules.WindowConfig().WithDefaults()
	format, err := accesslog.Named(loggen.FormatCombinedRT)
	if err != nil {
		t.Fatalf("cannot get format: %v", err)
	}
	p := accesslog.NewParser(format, accesslog.Options{})
	var (
		rec      parsers.Record
		key      []byte
		out      []*window.Closed
		newest   int64 = math.MinInt64
		closedTo int64 = math.MinInt64
	)
	open := make(map[int64]*window.Window)
	// keys interns the endpoint keys, with their kind and id.
	keys := make(map[string]*window.Line)
	classes := make(map[string]useragent.Class)
	closeUpTo := func(limit int64) {
		var starts []int64
		for s := range open {
			if s+int64(cfg.Size) <= limit {
				starts = append(starts, s)
			}
		}
		slices.Sort(starts)
		for _, s := range starts {
			c := open[s].Close()
			c.Latency = nil
			out = append(out, c)
			delete(open, s)
			closedTo = max(closedTo, s+int64(cfg.Size))
		}
	}
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		if p.Parse(line, &rec) != nil || rec.Time == parsers.NoTime {
			continue
		}
		key = endpoint.Append(key[:0], rec.Method, rec.Target)
		l, ok := keys[string(key)]
		if !ok {
			l = &window.Line{Endpoint: string(key), Kind: cfg.KindOf(string(key)), ID: int32(len(keys))}
			keys[l.Endpoint] = l
		}
		class, ok := classes[string(rec.UserAgent)]
		if !ok {
			class, _ = useragent.Classify(rec.UserAgent)
			classes[string(rec.UserAgent)] = class
		}
		start := cfg.StartOf(rec.Time)
		if start < closedTo {
			t.Fatalf("unexpected late line; got %s, after its window closed", line)
		}
		w := open[start]
		if w == nil {
			w = window.New(start, &cfg)
			open[start] = w
		}
		w.Add(&window.Line{Rec: &rec, Endpoint: l.Endpoint, Kind: l.Kind, ID: l.ID, UAClass: class})
		if rec.Time > newest {
			newest = rec.Time
			closeUpTo(newest - int64(lateness))
		}
	}
	closeUpTo(math.MaxInt64)
	return out
}

// matches reports whether in reports label: same kind, severity and
// subject, start and end within one window of the truth.
func matches(in incident.Incident, l loggen.Label) bool {
	near := func(a, b time.Time) bool { return a.Sub(b).Abs() <= time.Minute }
	return string(in.Kind) == l.Kind && in.Severity.String() == l.Severity &&
		in.Subject == l.Subject && near(in.Start, l.Start) && near(in.End, l.End)
}

// checkLabels checks that every label is found and that nothing else is
// raised at P1 or P2, and logs how many windows after the truth each
// incident opened and was resolved.
func checkLabels(t *testing.T, name string, ws []*window.Closed, f *feed, labels []loggen.Label) {
	t.Helper()
	found := make([]bool, len(f.final))
	for _, l := range labels {
		ok := false
		for i, in := range f.final {
			if matches(in, l) {
				found[i], ok = true, true
				opened, resolved := eventDelays(ws, f, in.ID, l)
				t.Logf("%s: %s %s %s [%s, %s): opened %s after the start, resolved %s after the end",
					name, l.Severity, l.Kind, l.Subject, l.Start.Format("15:04:05"), l.End.Format("15:04:05"), opened, resolved)
				if opened < 0 || opened > 5*time.Minute || resolved < 0 || resolved > 4*time.Minute {
					t.Errorf("unexpected delays for %q; got opened %v after the start, resolved %v after the end; want at most 5m and 4m",
						l.Kind, opened, resolved)
				}
			}
		}
		if !ok {
			t.Errorf("unexpected incidents for %q; got %v; want one matching %+v", name, briefsOf(f.final), l)
		}
	}
	for i, in := range f.final {
		if !found[i] && in.Severity <= incident.P2 {
			t.Errorf("unexpected incident for %q; got %s %s %s %s-%s (%s); want none at P1 or P2",
				name, in.Severity, in.Kind, in.Subject, in.Start.Format(time.RFC3339), in.End.Format(time.RFC3339), in.Summary)
		}
	}
	if t.Failed() {
		for _, l := range labels {
			t.Logf("label %s %s %s %s-%s", l.Severity, l.Kind, l.Subject, l.Start.Format(time.TimeOnly), l.End.Format(time.TimeOnly))
		}
	}
}

// eventDelays returns how long after the truth's start the incident's
// opened event came, and after the truth's end its resolved event, as
// the end of the window whose Push returned it (-1 for none).
func eventDelays(ws []*window.Closed, f *feed, id string, l loggen.Label) (opened, resolved time.Duration) {
	opened, resolved = -1, -1
	for k, ev := range f.events {
		if ev.Incident.ID != id || f.after[k] < 0 {
			continue
		}
		at := ws[f.after[k]].End()
		switch ev.Type {
		case incident.Opened:
			opened = at.Sub(l.Start)
		case incident.ResolvedEv:
			resolved = at.Sub(l.End)
		}
	}
	return opened, resolved
}

func briefsOf(incs []incident.Incident) []string {
	var out []string
	for _, in := range incs {
		out = append(out, fmt.Sprintf("%s %s %s %s-%s", in.Severity, in.Kind, in.Subject,
			in.Start.Format(time.TimeOnly), in.End.Format(time.TimeOnly)))
	}
	return out
}

// injected is a day-time log with injected incidents: 5 hours and all six
// of them, or under -short 2 hours and the first of them.
func injected(seed uint64) loggen.Options {
	lines := 600_000
	if testing.Short() {
		lines = 200_000
	}
	return loggen.Options{
		Lines: lines, Seed: seed, Format: loggen.FormatCombinedRT, Inject: true,
		Start: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), Rate: 25,
	}
}

func TestDetectInjected(t *testing.T) {
	f := func(seed uint64) {
		t.Helper()
		g := generate(t, injected(seed))
		if len(g.labels) == 0 || (!testing.Short() && len(g.labels) != 6) {
			t.Fatalf("unexpected labels for seed %d; got %d; want 6, or some under -short", seed, len(g.labels))
		}
		ws := windows(t, g.data, DefaultRules())
		checkLabels(t, fmt.Sprintf("seed %d", seed), ws, detect(t, ws, DefaultRules()), g.labels)
	}
	f(1)
	if !testing.Short() {
		f(2)
		f(3)
	}
}

// TestDetectCleanDay checks that a quiet day raises no P1 or P2.
func TestDetectCleanDay(t *testing.T) {
	if testing.Short() {
		t.Skip("24 hours of traffic")
	}
	g := generate(t, loggen.Options{Lines: 1_000_000, Seed: 5, Format: loggen.FormatCombinedRT, Rate: 11.5})
	ws := windows(t, g.data, DefaultRules())
	checkLabels(t, "clean day", ws, detect(t, ws, DefaultRules()), nil)
}

// TestPushByPush checks on a generated log that the incidents do not
// depend on how the windows are fed: all in one loop and read at the end,
// or Push by Push with Incidents read along the way (it must equal the
// events so far applied by ID, every time); and that windows without
// traffic left out (a gap) are the same as empty windows pushed.
func TestPushByPush(t *testing.T) {
	g := generate(t, injected(4))
	ws := windows(t, g.data, DefaultRules())
	oneGo := detect(t, ws, DefaultRules()).final
	if len(oneGo) == 0 {
		t.Fatalf("unexpected incidents for %q; got none; want some", "seed 4")
	}
	e := New(DefaultRules())
	var events []incident.Event
	for k, w := range ws {
		events = append(events, e.Push(w)...)
		if k%5 == 0 {
			if diff := gocmp.Diff(e.Incidents(), applyEvents(t, events)); diff != "" {
				t.Fatalf("unexpected incidents for %q after window %d; Incidents() differs from the events so far:\n%s", "push by push", k, diff)
			}
		}
	}
	events = append(events, e.Close()...)
	if diff := gocmp.Diff(oneGo, applyEvents(t, events)); diff != "" {
		t.Fatalf("unexpected incidents for %q; differ from one go:\n%s", "push by push", diff)
	}

	// Ten minutes without traffic, and a few single minutes.
	empty := func(k int) bool { return (k >= 100 && k < 110) || k%50 == 7 }
	var gap, emptied []*window.Closed
	for k, w := range ws {
		if !empty(k) {
			gap = append(gap, w)
			emptied = append(emptied, w)
			continue
		}
		emptied = append(emptied, &window.Closed{Start: w.Start, Size: w.Size, Endpoints: map[string]*window.EndpointCounts{}, Exact: true})
	}
	withGap, withEmpty := detect(t, gap, DefaultRules()).final, detect(t, emptied, DefaultRules()).final
	if diff := gocmp.Diff(withEmpty, withGap); diff != "" {
		t.Fatalf("unexpected incidents for %q; a gap differs from empty windows (-empty +gap):\n%s", "gap", diff)
	}
	if !slices.ContainsFunc(withGap, func(in incident.Incident) bool {
		return in.Kind == incident.Outage && in.Start.Equal(ws[100].Start) && in.End.Equal(ws[110].Start)
	}) {
		t.Fatalf("unexpected incidents for %q; got %v; want an outage over the ten minutes without traffic", "gap", briefsOf(withGap))
	}
}
