package detect

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// Runs and incidents, causally. Per tier and subject, a series turns the
// bad windows into runs:
//
//   - A bad window starts a run, or continues the current one: a run
//     lasts while its bad windows are less than its tier's quiet period
//     apart (the windows between are part of it), and ends at the quiet
//     period's end: 2 windows, and for a ratio tier twice the rule's
//     window, ended sooner, after at least 2 quiet windows, once those
//     weigh clearly normal: their log-likelihood ratios (below) add up to
//     -2*switchCost or less. That is the batch engine's join, made causal:
//     it joined two runs at most two rule windows apart unless the windows
//     between weighed -2*switchCost or less.
//   - A run of a ratio tier grows its start back by likelihood: over at
//     most the rule's window before its first bad window, the start moves
//     to where the log-likelihood ratios of the windows' counts, at the
//     run's pooled ratio against the trailing baseline's (smoothed, at
//     most the threshold), add up the most, if above 0. A few requests
//     cannot prove a rise, but they can say which side of an edge they are
//     on. When the run ends, its end grows forward the same way over the
//     quiet windows.
//   - A run qualifies once it spans its tier's minRun windows (the rule's
//     for), its grown start included; a run that ends before that is
//     dropped.
//
// Per kind and subject, a track holds the incident its qualified runs
// make: it opens when the first qualifies (then its ID is fixed), takes
// the highest severity reached (escalation) and the union of their
// windows, and is resolved when every run of the track has ended.
//
// Horizon: a run still pending at window i began after i-quiet-minRun,
// and its start grew back at most one rule window more; its baseline is
// read over the baseline before that. Engine.detail covers all of it, so
// that every window an incident's evidence or edges read is still in the
// ring.

type seriesKey struct {
	t       *tier
	subject string
}

type trackKey struct {
	kind    incident.Kind
	subject string
}

// series is the state of one tier for one subject.
type series struct {
	t       *tier
	subject string
	tr      *track
	run     run
	on      bool // run is the current run
	// spans are the windows of the series' past runs, oldest first: they
	// stay out of its baselines and bound its growth back.
	spans []span
}

type span struct{ first, last int }

// run is a stretch of bad windows of one series: windows [first, last].
type run struct {
	first, firstHit, lastHit, last int
	// pooled adds the tallies of the run's bad windows (ratio tiers).
	pooled tally
	// base is the trailing baseline's ratio when the run began.
	base float64
	// quiet adds the weights of the quiet windows since the last bad one.
	quiet float64
	// peak is the run's worst bad window.
	peak      hit
	qualified bool
}

// track is the incident of one kind and subject: windows [first, end).
type track struct {
	key    trackKey
	series []*series
	// active counts the series with a run.
	active int
	open   bool
	first  int
	end    int
	// tier is the tier of record: the highest severity reached, and at
	// that severity the tier whose run peaked highest; peak is that peak.
	tier  *tier
	peak  hit
	acc   *acc
	dirty bool
}

// advance moves tier t's series to window i: its bad windows extend or
// start runs (unless an open incident that outranks them covers them:
// see incident.Tracker.Covered), and runs whose quiet period passed end.
func (e *Engine) advance(t *tier, i int) {
	if len(t.obs) == 0 && len(t.active) == 0 {
		return
	}
	e.subjects = e.subjects[:0]
	for s := range t.active {
		e.subjects = append(e.subjects, s)
	}
	slices.Sort(e.subjects)
	slices.SortFunc(t.obs, func(a, b obs) int { return strings.Compare(a.subject, b.subject) })
	start, end := e.startOf(i), e.startOf(i+1)
	for k, o := range t.obs {
		if k > 0 && t.obs[k-1].subject == o.subject {
			continue
		}
		if e.tracker.Covered(t.kind, o.subject, t.sev, start, end) {
			continue
		}
		e.onBad(e.seriesOf(t, o.subject), o)
	}
	for _, s := range e.subjects {
		if sr := t.active[s]; sr != nil && sr.run.lastHit != i && e.quietEnds(sr, i) {
			e.endRun(sr, i)
		}
	}
}

// quietEnds reports whether quiet window i ends sr's run: its quiet
// period has passed, or, for a ratio tier, 2 quiet windows or more weigh
// clearly normal.
func (e *Engine) quietEnds(sr *series, i int) bool {
	r := &sr.run
	if i-r.lastHit >= sr.t.quiet {
		return true
	}
	if sr.t.ratio == nil {
		return false
	}
	r.quiet += e.weight(sr, i, r.pooled.ratio())
	return i-r.lastHit >= 2 && r.quiet <= -2*switchCost
}

