package pipeline

import (
	"fmt"
	"runtime"
	"time"

	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// MaxWorkers bounds Options.Workers: more parsing goroutines than this
// only cost memory.
const MaxWorkers = 256

// DefaultLateness is the default of Options.Lateness: it covers real logs
// written out of order by a few seconds to a minute (the bundled
// apache_logs is up to 59 s out of order).
const DefaultLateness = 2 * time.Minute

// Options configure an analysis. The zero value means every default.
type Options struct {
	// Format names the input format, or "" to detect it per input from its
	// first lines. Default: "".
	Format string
	// LogFormat is an nginx log_format ("$remote_addr …") or Apache
	// LogFormat ("%h %l …") string; it overrides Format.
	LogFormat string
	// DurationUnit overrides the unit of duration fields: "s", "ms", "us"
	// or "ns". Default: the format's own or the detected unit.
	DurationUnit string
	// Fields point record fields at keys of JSON and logfmt lines, as
	// --field gives them: "role=name" (see parsers.ParseFieldSpec), each
	// looked up before the format's own names for the role.
	// Default: none.
	Fields []string
	// Workers is the number of parsing goroutines, 1 to MaxWorkers.
	// Default: GOMAXPROCS.
	Workers int
	// Top is the length of every top-N list. Default: 10.
	Top int
	// Since and Until keep only lines with event time in [Since, Until).
	// Zero means unbounded.
	Since, Until time.Time
	// Exact lifts every memory budget: exact answers whatever the input's
	// cardinality, memory growing with it.
	Exact bool
	// MalformedSamples is how many rejected lines the report shows.
	// Default: 5.
	MalformedSamples int
	// SampleBytes is how many bytes of a rejected line a sample keeps
	// ([Sample.Text]); a longer line is cut. A caller that passes the
	// rejected lines on whole (ingest's dead-letter topic) raises it to
	// the longest line its source keeps. Default: 200.
	SampleBytes int
	// Rules are the detection rules; the windows count what they need
	// (window size, slow thresholds, endpoint globs). Zero fields: the
	// runbook's defaults.
	Rules detect.Rules
	// Lateness is how far behind the newest event time of its source a
	// line may be and still count in its window. Default: DefaultLateness.
	Lateness time.Duration
	// TimelineStep fixes the timeline's row length; 0 adapts it to the
	// span (one row a window up to summary.DefaultMaxRows rows).
	TimelineStep time.Duration
	// OnEvent, if set, receives every incident event as it happens, from
	// the merger goroutine: it must not block for long.
	OnEvent func(incident.Event)
	// OnWindow, if set, receives each window as the engine closes it,
	// merged over workers and sources, oldest first and before detection
	// reads it, from the merger goroutine: it must not block for long. w
	// is valid only during the call; read it (window.Window.AppendBinary)
	// but neither keep nor modify it.
	OnWindow func(w *window.Window)
	// OnOpen, if set, is called after each batch is merged with the
	// windows still open, by start, from the merger goroutine: the newest
	// lines before their windows close. It must return at once when it
	// has nothing to do (it is called per batch); the map and windows are
	// valid only during the call, to read (window.Window.AppendBinary),
	// neither to keep nor to modify.
	OnOpen func(open map[int64]*window.Window)
	// Progress, if set, is called as each batch is parsed, with the raw
	// bytes the source consumed for it and its lines. It is called from
	// the workers and must be safe for concurrent use.
	Progress func(rawBytes int64, lines int)
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Top <= 0 {
		o.Top = 10
	}
	if o.MalformedSamples <= 0 {
		o.MalformedSamples = 5
	}
	if o.SampleBytes <= 0 {
		o.SampleBytes = sampleBytes
	}
	if o.Lateness <= 0 {
		o.Lateness = DefaultLateness
	}
	return o
}

// Validate reports settings that cannot work, before any input is read:
// an unknown format name, a log format that does not compile, an unknown
// duration unit, an empty time filter, or out-of-range numbers.
func (o Options) Validate() error {
	if o.Workers < 0 || o.Workers > MaxWorkers {
		return fmt.Errorf("cannot use %d workers: want 1 to %d (0: all cores)", o.Workers, MaxWorkers)
	}
	if o.Top < 0 {
		return fmt.Errorf("cannot list the top %d: want a positive length", o.Top)
	}
	if o.Lateness < 0 || o.TimelineStep < 0 {
		return fmt.Errorf("cannot use a negative lateness or timeline step")
	}
	if o.LogFormat != "" || o.Format != "" {
		if _, err := chooseFormat(&o, nil); err != nil {
			return err
		}
	} else if err := checkInput(&o); err != nil {
		return err
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && !o.Since.Before(o.Until) {
		return fmt.Errorf("cannot filter on an empty time range: since %s is not before until %s", o.Since.Format(time.RFC3339), o.Until.Format(time.RFC3339))
	}
	return o.Rules.Validate()
}
