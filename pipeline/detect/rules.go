package detect

import (
	"strings"
	"time"

	"github.com/vigil-ops/vigil/pipeline/window"
)

// Rules are the thresholds of incident detection: the runbook's numbers
// and the statistics that keep a quiet day quiet. docs/rules.md documents
// every rule and the file format.
//
// The zero value means every default, and so does every zero field: a
// partial Rules (or rules file) overrides only what it sets. Rules are
// plain values, safe to copy and to share between goroutines.
type Rules struct {
	// WindowSize is the length of the windows the rules read: per-minute
	// numbers scale with it and durations round up to whole windows.
	// Default: 1m.
	WindowSize Duration `json:"window_size"`
	// Confidence is how sure a ratio rule must be that the true ratio is
	// above its threshold before a window counts (the lower bound of the
	// Wilson score interval). 0.5 compares the observed ratio as it is.
	// Default: 0.99.
	Confidence float64 `json:"confidence"`
	// Baseline is how far back the trailing baselines look (traffic
	// collapse, bursts, exports). Default: 1h.
	Baseline Duration `json:"baseline"`
	// MaxGap is the longest run of windows without traffic that is still
	// part of the log's timeline (and so may be an outage); a longer gap
	// ends every incident and starts detection afresh. Default: 24h.
	MaxGap Duration `json:"max_gap"`
	// Endpoints are the globs over an endpoint key's path ('*' matches any
	// run of bytes) that mark the endpoints the runbook singles out.
	Endpoints EndpointRules `json:"endpoints"`

	Outage          OutageRule      `json:"outage"`
	PaymentFailures PaymentRule     `json:"payment_failures"`
	Attack          ClientRule      `json:"attack"`
	Exfiltration    ClientRule      `json:"exfiltration"`
	ErrorRate       ErrorRateRule   `json:"error_rate"`
	Latency         LatencyRule     `json:"latency"`
	AuthFailures    AuthFailureRule `json:"auth_failures"`
	ErrorBurst      BurstRule       `json:"error_burst"`
	NotFoundSpike   BurstRule       `json:"not_found_spike"`
	BotSurge        BurstRule       `json:"bot_surge"`
	// Metrics are the threshold rules over metric series (metrics.go).
	Metrics MetricRules `json:"metrics"`
	// MetricMappings extend the built-in mappings of samples to metrics
	// (mappings.go). Default: none.
	MetricMappings []MetricMapping `json:"metric_mappings,omitempty"`
}

// EndpointRules name the payment, data-export, login and health-check
// endpoints.
type EndpointRules struct {
	// Default: "/api/payments*", "*export*", "*login*".
	Payment string `json:"payment"`
	Export  string `json:"export"`
	Login   string `json:"login"`
	// Health lists the health-check endpoints whose requests in an
	// access log are uptime points (docs/metrics.md).
	// Default: nil = "/health", "/healthz", "/api/health",
	// "/api/health/*"; empty (not nil) for none.
	Health HealthPaths `json:"health"`
}

// HealthPaths are request paths: each a path ("/api/health"), or a path
// ending in "/*" for every path under it ("/api/health/*" matches
// "/api/health/database").
type HealthPaths []string

// Match reports whether path (without its query string) is one of h.
func (h HealthPaths) Match(path string) bool {
	for _, p := range h {
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			if len(path) > len(prefix) && strings.HasPrefix(path, prefix) {
				return true
			}
		} else if path == p {
			return true
		}
	}
	return false
}

// HealthPaths returns r's health-check endpoints, the default when r
// sets none.
func (r Rules) HealthPaths() HealthPaths {
	if r.Endpoints.Health == nil {
		return defaultHealthPaths()
	}
	return r.Endpoints.Health
}

func defaultHealthPaths() HealthPaths {
	return HealthPaths{"/health", "/healthz", "/api/health", "/api/health/*"}
}

