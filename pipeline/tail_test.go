package pipeline_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/filesrc"
)

// TestUnseenTail: a combined log whose first lines end in no number and
// whose later lines end in an integer. Its unit is unknown: no latency
// is read from it and the file's warnings count those lines; with
// --duration-unit it is read in that unit and there is no warning.
// Before, the integers were read as milliseconds without a word.
func TestUnseenTail(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n, withTail int, seed uint64) (string, []float64) {
		t.Helper()
		data := tailLog(n, withTail, seed)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return path, trailingInts(t, data)
	}
	late, lateMS := write("late.log", 150, 50, 1)
	none, noneMS := write("none.log", 150, 0, 2)
	if len(lateMS) != 50 || len(noneMS) != 0 {
		t.Fatalf("BUG: the reference finds %d and %d trailing integers; want 50 and 0", len(lateMS), len(noneMS))
	}
	f := func(what string, src filesrc.Options, unit string, wantMS []float64, wantWarn []string) {
		t.Helper()
		res := runSrc(t, []string{late, none}, nil, src, pipeline.Options{DurationUnit: unit, Workers: 4})
		rep := res.Report()
		l := rep.Latency
		wantMax := 0.0
		if len(wantMS) > 0 {
			wantMax = slices.Max(wantMS)
		}
		if l.Count != uint64(len(wantMS)) || l.Max != wantMax {
			t.Errorf("%s: unexpected latency; got %d durations, max %v ms; want %d, max %v ms", what, l.Count, l.Max, len(wantMS), wantMax)
		}
		var withLatency uint64
		for _, e := range rep.Endpoints {
			withLatency += e.Latency.Count
		}
		if withLatency != uint64(len(wantMS)) {
			t.Errorf("%s: unexpected durations over the endpoints; got %d; want %d", what, withLatency, len(wantMS))
		}
		for i, file := range rep.Input.Files {
			var got []string
			for _, w := range file.Warnings {
				if strings.Contains(w, "not read as a duration") {
					got = append(got, w)
				}
			}
			var want []string
			if wantWarn[i] != "" {
				want = append(want, wantWarn[i])
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: unexpected warnings of %s; got %q; want %q", what, file.Path, got, wantWarn[i])
			}
			if file.Format != "combined" {
				t.Errorf("%s: unexpected format of %s; got %q; want combined", what, file.Path, file.Format)
			}
		}
	}
	warn := func(sample int) string {
		return late + ": 50 lines end in a number not read as a duration: the " + strconv.Itoa(sample) +
			" sample lines detection read had none, so its unit is unknown; give --duration-unit if it is one"
	}
	f("one batch", filesrc.Options{}, "", nil, []string{warn(100), ""})
	// Batches of about 20 lines, parsed by 4 workers: the counts of a
	// source add up across its batches, and its sample is its first batch.
	small := filesrc.Options{ChunkBytes: 2048, MaxLineBytes: 1024}
	f("small batches", small, "", nil, []string{warn(firstBatchLines(t, late, 2048)), ""})
	f("ms", filesrc.Options{}, "ms", lateMS, []string{"", ""})
	f("ms, small batches", small, "ms", lateMS, []string{"", ""})
}

// tailLog is n combined lines, the last withTail of them ending in an
// integer.
func tailLog(n, withTail int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 7))
	paths := []string{"/", "/api/items", "/api/items/42", "/login", "/static/app.js"}
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `10.0.%d.%d - - [10/Oct/2024:13:%02d:%02d +0000] "GET %s HTTP/1.1" %d %d "-" "curl/8.%d"`,
			i/250, i%250, i/60%60, i%60, paths[rng.IntN(len(paths))], 200+100*rng.IntN(4), rng.IntN(50000), rng.IntN(9))
		if i >= n-withTail {
			fmt.Fprintf(&b, " %d", rng.IntN(900)+1)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// trailingInts is the reference: the integers that end data's lines
// after the user agent's closing quote, as milliseconds.
func trailingInts(t *testing.T, data string) []float64 {
	t.Helper()
	var ms []float64
	for _, m := range regexp.MustCompile(`(?m)" ([0-9]+)$`).FindAllStringSubmatch(data, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, v)
	}
	return ms
}

// firstBatchLines is how many lines of path a chunk of chunk bytes holds:
// its complete lines.
func firstBatchLines(t *testing.T, path string, chunk int) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data[:chunk]), "\n")
}
