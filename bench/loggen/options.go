package loggen

import (
	"errors"
	"fmt"
	"time"
)

// Formats accepted by [Options].Format.
const (
	// FormatCombined is the NCSA combined format as nginx writes it.
	FormatCombined = "combined"
	// FormatCombinedRT is combined plus nginx's " $request_time": seconds
	// with three decimals.
	FormatCombinedRT = "combined_rt"
	// FormatJSON is one JSON object per line, access entries and a few
	// application error entries.
	FormatJSON = "json"
)

// Defaults of [Options].
const (
	DefaultLines  = 10000
	DefaultFormat = FormatCombined
	DefaultRate   = 100
)

// DefaultStart is the default of [Options].Start: 2026-03-01T00:00:00Z.
var DefaultStart = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// Options configure [Generate]. The zero value generates DefaultLines lines
// of combined log from seed 0.
type Options struct {
	// Lines is the number of lines to write.
	// Default: DefaultLines (10000).
	Lines int
	// Seed selects the log; the same Options give the same bytes. Every
	// value, 0 included, is a valid seed.
	Seed uint64
	// Format is FormatCombined, FormatCombinedRT or FormatJSON.
	// Default: FormatCombined.
	Format string
	// Start is the time from which events advance, written in UTC.
	// Default: DefaultStart (2026-03-01T00:00:00Z).
	Start time.Time
	// Rate is the mean number of lines per second over a whole day, before
	// injected incidents add theirs. The instantaneous rate follows a
	// diurnal curve from 0.46×Rate at 04:00 UTC to 1.54×Rate at 16:00 UTC.
	// Default: DefaultRate (100).
	Rate float64
	// Inject adds the incidents described in the package documentation and
	// makes [Generate] return their labels.
	Inject bool
}

// withDefaults returns o with zero fields set to their defaults, or an
// error for values out of range.
func (o Options) withDefaults() (Options, error) {
	if o.Lines < 0 {
		return o, fmt.Errorf("cannot generate %d lines: want a count >= 0", o.Lines)
	}
	if o.Lines == 0 {
		o.Lines = DefaultLines
	}
	switch o.Format {
	case "":
		o.Format = DefaultFormat
	case FormatCombined, FormatCombinedRT, FormatJSON:
	default:
		return o, fmt.Errorf("cannot generate format %q: want %q, %q or %q", o.Format, FormatCombined, FormatCombinedRT, FormatJSON)
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	o.Start = o.Start.UTC()
	if o.Rate < 0 || o.Rate != o.Rate {
		return o, errors.New("cannot generate at a negative or NaN rate")
	}
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	return o, nil
}

// Label describes one injected incident: what a detector should report.
type Label struct {
	// Kind is "outage", "payment_failures", "attack", "exfiltration",
	// "latency" or "error_rate".
	Kind string `json:"kind"`
	// Severity is "P1" or "P2".
	Severity string `json:"severity"`
	// Subject is what the incident is about: "*" for the whole service, an
	// endpoint key ("POST /api/payments/{id}/charge"), a client IP or a
	// user id.
	Subject string `json:"subject"`
	// Start and End bound the event times of the incident: it affects
	// events in [Start, End).
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}