// RatioRule raises a window whose share of bad requests is above
// Threshold: over the trailing Window the pooled share must be above it
// with the rules' confidence on at least MinRequests requests, and the
// window's own share must be above it too. An incident needs bad windows
// lasting For.
type RatioRule struct {
	Off         bool     `json:"off,omitempty"`
	Threshold   float64  `json:"threshold"`
	MinRequests uint64   `json:"min_requests"`
	Window      Duration `json:"window"`
	For         Duration `json:"for"`
}

// OutageRule raises P1 when most requests fail (Failures, over 5xx) or
// when traffic collapses.
type OutageRule struct {
	// Default: 0.5 of at least 20 requests in 1m, for 2m.
	Failures RatioRule `json:"failures"`
	// Default: a drop of 0.8 against a baseline of 30 a minute, for 2m.
	Collapse CollapseRule `json:"collapse"`
}

// CollapseRule raises a window whose requests fell by Drop or more
// against the lower quartile of the trailing baseline's windows, when that
// is at least MinBaselinePerMinute requests a minute.
type CollapseRule struct {
	Off                  bool     `json:"off,omitempty"`
	Drop                 float64  `json:"drop"`
	MinBaselinePerMinute float64  `json:"min_baseline_per_minute"`
	For                  Duration `json:"for"`
}

// PaymentRule raises P1 when a payment endpoint succeeds for less than
// MinSuccess of its requests (a failure is a 5xx, or a 4xx other than 401,
// 403 and 429).
type PaymentRule struct {
	Off bool `json:"off,omitempty"`
	// Default: 0.95.
	MinSuccess float64 `json:"min_success"`
	// Default: 50 requests in 5m, for 2m.
	MinRequests uint64   `json:"min_requests"`
	Window      Duration `json:"window"`
	For         Duration `json:"for"`
}

// ClientRule raises P1 for one client (attack: auth failures by client IP)
// or one user (exfiltration: export requests by user, else by client IP)
// above MinPerMinute and, for exfiltration, above Factor times the
// trailing baseline's median of the window's top count.
type ClientRule struct {
	Off bool `json:"off,omitempty"`
	// Default: 20 (attack), 5 (exfiltration).
	MinPerMinute float64 `json:"min_per_minute"`
	// Default: 10 (exfiltration); attack has none.
	Factor float64 `json:"factor,omitempty"`
	// Default: 2m.
	For Duration `json:"for"`
}

// ErrorRateRule raises P2 (Alert) and P3 (Warn) on the share of 5xx.
type ErrorRateRule struct {
	// Default: 0.05 of at least 100 requests in 5m, for 2m.
	Alert RatioRule `json:"alert"`
	// Default: 0.01 of at least 300 requests in 15m, for 10m.
	Warn RatioRule `json:"warn"`
}

// LatencyRule raises P2 (Alert) and P3 (Warn) when the Percentile of
// latency is above a tier's Above, overall or on one endpoint with at
// least MinEndpointRequests requests in the tier's Window. "p95 above
// 2000 ms" is counted exactly as "more than 5 % of requests slower than
// 2000 ms".
type LatencyRule struct {
	Off bool `json:"off,omitempty"`
	// Default: 95.
	Percentile float64 `json:"percentile"`
	// Default: 50.
	MinEndpointRequests uint64 `json:"min_endpoint_requests"`
	// Default: above 2s, at least 100 requests in 5m, for 2m.
	Alert LatencyTier `json:"alert"`
	// Default: above 500ms, at least 300 requests in 15m, for 10m.
	Warn LatencyTier `json:"warn"`
}

// LatencyTier is one severity of LatencyRule.
type LatencyTier struct {
	Off         bool     `json:"off,omitempty"`
	Above       Duration `json:"above"`
	MinRequests uint64   `json:"min_requests"`
	Window      Duration `json:"window"`
	For         Duration `json:"for"`
}

