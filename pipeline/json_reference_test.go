package pipeline_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil-ops/vigil/bench/loggen"
)

// TestJSONReportMatchesReference checks the report of the real Caddy logs
// (one with a docker-compose prefix on every line) against encoding/json.
func TestJSONReportMatchesReference(t *testing.T) {
	paths := []string{"../testdata/logfile_caddy_log.0", "../testdata/logfile_caddy_log.1"}
	status := map[string]uint64{}
	ips := map[string]uint64{}
	var lines, requests uint64
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			lines++
			line := sc.Bytes()
			var e struct {
				Status  int `json:"status"`
				Request struct {
					ClientIP string `json:"client_ip"`
					RemoteIP string `json:"remote_ip"`
				} `json:"request"`
			}
			if err := json.Unmarshal(line[bytes.IndexByte(line, '{'):], &e); err != nil {
				t.Fatalf("cannot decode %q: %v", line, err)
			}
			if e.Status == 0 {
				continue // a runtime message, not a request
			}
			requests++
			status[strconv.Itoa(e.Status)]++
			ip := e.Request.ClientIP
			if ip == "" {
				ip = e.Request.RemoteIP
			}
			ips[ip]++
		}
	}
	rep := runFiles(t, paths, pipeline.Options{Top: 100})
	if rep.Input.Lines != lines || rep.Input.Parsed != lines || rep.Requests.Total != requests || rep.Input.Format != "json" {
		t.Errorf("unexpected counts; got lines %d parsed %d requests %d format %q; want %d %d %d json",
			rep.Input.Lines, rep.Input.Parsed, rep.Requests.Total, rep.Input.Format, lines, lines, requests)
	}
	if d := gocmp.Diff(status, rep.Requests.Status, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("unexpected status counts (-encoding/json +vigil):\n%s", d)
	}
	if d := gocmp.Diff(topOf(ips, 100), rep.TopIPs, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("unexpected top IPs (-encoding/json +vigil):\n%s", d)
	}
}

// TestAppErrorTimeline checks that application error lines of a JSON log
// (a level, no HTTP fields) are counted in total and per minute, against
// encoding/json.
func TestAppErrorTimeline(t *testing.T) {
	var buf bytes.Buffer
	if _, err := loggen.Generate(&buf, loggen.Options{Lines: 50_000, Seed: 9, Format: "json"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{}
	var total uint64
	sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
	for sc.Scan() {
		var e struct {
			Time   time.Time `json:"time"`
			Level  string    `json:"level"`
			Status int       `json:"status"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("cannot decode %q: %v", sc.Bytes(), err)
		}
		if e.Level == "error" && e.Status == 0 {
			total++
			want[e.Time.UTC().Truncate(time.Minute).Format(time.RFC3339)]++
		}
	}
	rep := runBytes(t, buf.Bytes(), pipeline.Options{})
	got := map[string]uint64{}
	for _, m := range rep.Timeline {
		if m.AppErrors > 0 {
			got[m.Start.Format(time.RFC3339)] = m.AppErrors
		}
	}
	if total == 0 || rep.AppErrors != total {
		t.Errorf("unexpected application errors; got %d; want %d (and more than 0)", rep.AppErrors, total)
	}
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("unexpected application errors per minute (-encoding/json +vigil):\n%s", d)
	}
}

// TestJSONLoggerSamplesMatchReference checks the reports of real JSON
// access entries against encoding/json: restify's audit lines written by
// bunyan (res.statusCode, remoteAddress, req.method and req.url, latency
// in ms) and a nested entry (response.status, client_ip, request.method
// and request.uri, no duration): requests, statuses, clients, endpoints
// and the latency count, mean and max. Lines without a status are
// application lines.
func TestJSONLoggerSamplesMatchReference(t *testing.T) {
	type entry struct {
		Res struct {
			StatusCode int `json:"statusCode"`
		} `json:"res"`
		Response struct {
			Status int `json:"status"`
		} `json:"response"`
		Req struct {
			Method string `json:"method"`
			URL    string `json:"url"`
		} `json:"req"`
		Request struct {
			Method string `json:"method"`
			URI    string `json:"uri"`
		} `json:"request"`
		RemoteAddress string   `json:"remoteAddress"`
		ClientIP      string   `json:"client_ip"`
		Latency       *float64 `json:"latency"`
	}
	f := func(file string) {
		t.Helper()
		data, err := os.ReadFile("../testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		status, ips, endpoints := map[string]uint64{}, map[string]uint64{}, map[string]uint64{}
		var requests, app uint64
		var ms []float64
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			var e entry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("cannot decode %q: %v", sc.Bytes(), err)
			}
			code, method, target, ip := e.Res.StatusCode, e.Req.Method, e.Req.URL, e.RemoteAddress
			if code == 0 {
				code, method, target, ip = e.Response.Status, e.Request.Method, e.Request.URI, e.ClientIP
			}
			if code == 0 {
				app++
				continue
			}
			requests++
			status[strconv.Itoa(code)]++
			ips[ip]++
			endpoints[refEndpoint(method+" "+target)]++
			if e.Latency != nil {
				ms = append(ms, *e.Latency)
			}
		}
		rep := runFiles(t, []string{"../testdata/" + file}, pipeline.Options{Top: 100})
		if rep.Requests.Total != requests || rep.Input.Kinds.App != app || rep.Input.Malformed != 0 {
			t.Errorf("unexpected counts of %s; got requests %d, app %d, malformed %d; want %d, %d, 0",
				file, rep.Requests.Total, rep.Input.Kinds.App, rep.Input.Malformed, requests, app)
		}
		if d := gocmp.Diff(status, rep.Requests.Status, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("unexpected status counts of %s (-encoding/json +vigil):\n%s", file, d)
		}
		if d := gocmp.Diff(topOf(ips, 100), rep.TopIPs, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("unexpected top IPs of %s (-encoding/json +vigil):\n%s", file, d)
		}
		got := map[string]uint64{}
		for _, e := range rep.Endpoints {
			got[e.Endpoint] = e.Count
		}
		if d := gocmp.Diff(endpoints, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("unexpected endpoints of %s (-encoding/json +vigil):\n%s", file, d)
		}
		var sum, top float64
		for _, v := range ms {
			sum += v
			top = math.Max(top, v)
		}
		l := rep.Latency
		if l.Count != uint64(len(ms)) || len(ms) > 0 && (l.Max != top || math.Abs(l.Mean-sum/float64(len(ms))) > 1e-9) {
			t.Errorf("unexpected latency of %s; got count %d, mean %v, max %v; want %d, sum %v, max %v", file, l.Count, l.Mean, l.Max, len(ms), sum, top)
		}
	}
	f("bunyan_withreq.log")
	f("logfile_json3.json")
}
