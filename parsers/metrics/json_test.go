package metrics

import (
	"errors"
	"strings"
	"testing"
)

func TestJSONSuccess(t *testing.T) {
	f := func(line, want string) {
		t.Helper()
		got, err := parseAll(mustParser(t, FormatJSON, Options{}), []byte(line))
		if err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		if len(got) != 1 || got[0] != want {
			t.Fatalf("unexpected samples for %q; got %q; want [%q]", line, got, want)
		}
	}
	// The example.
	f(`{"ts": "2026-03-01T10:00:00Z", "name": "memory_usage_percent", "value": 87.5, "labels": {"host": "web-1"}}`,
		`memory_usage_percent{host="web-1"} 87.5 1772359200000000000`)
	// Times: zones, fractions, epochs by magnitude, in strings too.
	f(`{"ts":"2026-03-01T11:00:00.25+01:00","name":"m","value":1}`, `m 1 1772359200250000000`)
	f(`{"ts":1772359200,"name":"m","value":1}`, `m 1 1772359200000000000`)
	f(`{"ts":1772359200.123456789,"name":"m","value":1}`, `m 1 1772359200123456789`)
	f(`{"ts":1772359200123,"name":"m","value":1}`, `m 1 1772359200123000000`)
	f(`{"ts":1772359200123456,"name":"m","value":1}`, `m 1 1772359200123456000`)
	f(`{"ts":1772359200123456789,"name":"m","value":1}`, `m 1 1772359200123456789`)
	f(`{"ts":"1772359200","name":"m","value":1}`, `m 1 1772359200000000000`)
	f(`{"time":0,"name":"m","value":1}`, `m 1 0`)
	f(`{"timestamp":null,"name":"m","value":1}`, `m 1 -`)
	f(`{"name":"m","value":1}`, `m 1 -`)
	// Values: a string, specials, booleans.
	f(`{"name":"m","value":"87.5"}`, `m 87.5 -`)
	f(`{"name":"m","value":"NaN"}`, `m NaN -`)
	f(`{"name":"m","value":"-Inf"}`, `m -Inf -`)
	f(`{"name":"m","value":NaN}`, `m NaN -`)
	f(`{"name":"m","value":true}`, `m 1 -`)
	f(`{"name":"m","value":-1.5e-3}`, `m -0.0015 -`)
	// Labels: tags, top-level scalars, numbers and booleans as text,
	// escapes decoded, null skipped, nested values elsewhere ignored.
	f(`{"metric":"m","value":1,"tags":{"a":"x\"y\u00e9","n":4,"b":false,"z":null},"host":"web-1","extra":{"k":[1]},"list":[1,2]}`,
		`m{a="x"yé",n="4",b="false",host="web-1"} 1 -`)
	f(`{"name":"m","value":1,"labels":null}`, `m 1 -`)
	// Type; the last of repeated keys; blanks and CR.
	f(`{"name":"m","value":1,"type":"counter"}`, `m 1 - counter`)
	f(` {"name":"a","name":"b","value":1,"value":2} `+"\r", `b 2 -`)
}

func TestJSONFailure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		_, err := parseAll(mustParser(t, FormatJSON, Options{}), []byte(line))
		if got := reasonOf(t, []byte(line), err); got != reason {
			t.Fatalf("unexpected reason for %q; got %q; want %q", line, got, reason)
		}
	}
	f(`mem,host=a used_percent=1`, ReasonJSON)
	f(`up 1`, ReasonJSON)
	f(`[{"name":"m","value":1}]`, ReasonJSON)
	f(`{"name":"m","value":1`, ReasonJSON)
	f(`{"name":"m","value":1} x`, ReasonJSON)
	f(`{"value":1}`, ReasonName)
	f(`{"name":"","value":1}`, ReasonName)
	f(`{"name":5,"value":1}`, ReasonName)
	f(`{"name":"m"}`, ReasonValue)
	f(`{"name":"m","value":null}`, ReasonValue)
	f(`{"name":"m","value":"high"}`, ReasonValue)
	f(`{"name":"m","value":[1]}`, ReasonValue)
	f(`{"name":"m","value":1-2}`, ReasonValue)
	f(`{"name":"m","value":1,"ts":"yesterday"}`, ReasonTime)
	f(`{"name":"m","value":1,"ts":"2026-03-01T10:00:00"}`, ReasonTime)
	f(`{"name":"m","value":1,"ts":-1}`, ReasonTime)
	f(`{"name":"m","value":1,"ts":1.7e9}`, ReasonTime)
	f(`{"name":"m","value":1,"ts":true}`, ReasonTime)
	f(`{"name":"m","value":1,"labels":"host=a"}`, ReasonLabel)
	f(`{"name":"m","value":1,"labels":{"a":{"b":"c"}}}`, ReasonLabel)
	f(`{"name":"m","value":1,"labels":{"a":[]}}`, ReasonLabel)
	f(`{"name":"m","value":1,"type":"meter"}`, ReasonType)
	f(`{"name":"m","value":1,"type":1}`, ReasonType)
	f(`{"name":"m","value":1,"labels":{`+strings.Repeat(`"a":"b",`, MaxLabels)+`"c":"d"}}`, ReasonTooMany)
	f(`{"name":"m","value":1}`+strings.Repeat(" ", MaxLineBytes), ReasonTooLong)
}

func TestJSONNoSample(t *testing.T) {
	p := mustParser(t, FormatJSON, Options{})
	for _, line := range []string{"", "  \t", "\r"} {
		var s Sample
		if err := p.Parse([]byte(line), &s); !errors.Is(err, ErrNoSample) {
			t.Fatalf("unexpected error for %q; got %v; want ErrNoSample", line, err)
		}
	}
}

func TestJSONFile(t *testing.T) {
	p := mustParser(t, FormatJSON, Options{})
	var all []string
	for i, line := range readLines(t, "metrics.jsonl") {
		got, err := parseAll(p, line)
		if err != nil {
			t.Fatalf("unexpected error for metrics.jsonl:%d; got %v; want nil", i+1, err)
		}
		all = append(all, got...)
	}
	want := []string{
		`memory_usage_percent{host="web-1"} 87.5 1772359200000000000`,
		`cpu_usage_percent{host="web-1"} 42.25 1772359200000000000`,
		`db_connections{host="db-1",db="shop"} 81 1772355600250000000`,
		`memory_usage_percent{host="web-1",region="eu-west-1"} 88.1 1772359260000000000`,
		`uptime_percent{host="web-1",service="api"} 99.95 1772359260500000000`,
		`payment_success_percent{host="web-1",provider="stripe"} 96.4 1772359260000000000`,
		`cpu_usage_percent{host="web-2"} 81.5 1772359260000000000 gauge`,
		`memory_usage_percent{host="web-2",cores="4",spot="false"} 85 1772359290000000000`,
		`queue_depth{host="worker-1",queue="emails "bulk""} NaN 1772359320000000000`,
		`uptime_percent{host="web-2"} 100 -`,
	}
	if strings.Join(all, "\n") != strings.Join(want, "\n") {
		t.Fatalf("unexpected samples of metrics.jsonl;\ngot  %q;\nwant %q", all, want)
	}
}

func TestJSONAllocs(t *testing.T) {
	lines := append(readLines(t, "metrics.jsonl"),
		[]byte(`{"name":"m","value":"x"}`), []byte(`{"value":1}`), []byte("up 1"), []byte(""),
		[]byte(`{"name":"m","value":1,"labels":{"a":{"b":1}}}`))
	noAllocs(t, mustParser(t, FormatJSON, Options{}), lines, "metrics.jsonl and five rejected lines")
}
