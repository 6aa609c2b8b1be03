package accesslog

import (
	"testing"

	"github.com/vigil-ops/vigil/parsers"
	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestBuiltinExamples checks that every named format parses its own
// example and that Detect picks it from the example alone.
func TestBuiltinExamples(t *testing.T) {
	for _, info := range Formats() {
		fm, err := Named(info.Name)
		if err != nil {
			t.Fatalf("unexpected error for %q; got %v", info.Name, err)
		}
		var r parsers.Record
		if err := NewParser(fm, Options{}).Parse([]byte(info.Example), &r); err != nil || r.Status == 0 || r.Method == nil {
			t.Fatalf("unexpected result for the example of %s; got %v, %+v", info.Name, err, r)
		}
		got, _, err := Detect([]byte(info.Example + "\n"))
		want := info.Name
		if want == "combined_rt" {
			want = "combined + request_time (s)"
		}
		if err != nil || got.Name() != want {
			t.Fatalf("unexpected detection of the example of %s; got %v, %v", info.Name, got, err)
		}
	}
}

// TestBuiltinFiles detects each generated sample and checks its records.
func TestBuiltinFiles(t *testing.T) {
	type want struct {
		status  int
		zero    bool
		target  string
		client  string
		host    string
		dur, up int64
		ua      string
		bytes   int64
		hasTime bool
		kind    parsers.Kind
	}
	f := func(file, format string, wants ...want) {
		t.Helper()
		fm, lines := detectFile(t, file, format)
		p := NewParser(fm, Options{})
		for i, line := range lines {
			var r parsers.Record
			if err := p.Parse(line, &r); err != nil {
				t.Fatalf("unexpected error for %s:%d; got %v", file, i+1, err)
			}
			w := wants[i]
			got := want{r.Status, r.ZeroStatus, string(r.Target), string(r.Client), string(r.Host), r.Duration, r.Upstream, string(r.UserAgent), r.Bytes, r.Time != 0, r.Kind}
			w.hasTime = true
			if got != w {
				t.Fatalf("unexpected record for %s:%d; got %+v; want %+v", file, i+1, got, w)
			}
		}
	}
	f("gen_traefik_clf.log", "traefik_clf",
		want{status: 200, target: "/api/orders", client: "192.0.2.10", dur: 12000, up: -1, ua: "curl/8.5.0", bytes: 512},
		want{status: 502, target: "/api/payments/7/charge", client: "198.51.100.7", dur: 30001000, up: -1, ua: "Mozilla/5.0 (X11; Linux x86_64)", bytes: 21},
		want{status: 404, target: "/favicon.ico", client: "203.0.113.9", dur: 0, up: -1, ua: "Mozilla/5.0", bytes: 19},
		want{zero: true, target: "/slow", client: "203.0.113.9", dur: 2001000, up: -1, ua: "curl/8.5.0", bytes: 0})
	f("gen_ingress_nginx.log", "ingress_nginx",
		want{status: 200, target: "/api/orders", client: "192.0.2.10", dur: 12000, up: 11000, ua: "curl/8.5.0", bytes: 512},
		want{status: 502, target: "/api/payments/7/charge", client: "198.51.100.7", dur: 1503000, up: 1502000, ua: "Mozilla/5.0 (X11; Linux x86_64)", bytes: 150},
		want{status: 404, target: "/nope", client: "203.0.113.9", dur: 0, up: -1, ua: "Mozilla/5.0", bytes: 146})
	f("gen_ingress_nginx_0x.log", "ingress_nginx_realip",
		want{status: 200, target: "/", client: "192.0.2.10", dur: 12000, up: 11000, ua: "curl/8.5.0", bytes: 512},
		want{status: 503, target: "/api", client: "198.51.100.7", dur: 0, up: -1, ua: "okhttp/4.12.0", bytes: 190})
	// Istio: X-Forwarded-For's first address, else the downstream peer
	// without its port (IPv6 unbracketed); "-" upstream time: none.
	f("istio_docs.log", "istio",
		want{status: 418, target: "/status/418", client: "10.44.1.23", host: "httpbin:8000", dur: 4000, up: 4000, ua: "curl/7.73.0-DEV", bytes: 135},
		want{status: 418, target: "/status/418", client: "10.44.1.23", host: "httpbin:8000", dur: 3000, up: 1000, ua: "curl/7.73.0-DEV", bytes: 135})
	f("istio_gen.log", "istio",
		want{status: 200, target: "/api/orders?page=2", client: "203.0.113.7", host: "shop.example.com", dur: 13000, up: 11000, ua: "Mozilla/5.0 (X11; Linux x86_64)", bytes: 512},
		want{status: 201, target: "/api/payments/7/charge", client: "10.244.2.3", host: "payments:8080", dur: 104000, up: 97000, ua: "okhttp/4.12.0", bytes: 91},
		want{status: 503, target: "/api/stock", client: "10.244.2.3", host: "stock:9000", dur: 31000, up: -1, ua: "Go-http-client/1.1", bytes: 190},
		want{status: 404, target: "/nope", client: "2001:db8::5", host: "shop.example.com", dur: 0, up: -1, ua: "curl/8.5.0", bytes: 0},
		want{zero: true, target: "/stream", client: "198.51.100.7", host: "shop.example.com", dur: 2500000, up: -1, ua: "Mozilla/5.0", bytes: 0},
		want{status: 200, target: "/grpc.health.v1.Health/Check", client: "10.244.2.3", host: "orders.shop.svc.cluster.local:8080", dur: 2000, up: 1000, ua: "grpc-go/1.62.0", bytes: 8},
		// TCP proxy connections ("- - -"): a database connection's life.
		want{client: "10.244.2.3", dur: 184233000, up: -1, bytes: 98211, kind: parsers.KindTCP},
		want{client: "10.244.2.3", dur: 600000000, up: -1, bytes: 4096, kind: parsers.KindTCP})
	f("gen_istio_pre19.log", "istio_1_3",
		want{status: 200, target: "/api/orders?page=2", client: "203.0.113.7", host: "shop.example.com", dur: 13000, up: 11000, ua: "Mozilla/5.0 (X11; Linux x86_64)", bytes: 512},
		want{status: 201, target: "/api/payments/7/charge", client: "10.244.2.3", host: "payments:8080", dur: 104000, up: 97000, ua: "okhttp/4.12.0", bytes: 91},
		want{status: 503, target: "/api/stock", client: "10.244.2.3", host: "stock:9000", dur: 31000, up: -1, ua: "Go-http-client/1.1", bytes: 91},
		want{status: 403, target: "/admin", client: "2001:db8::5", host: "shop.example.com", dur: 2000, up: -1, ua: "curl/8.5.0", bytes: 0},
		want{zero: true, target: "/stream", client: "198.51.100.7", host: "shop.example.com", dur: 2500000, up: -1, ua: "Mozilla/5.0", bytes: 0},
		want{client: "10.244.2.3", dur: 184233000, up: -1, bytes: 98211, kind: parsers.KindTCP},
		want{client: "10.244.2.3", dur: 1001000, up: -1, bytes: 0, kind: parsers.KindTCP})
	f("gen_istio_1_8.log", "istio_1_8",
		want{status: 200, target: "/api/orders", client: "10.244.2.3", host: "orders:8080", dur: 13000, up: 11000, ua: "curl/8.5.0", bytes: 512},
		want{status: 503, target: "/api/stock", client: "198.51.100.7", host: "stock:9000", dur: 1004000, up: -1, ua: "okhttp/4.12.0", bytes: 91},
		want{client: "10.244.2.3", dur: 184233000, up: -1, bytes: 98211, kind: parsers.KindTCP})
	f("gen_envoy.log", "envoy",
		want{status: 200, target: "/api/orders", client: "192.0.2.10", host: "shop.example.com", dur: 13000, up: 11000, ua: "curl/8.5.0", bytes: 512},
		want{status: 503, target: "/api/payments/7/charge", client: "198.51.100.7", host: "shop.example.com", dur: 1004000, up: -1, ua: "okhttp/4.12.0", bytes: 91},
		want{zero: true, target: "/stream", host: "shop.example.com", dur: 2500000, up: -1, ua: "Mozilla/5.0", bytes: 0},
		want{dur: 184233000, up: -1, bytes: 98211, kind: parsers.KindTCP},
		want{dur: 1001000, up: -1, bytes: 0, kind: parsers.KindTCP})
	f("lnav_s3_sample.log", "aws_s3",
		want{status: 200, target: "/index", client: "1.2.3.4", dur: 10000, up: 9000, ua: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/535.11 (KHTML, like Gecko) Chrome/17.0.963.56 Safari/535.11", bytes: 368},
		want{status: 200, target: "/awsexamplebucket1?versioning", client: "192.0.2.3", dur: 7000, up: -1, ua: "S3Console/0.4", bytes: 113})
	f("gen_vcombined.log", "vcombined",
		want{status: 200, target: "/", client: "192.0.2.10", host: "shop.example.com", dur: -1, up: -1, ua: "curl/8.5.0", bytes: 512},
		want{status: 304, target: "/feed.xml", client: "198.51.100.7", host: "blog.example.com", dur: -1, up: -1, ua: "Feedly/1.0", bytes: -1})
}

// detectFile reads a sample, checks that Detect picks format for all its
// lines, and returns the format and the lines.
func detectFile(t *testing.T, file, format string) (*Format, [][]byte) {
	t.Helper()
	lines := parsertest.ReadLines(t, file)
	fm, n, err := Detect(joinLines(lines))
	if err != nil || fm.Name() != format || n != len(lines) {
		t.Fatalf("unexpected detection of %s; got %v, %d lines, %v; want %s, %d lines", file, fm, n, err, format, len(lines))
	}
	return fm, lines
}

func joinLines(lines [][]byte) []byte {
	var b []byte
	for _, l := range lines {
		b = append(append(b, l...), '\n')
	}
	return b
}

func TestBuiltinAllocs(t *testing.T) {
	for i, fm := range builtinFormats {
		p := NewParser(fm, Options{})
		lines := [][]byte{[]byte(builtins[i].example), []byte(builtins[i].example[:len(builtins[i].example)/2])}
		parsertest.NoAllocs(t, p, lines, fm.Name())
	}
	// Istio's clients: X-Forwarded-For, a peer with its port, [v6]:port.
	parsertest.NoAllocs(t, NewParser(mustNamed(t, "istio"), Options{}), parsertest.ReadLines(t, "istio_gen.log"), "istio")
	// TCP connections too.
	parsertest.NoAllocs(t, NewParser(mustNamed(t, "istio_1_3"), Options{}), parsertest.ReadLines(t, "gen_istio_pre19.log"), "istio_1_3")
	parsertest.NoAllocs(t, NewParser(mustNamed(t, "envoy"), Options{}), parsertest.ReadLines(t, "gen_envoy.log"), "envoy")
}

// FuzzParseBuiltin checks that the built-in formats never panic, return
// known errors, and fill records with sub-slices of the line. (The
// lenient formats are compared with a regexp reference in FuzzParse; the
// built-ins are compiled by the same builder as --log-format, which
// FuzzCompile covers.)
func FuzzParseBuiltin(f *testing.F) {
	parsertest.SeedLines(f, "gen_traefik_clf.log", "gen_ingress_nginx.log", "gen_ingress_nginx_0x.log", "gen_ingress_nginx_0x_alt.log",
		"gen_ingress_nginx_0x_noreqid.log", "gen_envoy.log", "istio_gen.log", "gen_istio_pre19.log", "gen_istio_1_8.log", "gen_vcombined.log", "lnav_s3_sample.log", "beats_ingress_nginx.log", "beats_traefik_clf.log", "beats_apache_vhost.log",
		"contour_envoy.log")
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, fm := range builtinFormats {
			var r parsers.Record
			if err := NewParser(fm, Options{}).Parse(line, &r); err != nil {
				parsertest.SyntaxError(t, line, err, knownReasons)
				continue
			}
			checkWithin(t, line, r)
			if len(r.Host) > 0 {
				checkWithin(t, line, parsers.Record{Client: r.Host})
			}
		}
	})
}

