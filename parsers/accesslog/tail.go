package accesslog

import (
	"fmt"
	"math"
	"slices"

	"github.com/vigil-ops/vigil/parsers"
)

// A combined or common log may end in an integer that no format string
// names: a duration in some unit, Traefik's request counter, or a byte
// count (ingress-nginx's line cut after $request_length, $bytes_sent).
// Detect takes it as milliseconds only when the sample's values rule out
// a counter and a byte count; judgeTail reads them.

// The thresholds of judgeTail.
const (
	// minTailLines is the fewest integers that judgeTail judges; with
	// fewer the unit stays unknown. At 20, a trend as strong as
	// counterTau has a chance under 1e-6 among random durations.
	minTailLines = 20
	// counterTau is the least rank correlation (Kendall's tau) of the
	// values with their line's order that makes them a counter: it grows
	// from line to line, a little out of order where requests overlap.
	counterTau = 0.8
	// byteShare is the least share of lines whose value is at least a
	// byte count the line implies (the request's own head, or the
	// response body) for the values to be that byte count.
	byteShare = 0.95
	// bytesSentCorr is the least correlation (Pearson) with the
	// response's bytes that makes the values $bytes_sent.
	bytesSentCorr = 0.9
)

// tailLine is what Detect saw on a line ending in an integer.
type tailLine struct {
	v int64 // the integer
	// bytes is the response body's size (0 for "-"), head the least size
	// of the request as the line tells it: its request line, its
	// User-Agent and Referer headers and the blank line.
	bytes, head int64
}

// newTailLine returns what r, a record of a line ending in the integer v,
// tells of it.
func newTailLine(v int64, r *parsers.Record) tailLine {
	head := int64(len(r.Method) + 1 + len(r.Target) + 2 + 2)
	if r.Proto != nil {
		head += int64(1 + len(r.Proto))
	}
	if r.UserAgent != nil {
		head += int64(len("User-Agent: ") + len(r.UserAgent) + 2)
	}
	if r.Referer != nil {
		head += int64(len("Referer: ") + len(r.Referer) + 2)
	}
	return tailLine{v: v, bytes: max(r.Bytes, 0), head: head}
}

// tailVerdict is what judgeTail makes of the integers.
type tailVerdict uint8

const (
	tailUnknown  tailVerdict = iota // too few lines to tell
	tailCounter                     // a request counter
	tailRequest                     // the request's size ($request_length)
	tailSent                        // the response's size ($bytes_sent)
	tailTooLarge                    // too large for milliseconds
	tailMS                          // none of these: milliseconds, assumed
	tailFraction                    // decimals not written as $request_time
)

// judgeTail reads the integers of lines, in line order; see the
// constants. The rules go from the most specific: microseconds are also
// at least the request's head, a counter may come to be.
func judgeTail(lines []tailLine) tailVerdict {
	n := len(lines)
	switch {
	case n < minTailLines:
		return tailUnknown
	case kendallTau(lines) >= counterTau:
		return tailCounter
	case share(lines, func(l tailLine) bool { return l.v >= l.bytes }) >= byteShare && bytesCorrelation(lines) >= bytesSentCorr:
		return tailSent
	case median(lines) > parsers.MaxMedianMS:
		return tailTooLarge
	case share(lines, func(l tailLine) bool { return l.v >= l.head }) >= byteShare:
		return tailRequest
	}
	return tailMS
}

// kendallTau is the rank correlation of the values with their order:
// (concordant - discordant pairs) / all pairs; ties count as neither.
func kendallTau(lines []tailLine) float64 {
	var c, d int
	for i := range lines {
		for _, l := range lines[i+1:] {
			switch {
			case l.v > lines[i].v:
				c++
			case l.v < lines[i].v:
				d++
			}
		}
	}
	n := len(lines)
	return float64(c-d) / float64(n*(n-1)/2)
}

// share is the share of lines for which ok holds.
func share(lines []tailLine, ok func(tailLine) bool) float64 {
	k := 0
	for _, l := range lines {
		if ok(l) {
			k++
		}
	}
	return float64(k) / float64(len(lines))
}

// bytesCorrelation is Pearson's correlation of the values with the
// response bytes, 0 when either does not vary.
func bytesCorrelation(lines []tailLine) float64 {
	var sx, sy float64
	for _, l := range lines {
		sx += float64(l.v)
		sy += float64(l.bytes)
	}
	n := float64(len(lines))
	mx, my := sx/n, sy/n
	var cov, vx, vy float64
	for _, l := range lines {
		dx, dy := float64(l.v)-mx, float64(l.bytes)-my
		cov += dx * dy
		vx += dx * dx
		vy += dy * dy
	}
	if vx == 0 || vy == 0 {
		return 0
	}
	return cov / math.Sqrt(vx*vy)
}

func median(lines []tailLine) int64 {
	vs := make([]int64, len(lines))
	for i, l := range lines {
		vs[i] = l.v
	}
	slices.Sort(vs)
	return vs[len(vs)/2]
}

// tailNames are the suffixes of a format's name for each verdict.
var tailNames = [...]string{
	tailUnknown:  " + trailing integer ignored (unit unknown: not taken as a duration; give --duration-unit)",
	tailCounter:  " + trailing integer ignored (unit unknown, grows like a request counter: not taken as a duration)",
	tailRequest:  " + trailing integer ignored (unit unknown, sized like a byte count: not taken as a duration)",
	tailSent:     " + trailing integer ignored (unit unknown, sized like a byte count: not taken as a duration)",
	tailTooLarge: " + trailing integer ignored (unit unknown, too large for ms: not taken as a duration)",
	tailMS:       " + duration (ms, assumed)",
	tailFraction: " + trailing number ignored (unit unknown, not written as nginx's $request_time: not taken as a duration; give --duration-unit)",
}

// tailNote says how a format reads its trailing integer after verdict v
// on lines lines, for a warning (see [Format.TailNote]).
func tailNote(v tailVerdict, lines int) string {
	const ignored = "each line ends in an integer that is not read as a duration: "
	const give = "; give --duration-unit if it is one"
	switch v {
	case tailUnknown:
		return fmt.Sprintf("%sits unit is unknown, and %d lines are too few to tell a duration from a counter or a byte count (a counter or a byte count looks the same)%s", ignored, lines, give)
	case tailCounter:
		return ignored + "it grows from line to line like a request counter (Traefik's)" + give
	case tailRequest:
		return ignored + "on nearly every line it is at least the size of the request's own head, like a byte count ($request_length)" + give
	case tailSent:
		return ignored + "it follows the response's bytes and is at least as large, like a byte count ($bytes_sent)" + give
	case tailTooLarge:
		return ignored + "its values are too large for milliseconds (microseconds, or a count)" + give
	case tailFraction:
		return fmt.Sprintf("each line ends in a number that is not read as a duration: over %d lines, the numbers are not all written as nginx's $request_time (seconds with three decimals, \"0.012\"), so their unit is unknown%s", lines, give)
	case tailMS:
		return fmt.Sprintf("each line ends in an integer read as a duration in milliseconds, assumed: its values over %d lines are neither a counter nor a byte count, but their unit is not written; give --duration-unit if it is another", lines)
	}
	panic("BUG: unknown tail verdict")
}
