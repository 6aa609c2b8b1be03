package detect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written in rules files as a Go duration
// string ("90s", "5m", "1h").
type Duration time.Duration

// MarshalJSON writes d as a duration string without zero units ("5m").
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("cannot parse duration %s: want a string such as \"5m\"", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("cannot parse duration %q: want a string such as \"5m\"", s)
	}
	*d = Duration(v)
	return nil
}

// String formats d like time.Duration, dropping zero trailing units:
// "5m" rather than "5m0s".
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// MaxRulesSize bounds a rules file. Rules files are a few KiB; anything
// larger is the wrong file (a log, a device such as /dev/zero), refused
// before it is read.
const MaxRulesSize = 1 << 20

// ParseRules reads a rules file (one JSON object, at most MaxRulesSize
// bytes) from rd. Keys it names override the defaults, absent or zero ones
// keep them; unknown keys and invalid values are errors that name the key.
func ParseRules(rd io.Reader) (Rules, error) {
	b, err := readCapped(rd)
	if err != nil {
		return Rules{}, fmt.Errorf("cannot read rules: %w", err)
	}
	return parseRules("", b)
}

// ReadRules reads the rules file at path with [ParseRules]. A file larger
// than MaxRulesSize is refused without reading it (or, for a device or a
// pipe, after MaxRulesSize bytes); one that does not start like a JSON
// object is refused on its first bytes.
func ReadRules(path string) (Rules, error) {
	f, err := os.Open(path)
	if err != nil {
		return Rules{}, fmt.Errorf("cannot read rules: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxRulesSize {
		return Rules{}, fmt.Errorf("cannot read rules %s: %w", path, errTooLarge)
	}
	b, err := readCapped(f)
	if err != nil {
		return Rules{}, fmt.Errorf("cannot read rules %s: %w", path, err)
	}
	return parseRules(path, b)
}

var errTooLarge = errors.New("larger than 1 MiB")

// readCapped reads rd to its end, or fails past MaxRulesSize bytes.
func readCapped(rd io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(rd, MaxRulesSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxRulesSize {
		return nil, errTooLarge
	}
	return b, nil
}

// parseRules parses and validates the rules in b, from the file named
// name ("" for none).
func parseRules(name string, b []byte) (Rules, error) {
	where := ""
	if name != "" {
		where = " " + name
	}
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] != '{' {
		return Rules{}, fmt.Errorf("cannot parse rules%s: want a JSON object, got %q", where, t[:min(len(t), 40)])
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Rules
	if err := dec.Decode(&r); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return Rules{}, fmt.Errorf("cannot parse rules%s at byte %d: %w", where, se.Offset, err)
		}
		return Rules{}, fmt.Errorf("cannot parse rules%s: %w", where, err)
	}
	if dec.More() {
		return Rules{}, fmt.Errorf("cannot parse rules%s: unexpected data after the rules object", where)
	}
	r = r.withDefaults()
	if err := r.Validate(); err != nil {
		err.(*InvalidRulesError).File = name
		return Rules{}, err
	}
	return r, nil
}

// WriteRules writes r, defaults filled in, as an indented rules file that
// [ParseRules] reads back to the same rules.
func WriteRules(w io.Writer, r Rules) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.withDefaults())
}

// InvalidRulesError lists every invalid value of a set of rules, each
// naming its key in the rules file.
type InvalidRulesError struct {
	// File names the rules file the rules came from, if any.
	File string
	Errs []error
}

// Error writes one error as one line, and several one per line under a
// count, so that they never run together.
func (e *InvalidRulesError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	if len(e.Errs) == 1 {
		b.WriteString(e.Errs[0].Error())
		return b.String()
	}
	fmt.Fprintf(&b, "%d invalid rules:", len(e.Errs))
	for _, err := range e.Errs {
		b.WriteString("\n  " + err.Error())
	}
	return b.String()
}

// Unwrap returns the errors, one per invalid value.
func (e *InvalidRulesError) Unwrap() []error { return e.Errs }

