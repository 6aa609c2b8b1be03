package jsonlog

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

// lineGen writes random log lines that mix every key and value form the
// parser knows with ones it must ignore, duplicates, nesting, escapes and,
// now and then, a byte-level mutation.
type lineGen struct {
	r *rand.Rand
	b strings.Builder
}

var (
	genTopKeys = strings.Fields(`time ts timestamp @timestamp requestTime requestTimeEpoch level lvl severity msg message
		status status_code method request_method request_uri uri url path proto server_protocol
		client_ip clientip remote_ip remote_addr ip user_agent http_user_agent ua referer referrer
		http_referer user_id user uid userId username size body_bytes_sent bytes bytes_sent
		response_time duration latency elapsed request_time took duration_ms took_s latency_us
		elapsed_nanos request_time_sec response_time_millis duration_seconds took_nsec
		logger bytes_read Status MSG Time x request response
		x_forwarded_for downstream_remote_address authority upstream_service_time
		response_flags upstream_cluster upstream_host response_code protocol`)
	genRequestKeys  = strings.Fields(`method request_method uri url path request_uri proto client_ip remote_ip remote_addr ip user_agent referer headers host status level`)
	genResponseKeys = strings.Fields(`status status_code size bytes body_bytes_sent bytes_sent headers method`)
	genHeaderKeys   = strings.Fields(`User-Agent user-agent Referer referer Accept user_agent`)
	genStrings      = []string{
		"", "-", "GET", "POST", "/", "/api/x/12?q=1", "HTTP/1.1", "HTTP/2.0", "info", "ERROR",
		"10.0.0.1", "10.0.0.1:5678", "[2001:db8::1]:443", "2001:db8::1", "::1", "[::1]", ":80", "h:x",
		"203.0.113.7, 10.0.0.1", " 10.0.0.1:80 ,x", "-, 10.0.0.1", "[a]]:80", "h:1234567890123456789", "-:80",
		"curl/8.0", "Mozilla/5.0 (X11; Linux x86_64)", "u42", "bob", "30", "50", "70", "10",
		"GET /a?b HTTP/1.1", "GET /a", "PUT  /two  spaces  HTTP/1.0", "garbage",
		"200", "404", "0", "99", "1000", "2e2", "-1", "12", "12.5", "0.017557019", "1.5e-3",
		"12.5ms", "1.2s", "850µs", "850μs", "1h2m3.5s", "+.5s", "-1s", "1d", "ms", ".s", "0", "1.5.5s",
		"9223372036854775807ns", "9223372036854775808ns", "2562047h", "0.000000001s",
		"1716723772.6014807", "1716723772601", "01/Mar/2026:10:00:11 +0000", "31/feb/2026:10:00:11 -0130", "01/Mar/2026:10:00:11 +2400", "-5", "1e400",
	}
	genEscapes = []string{`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u00e9`, `\u0000`,
		`\ud83d\ude00`, `\ud800`, `\udc00`, `\ud800\u0041`, `\uDBFF\uDFFF`, `\ud800\ud800`, "\xff", "é", "😀"}
	genNumbers = []string{"0", "1", "-1", "-0", "12", "200", "404", "99", "1000", "30", "3.0e1",
		"0.5", "12.5", "0.017557019", "1.5e-3", "2E0", "1e19", "1e400", "1e-400", "123456789012345678901234567890",
		"9223372036854775807", "9223372036854775808", "1716723772", "1716723772.6014807",
		"1716723772601", "1716723772601.4807", "1716723772601480", "1716723772601480700",
		"99999999999", "100000000000", "9300000000", "1.7167237726014807e9", "0.000000000000000000001e21"}
)

func (g *lineGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *lineGen) chance(n int) bool { return g.r.IntN(n) == 0 }

func (g *lineGen) space() {
	if g.chance(8) {
		g.b.WriteString(g.pick([]string{" ", "  ", "\t", "\n", "\r\n"}))
	}
}

