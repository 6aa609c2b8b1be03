package kafkasrc

import (
	"context"
	"errors"
	"maps"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/vigil-ops/vigil/pipeline"
)

func TestReadAll(t *testing.T) {
	c := newCluster(t)
	produce(t, c.ListenAddrs(), 0, 500, 0, 1, 2)
	st := newStore(t)
	o := testOptions(c.ListenAddrs(), "all")
	o.OnAssign = st.onAssign
	o.BatchBytes = 1000 // several batches per partition
	m := startMember(t, o, st.emit)
	waitFor(t, 10*time.Second, "1500 lines", func() bool { return st.total() == 1500 })
	want := map[int]int64{0: 500, 1: 500, 2: 500}
	if got := st.offsets(); !maps.Equal(got, want) {
		t.Fatalf("unexpected offsets; got %v; want %v", got, want)
	}
	gen := m.generation()
	wantProcessed := map[TopicPartition]int64{{topic, 0}: 500, {topic, 1}: 500, {topic, 2}: 500}
	if got := gen.Processed(); !maps.Equal(got, wantProcessed) {
		t.Fatalf("unexpected Processed; got %v; want %v", got, wantProcessed)
	}
	for i, p := range gen.Partitions {
		info := p.Info()
		wantInfo := pipeline.SourceInfo{Name: topic + "/" + strconv.Itoa(i), Compression: "none", Bytes: uint64(500*len("p0-100\n") - 100 - 10)}
		if diff := cmp.Diff(wantInfo, info); diff != "" {
			t.Errorf("unexpected Info of partition %d (-want +got):\n%s", i, diff)
		}
		if got := p.Lag(); got != 0 {
			t.Errorf("unexpected Lag of partition %d; got %d; want 0", i, got)
		}
	}
	if st.batches < 3*4 {
		t.Errorf("unexpected batch count with BatchBytes 1000; got %d; want at least 12", st.batches)
	}
}

func TestResumeFromOnAssign(t *testing.T) {
	c := newCluster(t)
	produce(t, c.ListenAddrs(), 0, 100, 0, 1, 2)
	st := newStore(t)
	st.next = map[int]int64{0: 30, 2: 100} // partition 1 has no stored offset
	st.lines = map[int]int{0: 30, 2: 100}
	o := testOptions(c.ListenAddrs(), "resume")
	o.OnAssign = st.onAssign
	startMember(t, o, st.emit)
	waitFor(t, 10*time.Second, "300 lines", func() bool { return st.total() == 300 })
	produce(t, c.ListenAddrs(), 100, 110, 0, 1, 2)
	waitFor(t, 10*time.Second, "330 lines", func() bool { return st.total() == 330 })
	want := map[int]int64{0: 110, 1: 110, 2: 110}
	if got := st.offsets(); !maps.Equal(got, want) {
		t.Fatalf("unexpected offsets; got %v; want %v", got, want)
	}
}

// TestTwoMembers: a second member joins mid-stream; the partitions are
// split and, with the offsets stored with the lines, every line is
// stored once.
func TestTwoMembers(t *testing.T) {
	c := newCluster(t)
	produce(t, c.ListenAddrs(), 0, 200, 0, 1, 2)
	st := newStore(t)
	o := testOptions(c.ListenAddrs(), "two")
	o.OnAssign = st.onAssign
	a := startMember(t, o, st.emit)
	waitFor(t, 10*time.Second, "600 lines", func() bool { return st.total() == 600 })
	b := startMember(t, o, st.emit)
	waitFor(t, 15*time.Second, "a generation of both members with partitions", func() bool {
		ga, gb := a.generation(), b.generation()
		return ga != nil && gb != nil && ga.ID == gb.ID && len(ga.Partitions) > 0 && len(gb.Partitions) > 0
	})
	ga, gb := a.generation(), b.generation()
	if n := len(ga.Partitions) + len(gb.Partitions); n != 3 {
		t.Fatalf("unexpected partition count over both members; got %d; want 3", n)
	}
	produce(t, c.ListenAddrs(), 200, 400, 0, 1, 2)
	waitFor(t, 10*time.Second, "1200 lines", func() bool { return st.total() == 1200 })
	// b leaves: a takes every partition again and goes on.
	b.stop(t)
	waitFor(t, 15*time.Second, "a holding 3 partitions", func() bool {
		g := a.generation()
		return g.ID > ga.ID && len(g.Partitions) == 3
	})
	produce(t, c.ListenAddrs(), 400, 500, 0, 1, 2)
	waitFor(t, 10*time.Second, "1500 lines", func() bool { return st.total() == 1500 })
	want := map[int]int64{0: 500, 1: 500, 2: 500}
	if got := st.offsets(); !maps.Equal(got, want) {
		t.Fatalf("unexpected offsets; got %v; want %v", got, want)
	}
}

