package pipeline_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline"
)

// The reference of TestTCPConnections: a TCP proxy connection is a line
// whose request is "- - -"; every other line is a request whose duration
// is the third of the four numbers (bytes received, bytes sent,
// duration, upstream time or "-") that come before the first quoted
// header, in all of Envoy's and Istio's formats.
var (
	refTCPRe      = regexp.MustCompile(`^\[[^\]]+\] "- - -" `)
	refDurationRe = regexp.MustCompile(`^\[[^\]]+\] "[^"]*" (\d+) .*? (\d+) (\d+) (\d+) (?:\d+|-) "`)
)

// TestTCPConnections: the TCP lines of Envoy's and Istio's logs are
// counted in input.kinds.tcp and in no request figure: the request count,
// the status counts, the latency percentiles (a database connection's
// minutes would be the p99) and the client IPs (the TCP clients of the
// generated log connect only through TCP), the endpoints and the
// timeline agree with a regexp's reading of the other lines.
func TestTCPConnections(t *testing.T) {
	f := func(name string, data []byte, format string) {
		t.Helper()
		var tcp uint64
		var durations []float64
		status := map[string]uint64{}
		for _, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
			if refTCPRe.Match(line) {
				tcp++
				continue
			}
			m := refDurationRe.FindSubmatch(line)
			if m == nil {
				t.Fatalf("unexpected line of %s without a duration: %q", name, line)
			}
			status[string(m[1])]++
			ms, _ := strconv.ParseFloat(string(m[4]), 64)
			durations = append(durations, ms)
		}
		rep := runBytes(t, data, pipeline.Options{Top: 1000, Exact: true})
		in := rep.Input
		if in.Format != format || in.Kinds.TCP != tcp || in.Kinds.HTTP != uint64(len(durations)) || rep.Requests.Total != uint64(len(durations)) {
			t.Fatalf("unexpected counts of %s; got format %s, kinds %+v, requests %d; want %s, tcp %d, requests %d",
				name, in.Format, in.Kinds, rep.Requests.Total, format, tcp, len(durations))
		}
		if tcp == 0 {
			t.Fatalf("unexpected sample %s without TCP lines", name)
		}
		if d := gocmp.Diff(status, rep.Requests.Status); d != "" {
			t.Fatalf("unexpected status counts of %s (-reference +vigil):\n%s", name, d)
		}
		checkNearestRank(t, name, rep.Latency, durations)
		// Windows count no TCP line as a request either.
		var inTimeline uint64
		for _, row := range rep.Timeline {
			inTimeline += row.Requests
		}
		if in.Late != 0 || inTimeline != uint64(len(durations)) {
			t.Fatalf("unexpected requests in the timeline of %s; got %d (late %d); want %d", name, inTimeline, in.Late, len(durations))
		}
		for _, c := range rep.TopIPs {
			if c.Key == "10.244.9.9" {
				t.Fatalf("unexpected client of TCP connections only among the top IPs of %s: %+v", name, c)
			}
		}
		for _, e := range rep.Endpoints {
			if e.Latency.Max >= 60_000 {
				t.Fatalf("unexpected endpoint of %s with a TCP connection's duration: %+v", name, e)
			}
		}
	}
	f("generated", sidecarLog(2000, 40), "istio")
	for _, c := range []struct{ file, format string }{
		{"gen_envoy.log", "envoy"}, {"istio_gen.log", "istio"}, {"gen_istio_pre19.log", "istio_1_3"}, {"gen_istio_1_8.log", "istio_1_8"},
	} {
		data, err := os.ReadFile("../testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		f(c.file, data, c.format)
	}
}

// sidecarLog is an Istio sidecar's log (1.9's default format) of
// requests answered in 1 to 500 ms and, among them, tcp connections to
// PostgreSQL from one client that makes no request, each open 1 to 15
// minutes.
func sidecarLog(requests, tcp int) []byte {
	r := rand.New(rand.NewPCG(7, 7))
	var b bytes.Buffer
	for i := range requests + tcp {
		ts := fmt.Sprintf("2026-03-01T10:%02d:%02d.000Z", i/60%60, i%60)
		if i%(requests/tcp+1) == 0 {
			fmt.Fprintf(&b, `[%s] "- - -" 0 - - - "-" 1532 98211 %d - "-" "-" "-" "-" "10.244.5.3:5432" outbound|5432||postgres.db.svc.cluster.local 10.244.9.9:51234 10.96.80.4:5432 10.244.9.9:%d - -`+"\n",
				ts, 60_000+r.IntN(840_000), 40000+i)
			continue
		}
		status := []int{200, 200, 200, 404, 503}[r.IntN(5)]
		d := 1 + r.IntN(500)
		fmt.Fprintf(&b, `[%s] "GET /api/orders/%d HTTP/1.1" %d - via_upstream - "-" 0 512 %d %d "-" "curl/8.5.0" "id-%d" "orders:8080" "10.244.1.7:8080" outbound|8080||orders.shop.svc.cluster.local 10.244.2.3:41234 10.96.12.7:8080 10.244.2.%d:52110 - default`+"\n",
			ts, r.IntN(50), status, d, max(0, d-1), i, r.IntN(20))
	}
	return b.Bytes()
}
