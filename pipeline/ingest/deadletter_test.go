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
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

const deadLetterTopic = "dead-letters"

// rejectedMessage is a message the test expects in the dead-letter topic.
type rejectedMessage struct {
	value  []byte
	reason string
}

// deadLetterLog mixes valid lines with malformed ones and messages
// holding a line over maxLine bytes. It returns the messages, the valid
// lines alone (for the tally), how many lines the messages hold, and the
// rejected messages by index.
func deadLetterLog(t *testing.T, maxLine int) (msgs [][]byte, valid []byte, lines int, rejected map[int]rejectedMessage) {
	t.Helper()
	_, gen := ingesttest.Generated(t, 2000)
	long := bytes.Repeat([]byte("x"), maxLine+1)
	reasons := referenceReasons(t, gen[:200])
	bad := [][]byte{
		[]byte("garbage"),
		{},                         // an empty line
		gen[300][:len(gen[300])/2], // cut in its request
		bytes.Replace(bytes.TrimSuffix(gen[301], []byte("\n")), []byte("/20"), []byte("/xx"), 1), // a bad year
		bytes.Replace(bytes.TrimSuffix(gen[302], []byte("\n")), []byte("\" 200 "), []byte("\" 2x0 "), 1),
		bytes.Repeat([]byte("y"), maxLine), // as long as may be, and malformed
	}
	// Messages with a line too long, given the valid line they come
	// before.
	tooLong := []func(l []byte) []byte{
		func([]byte) []byte { return long },
		func(l []byte) []byte { return slices.Concat(l, long) }, // a valid line (of its time), then one too long
		func([]byte) []byte { return slices.Concat(long, []byte("\n")) },
	}
	rejected = map[int]rejectedMessage{}
	for i, l := range gen {
		// Every 40 messages after the first 200 (the partitions' formats
		// are detected on valid lines), one malformed or too long.
		if i >= 200 && i%40 == 0 {
			k := (i - 200) / 40
			switch m := k % (len(bad) + len(tooLong)); {
			case m < len(bad):
				rejected[len(msgs)] = rejectedMessage{bad[m], reasons(bad[m])}
				msgs, lines = append(msgs, bad[m]), lines+1
			default:
				v := tooLong[m-len(bad)](l)
				rejected[len(msgs)] = rejectedMessage{v, pipeline.ReasonTooLong}
				msgs, lines = append(msgs, v), lines+bytes.Count(bytes.TrimSuffix(v, []byte("\n")), []byte("\n"))+1
				if bytes.HasPrefix(v, l) {
					valid = append(valid, l...)
				}
			}
		}
		msgs, valid, lines = append(msgs, l), append(valid, l...), lines+1
	}
	return msgs, valid, lines, rejected
}