// TestCommit: without OnAssign, a new member starts at the offsets
// committed to Kafka.
func TestCommit(t *testing.T) {
	c := newCluster(t)
	produce(t, c.ListenAddrs(), 0, 50, 0, 1, 2)
	st := newStore(t)
	o := testOptions(c.ListenAddrs(), "commit")
	a := startMember(t, o, st.emit)
	waitFor(t, 10*time.Second, "150 lines", func() bool { return st.total() == 150 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	waitFor(t, 5*time.Second, "Processed at 50", func() bool { return len(a.generation().Processed()) == 3 })
	if err := a.g.Commit(ctx, a.generation().Processed()); err != nil {
		t.Fatalf("cannot commit: %v", err)
	}
	err := a.g.Commit(ctx, map[TopicPartition]int64{{"other", 0}: 1})
	if !errors.Is(err, ErrNotAssigned) {
		t.Fatalf("unexpected error committing another topic; got %v; want ErrNotAssigned", err)
	}
	a.stop(t)

	produce(t, c.ListenAddrs(), 50, 60, 0, 1, 2)
	b := startMember(t, o, st.emit) // the store checks that it starts at 50
	waitFor(t, 10*time.Second, "180 lines", func() bool { return st.total() == 180 })
	for _, p := range b.generation().Partitions {
		if p.Start() != 50 {
			t.Errorf("unexpected Start of %s; got %d; want 50", p.TopicPartition(), p.Start())
		}
	}
}

// TestBrokerRestart: the broker goes away and comes back on the same
// port with its data; the member reconnects and goes on.
func TestBrokerRestart(t *testing.T) {
	dir := t.TempDir()
	minSession := kfake.GroupMinSessionTimeout(100 * time.Millisecond)
	port := freePort(t)
	c1, err := kfake.NewCluster(kfake.SeedTopics(3, topic), kfake.DataDir(dir), kfake.Ports(port), minSession)
	if err != nil {
		t.Fatalf("cannot start kfake: %v", err)
	}
	addrs := c1.ListenAddrs()
	produce(t, addrs, 0, 100, 0, 1, 2)
	st := newStore(t)
	o := testOptions(addrs, "restart")
	// The member of before the restart is in the restored group until
	// its session times out: keep that short.
	o.SessionTimeout = time.Second
	o.OnAssign = st.onAssign
	startMember(t, o, st.emit)
	waitFor(t, 10*time.Second, "300 lines", func() bool { return st.total() == 300 })
	c1.Close()
	time.Sleep(300 * time.Millisecond)
	c2, err := kfake.NewCluster(kfake.DataDir(dir), kfake.Ports(port), minSession)
	if err != nil {
		t.Fatalf("cannot restart kfake: %v", err)
	}
	defer c2.Close()
	produce(t, addrs, 100, 200, 0, 1, 2)
	waitFor(t, 20*time.Second, "600 lines", func() bool { return st.total() == 600 })
	want := map[int]int64{0: 200, 1: 200, 2: 200}
	if got := st.offsets(); !maps.Equal(got, want) {
		t.Fatalf("unexpected offsets; got %v; want %v", got, want)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("cannot listen: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestSessionTimeoutRefused: a session timeout out of the broker's range
// (kfake's minimum is Kafka's default, 6 s) is a configuration error that
// ends Next, naming the timeout, not a join retried forever.
func TestSessionTimeoutRefused(t *testing.T) {
	c := newCluster(t)
	o := testOptions(c.ListenAddrs(), "short")
	o.SessionTimeout = time.Second
	err := nextErr(t, o, 10*time.Second)
	const want = "kafka join: session timeout 1s: [26] Invalid Session Timeout"
	if !errors.Is(err, kafkago.InvalidSessionTimeout) || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("unexpected error of Next with a session timeout under the broker's minimum; got %v; want %s...", err, want)
	}
}

// nextErr is the error of the first Next of a new member of o, given
// within d.
func nextErr(t *testing.T, o Options, d time.Duration) error {
	t.Helper()
	g, err := New(o)
	if err != nil {
		t.Fatalf("cannot create group: %v", err)
	}
	defer g.Close()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_, err = g.Next(ctx)
	return err
}
