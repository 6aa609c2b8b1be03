package pipeline_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// heapInflux is 20 minutes of an application's own metric,
// myapp.heap_percent of app-1 every 10 s (line protocol: sample name
// myapp_heap_percent), 92 % from 10:03 to 10:10 and 50 % otherwise: a
// memory incident once a rules file maps it.
func heapInflux() []byte {
	var b strings.Builder
	for s := 0; s < 20*60; s += 10 {
		v := 50.0
		if s >= 3*60 && s < 10*60 {
			v = 92
		}
		fmt.Fprintf(&b, "myapp,host=app-1 heap_percent=%g %d\n", v, t0.Add(time.Duration(s)*time.Second).UnixNano())
	}
	return []byte(b.String())
}

func mustRules(t *testing.T, js string) detect.Rules {
	t.Helper()
	r, err := detect.ParseRules(strings.NewReader(js))
	if err != nil {
		t.Fatalf("cannot parse rules %s: %v", js, err)
	}
	return r
}

// TestMetricMappingsRun: a metric no built-in mapping names is left out
// (and the input warnings say so) until the rules file maps it; then it
// crosses the memory threshold like Telegraf's own memory.
func TestMetricMappingsRun(t *testing.T) {
	data := heapInflux()
	rep := runBytes(t, data, pipeline.Options{Workers: 2})
	if len(rep.Incidents) != 0 || len(rep.Metrics) != 0 {
		t.Fatalf("unexpected report without the mapping; got incidents %v, metrics %v; want none", incs(rep), rep.Metrics)
	}
	if w := rep.Input.Files[0].Warnings; len(w) != 1 || !strings.Contains(w[0], "120 samples are not runbook metrics") {
		t.Fatalf("unexpected warnings without the mapping; got %q; want 120 unmapped samples", w)
	}
	rules := mustRules(t, `{"metric_mappings": [{"name": "myapp_heap_percent", "metric": "memory"}]}`)
	rep = runBytes(t, data, pipeline.Options{Workers: 2, Rules: rules})
	if diff := gocmp.Diff([]string{"P2 memory app-1 10:03-10:10 resolved"}, incs(rep)); diff != "" {
		t.Fatalf("unexpected incidents with the mapping; diff (-want +got):\n%s", diff)
	}
	if m := rep.Metrics; len(m) != 1 || m[0].Samples != 120 || m[0].Max != 92 || m[0].Crossing != 7*time.Minute {
		t.Fatalf("unexpected metrics with the mapping; got %+v; want 120 memory points up to 92, 7m crossing", m)
	}
	if w := rep.Input.Files[0].Warnings; len(w) != 0 {
		t.Fatalf("unexpected warnings with the mapping; got %q", w)
	}
}

// TestMetricMappingsCounter: ingest's Counter maps with its rules' mappings
// too (ingest --rules).
func TestMetricMappingsCounter(t *testing.T) {
	f := func(rules detect.Rules, want []string) {
		t.Helper()
		c, err := pipeline.NewCounter("metrics/0", pipeline.Options{Rules: rules})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(heapInflux()), "\n")
		got, err := c.Count(pipeline.Batch{Data: []byte(strings.Join(lines[:7], ""))})
		if err != nil || got.Counts.Parsed != 7 {
			t.Fatalf("unexpected count; got %+v, %v; want 7 lines parsed", got.Counts, err)
		}
		var series []string
		err = c.Dirty(func(w *window.Window) error {
			for k, m := range w.Metrics {
				series = append(series, fmt.Sprintf("%s %s n=%d", k.Kind, k.Subject, m.Values.Count()))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(want, series); diff != "" {
			t.Fatalf("unexpected series; diff (-want +got):\n%s", diff)
		}
	}
	f(detect.Rules{}, nil)
	// The first 7 lines: 10:00:00 to 10:01:00, two windows.
	f(mustRules(t, `{"metric_mappings": [{"name": "myapp_heap_percent", "metric": "memory"}]}`), []string{"memory app-1 n=6", "memory app-1 n=1"})
}
