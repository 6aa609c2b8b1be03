package ingest

import (
	"fmt"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
)

// TestLastWindowDetected: an incident that opens with the last window of
// a topic gone idle is found, as analyze finds it. The log is an hour of
// /health checks every 10 s answered 200, then 5 minutes answered 503:
// the trailing hour's uptime is below 99.9 % from the first failing
// minute, and the rule's 5 minutes are held with the last one. Idle, the
// watermark is the end of that window, an exact minute, which the bound
// of the stored windows read once lost to PostgreSQL's microseconds.
func TestLastWindowDetected(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var data []byte
	var lines [][]byte
	for s := 0; s < 65*60; s += 10 {
		status := 200
		if s >= 60*60 {
			status = 503
		}
		line := fmt.Appendf(nil, "10.0.0.1 - - [%s] \"GET /health HTTP/1.1\" %d 2 \"-\" \"kube-probe/1.29\" 0.001\n",
			start.Add(time.Duration(s)*time.Second).Format("02/Jan/2006:15:04:05 -0700"), status)
		data = append(data, line...)
		lines = append(lines, line)
	}
	c := ingesttest.NewCluster(t, 1)
	ingesttest.Produce(t, c.ListenAddrs(), lines, 1)
	dsn := ingesttest.Migrated(t)
	var l ingesttest.Logs
	defer l.Dump(t)
	testService(t, c.ListenAddrs(), dsn, "g", &l)
	ingesttest.WaitConsumed(t, dsn, len(lines), ingesttest.Tally(t, data))
	want := ingesttest.AnalyzeIncidents(t, data)
	if len(want) != 1 || want[0].Kind != "uptime" || want[0].Status != "open" || !want[0].End.Equal(start.Add(65*time.Minute)) {
		t.Fatalf("unexpected incidents from analyze: %v; want one uptime incident open to 01:05", want)
	}
	if diff := gocmp.Diff(want, ingesttest.ReadIncidents(t, dsn)); diff != "" {
		t.Errorf("incidents differ from analyze's (-analyze +ingest):\n%s", diff)
	}
}