// referenceReasons returns the engine's reason for a malformed line, in a
// source whose format is detected on the valid lines given.
func referenceReasons(t *testing.T, valid [][]byte) func([]byte) string {
	t.Helper()
	c, err := pipeline.NewCounter("reference", pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Count(pipeline.Batch{Data: bytes.Join(valid, nil), Line: 1}); err != nil {
		t.Fatal(err)
	}
	return func(line []byte) string {
		t.Helper()
		n, err := c.Count(pipeline.Batch{Data: slices.Concat(line, []byte("\n")), Line: 1})
		if err != nil || len(n.Samples) != 1 {
			t.Fatalf("cannot find the reason of %q: %v, %d samples", line, err, len(n.Samples))
		}
		return n.Samples[0].Reason
	}
}

// readDeadLetters reads n records of the dead-letter topic, then checks
// that no more come, each as "source|reason|value" and whether it is
// marked truncated.
func readDeadLetters(t *testing.T, addrs []string, n int) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(deadLetterTopic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []string
	poll := func(d time.Duration) {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		fs := cl.PollFetches(ctx)
		fs.EachRecord(func(r *kgo.Record) {
			h := map[string]string{}
			for _, rh := range r.Headers {
				h[rh.Key] = string(rh.Value)
			}
			if _, ok := h[kafkasrc.HeaderTruncated]; ok {
				t.Errorf("unexpected dead letter marked truncated: %s", h[kafkasrc.HeaderSource])
			}
			if want := h[kafkasrc.HeaderSource][:len(ingesttest.Topic)+2]; string(r.Key) != want {
				t.Errorf("unexpected key of dead letter %s; got %q; want %q", h[kafkasrc.HeaderSource], r.Key, want)
			}
			out = append(out, fmt.Sprintf("%s|%s|%q", h[kafkasrc.HeaderSource], h[kafkasrc.HeaderReason], r.Value))
		})
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(out) < n && time.Now().Before(deadline) {
		poll(time.Second)
	}
	poll(500 * time.Millisecond) // none more
	slices.Sort(out)
	return out
}

// TestDeadLetter: malformed lines and messages with a line too long
// never stop the stream: every valid line is counted, the rejects are
// counted by reason, and the dead-letter topic holds each rejected
// message, byte for byte, with its offset and its reason.
func TestDeadLetter(t *testing.T) {
	const maxLine = 1024
	msgs, valid, lines, rejected := deadLetterLog(t, maxLine)
	c := ingesttest.NewCluster(t, 2, kfake.SeedTopics(1, deadLetterTopic))
	ingesttest.Produce(t, c.ListenAddrs(), msgs, 2)
	dsn := ingesttest.Migrated(t)
	var l ingesttest.Logs
	defer l.Dump(t)

	o := testOptions(c.ListenAddrs(), dsn, "g", &l)
	o.Kafka.MaxLineBytes = maxLine
	// Every reject of a batch is sampled, so every one is sent.
	o.Engine = pipeline.Options{MalformedSamples: 100}
	o.DeadLetter = kafkasrc.DeadLetterOptions{Topic: deadLetterTopic}
	svc, stop := runService(t, o)
	defer stop()

	tally := ingesttest.Tally(t, valid)
	ingesttest.WaitConsumed(t, dsn, lines, tally)
	ingesttest.CheckTotals(t, dsn, tally)

	// The rejects by reason, in the partitions' state and in the
	// dead-letter topic.
	wantReasons := map[string]int64{}
	var want []string
	for i, r := range rejected {
		wantReasons[r.reason]++
		// Produce sends message i to partition i%2, where it is the
		// (i/2)th.
		src := ingesttest.Topic + "/" + strconv.Itoa(i%2) + "@" + strconv.Itoa(i/2)
		want = append(want, fmt.Sprintf("%s|%s|%q", src, r.reason, r.value))
	}
	slices.Sort(want)
	if len(wantReasons) < 5 {
		t.Fatalf("unexpected test log with %d reasons of rejects; want 5 at least", len(wantReasons))
	}
	for reason, n := range wantReasons {
		got := pgtest.QueryInt(t, dsn, `SELECT coalesce(sum((rejects->>$1)::bigint), 0) FROM vigil.partitions`, reason)
		if got != n {
			t.Errorf("unexpected rejects for %q in vigil.partitions; got %d; want %d", reason, got, n)
		}
	}
	tooLong := wantReasons[pipeline.ReasonTooLong]
	if got := pgtest.QueryInt(t, dsn, `SELECT sum(too_long) FROM vigil.partitions`); got != tooLong {
		t.Errorf("unexpected too_long in vigil.partitions; got %d; want %d", got, tooLong)
	}
	if got, want := pgtest.QueryInt(t, dsn, `SELECT sum(malformed) FROM vigil.partitions`), int64(len(rejected))-tooLong; got != want {
		t.Errorf("unexpected malformed in vigil.partitions; got %d; want %d", got, want)
	}
	got := readDeadLetters(t, c.ListenAddrs(), len(want))
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("unexpected dead letters (-want +got):\n%s", diff)
	}
	st := svc.Stats().DeadLetter
	if st == nil || *st != (kafkasrc.DeadLetterStats{Sent: uint64(len(want))}) {
		t.Errorf("unexpected dead-letter stats; got %+v; want %d sent", st, len(want))
	}
}
