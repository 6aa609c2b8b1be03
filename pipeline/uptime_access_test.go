package pipeline_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// healthDay is a day of access log: a load balancer's health check of
// /api/health every 2 s (some with a query string, some answered 304),
// other traffic every 10 s, an isolated failed check at 09:00 and an
// outage of 90 s (45 checks answered 503) at 14:00. It returns the log
// and, per minute, the checks and those answered 2xx or 3xx, counted as
// it writes them.
func healthDay() (log []byte, total, ok map[int64]int) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	total, ok = map[int64]int{}, map[int64]int{}
	var b strings.Builder
	for s := 0; s < 86400; s += 2 {
		at := day.Add(time.Duration(s) * time.Second)
		status, path := 200, "/api/health"
		switch {
		case s == 9*3600, s >= 14*3600 && s < 14*3600+90:
			status = 503
		case s%600 == 0:
			status = 304
		}
		if s%7 == 0 {
			path += "?source=lb"
		}
		b.WriteString(accessLine(at, path, status, 1))
		m := at.Unix() / 60
		total[m]++
		if status < 400 {
			ok[m]++
		}
		if s%10 == 0 {
			b.WriteString(accessLine(at, "/api/items", 500, 30))
		}
	}
	return []byte(b.String()), total, ok
}

// TestUptimeFromAccessLog: the health checks of a day of access log make
// /api/health's uptime series, whose mean is the share of checks
// answered with success, counted independently; the uptime incident
// spans exactly the minutes whose trailing hour is below 99.9 % (the
// outage, not the lone failure: 1 of 1,800 checks is 99.94 %).
func TestUptimeFromAccessLog(t *testing.T) {
	log, total, ok := healthDay()
	rep := runBytes(t, log, pipeline.Options{Workers: 2})
	var up *report.MetricSeries
	for i := range rep.Metrics {
		if rep.Metrics[i].Metric == "uptime" {
			if up != nil {
				t.Fatalf("unexpected uptime series; got %+v and %+v; want /api/health's only", *up, rep.Metrics[i])
			}
			up = &rep.Metrics[i]
		}
	}
	n, good := 0, 0
	for m := range total {
		n, good = n+total[m], good+ok[m]
	}
	if up == nil || up.Subject != "/api/health" || up.Samples != uint64(n) || math.Abs(up.Mean-100*float64(good)/float64(n)) > 1e-6 {
		t.Fatalf("unexpected uptime series; got %+v; want /api/health, %d checks, mean %v", up, n, 100*float64(good)/float64(n))
	}
	// The trailing hour of each minute, from the counts.
	var crossing []int64
	first := int64(math.MaxInt64)
	for m := range total {
		first = min(first, m)
	}
	for m := first; total[m] > 0; m++ {
		sum, all := 0, 0
		for j := max(first, m-59); j <= m; j++ {
			sum, all = sum+ok[j], all+total[j]
		}
		if 100*float64(sum)/float64(all) < 99.9 {
			crossing = append(crossing, m)
		}
	}
	if len(crossing) == 0 || crossing[len(crossing)-1]-crossing[0]+1 != int64(len(crossing)) {
		t.Fatalf("unexpected crossing minutes from the counts: %v; want one run", crossing)
	}
	from, to := time.Unix(crossing[0]*60, 0).UTC(), time.Unix((crossing[len(crossing)-1]+1)*60, 0).UTC()
	want := []string{fmt.Sprintf("P2 uptime /api/health %s-%s resolved", from.Format("15:04"), to.Format("15:04"))}
	var got []string
	for _, s := range incs(rep) {
		if strings.Contains(s, "uptime") {
			got = append(got, s)
		}
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Fatalf("unexpected uptime incidents; diff (-want +got):\n%s", diff)
	}
	if up.Crossing != time.Duration(len(crossing))*time.Minute {
		t.Fatalf("unexpected time below the threshold; got %v; want %d minutes (the trailing hour's)", up.Crossing, len(crossing))
	}
	// No health paths: no uptime.
	rep = runBytes(t, log, pipeline.Options{Workers: 2, Rules: mustRules(t, `{"endpoints": {"health": []}}`)})
	if len(rep.Metrics) != 0 {
		t.Fatalf("unexpected metrics without health paths; got %+v", rep.Metrics)
	}
}
