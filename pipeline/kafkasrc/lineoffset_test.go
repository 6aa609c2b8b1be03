package kafkasrc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ops/vigil/pipeline"
)

// testGatherer is a gatherer over no reader: the test adds the messages
// and flushes. Each batch is handed to emit, then Done.
func testGatherer(t testing.TB, o Options, emit func(pipeline.Batch)) *gatherer {
	t.Helper()
	o = o.withDefaults()
	p := newPartition(nil, &o, nil, TopicPartition{topic, 0}, 0)
	p.initRing()
	g := newGatherer(p, nil, func(b pipeline.Batch) error {
		emit(b)
		b.Done()
		return nil
	})
	return g
}

// gather adds the messages to g as its run loop does (acquiring a slot
// before a message when it has none), then flushes what it holds.
func gather(t testing.TB, g *gatherer, msgs []kafkago.Message) {
	t.Helper()
	ctx := context.Background()
	for i := range msgs {
		if g.s == nil && !g.acquire(ctx) {
			t.Fatal("cannot acquire a slot")
		}
		if err := g.add(ctx, &msgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if g.msgs > 0 {
		if err := g.flush(); err != nil {
			t.Fatal(err)
		}
	}
}

// lineOffsets walks the messages as a reference: every line of a
// message, skipped or kept, is numbered in turn (from 1) and maps to the
// message's offset.
func lineOffsets(msgs []kafkago.Message) map[uint64]int64 {
	want := map[uint64]int64{}
	line := uint64(1)
	for _, m := range msgs {
		n := strings.Count(strings.TrimSuffix(string(m.Value), "\n"), "\n") + 1
		for range n {
			want[line] = m.Offset
			line++
		}
	}
	return want
}

// checkBatch checks b.LineOffset for every line of b (its TooLong lines
// and the lines of Data) and just outside it, and records the lines in
// got.
func checkBatch(t *testing.T, b pipeline.Batch, want, got map[uint64]int64) {
	t.Helper()
	first := b.Line - b.TooLong
	end := b.Line + uint64(bytes.Count(b.Data, newline))
	for line := first; line < end; line++ {
		off := b.LineOffset(line)
		if off != want[line] {
			t.Errorf("unexpected LineOffset(%d) of the batch at line %d; got %d; want %d", line, b.Line, off, want[line])
		}
		got[line] = off
	}
	if off := b.LineOffset(first - 1); off != -1 {
		t.Errorf("unexpected LineOffset(%d) before the batch at line %d; got %d; want -1", first-1, b.Line, off)
	}
	if off := b.LineOffset(end); off != -1 {
		t.Errorf("unexpected LineOffset(%d) after the batch at line %d; got %d; want -1", end, b.Line, off)
	}
}

// TestLineOffset: Batch.LineOffset maps every line of a batch, multi-line
// messages and skipped lines included, to its message's offset, however
// the messages fall into batches; OnTooLong gets each message with a line
// too long, whole.
func TestLineOffset(t *testing.T) {
	long := strings.Repeat("y", 11)
	values := []string{
		"0a", "1a\n1b\n1c\n", "", "\n", "4a\n" + long + "\n4b", "5a\n5b", long, "7a",
		long + "\n" + long, "9a\n9b\n9c\n9d\n9e\n9f", "10a",
	}
	var msgs []kafkago.Message
	for i, v := range values {
		msgs = append(msgs, kafkago.Message{Offset: int64(100 + i), Value: []byte(v), HighWaterMark: int64(100 + len(values))})
	}
	want := lineOffsets(msgs)
	f := func(batchBytes int) {
		t.Helper()
		got := map[uint64]int64{}
		var tooLong []Rejected
		o := Options{MaxLineBytes: 10, BatchBytes: batchBytes, Buffers: 2}
		o.OnTooLong = func(r Rejected) {
			r.Value = bytes.Clone(r.Value)
			tooLong = append(tooLong, r)
		}
		g := testGatherer(t, o, func(b pipeline.Batch) { checkBatch(t, b, want, got) })
		gather(t, g, msgs)
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("unexpected lines mapped with BatchBytes %d (-want +got):\n%s", batchBytes, diff)
		}
		wantTooLong := []Rejected{
			{Source: TopicPartition{topic, 0}, Offset: 104, Value: msgs[4].Value, Reason: pipeline.ReasonTooLong},
			{Source: TopicPartition{topic, 0}, Offset: 106, Value: msgs[6].Value, Reason: pipeline.ReasonTooLong},
			{Source: TopicPartition{topic, 0}, Offset: 108, Value: msgs[8].Value, Reason: pipeline.ReasonTooLong},
		}
		if diff := gocmp.Diff(wantTooLong, tooLong); diff != "" {
			t.Errorf("unexpected OnTooLong calls with BatchBytes %d (-want +got):\n%s", batchBytes, diff)
		}
	}
	f(1)       // a batch per message
	f(8)       // a few messages per batch
	f(1 << 20) // batches cut by the long lines only
}

// TestGatherAllocs: gathering a message allocates nothing (kafka-go's
// message and value aside), LineOffset's record included, once the
// buffers have grown.
func TestGatherAllocs(t *testing.T) {
	var msgs []kafkago.Message
	for i := range 200 {
		v := fmt.Sprintf("line %d", i)
		if i%3 == 0 {
			v += "\nand another\nand a third\n"
		}
		if i%50 == 0 {
			v += "\n" + strings.Repeat("y", 100)
		}
		msgs = append(msgs, kafkago.Message{Offset: int64(i), Value: []byte(v)})
	}
	var lines uint64
	o := Options{MaxLineBytes: 64, BatchBytes: 1 << 10, Buffers: 2, OnTooLong: func(Rejected) {}}
	g := testGatherer(t, o, func(b pipeline.Batch) {
		lines += uint64(bytes.Count(b.Data, newline))
		if b.LineOffset(b.Line) < 0 {
			t.Errorf("unexpected LineOffset(%d) of a batch starting there; got -1", b.Line)
		}
	})
	if n := testing.AllocsPerRun(20, func() { gather(t, g, msgs) }); n >= 1 {
		t.Errorf("unexpected allocations gathering %d messages; got %.1f; want 0", len(msgs), n)
	}
	if lines == 0 {
		t.Fatal("unexpected run without lines")
	}
}

// TestLineOffsetKafka: read from a broker, each line of a batch maps to
// the offset of its message, and OnTooLong gets the messages with long
// lines with their offsets.
func TestLineOffsetKafka(t *testing.T) {
	c := newCluster(t)
	long := strings.Repeat("y", 20)
	values := []string{"m0-a", "m1-a\nm1-b\nm1-c\n", "m2-a\n" + long + "\nm2-b", long, "m4-a\nm4-b", "m5-a"}
	var rs []*kgo.Record
	for _, v := range values {
		rs = append(rs, &kgo.Record{Partition: 0, Value: []byte(v)})
	}
	produceRecords(t, c.ListenAddrs(), rs)
	o := testOptions(c.ListenAddrs(), "lineoffset")
	o.MaxLineBytes = 10
	var mu sync.Mutex
	got := map[string]int64{} // line → its message's offset
	var tooLong []string
	o.OnTooLong = func(r Rejected) {
		mu.Lock()
		defer mu.Unlock()
		tooLong = append(tooLong, fmt.Sprintf("%s@%d %s %q", r.Source, r.Offset, r.Reason, r.Value))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	gen, err := g.Next(ctx)
	if err != nil {
		t.Fatalf("cannot join: %v", err)
	}
	done := make(chan error, len(gen.Partitions))
	for _, p := range gen.Partitions {
		go func() {
			done <- p.Read(ctx, func(b pipeline.Batch) error {
				if b.Idle {
					return nil
				}
				defer b.Done()
				mu.Lock()
				defer mu.Unlock()
				line := b.Line
				for l := range bytes.Lines(b.Data) {
					got[string(bytes.TrimSuffix(l, newline))] = b.LineOffset(line)
					line++
				}
				return nil
			})
		}()
	}
	want := map[string]int64{"m0-a": 0, "m1-a": 1, "m1-b": 1, "m1-c": 1, "m2-a": 2, "m2-b": 2, "m4-a": 4, "m4-b": 4, "m5-a": 5}
	waitFor(t, 10*time.Second, "the lines", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= len(want)
	})
	cancel()
	for range gen.Partitions {
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("unexpected Read error; got %v; want context.Canceled", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("unexpected offsets of the lines (-want +got):\n%s", diff)
	}
	wantTooLong := []string{
		fmt.Sprintf("logs/0@2 line too long %q", values[2]),
		fmt.Sprintf("logs/0@3 line too long %q", values[3]),
	}
	if diff := gocmp.Diff(wantTooLong, tooLong); diff != "" {
		t.Errorf("unexpected OnTooLong calls (-want +got):\n%s", diff)
	}
}
