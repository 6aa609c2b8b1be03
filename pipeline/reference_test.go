package pipeline_test

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// reference is a slow, independent answer to the questions the report
// answers, computed with regular expressions and plain maps.
type reference struct {
	lines, parsed int
	status        map[string]uint64
	ips           map[string]uint64
	authIPs       map[string]uint64
	endpoints     map[string]uint64
	durations     []float64 // ms
	// byEndpoint holds the durations (ms) of each endpoint.
	byEndpoint map[string][]float64
}

var (
	refLine = regexp.MustCompile(`^(\S+) +(?:\S+ +){0,2}\[([^\]]+)\] +"((?:[^"\\]|\\.)*)" +(\d{3}) +(\d+|-)(?: +"(?:[^"\\]|\\.)*")*(?: +([0-9.]+))?\r?$`)
	refID   = regexp.MustCompile(`^(?:[0-9]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]*[0-9][0-9a-fA-F]*)$`)
)

// refEndpoint normalises a request line the way docs say endpoint keys are
// built, independently of parsers/endpoint.
func refEndpoint(request string) string {
	method, target, ok := strings.Cut(request, " ")
	if !ok || target == "" {
		return "-"
	}
	target, _, _ = strings.Cut(target, " ")
	if i := strings.IndexAny(target, "?#"); i >= 0 {
		target = target[:i]
	}
	if target == "" || target == "-" {
		return "-"
	}
	segs := strings.Split(target, "/")
	for i, s := range segs {
		if len(s) > 0 && refID.MatchString(s) && (len(s) >= 8 || isDigits(s)) {
			segs[i] = "{id}"
		}
	}
	return method + " " + strings.Join(segs, "/")
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// newReference reads an access log (combined, common, extra quoted fields,
// an optional trailing request_time in seconds).
func newReference(t testing.TB, r io.Reader) *reference {
	t.Helper()
	ref := &reference{status: map[string]uint64{}, ips: map[string]uint64{}, authIPs: map[string]uint64{}, endpoints: map[string]uint64{}, byEndpoint: map[string][]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		ref.lines++
		m := refLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		ref.parsed++
		ref.status[m[4]]++
		ref.ips[m[1]]++
		if m[4] == "401" || m[4] == "403" || m[4] == "429" {
			ref.authIPs[m[1]]++
		}
		ep := refEndpoint(m[3])
		ref.endpoints[ep]++
		if m[6] != "" {
			sec, err := strconv.ParseFloat(m[6], 64)
			if err != nil {
				t.Fatalf("cannot parse duration %q: %v", m[6], err)
			}
			ref.durations = append(ref.durations, sec*1000)
			ref.byEndpoint[ep] = append(ref.byEndpoint[ep], sec*1000)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ref
}
