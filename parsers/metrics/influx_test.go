package metrics

import (
	"errors"
	"strings"
	"testing"
)

func TestInfluxSuccess(t *testing.T) {
	f := func(line, precision string, want ...string) {
		t.Helper()
		got, err := parseAll(mustParser(t, FormatInflux, Options{Precision: precision}), []byte(line))
		if err != nil {
			t.Fatalf("unexpected error for %q; got %v; want nil", line, err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("unexpected samples for %q;\ngot  %q;\nwant %q", line, got, want)
		}
	}
	// Telegraf: several fields, one sample each, the line's tags and time.
	f("cpu,cpu=cpu-total,host=web-1 usage_user=12.5,usage_idle=83.9 1772359200000000000", "",
		`cpu_usage_user{cpu="cpu-total",host="web-1"} 12.5 1772359200000000000`,
		`cpu_usage_idle{cpu="cpu-total",host="web-1"} 83.9 1772359200000000000`)
	// Integers, unsigned, booleans; strings skipped.
	f(`system,host=a uptime=864123u,n_cpus=2i,load=-15i,ok=true,bad=F,s="x, y=z",z=1e3`, "",
		`system_uptime{host="a"} 864123 -`, `system_n_cpus{host="a"} 2 -`, `system_load{host="a"} -15 -`,
		`system_ok{host="a"} 1 -`, `system_bad{host="a"} 0 -`, `system_z{host="a"} 1000 -`)
	// Escapes: measurement, tag keys and values, field keys; a backslash
	// before another byte is itself.
	f(`my\ cpu\,x,ta\=g\ k=v\,1\ 2\=3,p=C:\temp\\ f\ k\=1=1,s="a \"q\" \\ b" 5`, "",
		`my cpu,x_f k=1{ta=g k="v,1 2=3",p="C:\temp\"} 1 5`)
	// No tags; runs of spaces; trailing spaces and CR.
	f("mem  used_percent=61.13   1772359200000000000  \r", "", `mem_used_percent 61.13 1772359200000000000`)
	// Precision.
	f("m v=1 1772359200", "s", `m_v 1 1772359200000000000`)
	f("m v=1 1772359200123", "ms", `m_v 1 1772359200123000000`)
	f("m v=1 1772359200123456", "us", `m_v 1 1772359200123456000`)
	f("m v=1 -1", "ms", `m_v 1 -1000000`)
	// Telegraf's postgresql server tag: escaped '=' and spaces.
	f(`postgresql,db=shop,host=db-1,server=host\=localhost\ user\=postgres numbackends=42i,datname="shop" 1`, "",
		`postgresql_numbackends{db="shop",host="db-1",server="host=localhost user=postgres"} 42 1`)
	// Float forms.
	f("m a=.5,b=5.,c=-0,d=+2,e=1E-3,f=123456789012345678901234567890", "",
		"m_a 0.5 -", "m_b 5 -", "m_c -0 -", "m_d 2 -", "m_e 0.001 -", "m_f 1.2345678901234568e+29 -")
	// Extremes of integers.
	f("m a=-9223372036854775808i,b=18446744073709551615u", "", "m_a -9.223372036854776e+18 -", "m_b 1.8446744073709552e+19 -")
}

func TestInfluxFailure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		_, err := parseAll(mustParser(t, FormatInflux, Options{}), []byte(line))
		if got := reasonOf(t, []byte(line), err); got != reason {
			t.Fatalf("unexpected reason for %q; got %q; want %q", line, got, reason)
		}
	}
	f(",host=a v=1", ReasonName)
	f(" ,a=b v=1", ReasonName)
	f("m,host v=1", ReasonLabel)
	f("m,=a v=1", ReasonLabel)
	f("m,host= v=1", ReasonLabel)
	f("m,host=a,", ReasonLabel)
	f("m", ReasonField)
	f("m,host=a", ReasonField)
	f("m ", ReasonField)
	f("m v", ReasonField)
	f("m =1", ReasonField)
	f("m v=1,", ReasonField)
	f("m v=1, w=2", ReasonField)
	f("m v=", ReasonValue)
	f("m v=abc", ReasonValue)
	f("m v=NaN", ReasonValue)
	f("m v=inf", ReasonValue)
	f("m v=1.5i", ReasonValue)
	f("m v=-1u", ReasonValue)
	f("m v=9223372036854775808i", ReasonValue)
	f("m v=18446744073709551616u", ReasonValue)
	f("m v=0x10", ReasonValue)
	f("m v=1_000", ReasonValue)
	f("m v=1e400", ReasonValue)
	f(`m v="unterminated`, ReasonValue)
	f(`m v="a"b`, ReasonValue)
	f("m v=1 12:00", ReasonTime)
	f("m v=1 1.5", ReasonTime)
	f("m v=1 -9223372036854775808", ReasonTime)
	f("m v=1 1 2", ReasonSyntax)
	f(`{"name":"x","value":1}`, ReasonLabel)
	f(`up{job="x"} 1`, ReasonField)
	f("m,"+strings.Repeat("a=b,", MaxLabels)+"c=d v=1", ReasonTooMany)
	f("m "+strings.Repeat("a=1,", MaxFields)+"b=2", ReasonTooMany)
	f("m v=1 "+strings.Repeat(" ", MaxLineBytes), ReasonTooLong)
	// Precision turns an in-range number into an out-of-range time.
	p := mustParser(t, FormatInflux, Options{Precision: "s"})
	var s Sample
	line := []byte("m v=1 9223372037")
	if got := reasonOf(t, line, p.Parse(line, &s)); got != ReasonTime {
		t.Fatalf("unexpected reason for %q in s; got %q; want %q", line, got, ReasonTime)
	}
}

