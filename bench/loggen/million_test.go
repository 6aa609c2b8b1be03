package loggen

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers/useragent"
)

// TestGenerateMillion generates a million lines with incidents and checks
// the traffic mix against the documented shares, and each label against
// what the lines inside its window show.
func TestGenerateMillion(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: generates and parses 1M lines")
	}
	o := Options{Lines: 1_000_000, Seed: 2026, Format: FormatCombinedRT, Inject: true}
	data, labels := generate(t, o)
	lines := parseLog(t, o.Format, data)
	if len(lines) != o.Lines {
		t.Fatalf("unexpected line count; got %d; want %d", len(lines), o.Lines)
	}
	// window[i] is the index of the label whose window holds line i, or -1.
	window := make([]int, len(lines))
	for i, l := range lines {
		window[i] = slices.IndexFunc(labels, func(lb Label) bool { return !l.t.Before(lb.Start) && l.t.Before(lb.End) })
	}
	t.Run("labels", func(t *testing.T) { checkLabels(t, o, labels, lines) })
	t.Run("statuses", func(t *testing.T) { checkStatuses(t, lines, window) })
	t.Run("agents", func(t *testing.T) { checkAgents(t, lines, window) })
	t.Run("p95", func(t *testing.T) { checkLatency(t, lines, window) })
	for li, lb := range labels {
		t.Run(lb.Kind, func(t *testing.T) { checkIncident(t, lb, li, lines, window) })
	}
}

var exfilSubject = regexp.MustCompile(`^u\d+$`)

func checkLabels(t *testing.T, o Options, labels []Label, lines []line) {
	severities := map[string]string{"outage": "P1", "payment_failures": "P1", "attack": "P1", "exfiltration": "P1", "latency": "P2", "error_rate": "P2"}
	if len(labels) != len(severities) {
		t.Fatalf("unexpected number of labels; got %d; want %d", len(labels), len(severities))
	}
	var latencyKeys []string
	for _, i := range latencyCandidates {
		latencyKeys = append(latencyKeys, key(i))
	}
	last := lines[0].t
	for _, l := range lines {
		if l.t.After(last) {
			last = l.t
		}
	}
	notBefore := o.Start.Add(time.Hour)
	for _, lb := range labels {
		sev, ok := severities[lb.Kind]
		if !ok || sev != lb.Severity {
			t.Fatalf("unexpected kind or severity for %+v; got %q, %q; want one of %v", lb, lb.Kind, lb.Severity, severities)
		}
		delete(severities, lb.Kind)
		if d := lb.End.Sub(lb.Start); d < 5*time.Minute || d > 15*time.Minute {
			t.Fatalf("unexpected duration of %+v; got %v; want 5 to 15 min", lb, d)
		}
		if lb.Start.Before(notBefore) {
			t.Fatalf("unexpected start of %+v; got %v; want at least 20 min after the previous end and 1 h after the start (%v)", lb, lb.Start, notBefore)
		}
		notBefore = lb.End.Add(20 * time.Minute)
		var subjectOK bool
		switch lb.Kind {
		case "outage", "error_rate":
			subjectOK = lb.Subject == "*"
		case "payment_failures":
			subjectOK = lb.Subject == "POST /api/payments/{id}/charge"
		case "latency":
			subjectOK = slices.Contains(latencyKeys, lb.Subject)
		case "attack":
			_, err := netip.ParseAddr(lb.Subject)
			subjectOK = err == nil
		case "exfiltration":
			subjectOK = exfilSubject.MatchString(lb.Subject)
		}
		if !subjectOK {
			t.Fatalf("unexpected subject of %+v; got %q", lb, lb.Subject)
		}
	}
	if notBefore.After(last) {
		t.Fatalf("unexpected end of the last incident; got %v; want 20 min before the last line (%v)", notBefore.Add(-20*time.Minute), last)
	}
}

// share counts lines that pass a filter and those among them that match.
type share struct{ n, of int }