// Validate reports every invalid value of r (zero fields taken as their
// defaults) as an *[InvalidRulesError], or nil.
func (r Rules) Validate() error {
	r = r.withDefaults()
	var v validator
	if r.WindowSize < Duration(time.Second) {
		v.add("window_size", "must be at least 1s", r.WindowSize)
	}
	if r.Confidence < 0.5 || r.Confidence >= 1 {
		v.add("confidence", "must be in [0.5, 1)", r.Confidence)
	}
	v.duration("baseline", r.Baseline)
	v.duration("max_gap", r.MaxGap)
	v.ratio("outage.failures", r.Outage.Failures)
	v.between("outage.collapse.drop", r.Outage.Collapse.Drop, 0, 1, false)
	v.positive("outage.collapse.min_baseline_per_minute", r.Outage.Collapse.MinBaselinePerMinute)
	v.duration("outage.collapse.for", r.Outage.Collapse.For)
	v.between("payment_failures.min_success", r.PaymentFailures.MinSuccess, 0, 1, false)
	v.duration("payment_failures.window", r.PaymentFailures.Window)
	v.duration("payment_failures.for", r.PaymentFailures.For)
	v.client("attack", r.Attack)
	if r.Attack.Factor != 0 {
		v.add("attack.factor", "is not used by attack; remove it", r.Attack.Factor)
	}
	v.client("exfiltration", r.Exfiltration)
	v.ratio("error_rate.alert", r.ErrorRate.Alert)
	v.ratio("error_rate.warn", r.ErrorRate.Warn)
	if r.ErrorRate.Warn.Threshold > r.ErrorRate.Alert.Threshold {
		v.add("error_rate.warn.threshold", "must not exceed error_rate.alert.threshold", r.ErrorRate.Warn.Threshold)
	}
	v.between("latency.percentile", r.Latency.Percentile, 0, 100, false)
	v.tier("latency.alert", r.Latency.Alert)
	v.tier("latency.warn", r.Latency.Warn)
	if r.Latency.Warn.Above > r.Latency.Alert.Above {
		v.add("latency.warn.above", "must not exceed latency.alert.above", r.Latency.Warn.Above)
	}
	v.ratio("auth_failures", r.AuthFailures.RatioRule)
	v.positive("auth_failures.min_clients", float64(r.AuthFailures.MinClients))
	v.between("auth_failures.max_top_share", r.AuthFailures.MaxTopShare, 0, 1, true)
	v.burst("error_burst", r.ErrorBurst)
	v.burst("not_found_spike", r.NotFoundSpike)
	v.burst("bot_surge", r.BotSurge)
	v.health("endpoints.health", r.Endpoints.Health)
	v.metrics(&r.Metrics, r.Baseline)
	v.metricMappings(&r)
	if len(v.errs) == 0 {
		return nil
	}
	return &InvalidRulesError{Errs: v.errs}
}

type validator struct{ errs []error }

func (v *validator) add(key, msg string, got any) {
	v.errs = append(v.errs, fmt.Errorf("invalid rule %s: %s; got %v", key, msg, got))
}

// health checks each path: absolute, with '*' only in a final "/*".
func (v *validator) health(key string, h HealthPaths) {
	for i, p := range h {
		star := strings.IndexByte(p, '*')
		if !strings.HasPrefix(p, "/") || (star >= 0 && (star != len(p)-1 || !strings.HasSuffix(p, "/*"))) {
			v.add(fmt.Sprintf("%s[%d]", key, i), `must be a path ("/healthz") or a path ending in "/*" ("/api/health/*")`, strconv.Quote(p))
		}
	}
}

func (v *validator) duration(key string, d Duration) {
	if d <= 0 {
		v.add(key, "must be positive", d)
	}
}

func (v *validator) positive(key string, x float64) {
	if x <= 0 {
		v.add(key, "must be positive", x)
	}
}

// between checks lo < x < hi, or lo < x <= hi when closed is set.
func (v *validator) between(key string, x, lo, hi float64, closed bool) {
	switch {
	case x <= lo || x > hi:
		v.add(key, fmt.Sprintf("must be in (%g, %g]", lo, hi), x)
	case x == hi && !closed:
		v.add(key, fmt.Sprintf("must be in (%g, %g)", lo, hi), x)
	}
}

func (v *validator) ratio(key string, r RatioRule) {
	v.between(key+".threshold", r.Threshold, 0, 1, false)
	v.duration(key+".window", r.Window)
	v.duration(key+".for", r.For)
}

func (v *validator) tier(key string, t LatencyTier) {
	v.duration(key+".above", t.Above)
	v.duration(key+".window", t.Window)
	v.duration(key+".for", t.For)
}

func (v *validator) client(key string, r ClientRule) {
	v.positive(key+".min_per_minute", r.MinPerMinute)
	if r.Factor < 0 {
		v.add(key+".factor", "must not be negative", r.Factor)
	}
	v.duration(key+".for", r.For)
}

func (v *validator) burst(key string, r BurstRule) {
	v.positive(key+".min_per_minute", r.MinPerMinute)
	if r.Factor < 1 {
		v.add(key+".factor", "must be at least 1", r.Factor)
	}
	v.positive(key+".deviations", r.Deviations)
	v.duration(key+".for", r.For)
}
