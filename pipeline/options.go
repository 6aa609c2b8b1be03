package pipeline

import (
	"fmt"
	"runtime"
	"time"

	"github.com/vigil-ops/vigil/parsers/jsonlog"
)

// Options configure an analysis. The zero value means every default.
type Options struct {
	// Format names the input format: "common", "combined", "json", or ""
	// to detect it per input from its first lines. Default: "".
	Format string
	// LogFormat is an nginx log_format ("$remote_addr …") or Apache
	// LogFormat ("%h %l …") string; it overrides Format.
	LogFormat string
	// DurationUnit overrides the unit of duration fields: "s", "ms", "us"
	// or "ns". Default: the format's own or the detected unit.
	DurationUnit string
	// Workers is the number of parsing goroutines. Default: GOMAXPROCS.
	Workers int
	// Top is the length of every top-N list. Default: 10.
	Top int
	// Since and Until keep only lines with event time in [Since, Until).
	// Zero means unbounded.
	Since, Until time.Time
	// Last keeps only the last duration of the log: lines with event time
	// after (latest event time - Last). It needs seekable inputs or a
	// pre-pass over compressed ones. Zero means off.
	Last time.Duration
	// MaxLineBytes caps the length of a line; longer lines are counted as
	// too long and skipped. Default: 64 KiB.
	MaxLineBytes int
	// Exact replaces bounded summaries (Space-Saving, HyperLogLog) by exact
	// maps: exact answers, memory growing with the input's cardinality.
	Exact bool
	// MaxEndpoints caps distinct endpoint keys per worker; the rest count
	// as "other". Default: 2000.
	MaxEndpoints int
	// MalformedSamples is how many rejected lines the report shows.
	// Default: 5.
	MalformedSamples int
	// Windows configures the per-window aggregates.
	Windows WindowOptions
	// Progress, if set, is called as input is handed to the workers, with
	// the bytes read from the files (compressed bytes for compressed
	// inputs) and the lines cut since its previous call. It is called from
	// several goroutines at once and must be safe for concurrent use.
	Progress func(rawBytes int64, lines int)
}

// WindowOptions configure the event-time windows read by the detectors.
type WindowOptions struct {
	// Size is the window length. Default: 1 minute.
	Size time.Duration
	// SlowWarn and SlowAlert are the latency thresholds counted per window
	// (the runbook's "normal < 500 ms" and "alert > 2000 ms").
	// Default: 500 ms and 2000 ms.
	SlowWarn, SlowAlert time.Duration
	// PaymentPattern, ExportPattern and LoginPattern are globs ('*' matches
	// any run of bytes) over the path of an endpoint key that mark payment,
	// data-export and login endpoints.
	// Default: "/api/payments*", "*export*", "*login*".
	PaymentPattern, ExportPattern, LoginPattern string
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Top <= 0 {
		o.Top = 10
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = 64 << 10
	}
	if o.MaxEndpoints <= 0 {
		o.MaxEndpoints = 2000
	}
	if o.MalformedSamples <= 0 {
		o.MalformedSamples = 5
	}
	o.Windows = o.Windows.withDefaults()
	return o
}

func (w WindowOptions) withDefaults() WindowOptions {
	if w.Size <= 0 {
		w.Size = time.Minute
	}
	if w.SlowWarn <= 0 {
		w.SlowWarn = 500 * time.Millisecond
	}
	if w.SlowAlert <= 0 {
		w.SlowAlert = 2000 * time.Millisecond
	}
	if w.PaymentPattern == "" {
		w.PaymentPattern = "/api/payments*"
	}
	if w.ExportPattern == "" {
		w.ExportPattern = "*export*"
	}
	if w.LoginPattern == "" {
		w.LoginPattern = "*login*"
	}
	return w
}

// Validate reports settings that cannot work, before any input is read:
// an unknown format name, a log format that does not compile, an unknown
// duration unit, or an empty time filter.
func (o Options) Validate() error {
	if o.LogFormat != "" || o.Format != "" {
		if _, err := chooseFormat(&o, nil); err != nil {
			return err
		}
	} else if err := (jsonlog.Options{DurationUnit: o.DurationUnit}).Validate(); err != nil {
		return err
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && !o.Since.Before(o.Until) {
		return fmt.Errorf("cannot filter on an empty time range: since %s is not before until %s", o.Since.Format(time.RFC3339), o.Until.Format(time.RFC3339))
	}
	return nil
}