// seriesOf returns the series of t for subject, creating it.
func (e *Engine) seriesOf(t *tier, subject string) *series {
	k := seriesKey{t, subject}
	sr := e.series[k]
	if sr == nil {
		sr = &series{t: t, subject: subject}
		e.series[k] = sr
	}
	return sr
}

// trackOf returns the track of (kind, subject), creating it.
func (e *Engine) trackOf(kind incident.Kind, subject string) *track {
	k := trackKey{kind, subject}
	tr := e.tracks[k]
	if tr == nil {
		tr = &track{key: k}
		e.tracks[k] = tr
	}
	return tr
}

// onBad adds bad window o to sr's run, starting one if needed.
func (e *Engine) onBad(sr *series, o obs) {
	t, r, i := sr.t, &sr.run, o.hit.i
	if !sr.on {
		*r = run{first: i, firstHit: i, lastHit: i, last: i, peak: o.hit, pooled: o.s}
		if t.ratio != nil {
			r.base = e.pooledBaseline(sr, i)
		}
		sr.on = true
		t.active[sr.subject] = sr
		sr.tr = e.trackOf(t.kind, sr.subject)
		if !slices.Contains(sr.tr.series, sr) {
			sr.tr.series = append(sr.tr.series, sr)
		}
		sr.tr.active++
	} else {
		r.lastHit, r.last, r.quiet = i, i, 0
		r.pooled = r.pooled.plus(o.s)
		if t.worse(o.hit.value, r.peak.value) {
			r.peak = o.hit
		}
	}
	if t.ratio != nil && !r.qualified {
		r.first = e.growBack(sr)
	}
	if !r.qualified && r.lastHit-r.first+1 >= t.minRun {
		r.qualified = true
	}
	if r.qualified {
		e.absorb(sr.tr, t, r)
	}
}

// endRun ends sr's run as of window upto (the newest): its end grows
// forward over the quiet windows up to upto, and a qualified run gives
// its final windows to its incident.
func (e *Engine) endRun(sr *series, upto int) {
	r := &sr.run
	if sr.t.ratio != nil {
		r.last = e.growForward(sr, upto)
	}
	if r.qualified {
		e.absorb(sr.tr, sr.t, r)
	}
	e.stop(sr)
	e.markDirty(sr.tr)
}

// stop forgets sr's run. A ratio series keeps its windows out of later
// baselines until they leave the ring (see sweep); others are forgotten.
func (e *Engine) stop(sr *series) {
	sr.on = false
	delete(sr.t.active, sr.subject)
	sr.tr.active--
	if sr.t.ratio == nil {
		delete(e.series, seriesKey{sr.t, sr.subject})
		return
	}
	sr.spans = append(sr.spans, span{sr.run.first, sr.run.last})
}

// absorb puts qualified run r of tier t in tr's incident, opening it.
func (e *Engine) absorb(tr *track, t *tier, r *run) {
	if !tr.open {
		tr.open, tr.first, tr.end = true, r.first, r.first
		tr.tier, tr.peak = t, r.peak
		tr.acc = newAcc(tr.key)
	}
	if t.sev < tr.tier.sev || (t.sev == tr.tier.sev && t.worse(r.peak.value, tr.peak.value)) {
		tr.tier, tr.peak = t, r.peak
	}
	for j := min(tr.first, r.first); j < tr.first; j++ {
		tr.acc.add(e, j)
	}
	for j := tr.end; j <= r.last; j++ {
		tr.acc.add(e, j)
	}
	tr.first, tr.end = min(tr.first, r.first), max(tr.end, r.last+1)
	e.markDirty(tr)
}

func (e *Engine) markDirty(tr *track) {
	if !tr.dirty {
		tr.dirty = true
		e.dirty = append(e.dirty, tr)
	}
}

// report tells the tracker how the incidents changed by the last tier
// stand; with resolve, those whose runs have all ended are resolved.
func (e *Engine) report(resolve bool) {
	for _, tr := range e.dirty {
		tr.dirty = false
		if tr.open {
			e.tracker.Set(e.finding(tr))
		}
		if tr.active == 0 && (resolve || !tr.open) {
			if tr.open {
				e.tracker.Resolve(tr.key.kind, tr.key.subject)
			}
			delete(e.tracks, tr.key)
		}
	}
	clear(e.dirty)
	e.dirty = e.dirty[:0]
}

