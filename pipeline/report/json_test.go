package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

func writeJSON(t *testing.T, r *Report) string {
	t.Helper()
	var b strings.Builder
	if err := WriteJSON(&b, r); err != nil {
		t.Fatalf("cannot write JSON: %v", err)
	}
	return b.String()
}

func TestWriteJSONGolden(t *testing.T) {
	f := func(name string, r *Report) {
		t.Helper()
		golden(t, name, writeJSON(t, r))
	}
	f("report.json", sampleReport())
	f("empty.json", &Report{})
}

// TestWriteJSONEmpty checks the contract's conventions on a zero report:
// no null anywhere, zero times as "", unbounded filters omitted.
func TestWriteJSONEmpty(t *testing.T) {
	out := writeJSON(t, &Report{Incidents: []incident.Incident{{Severity: incident.P3, Kind: incident.ErrorRate}}})
	if strings.Contains(out, "null") {
		t.Fatalf("unexpected null for %q; got %s; want [] or {}", "empty report", out)
	}
	f := func(want string) {
		t.Helper()
		if !strings.Contains(out, want) {
			t.Fatalf("unexpected JSON for %q; got %s; want it to contain %q", "empty report", out, want)
		}
	}
	f(`"schema": "vigil.report/v1"`)
	f(`"time_range": {` + "\n" + `    "start": "",` + "\n" + `    "end": ""`)
	f(`"at": ""`)
	f(`"timeline_step_seconds": 0`)
	f(`"window_seconds": 0`)
	f(`"lateness_seconds": 0`)
	for _, key := range []string{`"since"`, `"until"`, `"warnings"`, `"error":  ""`} {
		if strings.Contains(out, key) {
			t.Fatalf("unexpected %s for %q; got %s; want it omitted", key, "empty report", out)
		}
	}
}

func TestJSONTime(t *testing.T) {
	f := func(tm time.Time, want string) {
		t.Helper()
		b, err := jsonTime(tm).MarshalText()
		if err != nil || string(b) != want {
			t.Fatalf("unexpected JSON time for %q; got %q, %v; want %q", tm, b, err, want)
		}
		var back jsonTime
		if err := back.UnmarshalText(b); err != nil || !time.Time(back).Equal(tm) {
			t.Fatalf("unexpected round trip for %q; got %v, %v; want the same instant", tm, time.Time(back), err)
		}
	}
	f(time.Time{}, "")
	f(time.Date(2015, 5, 17, 10, 5, 3, 0, time.UTC), "2015-05-17T10:05:03Z")
	f(time.Date(2015, 5, 17, 10, 5, 3, 250_000_000, time.UTC), "2015-05-17T10:05:03.25Z")
	f(time.Date(2015, 5, 17, 10, 5, 3, 1, time.UTC), "2015-05-17T10:05:03.000000001Z")
	f(time.Date(2015, 5, 17, 12, 5, 3, 0, time.FixedZone("CEST", 2*3600)), "2015-05-17T10:05:03Z")
}

// TestJSONRoundTrip checks that Report.UnmarshalJSON reads back what
// WriteJSON writes, and that json.Marshal and WriteJSON agree.
func TestJSONRoundTrip(t *testing.T) {
	r := sampleReport()
	out := writeJSON(t, r)
	var back Report
	if err := json.Unmarshal([]byte(out), &back); err != nil {
		t.Fatalf("cannot read back the JSON report: %v", err)
	}
	// encoding/json writes each invalid byte as U+FFFD.
	want := sampleReport()
	want.Input.MalformedSamples[1].Text = "\uFFFD\uFFFD\x00binary\tjunk"
	want.UserAgents[2].Key = "curl/8.0 \uFFFD\uFFFD\x1b[31m"
	if diff := cmp.Diff(want, &back, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("unexpected round trip for %q (-want +got):\n%s", "sample report", diff)
	}
	compact, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("cannot marshal the report: %v", err)
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, compact, "", "  "); err != nil {
		t.Fatalf("cannot indent: %v", err)
	}
	if diff := cmp.Diff(out, indented.String()+"\n"); diff != "" {
		t.Fatalf("unexpected json.Marshal for %q (-WriteJSON +json.Marshal):\n%s", "sample report", diff)
	}
}

// TestJSONShadowKeys checks that each JSON shadow type has every key of
// its model type, in the same order, so that a field added to the model
// cannot silently miss the JSON report.
func TestJSONShadowKeys(t *testing.T) {
	f := func(model, shadow reflect.Type) {
		t.Helper()
		got := jsonKeys(shadow)
		var i int
		for _, key := range jsonKeys(model) {
			for i < len(got) && got[i] != key {
				i++
			}
			if i == len(got) {
				t.Fatalf("unexpected keys for %q; got %v; want %v in this order", shadow, got, jsonKeys(model))
			}
		}
	}
	f(reflect.TypeFor[Report](), reflect.TypeFor[jsonReport]())
	f(reflect.TypeFor[TimeRange](), reflect.TypeFor[jsonTimeRange]())
	f(reflect.TypeFor[TimelineRow](), reflect.TypeFor[jsonTimelineRow]())
	f(reflect.TypeFor[incident.Incident](), reflect.TypeFor[jsonIncident]())
	f(reflect.TypeFor[incident.Peak](), reflect.TypeFor[jsonPeak]())
	f(reflect.TypeFor[ReportOptions](), reflect.TypeFor[jsonOptions]())
}

// jsonKeys are the JSON keys of struct type t, "-" left out.
func jsonKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}
