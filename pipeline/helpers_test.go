package pipeline_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/filesrc"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// run analyzes paths ("-" reads stdin) as analyze does.
func run(t testing.TB, paths []string, stdin []byte, o pipeline.Options) *pipeline.Result {
	t.Helper()
	return runSrc(t, paths, stdin, filesrc.Options{}, o)
}

// runSrc is run with the files opened with src.
func runSrc(t testing.TB, paths []string, stdin []byte, src filesrc.Options, o pipeline.Options) *pipeline.Result {
	t.Helper()
	sources := make([]pipeline.Source, len(paths))
	for i, p := range paths {
		f, err := filesrc.Open(p, bytes.NewReader(stdin), src)
		if err != nil {
			t.Fatalf("cannot open %s: %v", p, err)
		}
		sources[i] = f
	}
	res, err := pipeline.Run(context.Background(), sources, o)
	if err != nil {
		t.Fatalf("cannot analyze %v: %v", paths, err)
	}
	return res
}

func runFiles(t testing.TB, paths []string, o pipeline.Options) *report.Report {
	t.Helper()
	return run(t, paths, nil, o).Report()
}

func runBytes(t testing.TB, data []byte, o pipeline.Options) *report.Report {
	t.Helper()
	return run(t, []string{"-"}, data, o).Report()
}
