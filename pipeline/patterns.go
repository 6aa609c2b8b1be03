package pipeline

import "strings"

// endpointKind marks the endpoints the runbook singles out.
type endpointKind uint8

const (
	kindOrdinary endpointKind = iota
	kindPayment
	kindExport
	kindLogin
)

// patterns classifies endpoint keys by the globs of WindowOptions.
type patterns struct {
	payment, export, login string
}

func newPatterns(w WindowOptions) patterns {
	return patterns{payment: w.PaymentPattern, export: w.ExportPattern, login: w.LoginPattern}
}

// kind classifies an endpoint key ("GET /api/payments/{id}") by its path.
// It runs once per distinct endpoint, not per line.
func (p patterns) kind(key string) endpointKind {
	_, path, _ := strings.Cut(key, " ")
	switch {
	case glob(p.payment, path):
		return kindPayment
	case glob(p.export, path):
		return kindExport
	case glob(p.login, path):
		return kindLogin
	}
	return kindOrdinary
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