// AuthFailureRule raises P2 when failed logins rise across many clients at
// once: the share of logins answered 401/403/429 is above Threshold (a
// RatioRule), at least MinClients clients failed, and no client made more
// than MaxTopShare of the failures (that would be an attack).
type AuthFailureRule struct {
	// Default: 0.5 of at least 20 logins in 5m, for 2m.
	RatioRule
	// Default: 10.
	MinClients int `json:"min_clients"`
	// Default: 0.5.
	MaxTopShare float64 `json:"max_top_share"`
}

// BurstRule raises a window whose share of some requests (5xx, 404, bots)
// jumps against the trailing baseline: at least MinPerMinute of them,
// Factor times the baseline (the upper quartile of the trailing windows'
// shares), and Deviations robust standard deviations (1.4826 MAD, at least
// the binomial one) above it, for For.
type BurstRule struct {
	Off bool `json:"off,omitempty"`
	// Default: 10 (error_burst), 30 (not_found_spike), 60 (bot_surge).
	MinPerMinute float64 `json:"min_per_minute"`
	// Default: 3.
	Factor float64 `json:"factor"`
	// Default: 4.
	Deviations float64 `json:"deviations"`
	// Default: 2m (error_burst), 3m (not_found_spike), 5m (bot_surge).
	For Duration `json:"for"`
}

// DefaultRules returns the runbook's rules.
func DefaultRules() Rules {
	return Rules{
		WindowSize: Duration(time.Minute),
		Confidence: 0.99,
		Baseline:   Duration(time.Hour),
		MaxGap:     Duration(24 * time.Hour),
		Endpoints:  EndpointRules{Payment: "/api/payments*", Export: "*export*", Login: "*login*", Health: defaultHealthPaths()},
		Outage: OutageRule{
			Failures: ratioRule(0.5, 20, time.Minute, 2*time.Minute),
			Collapse: CollapseRule{Drop: 0.8, MinBaselinePerMinute: 30, For: Duration(2 * time.Minute)},
		},
		PaymentFailures: PaymentRule{MinSuccess: 0.95, MinRequests: 50, Window: Duration(5 * time.Minute), For: Duration(2 * time.Minute)},
		Attack:          ClientRule{MinPerMinute: 20, For: Duration(2 * time.Minute)},
		Exfiltration:    ClientRule{MinPerMinute: 5, Factor: 10, For: Duration(2 * time.Minute)},
		ErrorRate: ErrorRateRule{
			Alert: ratioRule(0.05, 100, 5*time.Minute, 2*time.Minute),
			Warn:  ratioRule(0.01, 300, 15*time.Minute, 10*time.Minute),
		},
		Latency: LatencyRule{
			Percentile:          95,
			MinEndpointRequests: 50,
			Alert:               LatencyTier{Above: Duration(2 * time.Second), MinRequests: 100, Window: Duration(5 * time.Minute), For: Duration(2 * time.Minute)},
			Warn:                LatencyTier{Above: Duration(500 * time.Millisecond), MinRequests: 300, Window: Duration(15 * time.Minute), For: Duration(10 * time.Minute)},
		},
		AuthFailures: AuthFailureRule{
			RatioRule:   ratioRule(0.5, 20, 5*time.Minute, 2*time.Minute),
			MinClients:  10,
			MaxTopShare: 0.5,
		},
		ErrorBurst:    BurstRule{MinPerMinute: 10, Factor: 3, Deviations: 4, For: Duration(2 * time.Minute)},
		NotFoundSpike: BurstRule{MinPerMinute: 30, Factor: 3, Deviations: 4, For: Duration(3 * time.Minute)},
		BotSurge:      BurstRule{MinPerMinute: 60, Factor: 3, Deviations: 4, For: Duration(5 * time.Minute)},
		Metrics:       defaultMetricRules(),
	}
}

func ratioRule(threshold float64, minRequests uint64, window, forDur time.Duration) RatioRule {
	return RatioRule{Threshold: threshold, MinRequests: minRequests, Window: Duration(window), For: Duration(forDur)}
}