// str writes a JSON string.
func (g *lineGen) str(s string) {
	g.b.WriteByte('"')
	if g.chance(10) {
		s += g.pick(genEscapes)
		if g.chance(2) {
			s = g.pick(genEscapes) + s
		}
	}
	g.b.WriteString(s)
	g.b.WriteByte('"')
}

// date writes an RFC 3339-ish date, sometimes invalid.
func (g *lineGen) date() {
	years := []int{1677, 1678, 1970, 2000, 2024, 2026, 2100, 2261, 2262}
	fmt.Fprintf(&g.b, `"%04d-%02d-%02d%s%02d:%02d:%02d`, years[g.r.IntN(len(years))],
		g.r.IntN(14), g.r.IntN(32), g.pick([]string{"T", "t", " ", "X"}), g.r.IntN(25), g.r.IntN(61), g.r.IntN(61))
	if g.chance(2) {
		g.b.WriteString(g.pick([]string{".", ".1", ".123", ".123456789", ".1234567891234", ","}))
	}
	g.b.WriteString(g.pick([]string{"Z", "z", "+00:00", "-08:00", "+05:30", "+23:59", "+24:00", "+01:60", "+0100", "", "ZZ"}))
	g.b.WriteByte('"')
}

func (g *lineGen) value(depth int, keys []string) {
	g.space()
	switch n := g.r.IntN(20); {
	case n < 6:
		g.str(g.pick(genStrings))
	case n < 10:
		g.b.WriteString(g.pick(genNumbers))
	case n < 12:
		g.date()
	case n < 13:
		g.b.WriteString(g.pick([]string{"null", "true", "false"}))
	case n < 16:
		g.b.WriteByte('[')
		for i := range g.r.IntN(3) {
			if i > 0 {
				g.b.WriteByte(',')
			}
			if g.chance(3) {
				g.b.WriteString(g.pick(genNumbers))
			} else {
				g.str(g.pick(genStrings))
			}
		}
		g.b.WriteByte(']')
	default:
		if depth > 3 {
			g.b.WriteString("{}")
			break
		}
		g.object(depth+1, keys)
	}
	g.space()
}

func (g *lineGen) object(depth int, keys []string) {
	g.b.WriteByte('{')
	for i := range g.r.IntN(8) {
		if i > 0 {
			g.b.WriteByte(',')
		}
		g.space()
		key := g.pick(keys)
		g.str(key)
		g.space()
		g.b.WriteByte(':')
		switch {
		case key == "request" && g.chance(2):
			g.object(depth+1, genRequestKeys)
		case key == "response" && g.chance(2):
			g.object(depth+1, genResponseKeys)
		case key == "headers" && g.chance(2):
			g.object(depth+1, genHeaderKeys)
		default:
			g.value(depth, keys)
		}
	}
	g.b.WriteByte('}')
}

// line returns a new random line.
func (g *lineGen) line() []byte {
	g.b.Reset()
	if g.chance(10) {
		g.b.WriteString(g.pick([]string{"caddy  | ", "x", "\xef\xbb\xbf", "[", "2026-01-02 INFO "}))
	}
	g.object(1, genTopKeys)
	g.space()
	b := []byte(g.b.String())
	if g.chance(8) && len(b) > 0 {
		// A byte-level mutation: mostly invalid JSON, sometimes not.
		i := g.r.IntN(len(b))
		switch g.r.IntN(4) {
		case 0:
			b = b[:i]
		case 1:
			b = append(b[:i], b[i+1:]...)
		case 2:
			const bytes = "{}[],:\"\\0-e. \x01"
			b = append(b[:i], append([]byte{bytes[g.r.IntN(len(bytes))]}, b[i:]...)...)
		case 3:
			b[i] = byte(g.r.IntN(256))
		}
	}
	return b
}

