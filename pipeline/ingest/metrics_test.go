package ingest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
	"github.com/vigil-ops/vigil/pipeline/window"
)

// metricsStart is when the metric tests' samples start.
var metricsStart = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// metricPoint is a point a metric input should give: a runbook metric of
// a subject at a time.
type metricPoint struct {
	key   window.MetricKey
	at    time.Time
	value float64
}

// telegrafLines is Telegraf's influx output, every 10 s for 20 min, one
// line a message: web-1's memory at 90 % from 10:05 to 10:11 (6 min over
// 85 %, past the 5-minute hold), else 60 %; web-3's at 84.9 % throughout
// (just under); web-4's at 86 % for 4 min only (under the hold), else
// 50 %; web-1's cpu-total 70 % idle (30 % busy). It returns the lines and
// the points they give.
func telegrafLines() ([][]byte, []metricPoint) {
	var lines [][]byte
	var points []metricPoint
	for s := 0; s < 20*60; s += 10 {
		at := metricsStart.Add(time.Duration(s) * time.Second)
		mem := map[string]float64{"web-1": 60, "web-3": 84.9, "web-4": 50}
		if 5*60 <= s && s < 11*60 {
			mem["web-1"] = 90
		}
		if 2*60 <= s && s < 6*60 {
			mem["web-4"] = 86
		}
		for _, host := range []string{"web-1", "web-3", "web-4"} {
			lines = append(lines, fmt.Appendf(nil, "mem,host=%s used_percent=%s,available=2147483648i %d", host, strconv.FormatFloat(mem[host], 'f', -1, 64), at.UnixNano()))
			points = append(points, metricPoint{window.MetricKey{Kind: "memory", Subject: host}, at, mem[host]})
		}
		lines = append(lines, fmt.Appendf(nil, "cpu,cpu=cpu-total,host=web-1 usage_idle=70,usage_user=30 %d", at.UnixNano()))
		points = append(points, metricPoint{window.MetricKey{Kind: "cpu", Subject: "web-1"}, at, 30})
	}
	return lines, points
}

// nodeInstance is the instance label of nodeScrapes' samples.
const nodeInstance = "node-1:9100"

// nodeScrapes is node_exporter's page, every 15 s for 15 min, one scrape
// a message, with the scrape target's instance label: 2 CPUs whose idle
// counters grow 1.5 s per 15 s from 10:03 to 10:10 (busy 90 %, 7 min
// over 80 %), else 12 s (busy 20 %); 8 of 16 GiB available (memory 50 %).
// It returns the scrapes and the points they give: a CPU point from the
// second scrape on (a rate needs two), a memory point each.
func nodeScrapes() ([][]byte, []metricPoint) {
	var scrapes [][]byte
	var points []metricPoint
	idle := [2]float64{1000, 2000}
	for k := range 61 {
		s := k * 15
		at := metricsStart.Add(time.Duration(s) * time.Second)
		ms := at.UnixMilli()
		var b bytes.Buffer
		b.WriteString("# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n# TYPE node_cpu_seconds_total counter\n")
		if k > 0 {
			inc := 12.0
			if 3*60 < s && s <= 10*60 {
				inc = 1.5
			}
			idle[0], idle[1] = idle[0]+inc, idle[1]+inc
			points = append(points, metricPoint{window.MetricKey{Kind: "cpu", Subject: nodeInstance}, at, 100 * (1 - inc/15)})
		}
		for c := range 2 {
			fmt.Fprintf(&b, "node_cpu_seconds_total{cpu=\"%d\",instance=%q,mode=\"idle\"} %s %d\n", c, nodeInstance, strconv.FormatFloat(idle[c], 'f', -1, 64), ms)
			fmt.Fprintf(&b, "node_cpu_seconds_total{cpu=\"%d\",instance=%q,mode=\"user\"} %d %d\n", c, nodeInstance, s/2, ms)
		}
		fmt.Fprintf(&b, "# TYPE node_memory_MemAvailable_bytes gauge\nnode_memory_MemAvailable_bytes{instance=%q} 8.589934592e+09 %d\n", nodeInstance, ms)
		fmt.Fprintf(&b, "# TYPE node_memory_MemTotal_bytes gauge\nnode_memory_MemTotal_bytes{instance=%q} 1.7179869184e+10 %d\n", nodeInstance, ms)
		points = append(points, metricPoint{window.MetricKey{Kind: "memory", Subject: nodeInstance}, at, 50})
		scrapes = append(scrapes, b.Bytes())
	}
	return scrapes, points
}

// seriesStats is what a window keeps of a series that the test checks,
// in thousandths.
type seriesStats struct {
	Count    uint64
	Min, Max int64
}

// windowKey is a series in the window starting at Start.
type windowKey struct {
	Start time.Time
	window.MetricKey
}