// WindowConfig returns what the windows must count at line time for r
// (zero fields taken as their defaults): the window size, the slow
// thresholds and the endpoint globs. The rules are its one source of
// truth: windows counted under another config do not fit an [Engine] of
// r.
func (r Rules) WindowConfig() window.Config {
	r = r.withDefaults()
	return window.Config{
		Size:      time.Duration(r.WindowSize),
		SlowWarn:  time.Duration(r.Latency.Warn.Above),
		SlowAlert: time.Duration(r.Latency.Alert.Above),
		Payment:   r.Endpoints.Payment,
		Export:    r.Endpoints.Export,
		Login:     r.Endpoints.Login,
	}
}

// withDefaults replaces every zero field of r by its default.
func (r Rules) withDefaults() Rules {
	d := DefaultRules()
	def(&r.WindowSize, d.WindowSize)
	def(&r.Confidence, d.Confidence)
	def(&r.Baseline, d.Baseline)
	def(&r.MaxGap, d.MaxGap)
	def(&r.Endpoints.Payment, d.Endpoints.Payment)
	def(&r.Endpoints.Export, d.Endpoints.Export)
	def(&r.Endpoints.Login, d.Endpoints.Login)
	r.Endpoints.Health = r.HealthPaths()
	r.Outage.Failures.fill(d.Outage.Failures)
	def(&r.Outage.Collapse.Drop, d.Outage.Collapse.Drop)
	def(&r.Outage.Collapse.MinBaselinePerMinute, d.Outage.Collapse.MinBaselinePerMinute)
	def(&r.Outage.Collapse.For, d.Outage.Collapse.For)
	def(&r.PaymentFailures.MinSuccess, d.PaymentFailures.MinSuccess)
	def(&r.PaymentFailures.MinRequests, d.PaymentFailures.MinRequests)
	def(&r.PaymentFailures.Window, d.PaymentFailures.Window)
	def(&r.PaymentFailures.For, d.PaymentFailures.For)
	r.Attack.fill(d.Attack)
	r.Exfiltration.fill(d.Exfiltration)
	r.ErrorRate.Alert.fill(d.ErrorRate.Alert)
	r.ErrorRate.Warn.fill(d.ErrorRate.Warn)
	def(&r.Latency.Percentile, d.Latency.Percentile)
	def(&r.Latency.MinEndpointRequests, d.Latency.MinEndpointRequests)
	r.Latency.Alert.fill(d.Latency.Alert)
	r.Latency.Warn.fill(d.Latency.Warn)
	r.AuthFailures.RatioRule.fill(d.AuthFailures.RatioRule)
	def(&r.AuthFailures.MinClients, d.AuthFailures.MinClients)
	def(&r.AuthFailures.MaxTopShare, d.AuthFailures.MaxTopShare)
	r.ErrorBurst.fill(d.ErrorBurst)
	r.NotFoundSpike.fill(d.NotFoundSpike)
	r.BotSurge.fill(d.BotSurge)
	r.Metrics.fill(&d.Metrics)
	return r
}

func (r *RatioRule) fill(d RatioRule) {
	def(&r.Threshold, d.Threshold)
	def(&r.MinRequests, d.MinRequests)
	def(&r.Window, d.Window)
	def(&r.For, d.For)
}

func (r *ClientRule) fill(d ClientRule) {
	def(&r.MinPerMinute, d.MinPerMinute)
	def(&r.Factor, d.Factor)
	def(&r.For, d.For)
}

func (t *LatencyTier) fill(d LatencyTier) {
	def(&t.Above, d.Above)
	def(&t.MinRequests, d.MinRequests)
	def(&t.Window, d.Window)
	def(&t.For, d.For)
}

func (r *BurstRule) fill(d BurstRule) {
	def(&r.MinPerMinute, d.MinPerMinute)
	def(&r.Factor, d.Factor)
	def(&r.Deviations, d.Deviations)
	def(&r.For, d.For)
}

// def sets *v to d when *v is the zero value.
func def[T comparable](v *T, d T) {
	var zero T
	if *v == zero {
		*v = d
	}
}
