package report

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -rewrite.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *rewrite {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("cannot rewrite %s: %v", path, err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read golden file: %v (run go test -rewrite)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Fatalf("unexpected output for %q (-want +got; run go test -rewrite and review the diff):\n%s", name, diff)
	}
}

// Hostile log data: each must come out as text, never as markup.
const (
	scriptUA   = "<script>alert(1)</script>"
	imgSample  = `"><img src=x onerror=alert(1)>`
	svgPath    = "GET /<svg onload=alert(1)>"
	tdSubject  = "</td><script>x</script>"
	quoteUser  = `o'brien"&<b>`
	invalidUA  = "curl/8.0 \xff\xfe\x1b[31m"
	maxPageLen = 100_000
)

// t0 is the start of the sample reports' log.
var t0 = time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)

// minute is t0 plus m minutes.
func minute(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }

// newIncident is an incident with the runbook of its kind and severity.
func newIncident(in incident.Incident) incident.Incident {
	in.Runbook = incident.RunbookOf(in.Kind, in.Severity)
	return in
}

// sampleReport is a small report with every section, approximate counts,
// an open and two resolved incidents, late lines, a damaged file, and
// hostile strings.
func sampleReport() *Report {
	r := &Report{
		Schema: Schema,
		Input: Input{
			Files: []File{
				{Path: "/var/log/nginx/access.log", Compression: "none", Format: "combined_rt", Lines: 1000, Bytes: 210_000,
					Warnings: []string{"line 1,000 has no newline at the end; it is counted"}},
				{Path: "/var/log/nginx/access.log.1.gz", Compression: "gzip", Format: "combined_rt", Lines: 212, Bytes: 44_100,
					Error: "unexpected end of gzip data after 43.1 KiB"},
			},
			Lines: 1212, Parsed: 1200, Malformed: 4, TooLong: 1, Filtered: 7, Late: 9, Bytes: 254_100, Format: "combined_rt",
			MalformedReasons: []Count{{Key: "bad request line", Count: 3}, {Key: "unterminated quote", Count: 1}},
			MalformedSamples: []Sample{
				{File: "/var/log/nginx/access.log", Line: 17, Reason: "bad request line", Text: `10.0.0.1 - - [01/Mar/2026:03:00:09 +0000] "GET ` + imgSample},
				{File: "/var/log/nginx/access.log", Line: 90, Reason: "bad request line", Text: "\xff\xfe\x00binary\tjunk"},
			},
		},
		TimeRange: TimeRange{Start: t0.Add(5 * time.Second), End: minute(29).Add(50 * time.Second)},
		Requests: Requests{
			Total:     1200,
			Status:    map[string]uint64{"200": 900, "301": 40, "401": 90, "404": 60, "500": 70, "503": 30, "-": 10},
			Errors5xx: 100, ErrorRate: 100.0 / 1200,
		},
		Latency: Latency{Count: 1190, Mean: 84.2, P50: 31, P90: 180, P95: 420, P99: 2900, P999: 30_000, Max: 60_012, Exact: true},
		Endpoints: []Endpoint{
			{Endpoint: "GET /api/properties/{id}", Count: 700, Errors5xx: 60, Latency: Latency{Count: 700, P50: 30, P90: 170, P95: 400, P99: 2800, P999: 29_000, Max: 60_012, Exact: true}},
			{Endpoint: "POST /api/payments/{id}/charge", Count: 300, Errors5xx: 40, Latency: Latency{Count: 290, P50: 210, P90: 900, P95: 1400, P99: 3100, P999: 4000, Max: 4100, Exact: true}},
			{Endpoint: svgPath, Count: 12},
		},
		TopIPs:            []Count{{Key: "192.0.2.77", Count: 410, Error: 12}, {Key: "2001:db8::1", Count: 98}, {Key: "198.51.100.4", Count: 51, Error: 3}},
		TopAuthFailureIPs: []Count{{Key: "192.0.2.77", Count: 88, Error: 2}},
		TopUsers:          []Count{{Key: "u77733", Count: 140}, {Key: quoteUser, Count: 9}},
		UniqueIPs:         3481,
		UserAgents: []UserAgent{
			{Key: "Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0", Count: 600, Class: "browser", Family: "Firefox"},
			{Key: scriptUA, Count: 300, Error: 7, Class: "unknown", Family: "Other"},
			{Key: invalidUA, Count: 250, Class: "tool", Family: "curl"},
		},
		UserAgentClasses: []Count{{Key: "browser", Count: 640}, {Key: "unknown", Count: 300}, {Key: "tool", Count: 250}, {Key: "bot", Count: 10}},
		TimelineStep:     time.Minute,
		AppErrors:        3,
		Incidents: []incident.Incident{
			newIncident(incident.Incident{
				ID: "0123456789abcdef", Severity: incident.P1, Kind: incident.Attack, Subject: "192.0.2.77", Status: incident.Resolved,
				Start: minute(12), End: minute(19), Peak: incident.Peak{Value: 31, At: minute(15)}, Threshold: 20,
				Summary:  "192.0.2.77 made 88 failed auth requests (401/403/429) between 03:12 and 03:19",
				Evidence: incident.Evidence{Clients: []Count{{Key: "192.0.2.77", Count: 88}}, Status: []Count{{Key: "401", Count: 80}, {Key: "429", Count: 8}}},
			}),
			newIncident(incident.Incident{
				ID: "89abcdef01234567", Severity: incident.P2, Kind: incident.Latency, Subject: tdSubject, Status: incident.Open,
				Start: minute(20), End: minute(30), Peak: incident.Peak{Value: 2400, At: minute(21)}, Threshold: 2000,
				Summary:  "p95 above 2s: 40 of 90 requests took longer between 03:20 and 03:30",
				Evidence: incident.Evidence{Endpoints: []Count{{Key: "GET /api/properties/{id}", Count: 40}}},
			}),
			newIncident(incident.Incident{
				ID: "fedcba9876543210", Severity: incident.P4, Kind: incident.BotSurge, Subject: incident.SubjectAll, Status: incident.Resolved,
				Start: minute(2), End: minute(5), Peak: incident.Peak{Value: 0.31, At: minute(3)}, Threshold: 0.25,
				Summary: "bots made 31% of requests between 03:02 and 03:05",
			}),
		},
		Exact: Exactness{Latency: true, Endpoints: true, TopUsers: true, Timeline: true},
		Options: ReportOptions{Top: 3, Since: t0, Until: minute(30),
			Window: time.Minute, Lateness: 2 * time.Minute},
	}
	for i := range 30 {
		m := TimelineRow{Start: minute(i), Requests: uint64(30 + i%7*3), P95: float64(90 + i*10)}
		switch {
		case i == 8 || i == 9: // no row: a gap in the bars and the line
			continue
		case i == 11: // a row without durations, next to the gap: a lone p95 point at 10
			m.P95 = 0
		case i >= 20 && i < 25:
			m.Errors5xx, m.P95 = uint64(10+i), 2400
		}
		if i == 27 {
			m.AppErrors = 3
		}
		r.Timeline = append(r.Timeline, m)
	}
	return r
}
