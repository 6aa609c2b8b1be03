package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/bench/loggen"
)

// bigLog writes a generated log just above progressMinBytes.
func bigLog(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := loggen.Generate(f, loggen.Options{Lines: 300_000, Seed: 5, Format: "combined_rt"}); err != nil {
		t.Fatal(err)
	}
	if st, err := f.Stat(); err != nil || st.Size() < progressMinBytes {
		t.Fatalf("unexpected size of the generated log; got %v (%v); want at least %d", st.Size(), err, progressMinBytes)
	}
	return path
}

// TestProgress runs analyze on a terminal (a pseudo-terminal made by
// util-linux's script) and through a pipe: only the terminal gets the
// progress line, and --quiet removes it.
func TestProgress(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("script (Debian package util-linux) is needed in CI: %v", err)
		}
		t.Skip("script (util-linux) is not installed")
	}
	path := bigLog(t)
	onTerminal := func(args string) string {
		t.Helper()
		out, err := exec.Command("script", "-qec", binary+" "+args+" "+path+" >/dev/null", "/dev/null").CombinedOutput()
		if err != nil {
			t.Fatalf("cannot run analyze on a terminal: %v\n%s", err, out)
		}
		return string(out)
	}
	if out := onTerminal(""); !strings.Contains(out, "lines/s") {
		t.Errorf("unexpected terminal output; got %q; want a progress line with lines/s", out)
	}
	if out := onTerminal("--quiet"); strings.Contains(out, "lines/s") {
		t.Errorf("unexpected progress line with --quiet; got %q", out)
	}
	if _, stderr, code := analyze(t, nil, path); code != 0 || stderr != "" {
		t.Errorf("unexpected stderr through a pipe; got %q (status %d); want nothing", stderr, code)
	}
}
