package jsonlog

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// istioEntry is a line of Istio's JSON access log (meshConfig
// accessLogEncoding: JSON, EnvoyJSONLogFormatIstio), decoded with
// encoding/json. Envoy writes the numeric operators as numbers (strings
// before Istio 1.9) and an absent value as null.
type istioEntry struct {
	StartTime    string      `json:"start_time"`
	Method       string      `json:"method"`
	Path         string      `json:"path"`
	Protocol     string      `json:"protocol"`
	ResponseCode json.Number `json:"response_code"`
	BytesSent    json.Number `json:"bytes_sent"`
	Duration     json.Number `json:"duration"`
	UpstreamTime *string     `json:"upstream_service_time"`
	XFF          *string     `json:"x_forwarded_for"`
	UserAgent    string      `json:"user_agent"`
	Authority    string      `json:"authority"`
	Peer         string      `json:"downstream_remote_address"`
	// Envoy Gateway's default JSON format names the headers as they are.
	GatewayPath         string  `json:"x-envoy-origin-path"`
	GatewayUpstreamTime *string `json:"x-envoy-upstream-service-time"`
	GatewayXFF          *string `json:"x-forwarded-for"`
	GatewayUserAgent    string  `json:"user-agent"`
	GatewayAuthority    string  `json:":authority"`
}

// merged returns e with Envoy Gateway's names where Istio's are absent.
func (e istioEntry) merged() *istioEntry {
	e.Path = cmp.Or(e.Path, e.GatewayPath)
	e.UserAgent = cmp.Or(e.UserAgent, e.GatewayUserAgent)
	e.Authority = cmp.Or(e.Authority, e.GatewayAuthority)
	e.UpstreamTime = cmp.Or(e.UpstreamTime, e.GatewayUpstreamTime)
	e.XFF = cmp.Or(e.XFF, e.GatewayXFF)
	return &e
}

// TestIstioJSON reads testdata/gen_istio_json.log, Istio's JSON access
// log, and checks every line against the reference and against the
// entry decoded with encoding/json: the client is X-Forwarded-For's first
// address, else the downstream peer without its port (net.SplitHostPort),
// as the istio text format of parsers/accesslog reads them; the status
// is response_code (0 included), the target path, the host authority,
// the duration duration in ms and the upstream time
// upstream_service_time in ms. A line without method, path and protocol
// (null, or "-" before Istio 1.9) and with response_code 0 is a TCP
// proxy connection (parsers.KindTCP): the file has three.
func TestIstioJSON(t *testing.T) {
	f := func(name string, wantTCP int) {
		t.Helper()
		lines := parsertest.ReadLines(t, name)
		p := NewParser(Options{})
		tcp := 0
		for i, line := range lines {
			var e istioEntry
			d := json.NewDecoder(bytes.NewReader(line))
			d.UseNumber()
			if err := d.Decode(&e); err != nil {
				t.Fatalf("cannot decode %s:%d: %v", name, i+1, err)
			}
			var r parsers.Record
			got := resultOf(&r, p.Parse(line, &r))
			if want := istioWant(t, e.merged()); got != want {
				t.Errorf("unexpected record for %s:%d;\ngot  %s;\nwant %s", name, i+1, got, want)
			}
			if ref := parseRef(line, ""); got != ref {
				t.Errorf("unexpected record for %s:%d;\ngot  %s;\nreference %s", name, i+1, got, ref)
			}
			if got.Kind == parsers.KindTCP {
				tcp++
			}
		}
		if tcp != wantTCP {
			t.Errorf("unexpected TCP lines in %s; got %d; want %d", name, tcp, wantTCP)
		}
		parsertest.NoAllocs(t, p, lines, name)
	}
	f("gen_istio_json.log", 3)
	// Envoy Gateway's default JSON format: the same operators, the
	// request headers under their own names.
	f("gen_envoy_gateway_json.log", 1)
}

// istioWant is what a line of Istio's JSON log must give.
func istioWant(t *testing.T, e *istioEntry) result {
	t.Helper()
	ms := func(s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("cannot parse ms %q: %v", s, err)
		}
		return n * 1000
	}
	ts, err := time.Parse(time.RFC3339Nano, e.StartTime)
	if err != nil {
		t.Fatal(err)
	}
	status, err := strconv.Atoi(e.ResponseCode.String())
	if err != nil {
		t.Fatal(err)
	}
	bytesSent, err := strconv.ParseInt(e.BytesSent.String(), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	dash := func(s string) string { return strings.TrimPrefix(s, "-") }
	w := result{
		Kind: parsers.KindHTTP, Time: ts.UnixNano(), Status: status, ZeroStatus: status == 0,
		Method: dash(e.Method), Target: dash(e.Path), Proto: dash(e.Protocol), UserAgent: dash(e.UserAgent), Host: dash(e.Authority),
		Bytes: bytesSent, Duration: ms(e.Duration.String()), Upstream: -1,
	}
	if w.Method == "" && w.Target == "" && w.Proto == "" && status == 0 {
		// A connection of Envoy's TCP proxy: no request, no status.
		w.Kind, w.ZeroStatus = parsers.KindTCP, false
	}
	if e.UpstreamTime != nil && *e.UpstreamTime != "-" {
		w.Upstream = ms(*e.UpstreamTime)
	}
	if e.XFF != nil && *e.XFF != "-" {
		w.Client = strings.TrimSpace(strings.Split(*e.XFF, ",")[0])
	} else if host, _, err := net.SplitHostPort(e.Peer); err == nil {
		w.Client = host
	} else {
		t.Fatalf("cannot split the peer %q: %v", e.Peer, err)
	}
	return w
}
