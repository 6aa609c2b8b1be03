package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/filesrc"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// Lines of the shapes that fit more than one format, numbered i.
func ambCommon(i int) string {
	return fmt.Sprintf(`192.0.2.%d - - [01/Mar/2026:10:%02d:%02d +0000] "GET /a/%d HTTP/1.1" 200 %d`, i%250+1, i/60%60, i%60, i%7, 100+i*7%900)
}
func ambCombined(i int) string { return ambCommon(i) + ` "-" "curl/8.5.0"` }

// ambRequestTime is the $request_time of line i, in ms.
func ambRequestTime(i int) int { return i*37%1000 + 1 }

// TestFormatAmbiguity: a file whose lines fit two formats is read as the
// one that tells the most (the virtual host's port, a request time, a
// router's duration rather than its counter), or, when the first lines
// tie across families, as the one the later lines decide, or is reported
// as ambiguous; never guessed wrong. A file whose format changes after
// the sample keeps the sample's and counts the other lines as malformed,
// where they show, rather than misread.
func TestFormatAmbiguity(t *testing.T) {
	type want struct {
		format string
		// ambiguous names the two formats of a FormatError, instead.
		ambiguous []string
		// parsed, malformed: the counts of the whole file.
		parsed, malformed uint64
		// latencies: the durations the report holds, in ms (nil: none).
		latencies []float64
		// client: the busiest client the report shows ("" unchecked).
		client string
		// detection: what the file's detection says ("" unchecked).
		detection string
	}
	lines := func(n int, line func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(line(i) + "\n")
		}
		return b.String()
	}
	// ms returns the durations of lines 0 to n-1 in ms by d.
	ms := func(n int, d func(i int) int) []float64 {
		var l []float64
		for i := range n {
			l = append(l, float64(d(i)))
		}
		return l
	}
	testdata := func(name string) string {
		b, err := os.ReadFile("../testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	f := func(name, data string, w want) {
		t.Helper()
		rep, err := analyze(data)
		var fe *pipeline.FormatError
		switch {
		case w.ambiguous != nil:
			if !errors.As(err, &fe) || !slices.Equal(fe.Ambiguous, w.ambiguous) {
				t.Errorf("%s: unexpected result; got %v; want ambiguous between %v", name, err, w.ambiguous)
			}
			return
		case err != nil:
			t.Errorf("%s: unexpected error %v", name, err)
			return
		}
		in := rep.Input
		if !strings.HasPrefix(in.Format, w.format) || in.Parsed != w.parsed || in.Malformed != w.malformed {
			t.Errorf("%s: unexpected reading; got %s, parsed %d, malformed %d; want %s, %d, %d", name, in.Format, in.Parsed, in.Malformed, w.format, w.parsed, w.malformed)
		}
		l := rep.Latency
		if uint64(len(w.latencies)) != l.Count || l.Count > 0 && l.Max != slices.Max(w.latencies) {
			t.Errorf("%s: unexpected latency; got %d durations, max %v ms; want %d, max %v", name, l.Count, l.Max, len(w.latencies), w.latencies)
		}
		if d := in.Files[0].Detection; !strings.Contains(d, w.detection) {
			t.Errorf("%s: unexpected detection %q; want it to say %q", name, d, w.detection)
		}
		if w.client != "" && (len(rep.TopIPs) == 0 || rep.TopIPs[0].Key != w.client) {
			t.Errorf("%s: unexpected top clients %v; want %s first", name, rep.TopIPs, w.client)
		}
	}

	// vcombined and vcombined_noport both read "host:443 client ...":
	// the port makes it vcombined.
	f("vcombined", lines(300, func(i int) string { return "shop.example.com:443 " + ambCombined(i) }),
		want{format: "vcombined", parsed: 300, client: "192.0.2.1"})
	// combined and combined_rt both read a trailing $request_time.
	rt := func(i int) string {
		return ambCombined(i) + fmt.Sprintf(" %d.%03d", ambRequestTime(i)/1000, ambRequestTime(i)%1000)
	}
	f("combined with $request_time", lines(300, rt), want{format: "combined", parsed: 300, latencies: ms(300, ambRequestTime)})
	// ingress-nginx's upstreaminfo: combined and more; its $request_time
	// is the duration, not the request length before it.
	ingress := func(i int) string {
		return ambCombined(i) + fmt.Sprintf(` %d 0.%03d [shop-api-80] [] 10.244.1.7:8080 512 0.%03d 200 4d1c6bd5a3e14a7f9d2b1c0e8f7a6b%02d`, 80+i%50, i%900+5, i%900+4, i%100)
	}
	f("ingress_nginx", lines(300, ingress), want{format: "ingress_nginx", parsed: 300, latencies: ms(300, func(i int) int { return i%900 + 5 })})
	// Traefik CLF: its duration, not the request counter before it.
	traefik := func(i int) string {
		return ambCombined(i) + fmt.Sprintf(` %d "api@docker" "http://172.18.0.3:8080" %dms`, i+1, i%90+1)
	}
	f("traefik_clf", lines(300, traefik), want{format: "traefik_clf", parsed: 300, latencies: ms(300, func(i int) int { return i%90 + 1 })})
	// ALB and ELB lines differ in their first field only.
	f("aws_alb", testdata("lnav_alb_sample.log"), want{format: "aws_alb", parsed: 5, latencies: []float64{1, 171, 171, 171, 1}})
	f("aws_elb", testdata("lnav_elb_sample.log"), want{format: "aws_elb", parsed: 5, latencies: []float64{9.571, 1.178, 1.178, 1.178, 0.113}})
	// HAProxy with a syslog prefix, then without, and the other way.
	haproxy := func(i int) string {
		return fmt.Sprintf(`10.0.1.2:%d [06/Mar/2026:12:14:%02d.655] http-in static/srv1 10/0/30/69/%d 200 2750 - - ---- 1/1/1/1/0 0/0 "GET /i/%d HTTP/1.1"`, 30000+i, i%60, 100+i, i%5)
	}
	syslog := func(i int) string { return "Mar  6 12:14:15 192.168.4.2 haproxy[7]: " + haproxy(i) }
	hpMS := ms(300, func(i int) int { return 100 + i })
	f("haproxy, syslog first", lines(100, syslog)+lines(300, haproxy)[len(lines(100, haproxy)):], want{format: "haproxy", parsed: 300, latencies: hpMS})
	f("haproxy, bare first", lines(100, haproxy)+lines(300, syslog)[len(lines(100, syslog)):], want{format: "haproxy", parsed: 300, latencies: hpMS})
	// JSON and logfmt tie on the first 100 lines: the later ones decide
	// (the other's application lines are then read by the fallback, as
	// in a mixed file); when they tie all the way, the input is
	// ambiguous.
	half := lines(100, func(i int) string {
		if i%2 == 0 {
			return `{"level":"info","msg":"a"}`
		}
		return `level=info msg=b`
	})
	f("json and logfmt, json later", half+lines(20, func(int) string { return `{"level":"warn","msg":"c"}` }), want{format: "json", parsed: 120, detection: "json and logfmt tied on the first 100 lines, decided by the later ones"})
	f("json and logfmt, logfmt later", half+lines(20, func(int) string { return `level=warn msg=c` }), want{format: "logfmt", parsed: 120, detection: "json and logfmt tied on the first 100 lines"})
	f("json and logfmt all the way", half+half, want{ambiguous: []string{"json", "logfmt"}})
	// The format changes after the sample: the sample's format, and the
	// later lines malformed, shown as such, not misread.
	f("common, then combined", lines(100, ambCommon)+lines(300, ambCombined)[len(lines(100, ambCombined)):],
		want{format: "common", parsed: 100, malformed: 200})
	f("combined, then ingress_nginx", lines(100, ambCombined)+lines(300, ingress)[len(lines(100, ingress)):],
		want{format: "combined", parsed: 100, malformed: 200})
}

