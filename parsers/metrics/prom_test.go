package metrics

import (
	"errors"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

func TestPromSuccess(t *testing.T) {
	f := func(line, want string) {
		t.Helper()
		got, err := parseAll(mustParser(t, FormatProm, Options{}), []byte(line))
		if err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		if len(got) != 1 || got[0] != want {
			t.Fatalf("unexpected samples for %q; got %q; want [%q]", line, got, want)
		}
	}
	f(`node_cpu_seconds_total{cpu="0",mode="idle"} 722144.58`, `node_cpu_seconds_total{cpu="0",mode="idle"} 722144.58 -`)
	f(`node_load1 0.42 1772359200000`, `node_load1 0.42 1772359200000000000`)
	f(`x 1 -1`, `x 1 -1000000`)
	f(`node_memory_MemTotal_bytes 8.151785472e+09`, `node_memory_MemTotal_bytes 8.151785472e+09 -`)
	// Specials.
	f(`a NaN`, `a NaN -`)
	f(`a +Inf`, `a +Inf -`)
	f(`a -Inf 5`, `a -Inf 5000000`)
	f(`a inf`, `a +Inf -`)
	f(`a -infinity`, `a -Inf -`)
	// Label escapes: \\ \" \n decoded, any other backslash kept.
	f(`m{file="a \"b\" \\ c\nd \t"} 1`, "m{file=\"a \"b\" \\ c\nd \\t\"} 1 -")
	// Blanks: tabs, around labels, a trailing comma, trailing blanks, CR.
	f("m\t{ a = \"1\" , b=\"\" , }\t2\t3 \r", `m{a="1",b=""} 2 3000000`)
	f(`m{} 2`, `m 2 -`)
	f(`  m 2`, `m 2 -`)
	// Names: colons, underscores, digits after the first byte.
	f(`job:http_requests:rate5m{_x="1",x2="2"} 3.5`, `job:http_requests:rate5m{_x="1",x2="2"} 3.5 -`)
	// Commas and braces in values.
	f(`m{v="a,b}c{"} 1`, `m{v="a,b}c{"} 1 -`)
}

func TestPromTypes(t *testing.T) {
	p := mustParser(t, FormatProm, Options{})
	f := func(line, want string) {
		t.Helper()
		var s Sample
		err := p.Parse([]byte(line), &s)
		got := ""
		switch {
		case errors.Is(err, parsers.ErrDirective):
			got = "directive"
		case errors.Is(err, ErrNoSample):
			got = "none"
		case err != nil:
			got = reasonOf(t, []byte(line), err)
		default:
			got = format(&s)
		}
		if got != want {
			t.Fatalf("unexpected result for %q; got %q; want %q", line, got, want)
		}
	}
	f(`# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.`, "directive")
	f(`x_total 1`, `x_total 1 -`)
	f(`# TYPE node_cpu_seconds_total counter`, "directive")
	f(`node_cpu_seconds_total{cpu="0"} 1`, `node_cpu_seconds_total{cpu="0"} 1 - counter`)
	f(`node_cpu_seconds_total_created 1`, `node_cpu_seconds_total_created 1 - counter`)
	f(`node_cpu_seconds 1`, `node_cpu_seconds 1 -`)
	f(`#TYPE requests counter`, "directive")
	f(`requests_total 1`, `requests_total 1 - counter`)
	f(`requests_sum 1`, `requests_sum 1 -`)
	f(`# TYPE rpc summary`, "directive")
	f(`rpc{quantile="0.5"} 1`, `rpc{quantile="0.5"} 1 - summary`)
	f(`rpc_sum 1`, `rpc_sum 1 - summary`)
	f(`rpc_count 1`, `rpc_count 1 - summary`)
	f(`rpc_bucket 1`, `rpc_bucket 1 -`)
	f(`# TYPE lat histogram`, "directive")
	f(`lat_bucket{le="+Inf"} 1`, `lat_bucket{le="+Inf"} 1 - histogram`)
	f(`# TYPE g gauge`, "directive")
	f(`g 1`, `g 1 - gauge`)
	f(`g_created 1`, `g_created 1 -`)
	f(`# TYPE u untyped`, "directive")
	f(`u 1`, `u 1 -`)
	f(`# TYPE bad counters`, ReasonType)
	f(`# TYPE bad counter extra`, ReasonType)
	f(`# TYPE 1bad counter`, ReasonName)
	f(`# TYPE`, ReasonName)
	f(`# UNIT x seconds`, "directive")
	f(`# EOF`, "directive")
	f(`# just a comment`, "none")
	f(`#`, "none")
	f(``, "none")
	f(" \t ", "none")
}

func TestPromFailure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		_, err := parseAll(mustParser(t, FormatProm, Options{}), []byte(line))
		if got := reasonOf(t, []byte(line), err); got != reason {
			t.Fatalf("unexpected reason for %q; got %q; want %q", line, got, reason)
		}
	}
	f(`1m 1`, ReasonName)
	f(`{a="b"} 1`, ReasonName)
	f(`my-metric 1`, ReasonName)
	f(`m{a="b"}x 1`, ReasonName)
	f(`{"my.metric"} 1`, ReasonName)
	f(`m {a="b"}x 1`, ReasonName)
	f(`m`, ReasonValue)
	f(`m{a="b"}`, ReasonValue)
	f(`m abc`, ReasonValue)
	f(`m 0x1p3`, ReasonValue)
	f(`m 1_000`, ReasonValue)
	f(`m +NaN`, ReasonValue)
	f(`m 1e999`, ReasonValue)
	f(`m{a=b} 1`, ReasonLabel)
	f(`m{a="b} 1`, ReasonLabel)
	f(`m{a="b" c="d"} 1`, ReasonLabel)
	f(`m{1a="b"} 1`, ReasonLabel)
	f(`m{a-b="c"} 1`, ReasonLabel)
	f(`m{a="b",,} 1`, ReasonLabel)
	f(`m{a="b"`, ReasonLabel)
	f(`m{,} 1`, ReasonLabel)
	f(`m 1 1.5`, ReasonTime)
	f(`m 1 9223372036854776`, ReasonTime)
	f(`m 1 17723592e3`, ReasonTime)
	f(`m 1 2 3`, ReasonSyntax)
	f(`m 1 2 # {trace_id="x"} 1`, ReasonSyntax)
	f(`mem,host=a used=1 1`, ReasonName)
	f(`{"name":"x","value":1}`, ReasonName)
	f("m{"+strings.Repeat(`a="b",`, MaxLabels)+`c="d"} 1`, ReasonTooMany)
	f("m 1 "+strings.Repeat(" ", MaxLineBytes), ReasonTooLong)
}

