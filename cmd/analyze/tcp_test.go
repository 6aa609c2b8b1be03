package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/pipeline/report"
)

// TestTCPConnections: analyze's text report of an Envoy or Istio log says
// how many of its lines were TCP proxy connections and counts the others
// as the requests, and -o json has the count in input.kinds.tcp; the
// reference counts the "- - -" requests with a regexp.
func TestTCPConnections(t *testing.T) {
	tcpRe := regexp.MustCompile(`(?m)^\[[^\]]+\] "- - -" `)
	for _, file := range []string{"gen_envoy.log", "istio_gen.log", "gen_istio_pre19.log"} {
		path := "../../testdata/" + file
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tcp := len(tcpRe.FindAll(data, -1))
		requests := strings.Count(string(data), "\n") - tcp
		out, _, code := analyze(t, nil, path)
		want := fmt.Sprintf("\nREQUESTS %d, ", requests)
		wantTCP := fmt.Sprintf("\n  %d TCP connections (not HTTP requests): in no request, latency or client figure\n", tcp)
		if code != 0 || tcp == 0 || !strings.Contains(out, want) || !strings.Contains(out, wantTCP) {
			t.Errorf("unexpected text report of %s (status %d); want %q and %q:\n%s", file, code, want, wantTCP, out)
		}
		out, _, _ = analyze(t, nil, "-o", "json", path)
		var rep report.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Input.Kinds.TCP != uint64(tcp) || rep.Requests.Total != uint64(requests) {
			t.Errorf("unexpected JSON of %s; got kinds %+v, requests %d, %v; want tcp %d, requests %d", file, rep.Input.Kinds, rep.Requests.Total, err, tcp, requests)
		}
	}
}