// analyze reads data as analyze reads stdin, returning the error of
// pipeline.Run (a FormatError when the format cannot be told).
func analyze(data string) (*report.Report, error) {
	src, err := filesrc.Open("-", bytes.NewReader([]byte(data)), filesrc.Options{})
	if err != nil {
		return nil, err
	}
	res, err := pipeline.Run(context.Background(), []pipeline.Source{src}, pipeline.Options{})
	if err != nil {
		return nil, err
	}
	return res.Report(), nil
}

// TestHAProxyLogFormat: --log-format takes a HAProxy log-format; the 9
// custom lines of beats_haproxy.log (a host between the server and the
// timers), which the haproxy format rejects, are read, with their
// status and timers as a regexp finds them.
func TestHAProxyLogFormat(t *testing.T) {
	const spec = `%ci:%cp [%tr] %ft %b/%s %[req.hdr(host)] %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`
	data, err := os.ReadFile("../testdata/beats_haproxy.log")
	if err != nil {
		t.Fatal(err)
	}
	custom := regexp.MustCompile(`\] \S+ \S+/\S+ \S+ (?:-?\d+/){4}(-?\d+) (\d{3}) `)
	want := map[string]uint64{}
	var maxTa float64
	for _, line := range strings.Split(string(data), "\n") {
		if m := custom.FindStringSubmatch(line); m != nil {
			want[m[2]]++
			ta, err := strconv.ParseFloat(m[1], 64)
			if err != nil {
				t.Fatal(err)
			}
			maxTa = max(maxTa, ta)
		}
	}
	rep := runBytes(t, data, pipeline.Options{LogFormat: spec})
	in := rep.Input
	if in.Parsed != 9 || in.Malformed != 1 || in.Files[0].Detection != "given with --log-format" || !strings.HasPrefix(in.Format, "haproxy log-format") {
		t.Fatalf("unexpected reading; got format %q (%s), parsed %d, malformed %d; want the 9 custom lines, the httplog one malformed", in.Format, in.Files[0].Detection, in.Parsed, in.Malformed)
	}
	if d := gocmp.Diff(want, rep.Requests.Status); d != "" || rep.Latency.Max != maxTa {
		t.Fatalf("unexpected status counts (-regexp +vigil):\n%s\nor latency max %v; want %v", d, rep.Latency.Max, maxTa)
	}
	// An Apache LogFormat is still one.
	if rep := runBytes(t, []byte(sampleLine+"\n"), pipeline.Options{LogFormat: `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`}); rep.Input.Parsed != 1 {
		t.Fatalf("unexpected reading of an Apache LogFormat; got %+v", rep.Input)
	}
}