// discard drops the runs of a superseded incident: their windows are the
// cover's.
func (e *Engine) discard(k trackKey) {
	tr := e.tracks[k]
	if tr == nil {
		return
	}
	for _, sr := range tr.series {
		if sr.on {
			e.stop(sr)
		}
	}
	delete(e.tracks, k)
}

// finding is the incident of tr as the tracker records it.
func (e *Engine) finding(tr *track) incident.Finding {
	t := tr.tier
	threshold := t.threshold
	if t.relative {
		threshold *= tr.peak.base
	}
	f := incident.Finding{
		Kind:      tr.key.kind,
		Subject:   tr.key.subject,
		Severity:  t.sev,
		Start:     e.startOf(tr.first),
		End:       e.startOf(tr.end),
		Peak:      incident.Peak{Value: round6(tr.peak.value), At: e.startOf(tr.peak.i)},
		Threshold: round6(threshold),
		Summary:   t.describe(e, tr),
		Evidence:  tr.acc.evidence(t.sev),
	}
	if tr.acc.metric != nil {
		f.Evidence.Metric = tr.acc.metric.evidence(t)
	}
	return f
}

// activeSeries returns t's series with a run, by subject.
func (e *Engine) activeSeries(t *tier) []*series {
	out := make([]*series, 0, len(t.active))
	for _, sr := range t.active {
		out = append(out, sr)
	}
	slices.SortFunc(out, func(a, b *series) int { return cmp.Compare(a.subject, b.subject) })
	return out
}

// sweep forgets the series that have no run and no past run still in the
// ring: their subjects left it.
func (e *Engine) sweep() {
	oldest := e.oldestDetail()
	for k, sr := range e.series {
		n := 0
		for n < len(sr.spans) && sr.spans[n].last < oldest {
			n++
		}
		sr.spans = slices.Delete(sr.spans, 0, n)
		if !sr.on && len(sr.spans) == 0 {
			delete(e.series, k)
		}
	}
}

// pooledBaseline is the pooled ratio of up to e.baseline windows of sr
// before window i that are in none of its runs, with add-one smoothing so
// that a baseline without a bad request is not taken as impossible.
func (e *Engine) pooledBaseline(sr *series, i int) float64 {
	var base tally
	k := len(sr.spans) - 1
	for j, n := i-1, 0; j >= e.oldestDetail() && n < e.baseline; j-- {
		for k >= 0 && sr.spans[k].first > j {
			k--
		}
		if k >= 0 && sr.spans[k].last >= j {
			continue
		}
		s, _ := sr.t.measure(e.at(j), sr.subject)
		base = base.plus(s)
		n++
	}
	return (float64(base.bad) + 1) / (float64(base.total) + 2)
}

// weight is the log-likelihood ratio of window j's counts for sr at the
// run's pooled ratio p1 against the run's baseline, capped at the
// threshold (raised by the rest of the service's ratio, if measured).
func (e *Engine) weight(sr *series, j int, p1 float64) float64 {
	s, rest := sr.t.measure(e.at(j), sr.subject)
	return llr(s, p1, min(sr.run.base, sr.t.threshold+rest.ratio()))
}

// growBack returns the start of sr's run grown back by likelihood: over
// at most the rule's window before its first bad window, never into an
// earlier run, to where the weights add up the most, if above 0.
func (e *Engine) growBack(sr *series) int {
	r := &sr.run
	limit := max(r.firstHit-sr.t.ratio.window, e.oldestDetail())
	if n := len(sr.spans); n > 0 {
		limit = max(limit, sr.spans[n-1].last+1)
	}
	return e.grow(sr, r.firstHit-1, limit, -1, r.firstHit)
}

// growForward returns the end of sr's run grown forward by likelihood
// over the quiet windows after its last bad window, up to upto.
func (e *Engine) growForward(sr *series, upto int) int {
	r := &sr.run
	return e.grow(sr, r.lastHit+1, min(r.lastHit+sr.t.ratio.window, upto), 1, r.lastHit)
}

// grow walks from window from to window limit by step and returns the
// window where the weights add up the most, if above 0, else edge.
func (e *Engine) grow(sr *series, from, limit, step, edge int) int {
	p1 := sr.run.pooled.ratio()
	best, sum, reach := 0.0, 0.0, edge
	for j := from; (limit-j)*step >= 0; j += step {
		sum += e.weight(sr, j, p1)
		if math.IsInf(sum, -1) {
			break
		}
		if sum > best {
			best, reach = sum, j
		}
	}
	return reach
}