func TestInfluxNoSample(t *testing.T) {
	p := mustParser(t, FormatInflux, Options{})
	for _, line := range []string{"", "   ", "\t\r", "# comment", "  # indented comment", `system,host=a uptime_format="10 days,  0:02" 1`} {
		var s Sample
		if err := p.Parse([]byte(line), &s); !errors.Is(err, ErrNoSample) {
			t.Fatalf("unexpected error for %q; got %v; want ErrNoSample", line, err)
		}
	}
}

func TestInfluxOptions(t *testing.T) {
	if _, err := NewInfluxParser(Options{Precision: "h"}); err == nil {
		t.Fatalf("unexpected success for precision %q; want an error", "h")
	}
}

// TestInfluxFile parses the Telegraf sample: every line gives samples but
// the string-only one, and the samples the mapping needs are there.
func TestInfluxFile(t *testing.T) {
	p := mustParser(t, FormatInflux, Options{})
	lines := readLines(t, "telegraf.influx")
	var all []string
	for i, line := range lines {
		got, err := parseAll(p, line)
		if errors.Is(err, ErrNoSample) && strings.Contains(string(line), "uptime_format=") {
			continue
		}
		if err != nil {
			t.Fatalf("unexpected error for telegraf.influx:%d; got %v; want nil", i+1, err)
		}
		all = append(all, got...)
	}
	if len(all) != 414 {
		t.Fatalf("unexpected sample count for telegraf.influx; got %d; want 414", len(all))
	}
	for _, want := range []string{
		`mem_used_percent{host="web-1"} 61.13 1772359200000000000`,
		`cpu_usage_idle{cpu="cpu-total",host="web-2"} 18.5 1772359210000000000`,
		`postgresql_numbackends{db="shop",host="db-1",server="host=localhost user=postgres sslmode=disable"} 51 1772359210000000000`,
		`disk_used_percent{device="sdb1",fstype="xfs",host="web-1",mode="rw",path="/mnt/backup disk"} 50 1772359200000000000`,
		`docker_container_status_oomkilled{container_image="shop/api",container_name="api",container_status="running",engine_host="web-2",host="web-2"} 0 1772359210000000000`,
		`system_uptime{host="web-2"} 864123 1772359200000000000`,
	} {
		if !contains(all, want) {
			t.Fatalf("unexpected samples of telegraf.influx: no %s", want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func TestInfluxAllocs(t *testing.T) {
	lines := append(readLines(t, "telegraf.influx"),
		[]byte(`my\ m,t\=k=v\ 1 f\,k=1,g=2i,s="x" 1`), []byte("bad line"), []byte("m v=x"), []byte("# c"))
	noAllocs(t, mustParser(t, FormatInflux, Options{}), lines, "the Telegraf sample and four odd lines")
}
