// Package ingesttest holds what the tests of ingest share (it is imported
// by tests only: kfake stays out of the programs): an in-process
// Kafka broker, a generated log with injected incidents, and the
// independent answers ingest's results are checked against (a plain tally
// of the log by minute, percentiles from a sort, analyze's incidents).
package ingesttest

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ops/vigil/bench/loggen"
	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/filesrc"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
	"github.com/vigil-ops/vigil/pipeline/pgstore"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

// Topic is the topic the tests produce to.
const Topic = "logs"

// NewCluster starts an in-process Kafka broker with a topic of n
// partitions, accepting session timeouts from 500ms (tests restart
// members quickly).
func NewCluster(t testing.TB, n int, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.SeedTopics(int32(n), Topic), kfake.GroupMinSessionTimeout(500 * time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatalf("cannot start kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// Produce writes each line as one message to Topic, round robin over n
// partitions, as producers that do not key by client do.
func Produce(t testing.TB, addrs []string, lines [][]byte, n int) {
	t.Helper()
	ProduceTo(t, addrs, Topic, lines, n)
}

// ProduceTo writes each value as one message to topic, round robin over
// n partitions.
func ProduceTo(t testing.TB, addrs []string, topic string, values [][]byte, n int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.DefaultProduceTopic(topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerBatchMaxBytes(1<<20))
	if err != nil {
		t.Fatalf("cannot create producer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rs := make([]*kgo.Record, len(values))
	for i, v := range values {
		rs[i] = &kgo.Record{Partition: int32(i % n), Value: v}
	}
	if err := cl.ProduceSync(ctx, rs...).FirstErr(); err != nil {
		t.Fatalf("cannot produce: %v", err)
	}
}

// Generated is a loggen log with injected incidents, split in lines.
func Generated(t testing.TB, lines int) ([]byte, [][]byte) {
	t.Helper()
	var b bytes.Buffer
	if _, err := loggen.Generate(&b, loggen.Options{Lines: lines, Seed: 7, Format: loggen.FormatCombinedRT, Rate: 8, Inject: true}); err != nil {
		t.Fatalf("cannot generate: %v", err)
	}
	data := b.Bytes()
	return data, bytes.SplitAfter(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
}

// KafkaOptions are fast timings for tests.
func KafkaOptions(addrs []string, group string) kafkasrc.Options {
	return kafkasrc.Options{
		Brokers:           addrs,
		Topics:            []string{Topic},
		Group:             group,
		BatchWait:         20 * time.Millisecond,
		HeartbeatInterval: 100 * time.Millisecond,
		SessionTimeout:    6 * time.Second,
		RebalanceTimeout:  5 * time.Second,
		Backoff:           200 * time.Millisecond,
		Timeout:           2 * time.Second,
		Idle:              500 * time.Millisecond,
	}
}

// Minute is an independent tally of one minute of a combined_rt log.
type Minute struct {
	requests, errors5xx int64
	durations           []int64 // µs
}

// Tally counts the log by minute with plain string handling: the
// timestamp between '[' and ']', the status after the request's closing
// quote, the request time (seconds, three decimals) last.
func Tally(t testing.TB, data []byte) map[time.Time]*Minute {
	t.Helper()
	out := map[time.Time]*Minute{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		i, j := strings.IndexByte(line, '['), strings.IndexByte(line, ']')
		ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", line[i+1:j])
		if err != nil {
			t.Fatalf("cannot read time of %q: %v", line, err)
		}
		rest := line[strings.Index(line[j:], "\" ")+j+2:]
		status, _ := strconv.Atoi(rest[:3])
		f := strings.Fields(line)
		secs, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			t.Fatalf("cannot read request time of %q: %v", line, err)
		}
		m := out[ts.UTC().Truncate(time.Minute)]
		if m == nil {
			m = &Minute{}
			out[ts.UTC().Truncate(time.Minute)] = m
		}
		m.requests++
		if status >= 500 {
			m.errors5xx++
		}
		m.durations = append(m.durations, int64(math.Round(secs*1e6)))
	}
	return out
}

// nearestRank is the q-quantile of sorted values by nearest rank, in ms.
func nearestRank(sorted []int64, q float64) float64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	return float64(sorted[max(rank, 1)-1]) / 1000
}

// CheckTotals compares vigil.minute_totals with the log's own tally.
func CheckTotals(t testing.TB, dsn string, want map[time.Time]*Minute) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT minute, requests, errors_5xx, p50_ms::float8, p95_ms::float8, p99_ms::float8 FROM vigil.minute_totals ORDER BY minute`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[time.Time]bool{}
	bad := 0
	for rows.Next() {
		var m time.Time
		var req, e5 int64
		var p50, p95, p99 float64
		if err := rows.Scan(&m, &req, &e5, &p50, &p95, &p99); err != nil {
			t.Fatal(err)
		}
		m = m.UTC()
		got[m] = true
		w := want[m]
		if w == nil {
			t.Errorf("unexpected minute %s in minute_totals", m)
			continue
		}
		slices.Sort(w.durations)
		wp := [3]float64{nearestRank(w.durations, 0.5), nearestRank(w.durations, 0.95), nearestRank(w.durations, 0.99)}
		if req != w.requests || e5 != w.errors5xx || [3]float64{p50, p95, p99} != wp {
			if bad++; bad <= 5 {
				t.Errorf("minute %s: got requests %d, 5xx %d, p50/95/99 %v; want %d, %d, %v", m, req, e5, [3]float64{p50, p95, p99}, w.requests, w.errors5xx, wp)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for m := range want {
		if !got[m] {
			if bad++; bad <= 5 {
				t.Errorf("minute %s missing from minute_totals", m)
			}
		}
	}
	if bad > 0 {
		rows, err := conn.Query(ctx, `SELECT format('%s/%s next %s lines %s parsed %s late %s malformed %s generation %s epoch %s',
			topic, partition, next_offset, lines, parsed, late, malformed, generation, epoch) FROM vigil.partitions ORDER BY topic, partition`)
		if err == nil {
			parts, _ := pgx.CollectRows(rows, pgx.RowTo[string])
			t.Logf("partitions:\n%s", strings.Join(parts, "\n"))
		}
		t.Fatalf("%d of %d minutes differ", bad, len(want))
	}
}

// Incident is a row of vigil.incidents.
type Incident struct {
	ID, Kind, Severity, Subject, Status string
	Start, End                          time.Time
}

func (s Incident) String() string {
	return fmt.Sprintf("%s %s %s %s %s [%s, %s)", s.Severity, s.Kind, s.Subject, s.Status, s.ID, s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339))
}

func ReadIncidents(t testing.TB, dsn string) []Incident {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT id, kind, severity, subject, status, started_at, coalesce(ended_at, 'epoch') FROM vigil.incidents
		WHERE superseded_by IS NULL ORDER BY started_at, kind COLLATE "C", subject COLLATE "C"`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Incident, error) {
		var s Incident
		err := r.Scan(&s.ID, &s.Kind, &s.Severity, &s.Subject, &s.Status, &s.Start, &s.End)
		s.Start, s.End = s.Start.UTC(), s.End.UTC()
		if s.End.Equal(time.Unix(0, 0).UTC()) {
			s.End = time.Time{}
		}
		return s, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// WaitFor polls cond until it holds or d passes.
func WaitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Logs collects a service's log lines for a failing test.
type Logs struct {
	mu    sync.Mutex
	lines []string
}

func (l *Logs) Logf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, time.Now().Format("15:04:05.000 ")+fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *Logs) Dump(t testing.TB) {
	if !t.Failed() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		t.Log(s)
	}
}

// Migrated returns a new database with the schema, so that tests can
// poll it before a service has started.
func Migrated(t testing.TB) string {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	st, err := pgstore.Open(context.Background(), dsn, "g")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return dsn
}

// AnalyzeIncidents runs the engine over the log as analyze does.
func AnalyzeIncidents(t testing.TB, data []byte) []Incident {
	t.Helper()
	return AnalyzeInputs(t, Input{"-", data})
}

// Input is an input of AnalyzeInputs: a file's name and content, or
// standard input's ("-").
type Input struct {
	Name string
	Data []byte
}

// AnalyzeInputs returns the incidents of Analyze's result, sorted by
// start, kind and subject.
func AnalyzeInputs(t testing.TB, inputs ...Input) []Incident {
	t.Helper()
	res := Analyze(t, inputs...)
	var out []Incident
	for _, in := range res.Report().Incidents {
		out = append(out, Incident{ID: in.ID, Kind: string(in.Kind), Severity: in.Severity.String(), Subject: in.Subject,
			Status: string(in.Status), Start: in.Start, End: in.End})
	}
	slices.SortFunc(out, func(a, b Incident) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.Subject, b.Subject))
	})
	return out
}

