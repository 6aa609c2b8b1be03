package w3c

import (
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
	"github.com/vigil-ops/vigil/parsers/useragent"
)

var samples = []string{"logfile_w3c_big.0", "logfile_w3c.0", "logfile_w3c.1", "logfile_w3c.3", "logfile_w3c.5", "gen_cloudfront.log", "gen_w3c_fields_change.log", "beats_iis.log", "aws_doc_cloudfront.log"}

// TestParseFiles compares parser and reference on every line of the
// samples and counts records, directives and rejections per file.
func TestParseFiles(t *testing.T) {
	f := func(name string, records, directives, rejected int) {
		t.Helper()
		res := compare(t, parsertest.ReadLines(t, name), "")
		var n [3]int
		for _, r := range res {
			switch r.reason {
			case "":
				n[0]++
			case "directive":
				n[1]++
			default:
				n[2]++
			}
		}
		if n != [3]int{records, directives, rejected} {
			t.Fatalf("unexpected counts for %s; got %v records, directives, rejected; want %v", name, n, [3]int{records, directives, rejected})
		}
	}
	f("logfile_w3c_big.0", 210, 44, 0)
	f("logfile_w3c.0", 1, 4, 0)
	f("logfile_w3c.1", 1, 6, 0)
	// Three blank lines between directives, and line 10's
	// " ""garbage"" w/ spaces " (CSV-style doubled quotes) is rejected.
	f("logfile_w3c.3", 2, 4, 4)
	f("logfile_w3c.5", 0, 1, 1) // #Fields lists 6 fields, the line has 17
	f("gen_cloudfront.log", 3, 2, 0)
	f("gen_w3c_fields_change.log", 4, 8, 0)
	// IIS 10 with #Fields changing twice; its last two lines (Struts
	// exploit attempts) have the first #Fields' 15 values under the
	// third's 22: rejected, not misread.
	f("beats_iis.log", 3, 12, 2)
	f("aws_doc_cloudfront.log", 6, 2, 0)
}

// TestFieldsChange: the #Fields directive changes mid-file; the parser
// follows it (issue 10).
func TestFieldsChange(t *testing.T) {
	res := compare(t, parsertest.ReadLines(t, "gen_w3c_fields_change.log"), "")
	first, last := res[4].rec, res[11].rec
	if string(first.Target) != "/default.aspx" || first.Status != 200 || first.Duration != 15000 || string(first.Client) != "203.0.113.10" || first.Bytes != -1 {
		t.Fatalf("unexpected first record; got %+v", first)
	}
	if string(last.Target) != "/health?q=1" || last.Status != 500 || last.Duration != 2000 || string(last.Host) != "shop.example.com" || last.Bytes != 17 {
		t.Fatalf("unexpected last record; got %+v", last)
	}
	// A parser seeded with the first #Fields (a worker given a later
	// part of the file) reads the lines after it.
	lines := parsertest.ReadLines(t, "gen_w3c_fields_change.log")
	p := NewParser(Options{Fields: string(lines[3])})
	var r parsers.Record
	if err := p.Parse(lines[5], &r); err != nil || string(r.Target) != "/api/login?user=a" || r.Status != 401 {
		t.Fatalf("unexpected record from a seeded parser; got %+v, %v", r, err)
	}
}

func TestCloudFront(t *testing.T) {
	res := compare(t, parsertest.ReadLines(t, "gen_cloudfront.log"), "")
	r := res[3].rec
	if r.Duration != 30002000 || r.Status != 502 || string(r.Method) != "POST" || string(r.Target) != "/api/payments/7/charge?retry=1" || string(r.Host) != "d111111abcdef8.cloudfront.net" {
		t.Fatalf("unexpected CloudFront record; got %+v", r)
	}
	if res[4].rec.Time != 1772359202000000000 || string(res[4].rec.Client) != "2001:db8::5" {
		t.Fatalf("unexpected CloudFront record; got %+v", res[4].rec)
	}
}