// tallyPoints is the independent answer: the points' stats per minute
// window.
func tallyPoints(t *testing.T, points []metricPoint) map[windowKey]seriesStats {
	out := map[windowKey]seriesStats{}
	for _, p := range points {
		milli, ok := window.Milli(p.value)
		if !ok {
			t.Fatalf("BUG: a generated value %v is not finite", p.value)
		}
		k := windowKey{p.at.Truncate(time.Minute), p.key}
		s, seen := out[k]
		if !seen {
			s.Min, s.Max = milli, milli
		}
		s.Count++
		s.Min, s.Max = min(s.Min, milli), max(s.Max, milli)
		out[k] = s
	}
	return out
}

// storedSeries reads the metric series of every stored window, merged
// across partitions per start.
func storedSeries(t *testing.T, dsn string) map[windowKey]seriesStats {
	t.Helper()
	st, err := pgstore.OpenReader(dsn, "g")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := detect.DefaultRules().WindowConfig().WithDefaults()
	merged := map[time.Time]*window.Window{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = st.EachWindow(ctx, metricsStart.Add(-time.Hour), metricsStart.Add(time.Hour), func(sw *pgstore.StoredWindow) error {
		w, err := window.Decode(sw.State, &cfg)
		if err != nil {
			return fmt.Errorf("cannot decode the window %s of %s/%d: %w", sw.Start, sw.Topic, sw.Partition, err)
		}
		if m := merged[sw.Start.UTC()]; m != nil {
			m.Merge(w)
		} else {
			merged[sw.Start.UTC()] = w
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[windowKey]seriesStats{}
	for start, w := range merged {
		for k, m := range w.Metrics {
			out[windowKey{start, k}] = seriesStats{m.Values.Count(), m.Values.Min(), m.Values.Max()}
		}
	}
	return out
}

// TestMetricTopics: Telegraf's influx lines and node_exporter's pages,
// each on a topic of its own, go through ingest into stored windows
// (their series equal to a tally of the generated values) and raise the
// runbook's incidents, memory P2 for web-1 and cpu P2 for node-1, those
// of analyze over the same inputs as files; memory just under 85 %, or
// over it for less than the hold, raises nothing.
func TestMetricTopics(t *testing.T) {
	const telegraf, node = "telegraf", "node"
	c := ingesttest.NewCluster(t, 1, kfake.SeedTopics(1, telegraf, node))
	dsn := ingesttest.Migrated(t)
	lines, linePoints := telegrafLines()
	scrapes, scrapePoints := nodeScrapes()
	ingesttest.ProduceTo(t, c.ListenAddrs(), telegraf, lines, 1)
	ingesttest.ProduceTo(t, c.ListenAddrs(), node, scrapes, 1)

	var l ingesttest.Logs
	defer l.Dump(t)
	o := testOptions(c.ListenAddrs(), dsn, "g", &l)
	o.Kafka.Topics = []string{telegraf, node}
	runService(t, o)
	// Every window of the data closes once both partitions are idle.
	end := metricsStart.Add(20 * time.Minute)
	ingesttest.WaitFor(t, 2*time.Minute, "every message stored and every window detected", func() bool {
		return pgtest.QueryInt(t, dsn, `SELECT coalesce(sum(next_offset), 0) FROM vigil.partitions`) == int64(len(lines)+len(scrapes)) &&
			pgtest.QueryInt(t, dsn, `SELECT count(*) FROM vigil.detection WHERE closed_to >= $1`, end) == 1
	})

	// The windows: every point of the generated values, but the last
	// scrape's CPU rate (10:15:00): a rate is emitted when the next
	// scrape arrives (the mapper cannot know that a scrape's CPUs are
	// all there before), and ingest's input never ends.
	last := window.MetricKey{Kind: "cpu", Subject: nodeInstance}
	want := tallyPoints(t, slices.DeleteFunc(append(linePoints, scrapePoints...), func(p metricPoint) bool {
		return p.key == last && p.at.Equal(metricsStart.Add(15*time.Minute))
	}))
	got := storedSeries(t, dsn)
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("unexpected stored metric series (-want +got):\n%s", diff)
	}

	// The incidents: the runbook's over the windows whose mean crosses
	// (cpu: 10:03's mean is 72.5, 10:10's 37.5), and analyze's.
	stored := ingesttest.ReadIncidents(t, dsn)
	var kinds []string
	for _, in := range stored {
		kinds = append(kinds, fmt.Sprintf("%s %s %s %s [%s, %s)", in.Severity, in.Kind, in.Subject, in.Status, in.Start.Format("15:04"), in.End.Format("15:04")))
	}
	wantKinds := []string{"P2 cpu " + nodeInstance + " resolved [10:04, 10:10)", "P2 memory web-1 resolved [10:05, 10:11)"}
	if !slices.Equal(kinds, wantKinds) {
		t.Errorf("unexpected incidents %q; want %q", kinds, wantKinds)
	}
	analyzed := ingesttest.AnalyzeInputs(t, ingesttest.Input{Name: "telegraf.influx", Data: bytes.Join(lines, []byte("\n"))},
		ingesttest.Input{Name: "node.prom", Data: bytes.Join(scrapes, nil)})
	if diff := gocmp.Diff(analyzed, stored); diff != "" {
		t.Errorf("incidents differ from analyze's (-analyze +ingest):\n%s", diff)
	}
}