// Analyze runs the engine over the inputs as analyze does over files of
// theirs (written to a directory of the test), with the default options.
func Analyze(t testing.TB, inputs ...Input) *pipeline.Result {
	t.Helper()
	var srcs []pipeline.Source
	dir := t.TempDir()
	for _, in := range inputs {
		path := in.Name
		if path != "-" {
			path = filepath.Join(dir, in.Name)
			if err := os.WriteFile(path, in.Data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		src, err := filesrc.Open(path, bytes.NewReader(in.Data), filesrc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	res, err := pipeline.Run(context.Background(), srcs, pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// WaitConsumed waits until every line is stored and detection has passed
// the last minute of the tally.
func WaitConsumed(t testing.TB, dsn string, lines int, tally map[time.Time]*Minute) {
	t.Helper()
	var end time.Time
	for m := range tally {
		if m.After(end) {
			end = m
		}
	}
	end = end.Add(time.Minute)
	WaitFor(t, 3*time.Minute, "every line stored and detected", func() bool {
		return pgtest.QueryInt(t, dsn, `SELECT coalesce(sum(lines), 0) FROM vigil.partitions`) == int64(lines) &&
			pgtest.QueryInt(t, dsn, `SELECT count(*) FROM vigil.detection WHERE closed_to >= $1`, end) == 1
	})
}
