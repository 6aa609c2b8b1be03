// Package metriclinetest reads metric lines back in tests, with
// encoding/json: a reader independent of parsers/metrics and of the
// writer.
package metriclinetest

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// Line is one metric line.
type Line struct {
	TS     time.Time         `json:"ts"`
	Name   string            `json:"name"`
	Value  float64           `json:"value"`
	Labels map[string]string `json:"labels"`
}

// Read reads b's lines, failing the test on one that is not a metric line.
func Read(t testing.TB, b []byte) []Line {
	t.Helper()
	var out []Line
	for _, l := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		var x Line
		dec := json.NewDecoder(bytes.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&x); err != nil {
			t.Fatalf("cannot read metric line %q: %v", l, err)
		}
		out = append(out, x)
	}
	return out
}

// Named returns the lines of ls named name.
func Named(ls []Line, name string) []Line {
	var out []Line
	for _, l := range ls {
		if l.Name == name {
			out = append(out, l)
		}
	}
	return out
}
