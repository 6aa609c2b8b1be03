package accesslog

import (
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestParseFiles parses every line of every access log in testdata and
// compares every field with the regexp reference, then the totals with
// the counts in /work/shared/data/README.md.
func TestParseFiles(t *testing.T) {
	type counts struct {
		lines, rejected            int
		methods, statuses, reasons map[string]int
		noBytes, noReferer, noUA   int
		minTime, maxTime           int64
		backwards                  int
	}
	f := func(name string, want counts) {
		t.Helper()
		p := NewParser(mustNamed(t, "combined"), Options{})
		got := counts{methods: map[string]int{}, statuses: map[string]int{}, reasons: map[string]int{}}
		var r parsers.Record
		var prev int64
		for i, line := range parsertest.ReadLines(t, name) {
			err := p.Parse(line, &r)
			ref, refOK := refParse(line, true, unitAuto)
			if (err == nil) != refOK {
				t.Fatalf("unexpected result for %s:%d %q; got error %v; reference accepts: %v", name, i+1, line, err, refOK)
			}
			got.lines++
			if err != nil {
				var se *parsers.SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("unexpected error type for %s:%d; got %T; want *parsers.SyntaxError", name, i+1, err)
				}
				got.rejected++
				got.reasons[se.Reason]++
				continue
			}
			if diff := parsertest.RecordDiff(ref, r); diff != "" {
				t.Fatalf("unexpected record for %s:%d %q (-reference +got):\n%s", name, i+1, line, diff)
			}
			got.methods[string(r.Method)]++
			got.statuses[strconv.Itoa(r.Status)]++
			if r.Bytes < 0 {
				got.noBytes++
			}
			if r.Referer == nil {
				got.noReferer++
			}
			if r.UserAgent == nil {
				got.noUA++
			}
			if got.minTime == 0 || r.Time < got.minTime {
				got.minTime = r.Time
			}
			got.maxTime = max(got.maxTime, r.Time)
			if r.Time < prev {
				got.backwards++
			}
			prev = r.Time
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(counts{})); diff != "" {
			t.Fatalf("unexpected counts for %s (-want +got):\n%s", name, diff)
		}
	}
	m := func(kv ...any) map[string]int {
		out := map[string]int{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1].(int)
		}
		return out
	}
	// README: GET 9952 and 200 9126 include line 8899, which is truncated
	// and rejected. The README's 4072 "-" referers and 187 "-" user agents
	// are off: awk -F'"' '$4=="-"' and '$6=="-"' count 4073 (with line
	// 8899) and 190.
	f("apache_logs", counts{
		lines: 10000, rejected: 1,
		methods:  m("GET", 9951, "HEAD", 42, "POST", 5, "OPTIONS", 1),
		statuses: m("200", 9125, "304", 445, "404", 213, "301", 164, "206", 45, "500", 3, "416", 2, "403", 2),
		reasons:  m(ReasonQuote, 1),
		noBytes:  669, noReferer: 4072, noUA: 190,
		minTime:   1431857100e9, // 2015-05-17T10:05:00Z
		maxTime:   1432155959e9, // 2015-05-20T21:05:59Z
		backwards: 4915,
	})
	f("logfile_shop_access_log.0", counts{
		lines:    1000,
		methods:  m("GET", 976, "POST", 14, "HEAD", 10),
		statuses: m("200", 938, "404", 24, "302", 20, "301", 11, "304", 7),
		reasons:  m(),
		// awk -F'"' '$4=="-"' and '$6=="-"'.
		noReferer: 517, noUA: 5,
		minTime: 1548116774e9, // 2019-01-22T03:56:14+03:30
		maxTime: 1548116951e9, // 2019-01-22T03:59:11+03:30
	})
	f("logfile_access_log.1", counts{
		lines: 1, methods: m("", 1), statuses: m("400", 1), reasons: m(),
		noReferer: 1, noUA: 1, minTime: 1360908031e9, maxTime: 1360908031e9,
	})
	f("logfile_bad_access_log.0", counts{
		lines: 3, methods: m("GET", 3), statuses: m("200", 2, "404", 1), reasons: m(),
		noReferer: 3, minTime: 1248130766e9, maxTime: 1248130769e9,
	})
}

// TestParseOddLines checks the odd lines of elastic apache_logs listed in
// the shared README: \xHH escapes in the referer, kept raw, and a line
// truncated in the user agent.
func TestParseOddLines(t *testing.T) {
	lines := parsertest.ReadLines(t, "apache_logs")
	p := NewParser(mustNamed(t, "combined"), Options{})
	f := func(n int, wantReferer, wantUA string) {
		t.Helper()
		var r parsers.Record
		if err := p.Parse(lines[n-1], &r); err != nil {
			t.Fatalf("unexpected error for line %d %q; got %v; want nil", n, lines[n-1], err)
		}
		if string(r.Referer) != wantReferer || string(r.UserAgent) != wantUA {
			t.Fatalf("unexpected referer and user agent for line %d; got %q, %q; want %q, %q", n, r.Referer, r.UserAgent, wantReferer, wantUA)
		}
	}
	const referer = `http://\xe4\xe5\xe3\xf2\xff\xf0\xed\xee\xe5-\xec\xfb\xeb\xee.\xf0\xf4/`
	f(5851, referer, "Mozilla/5.0 (Windows NT 6.1; rv:11.0) Gecko/20100101 Firefox/11.0")
	f(5853, referer, "Mozilla/5.0 (iPad; CPU OS 6_0_1 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) Version/6.0 Mobile/10A523 Safari/8536.25")
	f(5860, referer, "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)")
	var r parsers.Record
	err := p.Parse(lines[8899-1], &r)
	var se *parsers.SyntaxError
	if !errors.As(err, &se) || se.Reason != ReasonQuote {
		t.Fatalf("unexpected error for line 8899 %q; got %v; want %q", lines[8899-1], err, ReasonQuote)
	}
}