// TestParseMatchesReference compares the parser with the encoding/json
// reference, field by field, on random lines.
func TestParseMatchesReference(t *testing.T) {
	n := 50000
	if testing.Short() {
		n = 5000
	}
	g := &lineGen{r: rand.New(rand.NewPCG(1, 2))}
	units := []string{"", "", "", "s", "ms", "us", "ns"}
	ps := map[string]*Parser{}
	for _, u := range units {
		ps[u] = NewParser(Options{DurationUnit: u})
	}
	reasons := map[string]int{}
	for range n {
		line := g.line()
		unit := g.pick(units)
		var r parsers.Record
		got := resultOf(&r, ps[unit].Parse(line, &r))
		want := parseRef(line, unit)
		if got != want {
			t.Fatalf("unexpected record for %s with unit %q;\ngot  %s;\nwant %s", short(line), unit, got, want)
		}
		reasons[got.Reason]++
	}
	// The generator must reach every outcome, or the comparison proves
	// less than it seems.
	for _, reason := range []string{"", ReasonNotJSON, ReasonSyntax, ReasonNoFields, ReasonTime, ReasonStatus, ReasonBytes, ReasonDuration} {
		if reasons[reason] < n/1000 {
			t.Errorf("unexpected number of lines with reason %q; got %d of %d; want at least %d", reason, reasons[reason], n, n/1000)
		}
	}
	t.Logf("outcomes: %v", reasons)
}

// TestGoDuration compares the conversion of duration strings with the
// reference (time.ParseDuration) on random strings in and around Go's
// duration syntax.
func TestGoDuration(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	parts := []string{"0", "1", "12", "9", ".", "5", "999999999999", "9223372036854775807", "00",
		"ns", "us", "µs", "μs", "ms", "s", "m", "h", "d", "x", "", "-", "+"}
	for range 200000 {
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		s := b.String()
		got, gotOK := parseDuration([]byte(s), false, unitAuto)
		want, wantBad := refDuration(s, false, "")
		if gotOK == wantBad || gotOK && got != want {
			t.Fatalf("unexpected duration for %q; got %d, %v; want %d, %v", s, got, gotOK, want, !wantBad)
		}
	}
}

// TestDecimalScale checks the exact scaling of decimal numbers at the
// edges of their 19 digits and of int64.
func TestDecimalScale(t *testing.T) {
	f := func(s string, p int, want string) {
		t.Helper()
		n, ok := parseDecimal([]byte(s)).scale(p)
		got := "overflow"
		if ok {
			got = strconv.FormatInt(n, 10)
		}
		if got != want {
			t.Errorf("unexpected scale(%d) for %q; got %s; want %s", p, s, got, want)
		}
	}
	f("0", 9, "0")
	f("0.0", 400, "0")
	f("1", 0, "1")
	f("1.9", 0, "1")
	f("1716723772.6014807", 9, "1716723772601480700")
	f("9223372036854775807", 0, "9223372036854775807")
	f("9223372036854775808", 0, "overflow")
	f("922337203685477580.7", 1, "9223372036854775807")
	f("9223372036.854775807", 9, "9223372036854775807")
	f("9223372036.854775808", 9, "overflow")
	f("1e18", 0, "1000000000000000000")
	f("1e19", 0, "overflow")
	f("12345678901234567890123", -4, "1234567890123456789")
	f("1234567890123456789.999999", 0, "1234567890123456789")
	f("0.99999999999999999999999999", 0, "0")
	f("0.000000000000000000000000001e27", 0, "1")
	f("1e-19", 19, "1")
	f("1e-20", 19, "0")
	f("5e-324", 9, "0")
	f("1"+strings.Repeat("0", 30)+"e-35", 9, "10000")
	f("0."+strings.Repeat("0", 30)+"1e40", -3, "1000000")
	f("1e99999999999999999999", -9, "overflow")
	f("1e-99999999999999999999", 9, "0")
}
