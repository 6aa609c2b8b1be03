package pipeline_test

import (
	"os/exec"
	"testing"
)

func runShell(t *testing.T, script string) []byte {
	t.Helper()
	out, err := exec.Command("sh", "-c", script).Output()
	if err != nil {
		t.Fatalf("cannot run %q: %v", script, err)
	}
	return out
}