func (s *share) add(match bool) {
	s.of++
	if match {
		s.n++
	}
}

func (s share) in(lo, hi float64) bool {
	f := float64(s.n) / float64(s.of)
	return s.of > 0 && f >= lo && f <= hi
}

func checkStatuses(t *testing.T, lines []line, window []int) {
	var s200, s304, s3xx, s404, s5xx share
	var loginDenied share
	for i, l := range lines {
		if window[i] >= 0 {
			continue
		}
		s200.add(l.status == 200)
		s304.add(l.status == 304)
		s3xx.add(l.status == 301 || l.status == 302)
		s404.add(l.status == 404)
		s5xx.add(l.status >= 500)
		if l.key == "POST /api/auth/login" {
			loginDenied.add(l.status == 401 || l.status == 403)
		}
	}
	f := func(name string, s share, lo, hi float64) {
		t.Helper()
		if !s.in(lo, hi) {
			t.Fatalf("unexpected share of %s outside incidents; got %d of %d; want %v to %v", name, s.n, s.of, lo, hi)
		}
	}
	f("200", s200, 0.75, 0.9)
	f("304", s304, 0.05, 0.1)
	f("301 and 302", s3xx, 0.003, 0.015)
	f("404", s404, 0.015, 0.03)
	f("5xx", s5xx, 0.001, 0.003)
	f("401 and 403 on logins", loginDenied, 0.05, 0.15)
}

func checkAgents(t *testing.T, lines []line, window []int) {
	var classes [5]share
	var v6, users share
	ips := map[string]bool{}
	for i, l := range lines {
		if window[i] >= 0 {
			continue
		}
		c, _ := useragent.Classify([]byte(l.ua))
		for k := range classes {
			classes[k].add(int(c) == k)
		}
		v6.add(strings.Contains(l.ip, ":"))
		users.add(l.user != "-")
		ips[l.ip] = true
	}
	f := func(name string, s share, lo, hi float64) {
		t.Helper()
		if !s.in(lo, hi) {
			t.Fatalf("unexpected share of %s outside incidents; got %d of %d; want %v to %v", name, s.n, s.of, lo, hi)
		}
	}
	f("browsers", classes[useragent.Browser], 0.68, 0.72)
	f("bots", classes[useragent.Bot], 0.135, 0.165)
	f("tools", classes[useragent.Tool], 0.085, 0.115)
	f("monitors", classes[useragent.Monitor], 0.035, 0.055)
	f("unknown", classes[useragent.Unknown], 0.003, 0.007)
	f("IPv6 clients", v6, 0.01, 0.08)
	f("lines with a user", users, 0.1, 0.4)
	if len(ips) < 20000 {
		t.Fatalf("unexpected number of client addresses; got %d; want at least 20000", len(ips))
	}
}

// checkLatency checks that outside latency and outage incidents no busy
// endpoint has a p95 above 2 s.
func checkLatency(t *testing.T, lines []line, window []int) {
	byKey := map[string][]float64{}
	for i, l := range lines {
		if window[i] < 0 {
			byKey[l.key] = append(byKey[l.key], l.ms)
		}
	}
	for k, ms := range byKey {
		if p95 := quantile(ms, 0.95); len(ms) >= 100 && p95 > 2000 {
			t.Fatalf("unexpected p95 for %q outside incidents; got %.0f ms over %d lines; want <= 2000 ms", k, p95, len(ms))
		}
	}
}

