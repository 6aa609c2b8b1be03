package loggen

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers/useragent"
)

func generate(t testing.TB, o Options) ([]byte, []Label) {
	t.Helper()
	var b bytes.Buffer
	labels, err := Generate(&b, o)
	if err != nil {
		t.Fatalf("unexpected error for %+v; got %v; want nil", o, err)
	}
	return b.Bytes(), labels
}

func TestGenerateDeterministic(t *testing.T) {
	f := func(o Options) {
		t.Helper()
		a, _ := generate(t, o)
		b, _ := generate(t, o)
		if sha256.Sum256(a) != sha256.Sum256(b) {
			t.Fatalf("unexpected output for %+v; got different bytes from two runs; want the same", o)
		}
		o.Seed++
		c, _ := generate(t, o)
		if sha256.Sum256(a) == sha256.Sum256(c) {
			t.Fatalf("unexpected output for %+v; got the same bytes as seed %d; want different", o, o.Seed-1)
		}
	}
	f(Options{Lines: 3000, Seed: 1})
	f(Options{Lines: 3000, Seed: 0, Format: FormatCombinedRT})
	f(Options{Lines: 3000, Seed: 42, Format: FormatJSON, Rate: 5, Inject: true})
}

func TestGenerateFormats(t *testing.T) {
	f := func(format string) {
		t.Helper()
		o := Options{Lines: 20000, Seed: 7, Format: format, Start: time.Date(2025, 12, 31, 23, 30, 0, 0, time.FixedZone("X", 3600))}
		data, _ := generate(t, o)
		lines := parseLog(t, format, data)
		if len(lines) != o.Lines {
			t.Fatalf("unexpected line count for %s; got %d; want %d", format, len(lines), o.Lines)
		}
		for i, l := range lines {
			if l.t.Before(o.Start.Add(-oooMaxMS*time.Millisecond)) || l.t.After(o.Start.Add(time.Hour)) {
				t.Fatalf("unexpected time of %s line %d; got %v; want about %v + 20000 lines at 100/s", format, i+1, l.t, o.Start)
			}
		}
	}
	f(FormatCombined)
	f(FormatCombinedRT)
	f(FormatJSON)
}

// TestGenerateSameRequests checks that one seed gives the same requests in
// every format, JSON replacing a few by application errors.
func TestGenerateSameRequests(t *testing.T) {
	o := Options{Lines: 20000, Seed: 3, Inject: true, Rate: 2}
	o.Format = FormatCombinedRT
	data, labels := generate(t, o)
	rt := parseLog(t, o.Format, data)
	o.Format = FormatJSON
	data, jsonLabels := generate(t, o)
	js := parseLog(t, o.Format, data)
	if diff := cmp.Diff(labels, jsonLabels); diff != "" {
		t.Fatalf("unexpected labels for json (-combined_rt +json):\n%s", diff)
	}
	apps := 0
	for i, j := range js {
		if j.app != "" {
			apps++
			continue
		}
		r := rt[i]
		// The formats differ in time resolution, protocol and the
		// rounding of durations only.
		if !j.t.Truncate(time.Second).Equal(r.t) || j.ip != r.ip || j.user != r.user || j.method != r.method || j.target != r.target ||
			j.status != r.status || j.bytes != r.bytes || j.referer != r.referer || j.ua != r.ua || math.Abs(j.ms-r.ms) > 0.5 {
			t.Fatalf("unexpected json line %d; got %+v; want the request of combined_rt %+v", i+1, j, r)
		}
	}
	if apps == 0 || apps > len(js)/100 {
		t.Fatalf("unexpected number of application lines; got %d; want between 1 and 1%% of %d", apps, len(js))
	}
}

func TestGenerateOptions(t *testing.T) {
	data, labels := generate(t, Options{})
	if n := bytes.Count(data, []byte("\n")); n != DefaultLines || labels == nil || len(labels) != 0 {
		t.Fatalf("unexpected result for zero Options; got %d lines, labels %v; want %d lines, no labels", n, labels, DefaultLines)
	}
	if !bytes.HasPrefix(bytes.SplitN(data, []byte("["), 2)[1], []byte("01/Mar/2026:00:00:0")) {
		t.Fatalf("unexpected first time for zero Options; got %q; want 01/Mar/2026:00:00:0x", data[:80])
	}
	// Too short for any incident: 1000 lines at 100/s.
	data, labels = generate(t, Options{Lines: 1000, Inject: true})
	if n := bytes.Count(data, []byte("\n")); n != 1000 || len(labels) != 0 {
		t.Fatalf("unexpected result for a short log; got %d lines, labels %v; want 1000 lines, no labels", n, labels)
	}
}

func TestGenerateFailure(t *testing.T) {
	f := func(o Options, want string) {
		t.Helper()
		_, err := Generate(&bytes.Buffer{}, o)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("unexpected error for %+v; got %v; want one containing %q", o, err, want)
		}
	}
	f(Options{Format: "apache"}, `cannot generate format "apache"`)
	f(Options{Lines: -1}, "cannot generate -1 lines")
	f(Options{Rate: -1}, "negative or NaN rate")
	f(Options{Rate: math.NaN()}, "negative or NaN rate")

	errDisk := errors.New("disk full")
	_, err := Generate(failingWriter{errDisk}, Options{})
	if !errors.Is(err, errDisk) {
		t.Fatalf("unexpected error for a failing writer; got %v; want %v", err, errDisk)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// TestAgentsClassify checks that every user agent of every class is
// classified into that class by the pipeline's classifier.
func TestAgentsClassify(t *testing.T) {
	want := [numClasses]useragent.Class{useragent.Browser, useragent.Bot, useragent.Tool, useragent.Monitor, useragent.Unknown}
	for class, as := range agents {
		for _, a := range as {
			if got, family := useragent.Classify([]byte(a.ua)); got != want[class] {
				t.Fatalf("unexpected class for %q; got %v (%s); want %v", a.ua, got, family, want[class])
			}
		}
	}
	for _, a := range attackAgents {
		if got, _ := useragent.Classify([]byte(a.ua)); got == useragent.Bot || got == useragent.Monitor {
			t.Fatalf("unexpected class for attacker %q; got %v; want a browser or tool", a.ua, got)
		}
	}
}

// TestGenerateKeys checks that every catalog entry has the key the parsers
// compute from generated targets, so that label subjects match.
func TestGenerateKeys(t *testing.T) {
	f := func(method, path, want string) {
		t.Helper()
		if got := key(catalogIndex(method, path)); got != want {
			t.Fatalf("unexpected key for %q; got %q; want %q", method+" "+path, got, want)
		}
	}
	f("POST", "/api/payments/{n}/charge", "POST /api/payments/{id}/charge")
	f("GET", "/api/users/{uuid}/favorites", "GET /api/users/{id}/favorites")
	f("GET", "/api/messages/{hex}", "GET /api/messages/{id}")
	f("GET", "/static/js/app.5f3a9c1e.js", "GET /static/js/app.5f3a9c1e.js")
}

// sorted returns the p-quantile of xs (nearest rank), sorting xs.
func quantile(xs []float64, p float64) float64 {
	slices.Sort(xs)
	return xs[int(math.Ceil(p*float64(len(xs))))-1]
}