// TestPromFiles parses the node_exporter page and the federation output:
// every line is a sample or a directive.
func TestPromFiles(t *testing.T) {
	f := func(name string, samples, directives int, want ...string) {
		t.Helper()
		p := mustParser(t, FormatProm, Options{})
		var all []string
		nd := 0
		for i, line := range readLines(t, name) {
			got, err := parseAll(p, line)
			if errors.Is(err, parsers.ErrDirective) {
				nd++
				continue
			}
			if err != nil {
				t.Fatalf("unexpected error for %s:%d; got %v; want nil", name, i+1, err)
			}
			all = append(all, got...)
		}
		if len(all) != samples || nd != directives {
			t.Fatalf("unexpected counts for %s; got %d samples, %d directives; want %d, %d", name, len(all), nd, samples, directives)
		}
		for _, w := range want {
			if !contains(all, w) {
				t.Fatalf("unexpected samples of %s: no %s", name, w)
			}
		}
	}
	f("node_exporter.prom", 48, 38,
		`go_gc_duration_seconds{quantile="0.25"} 3.6432e-05 - summary`,
		`go_gc_duration_seconds_count 912 - summary`,
		`node_cpu_seconds_total{cpu="1",mode="idle"} 724391.1 - counter`,
		`node_memory_MemTotal_bytes 8.151785472e+09 - gauge`,
		`node_filesystem_avail_bytes{device="/dev/sdb1",fstype="xfs",mountpoint="/mnt/backup disk"} 1.073741824e+09 - gauge`,
		`node_textfile_mtime_seconds{file="/var/lib/node_exporter/textfile_collector/backup "nightly".prom"} 1.7723448e+09 - gauge`,
		`node_uname_info{domainname="(none)",machine="x86_64",nodename="web-1",release="6.1.0-18-amd64",sysname="Linux",version="#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)"} 1 - gauge`)
	f("federate.prom", 24, 6,
		`node_cpu_seconds_total{cpu="0",instance="web-2:9100",job="node",mode="idle"} 10 1772359215000000000`,
		`node_memory_MemTotal_bytes{instance="web-2:9100",job="node"} 1.6e+10 1772359200000000000`)
}

func TestPromAllocs(t *testing.T) {
	lines := append(readLines(t, "node_exporter.prom"), readLines(t, "federate.prom")...)
	lines = append(lines, []byte(`m{a="\\\"x\n"} NaN 1`), []byte("bad-line 1"), []byte("m{a=b} 1"), []byte("# TYPE x bogus"), []byte(""))
	noAllocs(t, mustParser(t, FormatProm, Options{}), lines, "node_exporter, federation and five odd lines")
}