// checkIncident checks that the lines inside the window of label li show
// the incident and those outside do not.
func checkIncident(t *testing.T, lb Label, li int, lines []line, window []int) {
	// Lines logged late may show up to late before the window.
	const late = oooMaxMS * time.Millisecond
	var fail5xx, chargeOK, login401 share
	var attack, attackLogin, exports int
	exportsPerHour := map[int64]int{}
	slow := map[string][]float64{}
	for i, l := range lines {
		in := window[i] == li
		isExport := l.user == lb.Subject && strings.HasPrefix(l.key, "GET /api/export/")
		switch {
		case in:
			fail5xx.add(l.status >= 500)
			if l.key == "POST /api/payments/{id}/charge" {
				chargeOK.add(l.status < 400)
			}
			if l.ip == lb.Subject {
				attack++
				login401.add(l.status == 401)
				if l.key == "POST /api/auth/login" {
					attackLogin++
				}
			}
			if isExport {
				exports++
			}
			slow[l.key] = append(slow[l.key], l.ms)
		case l.ip == lb.Subject && (l.t.Before(lb.Start.Add(-late)) || !l.t.Before(lb.End)):
			t.Fatalf("unexpected line from %s outside its window %v to %v; got %+v", lb.Subject, lb.Start, lb.End, l)
		case isExport:
			exportsPerHour[l.t.Unix()/3600]++
		}
	}
	switch lb.Kind {
	case "outage":
		if !fail5xx.in(0.7, 1) {
			t.Fatalf("unexpected 5xx share in %+v; got %d of %d; want >= 70 %%", lb, fail5xx.n, fail5xx.of)
		}
	case "error_rate":
		if !fail5xx.in(0.06, 0.12) {
			t.Fatalf("unexpected 5xx share in %+v; got %d of %d; want 6 to 12 %%", lb, fail5xx.n, fail5xx.of)
		}
	case "payment_failures":
		if !chargeOK.in(0.5, 0.7) || chargeOK.of < 100 {
			t.Fatalf("unexpected charge success rate in %+v; got %d of %d; want 50 to 70 %% of at least 100", lb, chargeOK.n, chargeOK.of)
		}
	case "attack":
		perSec := float64(attack) / lb.End.Sub(lb.Start).Seconds()
		if perSec < 4 || perSec > 21 || attackLogin != attack || !login401.in(0.8, 0.9) {
			t.Fatalf("unexpected attack in %+v; got %.1f req/s, %d of %d logins, %d 401s; want 5 to 20 req/s of logins, 85 %% 401", lb, perSec, attackLogin, attack, login401.n)
		}
	case "exfiltration":
		if exports < 200 || exports > 600 {
			t.Fatalf("unexpected export count in %+v; got %d; want 200 to 600", lb, exports)
		}
		for h, n := range exportsPerHour {
			if n > 5 {
				t.Fatalf("unexpected export count of %s outside the window; got %d in hour %v; want <= 5", lb.Subject, n, time.Unix(h*3600, 0).UTC())
			}
		}
	case "latency":
		for k, ms := range slow {
			p95 := quantile(ms, 0.95)
			if k == lb.Subject && p95 <= 2000 || k != lb.Subject && len(ms) >= 100 && p95 > 2000 {
				t.Fatalf("unexpected p95 of %q in %+v; got %.0f ms over %d lines; want > 2000 ms for the subject only", k, lb, p95, len(ms))
			}
		}
		if len(slow[lb.Subject]) < 100 {
			t.Fatalf("unexpected number of lines for %q in %+v; got %d; want at least 100", lb.Subject, lb, len(slow[lb.Subject]))
		}
	}
}

// TestGenerateDiurnal checks the daily curve over 28 hours: the 04:00 hour
// carries about 30 % of the 16:00 hour.
func TestGenerateDiurnal(t *testing.T) {
	o := Options{Lines: 300_000, Seed: 9, Rate: 3}
	data, _ := generate(t, o)
	var perHour [24]int
	for _, l := range parseLog(t, FormatCombined, data) {
		if l.t.Before(o.Start.Add(24 * time.Hour)) {
			perHour[l.t.Hour()]++
		}
	}
	night, day := float64(perHour[4]), float64(perHour[16])
	if night > 0.4*day || night < 0.2*day {
		t.Fatalf("unexpected lines at 04:00 and 16:00; got %v and %v; want a ratio of about 0.3", night, day)
	}
}
