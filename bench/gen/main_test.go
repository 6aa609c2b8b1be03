package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/bench/loggen"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	out, labels := filepath.Join(dir, "access.log"), filepath.Join(dir, "labels.json")
	args := []string{"-lines", "300000", "-seed", "5", "-format", "json", "-rate", "15", "-inject", "-labels", labels, "-o", out}
	if err := run(args, nil); err != nil {
		t.Fatalf("unexpected error for %q; got %v; want nil", args, err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	wantLabels, err := loggen.Generate(&want, loggen.Options{Lines: 300000, Seed: 5, Format: "json", Rate: 15, Inject: true})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want.Bytes()) {
		t.Fatalf("unexpected log for %q; got %d bytes; want the %d bytes of loggen.Generate", args, len(data), want.Len())
	}
	var got []loggen.Label
	if data, err = os.ReadFile(labels); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &got); err != nil || len(got) != len(wantLabels) || len(got) == 0 {
		t.Fatalf("unexpected labels for %q; got %s (error %v); want %d labels", args, data, err, len(wantLabels))
	}
	if !strings.Contains(string(data), `"severity": "P1"`) {
		t.Fatalf("unexpected labels JSON for %q; got %s; want snake_case keys", args, data)
	}
}

func TestRunStdout(t *testing.T) {
	var b bytes.Buffer
	if err := run([]string{"-lines", "3", "-start", "2026-06-01T12:00:00+02:00"}, &b); err != nil {
		t.Fatalf("unexpected error; got %v; want nil", err)
	}
	if n := strings.Count(b.String(), "\n"); n != 3 || !strings.Contains(b.String(), "[01/Jun/2026:10:00:0") {
		t.Fatalf("unexpected output; got %q; want 3 lines from 01/Jun/2026:10:00:00 UTC", b.String())
	}
}

func TestRunFailure(t *testing.T) {
	f := func(args []string, want string) {
		t.Helper()
		err := run(args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("unexpected error for %q; got %v; want one containing %q", args, err, want)
		}
	}
	f([]string{"-format", "xml"}, `cannot generate format "xml"`)
	f([]string{"-start", "yesterday"}, "cannot parse -start")
	f([]string{"-bogus"}, "flag provided but not defined")
}
