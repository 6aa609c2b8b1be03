package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil-ops/vigil/bench/loggen"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// generated is a log written by loggen, with its labels.
type generated struct {
	data   []byte
	labels []loggen.Label
}

func generate(t *testing.T, o loggen.Options) generated {
	t.Helper()
	var b bytes.Buffer
	labels, err := loggen.Generate(&b, o)
	if err != nil {
		t.Fatalf("cannot generate log: %v", err)
	}
	return generated{b.Bytes(), labels}
}

// detect runs the real pipeline on data, as analyze does, and detects
// its incidents under the default rules.
func detect(t *testing.T, data []byte, workers int) []report.Incident {
	t.Helper()
	rules := DefaultRules()
	o := Options{Workers: workers}
	o.Windows = rules.WindowOptions(o.Windows)
	res, err := Run(context.Background(), []string{"-"}, bytes.NewReader(data), o)
	if err != nil {
		t.Fatalf("cannot analyze generated log: %v", err)
	}
	return res.Incidents(rules)
}

// matches reports whether in reports label: same kind, severity and
// subject, start and end within one window of the truth.
func matches(in report.Incident, l loggen.Label) bool {
	start, err1 := time.Parse(time.RFC3339, in.Start)
	end, err2 := time.Parse(time.RFC3339, in.End)
	near := func(a, b time.Time) bool { return a.Sub(b).Abs() <= time.Minute }
	return err1 == nil && err2 == nil && in.Kind == l.Kind && in.Severity == l.Severity &&
		in.Subject == l.Subject && near(start, l.Start) && near(end, l.End)
}

// checkLabels checks that every label is found and that nothing else is
// raised at P1 or P2.
func checkLabels(t *testing.T, name string, incs []report.Incident, labels []loggen.Label) {
	t.Helper()
	found := make([]bool, len(incs))
	for _, l := range labels {
		ok := false
		for i, in := range incs {
			if matches(in, l) {
				found[i], ok = true, true
			}
		}
		if !ok {
			t.Errorf("unexpected incidents for %q; got %v; want one matching %+v", name, briefsOf(incs), l)
		}
	}
	for i, in := range incs {
		if !found[i] && (in.Severity == "P1" || in.Severity == "P2") {
			t.Errorf("unexpected incident for %q; got %s %s %s %s-%s (%s); want none at P1 or P2",
				name, in.Severity, in.Kind, in.Subject, in.Start, in.End, in.Summary)
		}
	}
	if t.Failed() {
		for _, l := range labels {
			t.Logf("label %s %s %s %s-%s", l.Severity, l.Kind, l.Subject, l.Start.Format(time.TimeOnly), l.End.Format(time.TimeOnly))
		}
	}
}

func briefsOf(incs []report.Incident) []string {
	var out []string
	for _, in := range incs {
		out = append(out, in.Severity+" "+in.Kind+" "+in.Subject+" "+in.Start+"-"+in.End)
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
		checkLabels(t, fmt.Sprintf("seed %d", seed), detect(t, g.data, 2), g.labels)
	}
	f(1)
	if !testing.Short() {
		f(2)
		f(3)
	}
}

// TestDetectWorkers checks that the incidents do not depend on the number
// of workers: windows merge exactly for counts. Evidence clients come from
// bounded Space-Saving summaries, whose merges depend on how the input was
// split: beyond the top client of attacks and exfiltrations, they are not
// compared.
func TestDetectWorkers(t *testing.T) {
	g := generate(t, injected(4))
	one := detect(t, g.data, 1)
	if len(one) == 0 {
		t.Fatalf("unexpected incidents for %q; got none; want some", "1 worker")
	}
	three := detect(t, g.data, 3)
	if diff := gocmp.Diff(one, three, cmpopts.IgnoreFields(report.Evidence{}, "Clients")); diff != "" {
		t.Fatalf("unexpected incidents for %q; got %v; want %v\n%s", "3 workers", briefsOf(three), briefsOf(one), diff)
	}
	for i, in := range one {
		if in.Kind != "attack" && in.Kind != "exfiltration" {
			continue
		}
		if a, b := in.Evidence.Clients, three[i].Evidence.Clients; len(a) == 0 || len(b) == 0 || a[0].Key != b[0].Key {
			t.Fatalf("unexpected top client for %q; got %v; want %v", in.Kind, b, a)
		}
	}
}

// TestDetectCleanDay checks that a quiet day raises no P1 or P2.
func TestDetectCleanDay(t *testing.T) {
	if testing.Short() {
		t.Skip("24 hours of traffic")
	}
	g := generate(t, loggen.Options{Lines: 1_000_000, Seed: 5, Format: loggen.FormatCombinedRT, Rate: 11.5})
	checkLabels(t, "clean day", detect(t, g.data, 2), nil)
}
