package window

import (
	"strings"
	"time"
)

// Config is what windows count at line time, derived from the detection
// rules (their one source of truth). The zero value means every default.
type Config struct {
	// Size is the window length. Default: 1 minute.
	Size time.Duration
	// SlowWarn and SlowAlert are the latency thresholds counted per window
	// (the runbook's "normal < 500 ms" and "alert > 2000 ms").
	// Default: 500 ms and 2000 ms.
	SlowWarn, SlowAlert time.Duration
	// Payment, Export and Login are globs ('*' matches any run of bytes)
	// over the path of an endpoint key that mark payment, data-export and
	// login endpoints. Default: "/api/payments*", "*export*", "*login*".
	Payment, Export, Login string
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Size <= 0 {
		c.Size = time.Minute
	}
	if c.SlowWarn <= 0 {
		c.SlowWarn = 500 * time.Millisecond
	}
	if c.SlowAlert <= 0 {
		c.SlowAlert = 2000 * time.Millisecond
	}
	if c.Payment == "" {
		c.Payment = "/api/payments*"
	}
	if c.Export == "" {
		c.Export = "*export*"
	}
	if c.Login == "" {
		c.Login = "*login*"
	}
	return c
}

// StartOf returns the start of the window holding event time t (Unix
// nanoseconds), flooring towards the past for times before 1970.
func (c *Config) StartOf(t int64) int64 {
	size := int64(c.Size)
	start := t - t%size
	if t%size < 0 {
		start -= size
	}
	return start
}

// EndpointKind marks the endpoints the runbook singles out.
type EndpointKind uint8

// Endpoint kinds.
const (
	Ordinary EndpointKind = iota
	Payment
	Export
	Login
)

// Named reports whether a rule names endpoints of kind k: such endpoints
// are never folded into "other".
func (k EndpointKind) Named() bool { return k != Ordinary }

// KindOf classifies an endpoint key ("GET /api/payments/{id}") by its
// path. Callers cache the result per key: it runs once per distinct
// endpoint, not per line.
func (c *Config) KindOf(key string) EndpointKind {
	_, path, _ := strings.Cut(key, " ")
	switch {
	case glob(c.Payment, path):
		return Payment
	case glob(c.Export, path):
		return Export
	case glob(c.Login, path):
		return Login
	}
	return Ordinary
}

// glob reports whether s matches pattern, where '*' matches any run of
// bytes (slashes included) and every other byte matches itself.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}