// BenchmarkParseBuiltin measures each built-in format on its generated
// sample, valid and cut in half (invalid).
//
//	go test -run '^$' -bench ParseBuiltin -count 6 ./parsers/accesslog | benchstat -
func BenchmarkParseBuiltin(b *testing.B) {
	for _, c := range []struct{ file, format string }{
		{"gen_traefik_clf.log", "traefik_clf"}, {"gen_ingress_nginx.log", "ingress_nginx"},
		{"gen_envoy.log", "envoy"}, {"istio_gen.log", "istio"}, {"gen_istio_pre19.log", "istio_1_3"}, {"gen_vcombined.log", "vcombined"},
	} {
		fm, err := Named(c.format)
		if err != nil {
			b.Fatal(err)
		}
		lines := parsertest.ReadLines(b, c.file)
		for _, valid := range []bool{true, false} {
			name := c.format
			if !valid {
				name += "_invalid"
			}
			b.Run(name, func(b *testing.B) {
				p := NewParser(fm, Options{})
				var r parsers.Record
				b.ReportAllocs()
				b.SetBytes(int64(len(lines[0])))
				i := 0
				for b.Loop() {
					line := lines[i%len(lines)]
					if !valid {
						line = line[:len(line)/2]
					}
					if err := p.Parse(line, &r); (err == nil) != valid {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// TestIstioClient: the client of an istio line is X-Forwarded-For's first
// address, else the downstream peer; either's host:port and [v6]:port lose
// their port; a bare IPv6 address, a socket path and "-" are taken as they are
// (parsers.FirstAddress and parsers.ClientHost). Each case is checked
// against refBuiltin too.
func TestIstioClient(t *testing.T) {
	p := NewParser(mustNamed(t, "istio"), Options{})
	f := func(xff, peer, want string) {
		t.Helper()
		line := `[2026-03-01T10:00:00.123Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 1 2 1 "` + xff + `" "curl/8.5.0" "id" "h:80" "10.0.0.9:80" outbound|80||h.ns.svc.cluster.local 10.0.0.2:4000 10.0.0.3:80 ` + peer + ` - default`
		var r parsers.Record
		if err := p.Parse([]byte(line), &r); err != nil || string(r.Client) != want {
			t.Fatalf("unexpected client for xff %q, peer %q; got %q, %v; want %q", xff, peer, r.Client, err, want)
		}
		if ref, ok := refBuiltin("istio", []byte(line)); !ok || string(ref.Client) != want {
			t.Fatalf("unexpected reference client for xff %q, peer %q; got %q, %v; want %q", xff, peer, ref.Client, ok, want)
		}
	}
	f("-", "10.0.0.1:5000", "10.0.0.1")
	f("203.0.113.7, 10.0.0.1", "10.0.0.1:5000", "203.0.113.7")
	f("", "10.0.0.1:5000", "10.0.0.1")
	f("-", "[2001:db8::5]:41000", "2001:db8::5")
	f("-", "2001:db8::5", "2001:db8::5")
	f("-", "10.0.0.1", "10.0.0.1")
	f("-", "/var/run/envoy.sock", "/var/run/envoy.sock")
	f("-", "-", "")
	// parsers.ClientHost's rule (net.SplitHostPort): no "[v6]:port", whole.
	f("-", "[]:80", "[]:80")
	f("-", "[a]]:80", "[a]]:80")
	f("-", "[a]b:80", "[a]b:80")
	f("-", "a]:80", "a]:80")
	f("-", "[::1]", "[::1]")
	f("-", "h:1234567890123456789", "h:1234567890123456789")
	f(" 203.0.113.7 ,10.0.0.1", "10.0.0.1:5000", "203.0.113.7")
	f(" , 10.0.0.1", "10.0.0.1:5000", "10.0.0.1")
	// X-Forwarded-For's first address with a port loses it too.
	f("203.0.113.7:51234, 10.0.0.1", "10.0.0.1:5000", "203.0.113.7")
	f("[2001:db8::7]:443", "10.0.0.1:5000", "2001:db8::7")
	f("2001:db8::7, 10.0.0.1", "10.0.0.1:5000", "2001:db8::7")
	f("-:80, 10.0.0.1", "10.0.0.1:5000", "10.0.0.1")
	f("-", "[-]:80", "")
}
