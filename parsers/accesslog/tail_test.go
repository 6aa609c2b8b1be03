package accesslog

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

// Samples of combined lines ending in an integer, as the logs issue 10
// found: each line is combined (varied paths, user agents and sizes) and
// the integer that tail writes for line i.
var (
	tailPaths = []string{"/", "/api/orders", "/api/orders/12345?expand=items", "/static/app.3f2a1c.js", "/api/payments/7/charge", "/favicon.ico", "/search?q=winter+boots&page=2"}
	tailUAs   = []string{"curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Go-http-client/1.1", "kube-probe/1.29"}
)

// tailLines writes n combined lines; tail returns the integer of line i
// from its request line, user agent and body size.
func tailLines(n int, seed uint64, tail func(i int, request, ua string, bytes int) int64) string {
	rng := rand.New(rand.NewPCG(seed, 10))
	var b strings.Builder
	for i := range n {
		method := "GET"
		if rng.IntN(5) == 0 {
			method = "POST"
		}
		request := method + " " + tailPaths[rng.IntN(len(tailPaths))] + " HTTP/1.1"
		ua := tailUAs[rng.IntN(len(tailUAs))]
		bytes := rng.IntN(20000)
		fmt.Fprintf(&b, "10.0.%d.%d - - [01/Mar/2026:10:%02d:%02d +0000] \"%s\" 200 %d \"-\" \"%s\" %d\n",
			rng.IntN(4), rng.IntN(250), i/60%60, i%60, request, bytes, ua, tail(i, request, ua, bytes))
	}
	return b.String()
}

// traefikCounter is Traefik's request counter, a line logged when its
// request ends: it grows by one a request, out of order where requests
// overlap, and skips the requests of other entry points.
func traefikCounter(seed uint64) func(int, string, string, int) int64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	next := int64(1041)
	return func(int, string, string, int) int64 {
		next += 1 + int64(rng.IntN(3)/2)
		return next - int64(rng.IntN(4)) // overlap: up to 3 behind
	}
}

// requestLength is ingress-nginx's $request_length: the request line,
// the headers (those logged and Host, Accept..., a cookie of any length)
// and a POST's body.
func requestLength(seed uint64) func(int, string, string, int) int64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	return func(_ int, request, ua string, _ int) int64 {
		n := len(request) + 2 + len("User-Agent: ") + len(ua) + 2 + len("Host: shop.example.com\r\nAccept: */*\r\nAccept-Encoding: gzip\r\n") + 2
		n += rng.IntN(400) // cookie, X-Forwarded-For...
		if strings.HasPrefix(request, "POST") {
			n += rng.IntN(4000)
		}
		return int64(n)
	}
}

// logNormal returns durations with the given median, spread as real
// latencies are (a long right tail).
func logNormal(seed uint64, median float64) func(int, string, string, int) int64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	return func(int, string, string, int) int64 {
		return int64(median * math.Exp(rng.NormFloat64()*1.2))
	}
}

