package probe

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Defaults of a Spec's options.
const (
	// DefaultEvery is the time between checks.
	DefaultEvery = 30 * time.Second
	// DefaultTimeout bounds a check, body included (or Every, when
	// shorter).
	DefaultTimeout = 5 * time.Second
)

// Severities of a probe's endpoint_down incident.
const (
	SeverityP1 = "P1"
	SeverityP2 = "P2"
)

// Spec is one probe, as ParseSpec reads it.
type Spec struct {
	// Name names the probe (label probe).
	Name string
	// URL is fetched with GET.
	URL string
	// Expect, if not empty, must be in the body's first MaxBody bytes.
	Expect string
	// Every is the time between checks.
	Every time.Duration
	// Timeout bounds a check.
	Timeout time.Duration
	// Severity is SeverityP1 or SeverityP2.
	Severity string
}

// options are the option names of a spec.
var options = []string{"expect", "every", "timeout", "severity"}

// ParseSpec reads NAME=URL[,OPTION=VALUE...] (see the package doc) with
// its defaults applied.
func ParseSpec(s string) (Spec, error) {
	name, rest, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return Spec{}, fmt.Errorf("cannot parse probe %q: want NAME=URL[,expect=TEXT][,every=30s][,timeout=5s][,severity=P1]", s)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return Spec{}, fmt.Errorf("cannot parse probe %q: name %q may hold letters, digits, '_', '-' and '.' only", s, name)
		}
	}
	parts := splitOptions(rest)
	sp := Spec{Name: name, URL: parts[0]}
	if err := checkURL(sp.URL); err != nil {
		return Spec{}, fmt.Errorf("cannot parse probe %q: %w", s, err)
	}
	var timeoutSet bool
	seen := map[string]bool{}
	for _, p := range parts[1:] {
		key, v, _ := strings.Cut(p, "=")
		if seen[key] {
			return Spec{}, fmt.Errorf("cannot parse probe %q: %s given twice", s, key)
		}
		seen[key] = true
		var err error
		switch key {
		case "expect":
			if v == "" {
				err = fmt.Errorf("expect= wants a text")
			}
			sp.Expect = v
		case "every":
			sp.Every, err = positive(key, v)
		case "timeout":
			sp.Timeout, err = positive(key, v)
			timeoutSet = true
		case "severity":
			sp.Severity = strings.ToUpper(v)
			if sp.Severity != SeverityP1 && sp.Severity != SeverityP2 {
				err = fmt.Errorf("severity %q: want P1 or P2", v)
			}
		}
		if err != nil {
			return Spec{}, fmt.Errorf("cannot parse probe %q: %w", s, err)
		}
	}
	return sp.withDefaults(timeoutSet)
}

// splitOptions splits URL[,OPTION=VALUE...] at the commas before an
// option's name and '='; parts[0] is the URL.
func splitOptions(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ',' && isOption(s[i+1:]) {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func isOption(s string) bool {
	for _, o := range options {
		if strings.HasPrefix(s, o+"=") {
			return true
		}
	}
	return false
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("URL %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("URL %q: want http:// or https:// and a host", s)
	}
	if strings.ContainsAny(u.Host, ",=") {
		return fmt.Errorf("URL %q: host %q holds ',' or '=': a misspelt option? (options: %s)", s, u.Host, strings.Join(options, ", "))
	}
	return nil
}

func positive(key, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive duration (30s, 1m)", key, v)
	}
	return d, nil
}

// withDefaults fills the options not given; a timeout given longer than
// every is an error.
func (sp Spec) withDefaults(timeoutSet bool) (Spec, error) {
	if sp.Every == 0 {
		sp.Every = DefaultEvery
	}
	switch {
	case !timeoutSet:
		sp.Timeout = min(DefaultTimeout, sp.Every)
	case sp.Timeout > sp.Every:
		return Spec{}, fmt.Errorf("cannot use probe %s: timeout %s is longer than every %s", sp.Name, sp.Timeout, sp.Every)
	}
	if sp.Severity == "" {
		sp.Severity = SeverityP2
		if isAppHealth(sp.URL) {
			sp.Severity = SeverityP1
		}
	}
	return sp, nil
}

// isAppHealth tells the application's health URL: path /api/health or
// /health.
func isAppHealth(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	p := strings.TrimSuffix(u.Path, "/")
	return p == "/api/health" || p == "/health"
}
