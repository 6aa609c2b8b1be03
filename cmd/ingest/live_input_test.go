package main

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
	"github.com/vigil-ops/vigil/pipeline/report"
	"github.com/vigil-ops/vigil/pipeline/report/browsertest"
)

// refTCP matches a TCP proxy connection of Envoy's and Istio's logs: its
// request is "- - -".
var refTCP = regexp.MustCompile(`^\[[^\]]+\] "- - -" `)

// ingestReport produces each topic's lines to its one partition (or
// round robin over parts of them), runs the ingest binary on them with
// its HTTP server, and returns /api/report once every line is stored,
// with the process.
func ingestReport(t *testing.T, parts int, topics map[string][][]byte) (*report.Report, *proc) {
	t.Helper()
	var opts []kfake.Opt
	var args []string
	total := 0
	for name, lines := range topics {
		total += len(lines)
		if name != ingesttest.Topic {
			opts = append(opts, kfake.SeedTopics(int32(parts), name))
			args = append(args, "--topic", name)
		}
	}
	c := ingesttest.NewCluster(t, parts, opts...)
	for name, lines := range topics {
		ingesttest.ProduceTo(t, c.ListenAddrs(), name, lines, parts)
	}
	dsn := ingesttest.Migrated(t)
	addr := freeAddr(t)
	p := start(t, c.ListenAddrs(), dsn, append([]string{"--http-addr", addr}, args...)...)
	ingesttest.WaitFor(t, time.Minute, "every line stored", func() bool {
		return pgtest.QueryInt(t, dsn, `SELECT coalesce(sum(lines), 0) FROM vigil.partitions`) == int64(total)
	})
	return browsertest.APIReport(t, "http://"+addr), p
}

// TestLiveTCP: ingest of Envoy's and Istio's samples, one topic each:
// /api/report counts their TCP proxy connections in input.kinds.tcp (a
// regexp's count of the "- - -" lines) and in no request, as analyze
// does. Before, the windows did not count them: kinds.tcp was 0 and the
// input's lines left them out. Its status counts are analyze's, status 0
// apart from no status.
func TestLiveTCP(t *testing.T) {
	topics := map[string][][]byte{}
	var inputs []ingesttest.Input
	var tcp, requests uint64
	for topic, file := range map[string]string{ingesttest.Topic: "gen_envoy.log", "istio": "istio_gen.log"} {
		data, err := os.ReadFile("../../testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, ingesttest.Input{Name: file, Data: data})
		topics[topic] = lines(data)
		for _, l := range topics[topic] {
			if refTCP.Match(l) {
				tcp++
			} else {
				requests++
			}
		}
	}
	if tcp == 0 || requests == 0 {
		t.Fatalf("BUG: the samples hold %d TCP lines and %d requests; want some of each", tcp, requests)
	}
	rep, _ := ingestReport(t, 1, topics)
	in := rep.Input
	want := report.Kinds{HTTP: requests, TCP: tcp}
	if in.Kinds != want || rep.Requests.Total != requests || in.Lines != tcp+requests || in.Parsed != tcp+requests {
		t.Fatalf("unexpected input of /api/report; got kinds %+v, %d requests, %d lines, %d parsed; want %+v, %d requests, %d lines",
			in.Kinds, rep.Requests.Total, in.Lines, in.Parsed, want, requests, tcp+requests)
	}
	// The samples' status 0 (no response: "0") as analyze shows it, not
	// as no status ("-").
	if want := ingesttest.Analyze(t, inputs...).Report().Requests.Status; !maps.Equal(rep.Requests.Status, want) || want["0"] == 0 {
		t.Fatalf("unexpected status counts of /api/report; got %v; want analyze's %v, with some \"0\"", rep.Requests.Status, want)
	}
}

// counterLog is n combined lines, each ending in Traefik's request
// counter (growing by one or two a line, up to 3 behind where requests
// overlap): a trailing integer analyze does not read as a duration.
func counterLog(n int) []byte {
	rng := rand.New(rand.NewPCG(11, 11))
	var b bytes.Buffer
	next := 1041
	for i := range n {
		next += 1 + rng.IntN(3)/2
		fmt.Fprintf(&b, `10.0.0.%d - - [01/Mar/2026:10:%02d:%02d +0000] "GET /api/items/%d HTTP/1.1" %d %d "-" "curl/8.5.0" %d`+"\n",
			i%50, i/60, i%60, i%7, []int{200, 200, 404, 503}[i%4], 100+i, next-rng.IntN(4))
	}
	return b.Bytes()
}

// TestLiveFormatWarning: ingest of a combined log ending in a request
// counter, over two partitions, warns as analyze does of the same lines
// (its SourceResult.FormatWarning): once on stderr at detection, though
// both partitions detect it, and in /api/report's input warnings as
// "topic: warning". Before, ingest said nothing of it.
func TestLiveFormatWarning(t *testing.T) {
	data := counterLog(240)
	warning := ingesttest.Analyze(t, ingesttest.Input{Name: "-", Data: data}).Sources[0].FormatWarning
	if !strings.Contains(warning, "request counter") {
		t.Fatalf("BUG: analyze's warning of the counter log is %q; want one of a request counter", warning)
	}
	rep, p := ingestReport(t, 2, map[string][][]byte{ingesttest.Topic: lines(data)})
	if got := rep.Input.Files[0].Warnings; !strings.Contains(strings.Join(got, "\n"), ingesttest.Topic+": "+warning) ||
		strings.Count(strings.Join(got, "\n"), warning) != 1 {
		t.Fatalf("unexpected warnings of /api/report; got %q; want %q once among them", got, ingesttest.Topic+": "+warning)
	}
	p.mu.Lock()
	logged := strings.Count(strings.Join(p.log, "\n"), warning)
	p.mu.Unlock()
	if logged != 1 {
		t.Fatalf("unexpected warnings on stderr; got %q %d times; want once", warning, logged)
	}
}