func TestDetectTrailingInteger(t *testing.T) {
	f := func(what, sample, wantName string, wantUS int64) {
		t.Helper()
		fm, n, err := Detect([]byte(sample))
		if err != nil || !strings.HasPrefix(fm.Name(), "combined + ") || n != strings.Count(sample, "\n") {
			t.Fatalf("unexpected detection of %s; got %v, %d lines, %v; want combined, all lines", what, fm, n, err)
		}
		if got := strings.TrimPrefix(fm.Name(), "combined"); got != wantName {
			t.Fatalf("unexpected format for %s; got %q; want %q", what, got, wantName)
		}
		if fm.TailNote() == "" {
			t.Fatalf("unexpected note for %s; got none; want one", what)
		}
		first, _, _ := strings.Cut(sample, "\n")
		var r parsers.Record
		if err := NewParser(fm, Options{}).Parse([]byte(first), &r); err != nil || r.Duration != wantUS {
			t.Fatalf("unexpected duration for %s in %q; got %d, %v; want %d", what, first, r.Duration, err, wantUS)
		}
	}
	const counter = " + trailing integer ignored (unit unknown, grows like a request counter: not taken as a duration)"
	const bytes = " + trailing integer ignored (unit unknown, sized like a byte count: not taken as a duration)"
	const tooLarge = " + trailing integer ignored (unit unknown, too large for ms: not taken as a duration)"
	const unknown = " + trailing integer ignored (unit unknown: not taken as a duration; give --duration-unit)"
	const ms = " + duration (ms, assumed)"
	// Traefik CLF ending in its request counter (the router, URL and
	// duration cut), from its first request and long after.
	f("a Traefik counter", tailLines(100, 1, traefikCounter(1)), counter, -1)
	f("a Traefik counter, 20 lines", tailLines(20, 2, traefikCounter(2)), counter, -1)
	// ingress-nginx lines cut after $request_length.
	f("request lengths", tailLines(100, 3, requestLength(3)), bytes, -1)
	// $bytes_sent: the body's bytes and the response head.
	f("bytes sent", tailLines(100, 4, func(_ int, _, _ string, bytes int) int64 { return int64(bytes + 180 + bytes%97) }), bytes, -1)
	// Apache's %D: microseconds, too large for milliseconds.
	f("microseconds", tailLines(100, 5, logNormal(5, 40000)), tooLarge, -1)
	// Latencies in ms, fast and slow: no counter, no byte count.
	fast, slow := tailLines(100, 6, logNormal(6, 25)), tailLines(100, 7, logNormal(7, 300))
	f("latencies", fast, ms, tailFirstUS(fast))
	f("slow latencies", slow, ms, tailFirstUS(slow))
	// Too few lines to tell, whatever they are.
	f("19 latencies", tailLines(19, 8, logNormal(8, 25)), unknown, -1)
	f("a counter, 19 lines", tailLines(19, 9, traefikCounter(9)), unknown, -1)
}

// tailFirstUS is the integer of the first line of sample in µs.
func tailFirstUS(sample string) int64 {
	line, _, _ := strings.Cut(sample, "\n")
	var v int64
	fmt.Sscan(line[strings.LastIndexByte(line, ' ')+1:], &v)
	return v * 1000
}

// TestJudgeTail holds the edges of each rule.
func TestJudgeTail(t *testing.T) {
	f := func(what string, lines []tailLine, want tailVerdict) {
		t.Helper()
		if got := judgeTail(lines); got != want {
			t.Fatalf("unexpected verdict for %s; got %d; want %d", what, got, want)
		}
	}
	seq := func(n int, v func(i int) int64) []tailLine {
		ls := make([]tailLine, n)
		for i := range ls {
			ls[i] = tailLine{v: v(i), bytes: 50000, head: 120}
			if ls[i].v > 1000 {
				ls[i].head = 1 << 40 // for the medians' rule alone
			}
		}
		return ls
	}
	f("a strictly growing counter", seq(20, func(i int) int64 { return int64(i + 1) }), tailCounter)
	f("constant values", seq(30, func(int) int64 { return 7 }), tailMS)
	f("a falling sequence", seq(30, func(i int) int64 { return int64(100 - i) }), tailMS)
	// 16 values at or under 10 s, 15 over: the median is 10 s.
	f("a median of 10 s", seq(31, func(i int) int64 { return int64(10_000 + i%2) }), tailMS)
	f("a median above 10 s", seq(31, func(i int) int64 { return int64(10_001 + i%2) }), tailTooLarge)
	// 95 % at least the head: a byte count; 94 %: not.
	f("95 % over the head", seq(100, func(i int) int64 { return int64(120 - (i/95)*100 + i%3) }), tailRequest)
	f("94 % over the head", seq(100, func(i int) int64 { return int64(120 - (i/94)*100 + i%3) }), tailMS)
	// $bytes_sent: at least the body's bytes and following them.
	sent := func(n, under int, extra func(i int) int64) []tailLine {
		ls := make([]tailLine, n)
		for i := range ls {
			ls[i] = tailLine{bytes: int64(i*100%7000 + 1), head: 1 << 40}
			ls[i].v = ls[i].bytes + extra(i)
			if i < under {
				ls[i].v = 0
			}
		}
		return ls
	}
	f("bytes sent", sent(100, 5, func(i int) int64 { return 200 + int64(i%5) }), tailSent)
	f("bytes sent, 6 % under", sent(100, 6, func(i int) int64 { return 200 + int64(i%5) }), tailMS)
	f("bytes sent, uncorrelated", sent(100, 0, func(i int) int64 { return int64(i * 7919 % 9000) }), tailMS)
}
