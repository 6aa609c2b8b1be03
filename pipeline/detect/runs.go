package pipeline

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"

	"github.com/vigil-ops/vigil/pipeline/report"
)

// Kinds of incident, in the runbook's order of precedence.
const (
	incidentOutage          = "outage"
	incidentPaymentFailures = "payment_failures"
	incidentAttack          = "attack"
	incidentExfiltration    = "exfiltration"
	incidentErrorRate       = "error_rate"
	incidentLatency         = "latency"
	incidentAuthFailures    = "auth_failures"
	incidentErrorBurst      = "error_burst"
	incidentNotFoundSpike   = "not_found_spike"
	incidentBotSurge        = "bot_surge"
)

// subjectAll is the subject of service-wide incidents.
const subjectAll = "*"

// incident is a run of windows of one kind and subject.
type incident struct {
	kind, subject string
	sev           int
	// first and last are the indexes of its first and last windows.
	first, last int
	// peak is the worst hit of the highest severity, from tier.
	peak hit
	tier int
}

// incidents turns the hits into incidents. Per tier and subject, hits at
// most one quiet window apart form a run, kept when it lasts the tier's
// minRun. Runs of one kind and subject that touch (at most one quiet
// window apart) merge, at the highest severity reached.
//
// Suppression: a hit is dropped when a service-wide ("*") run of another
// kind and a higher severity (or one that subsumes it) covers its window,
// give or take one window: an outage does not also raise error_rate,
// latency (of the service or of an endpoint) or error_burst for the same
// minutes.
func (d *detection) incidents() []*incident {
	keys := make([]hitKey, 0, len(d.hits))
	for k := range d.hits {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b hitKey) int {
		ta, tb := &d.tiers[a.tier], &d.tiers[b.tier]
		return cmp.Or(cmp.Compare(ta.sev, tb.sev), cmp.Compare(kindRank(ta.kind), kindRank(tb.kind)),
			cmp.Compare(a.subject, b.subject), cmp.Compare(a.tier, b.tier))
	})
	var runs, covers []*incident
	for _, k := range keys {
		t := &d.tiers[k.tier]
		hits := slices.DeleteFunc(slices.Clone(d.hits[k]), func(h hit) bool { return covered(covers, t, h.i) })
		for len(hits) > 0 {
			n := 1
			for n < len(hits) && hits[n].i-hits[n-1].i <= 2 {
				n++
			}
			run := hits[:n]
			hits = hits[n:]
			if run[n-1].i-run[0].i+1 < t.minRun {
				continue
			}
			in := &incident{kind: t.kind, subject: k.subject, sev: t.sev, first: run[0].i, last: run[n-1].i, tier: k.tier, peak: run[0]}
			for _, h := range run[1:] {
				if h.value > in.peak.value {
					in.peak = h
				}
			}
			runs = append(runs, in)
			if k.subject == subjectAll {
				covers = append(covers, in)
			}
		}
	}
	return mergeRuns(runs)
}

// covered reports whether window i of tier t lies within one window of a
// service-wide run that outranks t.
func covered(covers []*incident, t *tier, i int) bool {
	for _, c := range covers {
		outranks := c.sev < t.sev || (c.sev == t.sev && kinds[c.kind].subsumes == t.kind)
		if outranks && c.kind != t.kind && c.first-1 <= i && i <= c.last+1 {
			return true
		}
	}
	return false
}

// mergeRuns merges the runs of one kind and subject that overlap or are at
// most one quiet window apart.
func mergeRuns(runs []*incident) []*incident {
	slices.SortFunc(runs, func(a, b *incident) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.subject, b.subject), cmp.Compare(a.first, b.first))
	})
	var out []*incident
	for _, r := range runs {
		if n := len(out); n > 0 {
			cur := out[n-1]
			if cur.kind == r.kind && cur.subject == r.subject && r.first <= cur.last+2 {
				cur.last = max(cur.last, r.last)
				if r.sev < cur.sev || (r.sev == cur.sev && r.peak.value > cur.peak.value) {
					cur.sev, cur.peak, cur.tier = r.sev, r.peak, r.tier
				}
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

func kindRank(kind string) int { return kinds[kind].rank }

// appendIncidents appends the report form of the segment's incidents.
func (d *detection) appendIncidents(out []report.Incident) []report.Incident {
	for _, in := range d.incidents() {
		t := &d.tiers[in.tier]
		threshold := t.threshold
		if t.relative {
			threshold *= in.peak.base
		}
		start := d.t.at(in.first)
		out = append(out, report.Incident{
			ID:        incidentID(in.kind, in.subject, start),
			Severity:  "P" + strconv.Itoa(in.sev),
			Kind:      in.kind,
			Subject:   in.subject,
			Start:     nanoRFC3339(start),
			End:       nanoRFC3339(d.t.at(in.last + 1)),
			Peak:      report.Peak{Value: round6(in.peak.value), At: nanoRFC3339(d.t.at(in.peak.i))},
			Threshold: round6(threshold),
			Summary:   t.describe(d, in),
			Evidence:  d.evidence(in),
			Runbook:   runbook(in.kind, in.sev),
		})
	}
	return out
}

// incidentID is a stable hash of kind, subject and start: the same
// incident found again (another run, another worker count) keeps its id.
func incidentID(kind, subject string, start int64) string {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(subject))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, start, 10))
	return fmt.Sprintf("%016x", h.Sum64())
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