func TestParseFailure(t *testing.T) {
	f := func(fields, line, reason string) {
		t.Helper()
		p := NewParser(Options{Fields: fields})
		var r parsers.Record
		err := p.Parse([]byte(line), &r)
		se, ok := err.(*parsers.SyntaxError)
		if !ok || se.Reason != reason {
			t.Fatalf("unexpected error for %q; got %v; want %q", line, err, reason)
		}
	}
	const fields = "#Fields: date time c-ip cs-method cs-uri-stem sc-status sc-bytes time-taken"
	f("", "2026-03-01 10:00:00 1.2.3.4 GET / 200 1 2", ReasonNoFields)
	f(fields, "2026-03-01 10:00:00 1.2.3.4 GET / 200 1", ReasonFieldCount)
	f(fields, "2026-03-01 10:00:00 1.2.3.4 GET / 200 1 2 3", ReasonFieldCount)
	f(fields, "2026-02-30 10:00:00 1.2.3.4 GET / 200 1 2", ReasonTime)
	f(fields, "2026-03-01 10:0:00 1.2.3.4 GET / 200 1 2", ReasonTime)
	f(fields, "2026-03-01 10:00:00 1.2.3.4 GET / 20 1 2", ReasonStatus)
	f(fields, "2026-03-01 10:00:00 1.2.3.4 GET / 200 x 2", ReasonBytes)
	f(fields, "2026-03-01 10:00:00 1.2.3.4 GET / 200 1 2s", ReasonDuration)
	f(fields, `2026-03-01 10:00:00 "1.2.3.4 GET / 200 1 2`, ReasonQuote)
	// An access-log line is not W3C.
	f(fields, `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`, ReasonTime)
	f(fields, `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl"`, ReasonFieldCount)
}

func TestParseAllocs(t *testing.T) {
	var lines [][]byte
	for _, name := range samples {
		lines = append(lines, parsertest.ReadLines(t, name)...)
	}
	p := NewParser(Options{})
	var r parsers.Record
	for _, l := range lines { // grow the buffers
		_ = p.Parse(l, &r)
	}
	if n := testing.AllocsPerRun(10, func() {
		for _, l := range lines {
			_ = p.Parse(l, &r)
		}
	}); n >= 1 {
		t.Fatalf("unexpected allocations; got %v per run of %d lines; want 0", n, len(lines))
	}
}

// TestIISUserAgent: IIS writes a user agent's spaces as '+' (issue 10);
// the parser reads them as spaces, so that classification sees the words
// ("Consul Health Check"), and leaves quoted and tab-separated (CloudFront)
// values as written.
func TestIISUserAgent(t *testing.T) {
	f := func(fields, line, want string) parsers.Record {
		t.Helper()
		p := NewParser(Options{Fields: fields})
		var r parsers.Record
		if err := p.Parse([]byte(line), &r); err != nil || string(r.UserAgent) != want {
			t.Fatalf("unexpected user agent for %q; got %q, %v; want %q", line, r.UserAgent, err, want)
		}
		ref := compare(t, [][]byte{[]byte(fields), []byte(line)}, "")[1].rec
		if string(ref.UserAgent) != want {
			t.Fatalf("unexpected reference user agent for %q; got %q; want %q", line, ref.UserAgent, want)
		}
		return r
	}
	const iis = "#Fields: date time c-ip cs-method cs-uri-stem sc-status cs(User-Agent) cs-uri-query"
	r := f(iis, "2026-03-01 10:00:00 10.0.0.1 GET /health 200 Consul+Health+Check q=a+b", "Consul Health Check")
	if c, fam := useragent.Classify(r.UserAgent); c != useragent.Monitor || fam != "Consul" {
		t.Fatalf("unexpected class of %q; got %v %s; want monitor Consul", r.UserAgent, c, fam)
	}
	// The query's '+' is the URL's own: kept.
	if string(r.Target) != "/health?q=a+b" {
		t.Fatalf("unexpected target; got %q; want %q", r.Target, "/health?q=a+b")
	}
	f(iis, "2026-03-01 10:00:00 10.0.0.1 GET / 200 Mozilla/5.0+(compatible;+bingbot/2.0;++http://www.bing.com/bingbot.htm) -",
		"Mozilla/5.0 (compatible; bingbot/2.0;  http://www.bing.com/bingbot.htm)")
	f(iis, "2026-03-01 10:00:00 10.0.0.1 GET / 200 - -", "")
	f(iis, `2026-03-01 10:00:00 10.0.0.1 GET / 200 "Blackbox Exporter/0.24+x" -`, "Blackbox Exporter/0.24+x")
	f(iis, "2026-03-01\t10:00:00\t10.0.0.1\tGET\t/\t200\tcurl/8+x\t-", "curl/8+x")
	// Every user agent of a real IIS log reads with spaces (copied as
	// read: a record's fields alias the parser's buffer).
	uas := userAgents(t, "logfile_w3c_big.0")
	for _, ua := range uas {
		if strings.IndexByte(ua, '+') >= 0 {
			t.Fatalf("unexpected '+' in user agent %q of logfile_w3c_big.0", ua)
		}
	}
	if len(uas) != 210 || !strings.Contains(strings.Join(uas, "\n"), "Mozilla/5.0 (compatible; bingbot/2.0;") {
		t.Fatalf("unexpected user agents of logfile_w3c_big.0; got %d, %.300q", len(uas), uas)
	}
}

