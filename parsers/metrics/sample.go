package metrics

import "github.com/vigil-ops/vigil/parsers"

// NoTime is [Sample].Time of a sample whose line has no timestamp: the
// caller stamps it with the time it read the line (one time for every
// sample of one scrape, so that the [Mapper] can pair them). It is
// [parsers.NoTime], not 0: 0 is the Unix epoch.
const NoTime = parsers.NoTime

// Type is the metric type a sample's format declares: Prometheus's
// "# TYPE" line, the "type" key of a JSON line. Line protocol has none.
type Type uint8

const (
	// TypeUntyped: no type given, or one this package does not name.
	TypeUntyped Type = iota
	TypeCounter
	TypeGauge
	TypeHistogram
	TypeSummary
)

var typeNames = [...]string{"untyped", "counter", "gauge", "histogram", "summary"}

// String returns the type's name as Prometheus writes it.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "untyped"
}

// parseType reads a type name of "# TYPE" or of a JSON line. OpenMetrics'
// other types (unknown, gaugehistogram, stateset, info) are untyped.
func parseType(b []byte) (Type, bool) {
	switch string(b) {
	case "counter":
		return TypeCounter, true
	case "gauge":
		return TypeGauge, true
	case "histogram":
		return TypeHistogram, true
	case "summary":
		return TypeSummary, true
	case "untyped", "unknown", "gaugehistogram", "stateset", "info":
		return TypeUntyped, true
	}
	return TypeUntyped, false
}

// Label is one label of a sample: a Prometheus label, an InfluxDB tag, a
// key of a JSON line's "labels". Name and Value alias the line or the
// parser's buffers (escapes decoded) and are valid until the parser's next
// Parse.
type Label struct {
	Name, Value []byte
}

// Sample is one metric sample.
//
// Name, Labels and the bytes they hold alias the line given to the parser
// or the parser's own buffers, and are valid until the parser's next Parse
// (or Next, for the samples of one line-protocol line). Copy what you keep
// longer: a series key, a label kept past a batch.
type Sample struct {
	// Name is the metric name: Prometheus's metric name, the JSON line's
	// "name", or for line protocol measurement + "_" + field key
	// ("mem_used_percent"), the name Telegraf's Prometheus output gives
	// the same field.
	Name []byte
	// Value is the sample's value. Prometheus and JSON lines may carry
	// NaN and ±Inf; line protocol cannot.
	Value float64
	// Time is the sample's time in Unix nanoseconds, UTC; [NoTime] when
	// the line has none.
	Time int64
	// Labels are the sample's labels in the order of the line. The slice
	// belongs to the parser: do not append to it.
	Labels []Label
	// Type is the type the format declares, [TypeUntyped] when it says
	// none.
	Type Type
}

// Label returns the value of the first label of s named name, nil when s
// has none. It allocates nothing.
func (s *Sample) Label(name string) []byte {
	for i := range s.Labels {
		if string(s.Labels[i].Name) == name {
			return s.Labels[i].Value
		}
	}
	return nil
}

// reset empties s; labels become the parser's (emptied) slice.
func (s *Sample) reset(labels []Label) {
	*s = Sample{Time: NoTime, Labels: labels}
}
