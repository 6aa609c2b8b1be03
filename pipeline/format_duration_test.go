package pipeline_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/pipeline"
)

// TestBareDurations: JSON and logfmt durations under a key that gives no
// unit are read in the unit their logger writes, or that their values
// show, or not at all, with a warning; never in a unit guessed wrong.
// Each log below was read 10³ to 10⁶ times off by the fixed rule
// (integers ms, fractions s) before.
func TestBareDurations(t *testing.T) {
	// f writes one line per value with line(i, value text) and checks
	// that the report's latency is the values' in unit ("" for none read),
	// the detection says sure (or not), and a warning holds warn.
	f := func(name string, o pipeline.Options, values []string, line func(i int, v string) string, unit float64, sure, warn string) {
		t.Helper()
		var b strings.Builder
		for i, v := range values {
			b.WriteString(line(i, v) + "\n")
		}
		rep := runBytes(t, []byte(b.String()), o)
		file := rep.Input.Files[0]
		var wantMax float64
		wantCount := uint64(0)
		if unit != 0 {
			ms := make([]float64, len(values))
			for i, v := range values {
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatal(err)
				}
				ms[i] = float64(int64(x*unit*1000)) / 1000 // truncated to µs, as the parsers do
			}
			wantMax, wantCount = slices.Max(ms), uint64(len(values))
		}
		l := rep.Latency
		if l.Count != wantCount || l.Count > 0 && (l.Max < wantMax*0.999 || l.Max > wantMax*1.001) {
			t.Errorf("%s: unexpected latency; got %d durations, max %v ms; want %d, max %v ms", name, l.Count, l.Max, wantCount, wantMax)
		}
		if !strings.Contains(file.Detection, sure) {
			t.Errorf("%s: unexpected detection %q; want it to say %q", name, file.Detection, sure)
		}
		warnings := strings.Join(file.Warnings, "\n")
		if warn == "" && warnings != "" || warn != "" && !strings.Contains(warnings, warn) {
			t.Errorf("%s: unexpected warnings %q; want %q", name, warnings, warn)
		}
	}
	rng := rand.New(rand.NewPCG(10, 3))
	// values returns n durations of a typical request, lognormal around
	// 12 ms, written in unit (ms per unit) with format.
	values := func(n int, msPerUnit float64, format func(float64) string) []string {
		var vs []string
		for range n {
			ms := 12 * float64(rng.IntN(400)+50) / 100
			vs = append(vs, format(ms/msPerUnit))
		}
		return vs
	}
	integer := func(x float64) string { return strconv.FormatInt(int64(x), 10) }
	fraction := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	stamp := func(i int) string { return fmt.Sprintf("2026-03-01T10:%02d:%02dZ", i/60, i%60) }
	const ns, us, ms, s = 1e-6, 1e-3, 1, 1e3
	// Go's log/slog JSON handler: time.Duration in ns.
	f("slog", pipeline.Options{}, values(50, ns, integer), func(i int, v string) string {
		return `{"time":"` + stamp(i) + `","level":"INFO","msg":"request","method":"GET","path":"/a","status":200,"duration":` + v + `}`
	}, ns, "bare durations in ns, as Go's log/slog", "")
	// logrus's JSONFormatter, its lower-case levels.
	f("logrus", pipeline.Options{}, values(30, ns, integer), func(i int, v string) string {
		return `{"elapsed":` + v + `,"level":"warning","method":"GET","msg":"slow","path":"/a","status":200,"time":"` + stamp(i) + `"}`
	}, ns, "in ns", "")
	// zerolog: fractional ms.
	f("zerolog", pipeline.Options{}, values(50, ms, fraction), func(i int, v string) string {
		return `{"level":"info","method":"GET","path":"/a","status":200,"duration":` + v + `,"time":"` + stamp(i) + `","message":"request"}`
	}, ms, "bare durations in ms, as zerolog", "")
	// zap and Caddy: seconds.
	f("zap", pipeline.Options{}, values(50, s, fraction), func(i int, v string) string {
		return `{"level":"info","ts":` + strconv.Itoa(1772359200+i) + `.5,"msg":"handled request","request":{"method":"GET","uri":"/a"},"duration":` + v + `,"status":200}`
	}, s, "bare durations in s, as zap", "")
	// bunyan (a numeric level) with restify's latency: ms.
	f("bunyan", pipeline.Options{}, values(5, ms, integer), func(i int, v string) string {
		return `{"name":"shop","level":30,"req":{"method":"GET","url":"/a"},"res":{"statusCode":200},"latency":` + v + `,"msg":"handled","time":"` + stamp(i) + `","v":0}`
	}, ms, "bare durations in ms, as pino or bunyan", "")
	// nginx's JSON log_format with "$request_time": seconds.
	f("nginx", pipeline.Options{}, values(30, s, func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }), func(i int, v string) string {
		return `{"time_local":"01/Mar/2026:10:00:` + fmt.Sprintf("%02d", i%60) + ` +0000","request":"GET /a HTTP/1.1","status":"200","request_time":"` + v + `"}`
	}, s, "$request_time", "")
	// A logger of no known shape: its values decide, each reading
	// assumed, said in a warning.
	unknown := func(i int, v string) string {
		return `{"@timestamp":"` + stamp(i) + `","method":"GET","path":"/a","status":200,"duration":` + v + `}`
	}
	f("unknown ns", pipeline.Options{}, values(40, ns, integer), unknown, ns, "detected", "nanoseconds, assumed")
	f("unknown ms", pipeline.Options{}, values(40, ms, integer), unknown, ms, "detected", "milliseconds, assumed")
	// Fractions of a median over 1: ms or s, no telling: not read.
	f("unknown fractions", pipeline.Options{}, values(40, ms, fraction), unknown, 0, "detected", "are not read: their unit is unknown")
	// µs integers (median 12,000): too large for ms, too small for ns.
	f("unknown µs", pipeline.Options{}, values(40, us, integer), unknown, 0, "detected", "are not read")
	// --duration-unit says it: no judging, no warning.
	f("slog --duration-unit", pipeline.Options{DurationUnit: "us"}, values(20, us, integer), func(i int, v string) string {
		return `{"time":"` + stamp(i) + `","level":"INFO","msg":"request","path":"/a","status":200,"duration":` + v + `}`
	}, us, "detected: 20 of 20 sample lines", "")
	// --format json is judged too.
	f("slog --format json", pipeline.Options{Format: "json"}, values(20, ns, integer), func(i int, v string) string {
		return `{"time":"` + stamp(i) + `","level":"ERROR","msg":"request","path":"/a","status":500,"duration":` + v + `}`
	}, ns, "given with --format; bare durations in ns", "")
	// docker compose output: zap (Caddy) lines in s beside another
	// service's integers in ms; each logger judged apart.
	var compose strings.Builder
	var wantMax float64
	for i := range 40 {
		zap, other := 0.001*float64(i+1), 3*(i+1)
		wantMax = max(wantMax, zap*1000, float64(other))
		fmt.Fprintf(&compose, `caddy  | {"level":"info","ts":%d.5,"msg":"handled request","request":{"method":"GET","uri":"/"},"duration":%g,"status":200}`+"\n", 1772359200+i, zap)
		fmt.Fprintf(&compose, `api    | {"@timestamp":"%s","method":"GET","path":"/a","status":200,"duration":%d}`+"\n", stamp(i), other)
	}
	rep := runBytes(t, []byte(compose.String()), pipeline.Options{})
	if l, file := rep.Latency, rep.Input.Files[0]; l.Count != 80 || l.Max < wantMax*0.999 || l.Max > wantMax*1.001 ||
		!strings.Contains(file.Detection, "in s, as zap") || len(file.Warnings) != 1 || !strings.Contains(file.Warnings[0], "milliseconds, assumed") {
		t.Errorf("docker compose: unexpected latency %d, max %v (want 80, %v), detection %q, warnings %q", l.Count, l.Max, wantMax, file.Detection, file.Warnings)
	}
	// logfmt: values alone.
	f("logfmt ns", pipeline.Options{}, values(40, ns, integer), func(i int, v string) string {
		return `time=` + stamp(i) + ` level=info msg=request path=/a status=200 duration=` + v
	}, ns, "detected", "nanoseconds, assumed")
	f("logfmt unknown", pipeline.Options{}, values(40, ms, fraction), func(i int, v string) string {
		return `time=` + stamp(i) + ` level=info msg=request path=/a status=200 elapsed=` + v
	}, 0, "detected", "are not read")
}
