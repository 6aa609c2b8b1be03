package pipeline

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// Incidents detects the incidents of r's windows under rules (zero fields:
// defaults; see [Detect]). The rules must be the ones whose
// [Rules.WindowOptions] configured the run: the windows counted slow
// requests and classified endpoints with them.
func (r *Result) Incidents(rules Rules) []report.Incident {
	if rules.WindowOptions(r.Options.Windows) != r.Options.Windows {
		panic("BUG: rules do not match the windows: set Options.Windows to Rules.WindowOptions before Run")
	}
	ws := make([]*Window, 0, len(r.Agg.Windows))
	for _, w := range r.Agg.Windows {
		ws = append(ws, w)
	}
	return Detect(ws, r.Options.Windows.Size, rules)
}

// Detect finds the incidents in windows, each covering [Start, Start+size)
// and given in any order, under rules (zero fields: defaults). Minutes
// without traffic between windows count as empty windows; a gap longer
// than rules.MaxGap splits the log into parts detected separately.
//
// Incidents are sorted by severity, then start, kind and subject. The
// windows are only read, and the same windows give the same incidents.
// Windows counted by any number of workers have the same counts; their
// heavy-hitter summaries (attack, exfiltration, evidence clients) agree
// within their error bounds.
func Detect(windows []*Window, size time.Duration, rules Rules) []report.Incident {
	rules = rules.withDefaults()
	sorted := slices.Clone(windows)
	slices.SortFunc(sorted, func(a, b *Window) int { return cmp.Compare(a.Start, b.Start) })
	var out []report.Incident
	for _, t := range segments(sorted, int64(size), int64(rules.MaxGap)) {
		d := newDetection(t, rules)
		d.detect()
		out = d.appendIncidents(out)
	}
	slices.SortFunc(out, func(a, b report.Incident) int {
		return cmp.Or(cmp.Compare(a.Severity, b.Severity), cmp.Compare(a.Start, b.Start),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject))
	})
	return out
}

// segment is a run of consecutive windows: window i starts at
// start + i*size. Gaps hold one shared empty window.
type segment struct {
	start, size int64
	windows     []*Window
}

func (t *segment) at(i int) int64 { return t.start + int64(i)*t.size }

// segments cuts sorted windows into segments at gaps longer than maxGap.
func segments(sorted []*Window, size, maxGap int64) []*segment {
	var empty *Window
	var out []*segment
	for _, w := range sorted {
		if n := len(out); n > 0 {
			t := out[n-1]
			end := t.at(len(t.windows))
			if w.Start-end <= maxGap {
				if empty == nil && w.Start > end {
					empty = newWindow(0)
				}
				for s := end; s < w.Start; s += size {
					t.windows = append(t.windows, empty)
				}
				t.windows = append(t.windows, w)
				continue
			}
		}
		out = append(out, &segment{start: w.Start, size: size, windows: []*Window{w}})
	}
	return out
}

// detection runs the detectors over one segment and collects their hits:
// windows where a rule broke, by tier (kind and severity) and subject.
type detection struct {
	t     *segment
	rules Rules
	// z is the normal quantile of rules.Confidence.
	z float64
	// minutes is the window size in minutes, to scale per-minute rules.
	minutes float64
	// baseline is the length of trailing baselines, in windows.
	baseline int
	patterns patterns
	kindOf   map[string]endpointKind
	tiers    []tier
	hits     map[hitKey][]hit
	// Endpoints found failing (payments) or slow in each window: their
	// requests are explained, and left out of the service-wide measures.
	failingPayments, slowEndpoints hotSet
	items                          []topk.Item
}

// tier is one severity of one kind of incident.
type tier struct {
	kind      string
	sev       int // 1 for P1 … 4 for P4
	threshold float64
	// minRun is the shortest run of windows that makes an incident.
	minRun int
	// relative marks a threshold that is a factor over the baseline.
	relative bool
	// describe writes the incident's one-line summary.
	describe func(d *detection, in *incident) string
}

type hitKey struct {
	tier    int
	subject string
}

// hit is one window where a tier's rule broke: the measured value and,
// for baseline rules, the baseline it was compared with.
type hit struct {
	i           int
	value, base float64
}

// hotSet lists endpoint keys by window index.
type hotSet map[int][]string

// addAll adds key to the windows whose value is not 0.
func (h hotSet) addAll(key string, values []float64) {
	for i, v := range values {
		if v != 0 {
			h[i] = append(h[i], key)
		}
	}
}

func newDetection(t *segment, r Rules) *detection {
	size := time.Duration(t.size)
	return &detection{
		t:               t,
		rules:           r,
		z:               math.Sqrt2 * math.Erfinv(2*r.Confidence-1),
		minutes:         size.Minutes(),
		baseline:        windowsIn(time.Duration(r.Baseline), size),
		patterns:        newPatterns(r.WindowOptions(WindowOptions{})),
		kindOf:          make(map[string]endpointKind),
		hits:            make(map[hitKey][]hit),
		failingPayments: make(hotSet),
		slowEndpoints:   make(hotSet),
	}
}

// minBaseline is the fewest windows a trailing baseline needs.
func (d *detection) minBaseline() int { return max(1, d.baseline/2) }

// windowsIn is the number of windows of size that cover d, at least 1.
func windowsIn(d, size time.Duration) int {
	return max(1, int((d+size-1)/size))
}

// newTier registers a tier and returns its id for emit.
func (d *detection) newTier(kind string, sev int, threshold float64, forDur Duration, describe func(*detection, *incident) string) int {
	d.tiers = append(d.tiers, tier{
		kind: kind, sev: sev, threshold: threshold, describe: describe,
		minRun: windowsIn(time.Duration(forDur), time.Duration(d.t.size)),
	})
	return len(d.tiers) - 1
}

// emitAll records a hit of tier for subject at every window whose value
// is not 0, with its base when bases is not nil.
func (d *detection) emitAll(tier int, subject string, values, bases []float64) {
	for i, v := range values {
		if v == 0 {
			continue
		}
		h := hit{i: i, value: v}
		if bases != nil {
			h.base = bases[i]
		}
		d.emit(tier, subject, h)
	}
}

func (d *detection) emit(tier int, subject string, h hit) {
	k := hitKey{tier, subject}
	d.hits[k] = append(d.hits[k], h)
}

// detect runs every detector. Endpoint detectors run first: what they
// explain is left out of the service-wide measures.
func (d *detection) detect() {
	d.payments()
	d.endpointLatency()
	d.outage()
	d.errorRate()
	d.serviceLatency()
	d.attack()
	d.exfiltration()
	d.authFailures()
	d.bursts()
}

// endpointKind classifies key by the rules' globs, once per key.
func (d *detection) endpointKind(key string) endpointKind {
	k, ok := d.kindOf[key]
	if !ok {
		k = d.patterns.kind(key)
		d.kindOf[key] = k
	}
	return k
}

// endpointKeys returns the endpoint keys seen in the segment, sorted,
// for which keep is true.
func (d *detection) endpointKeys(keep func(key string) bool) []string {
	seen := make(map[string]bool)
	var keys []string
	for _, w := range d.t.windows {
		for k := range w.Endpoints {
			if !seen[k] {
				seen[k] = true
				if keep(k) {
					keys = append(keys, k)
				}
			}
		}
	}
	slices.Sort(keys)
	return keys
}

// top returns the window's heavy hitters of t, largest first, in a buffer
// reused by the next call.
func (d *detection) top(t *topk.TopK) []topk.Item {
	d.items = t.AppendTop(d.items[:0], windowTopCapacity)
	return d.items
}
