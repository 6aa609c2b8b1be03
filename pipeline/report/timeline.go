package report

import "time"

// maxTimelineRows bounds the timeline tables of the text and HTML
// reports; longer logs are shown in coarser rows (the JSON keeps every
// step).
const maxTimelineRows = 48

// tableSteps are the coarser steps a timeline table may merge rows into,
// before whole days.
var tableSteps = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour}

// timelineStep is r.TimelineStep, or a minute (the engine's default
// window) when the report does not say.
func timelineStep(r *Report) time.Duration {
	if r.TimelineStep > 0 {
		return r.TimelineStep
	}
	return time.Minute
}

// rebin merges consecutive rows of r.Timeline so that at most
// maxTimelineRows remain. It returns the rows and their step (see
// [coarsen]). A merged row sums requests, 5xx and application errors and
// keeps the worst p95.
func rebin(r *Report) ([]TimelineRow, time.Duration) {
	base := timelineStep(r)
	rows := r.Timeline
	if len(rows) == 0 {
		return rows, base
	}
	step := coarsen(base, rows[0].Start, rows[len(rows)-1].Start, tableSteps, maxTimelineRows)
	if step == base {
		return rows, base
	}
	var out []TimelineRow
	for _, m := range rows {
		b := m.Start.Truncate(step)
		if len(out) == 0 || !b.Equal(out[len(out)-1].Start) {
			out = append(out, TimelineRow{Start: b})
		}
		o := &out[len(out)-1]
		o.Requests += m.Requests
		o.Errors5xx += m.Errors5xx
		o.AppErrors += m.AppErrors
		o.P95 = max(o.P95, m.P95)
	}
	return out, step
}

// coarsen returns the shortest step that shows the rows from first to
// last (their starts) in at most maxRows rows aligned to the step: base
// itself, else the shortest of candidates that is a multiple of base,
// else a multiple of a day (of base when a day is not a multiple of it).
func coarsen(base time.Duration, first, last time.Time, candidates []time.Duration, maxRows int) time.Duration {
	fits := func(s time.Duration) bool {
		return last.Truncate(s).Sub(first.Truncate(s))/s < time.Duration(maxRows)
	}
	if fits(base) {
		return base
	}
	for _, s := range candidates {
		if s > base && s%base == 0 && fits(s) {
			return s
		}
	}
	unit := base
	if day := 24 * time.Hour; day%base == 0 {
		unit = day
	}
	s := unit
	for !fits(s) {
		s += unit
	}
	return s
}