// userAgents returns the user agents of the records of a sample, copied
// as each is parsed.
func userAgents(t *testing.T, name string) []string {
	t.Helper()
	p := NewParser(Options{})
	var uas []string
	for _, line := range parsertest.ReadLines(t, name) {
		var r parsers.Record
		if p.Parse(line, &r) == nil {
			uas = append(uas, string(r.UserAgent))
		}
	}
	return uas
}

// TestCloudFrontUserAgent: CloudFront URL-encodes the user agent, in some
// logs twice (issue 10); the parser decodes both, so that classification
// sees the words, keeps '+' and a '%' that starts no escape, and leaves
// IIS's and quoted values alone (TestIISUserAgent).
func TestCloudFrontUserAgent(t *testing.T) {
	const fields = "#Fields: date\ttime\tc-ip\tcs-method\tcs-uri-stem\tsc-status\tcs(User-Agent)"
	f := func(ua, want string) parsers.Record {
		t.Helper()
		line := "2026-03-01\t10:00:00\t10.0.0.1\tGET\t/\t200\t" + ua
		p := NewParser(Options{Fields: fields})
		var r parsers.Record
		if err := p.Parse([]byte(line), &r); err != nil || string(r.UserAgent) != want {
			t.Fatalf("unexpected user agent for %q; got %q, %v; want %q", ua, r.UserAgent, err, want)
		}
		if ref := compare(t, [][]byte{[]byte(fields), []byte(line)}, "")[1].rec; string(ref.UserAgent) != want {
			t.Fatalf("unexpected reference user agent for %q; got %q; want %q", ua, ref.UserAgent, want)
		}
		return r
	}
	r := f("Slackbot%201.0%20(+https://api.slack.com/robots)", "Slackbot 1.0 (+https://api.slack.com/robots)")
	if c, _ := useragent.Classify(r.UserAgent); c != useragent.Bot {
		t.Fatalf("unexpected class of %q; got %v; want bot", r.UserAgent, c)
	}
	f("Mozilla/5.0%2520(Windows%2520NT%252010.0)", "Mozilla/5.0 (Windows NT 10.0)")
	f("Mozilla/5.0%2528X11%3B", "Mozilla/5.0(X11;")
	f("a%zzb%2%25%2", "a%zzb%2%%2")
	f("100%25zz", "100%zz")
	f("curl/8.5.0", "curl/8.5.0")
	f("-", "")
	// The sample (compared with the reference): every user agent
	// decoded, the encoded one with its words.
	compare(t, parsertest.ReadLines(t, "gen_cloudfront.log"), "")
	uas := userAgents(t, "gen_cloudfront.log")
	if want := []string{"Mozilla/5.0 (X11; Linux x86_64)", "okhttp/4.12.0", "curl/8.5.0"}; strings.Join(uas[:3], "|") != strings.Join(want, "|") {
		t.Fatalf("unexpected user agents of gen_cloudfront.log; got %q; want %q first", uas, want)
	}
	for _, ua := range uas {
		if strings.IndexByte(ua, '%') >= 0 {
			t.Fatalf("unexpected '%%' in user agent %q of gen_cloudfront.log", ua)
		}
	}
	// AWS's documented example: every user agent decoded.
	uas = userAgents(t, "aws_doc_cloudfront.log")
	const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36"
	if want := strings.Repeat(chrome+"|", 5) + "curl/7.55.1"; strings.Join(uas, "|") != want {
		t.Fatalf("unexpected user agents of aws_doc_cloudfront.log; got %q", uas)
	}
	// Steady state: no allocation, decoding included.
	p := NewParser(Options{Fields: fields})
	line := []byte("2026-03-01\t10:00:00\t10.0.0.1\tGET\t/\t200\tMozilla/5.0%2520(Windows%2520NT%252010.0)")
	parsertest.NoAllocs(t, p, [][]byte{line}, "a double-encoded user agent")
}
