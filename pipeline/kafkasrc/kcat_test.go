package kafkasrc

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// kcatPath returns the kcat binary. Without one the test is skipped on a
// developer's machine and fails in CI (CI=true), where a skip would hide
// a broken install step.
func kcatPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("kcat")
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("cannot find kcat (%v): run make deps", err)
	}
	t.Skipf("kcat not found (%v); make deps installs it", err)
	return ""
}

// TestKcatInterop: librdkafka (through kcat) produces lines compressed
// with each codec kafka-go reads, and a Group delivers every line once,
// in partition order, byte for byte.
//
// kcat runs with librdkafka's defaults (checked with kcat 1.7.1 on
// librdkafka 2.0.2, Debian 12): it asks for the API versions
// (api.version.request=true) and sends Produce v7 with v2 record batches,
// which kfake accepts; no -X broker.version.fallback or
// api.version.request is needed, and none helps with what follows.
// kfake advertises Produce v3 and up only (KIP-896), and librdkafka
// then turns gzip and snappy off without an error ("Broker does not
// support compression type gzip: not compressing batch" under -d msg;
// confluentinc/librdkafka#4956). Apache Kafka 4.0 removed Produce v0-2
// too but still advertises them for that reason (KAFKA-18659,
// apache/kafka#18727), so [advertiseProduceV0] makes kfake answer the
// same way; storedCodecs checks that the batches are compressed.
func TestKcatInterop(t *testing.T) {
	kcat := kcatPath(t)
	c := newCluster(t)
	addrs := c.ListenAddrs()
	advertiseProduceV0(t, c)
	codecs := []string{"gzip", "snappy", "lz4", "zstd"}
	// Each codec's run goes to one partition, so that the partition order
	// is known: partition 0 gets gzip's lines, then zstd's.
	const lines = 3000
	want := make(map[int][]byte)
	wantCodecs := make(map[int][]string)
	for i, codec := range codecs {
		part := i % 3
		input := kcatLines(part, codec, lines, uint64(i))
		runKcat(t, kcat, addrs, part, codec, input)
		want[part] = append(want[part], input...)
		wantCodecs[part] = append(wantCodecs[part], codec)
	}
	// The batches kfake holds are compressed as asked, except those that
	// compression does not shrink (a first batch of one short line), which
	// librdkafka sends uncompressed.
	for part, cs := range wantCodecs {
		got := storedCodecs(t, addrs, part, len(cs)*lines)
		for i, codec := range cs {
			n := 0
			for _, c := range got[i*lines : (i+1)*lines] {
				switch c {
				case codec:
					n++
				case "none":
				default:
					t.Fatalf("unexpected codec of a record of kcat -z %s in partition %d; got %s", codec, part, c)
				}
			}
			if n < lines*9/10 {
				t.Fatalf("unexpected count of %s records of kcat -z %s in partition %d; got %d; want at least %d",
					codec, codec, part, n, lines*9/10)
			}
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	g, err := New(testOptions(addrs, "kcat"))
	if err != nil {
		t.Fatalf("cannot create group: %v", err)
	}
	defer g.Close()
	gen, err := g.Next(ctx)
	if err != nil {
		t.Fatalf("cannot join: %v", err)
	}
	if len(gen.Partitions) != 3 {
		t.Fatalf("unexpected partition count; got %d; want 3", len(gen.Partitions))
	}
	var cols [3]collector
	readCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, p := range gen.Partitions {
		wg.Go(func() {
			err := p.Read(readCtx, cols[p.TopicPartition().Partition].emit)
			if err != nil && readCtx.Err() == nil {
				t.Errorf("unexpected error of Read %s: %v", p.TopicPartition(), err)
			}
		})
	}
	defer wg.Wait()
	defer stop()
	for part, p := range gen.Partitions {
		// The offsets count the messages: one per line, none twice.
		n := int64(bytes.Count(want[part], []byte{'\n'}))
		waitFor(t, 30*time.Second, fmt.Sprintf("offset %d of partition %d", n, part), func() bool { return p.Processed() >= n })
		if got := p.Processed(); got != n {
			t.Errorf("unexpected Processed of partition %d; got %d; want %d", part, got, n)
		}
		got, tooLong, _ := cols[part].get()
		if got != string(want[part]) {
			t.Errorf("unexpected lines of partition %d; got %d bytes; want %d; first difference at byte %d",
				part, len(got), len(want[part]), firstDiff([]byte(got), want[part]))
		}
		if tooLong != 0 {
			t.Errorf("unexpected TooLong of partition %d; got %d; want 0", part, tooLong)
		}
	}
}

// kcatLines returns n lines "p<part> <codec> <seq> <payload>\n" with a
// fixed seed: log-like lines, every 7th with bytes outside ASCII (NUL,
// '\r', invalid UTF-8; never '\n'), every 100th between 4 and 40 KiB
// long, of random printable ASCII that compresses poorly.
func kcatLines(part int, codec string, n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b []byte
	for seq := range n {
		b = fmt.Appendf(b, "p%d %s %d ", part, codec, seq)
		switch {
		case seq%100 == 99:
			for range 4<<10 + r.IntN(36<<10) {
				b = append(b, byte(' '+r.IntN(95)))
			}
		case seq%7 == 3:
			for range 1 + r.IntN(200) {
				c := byte(r.IntN(256))
				if c == '\n' {
					c = 0
				}
				b = append(b, c)
			}
		default:
			b = fmt.Appendf(b, `10.0.%d.%d - - "GET /api/v1/items/%d HTTP/1.1" %d %d`,
				r.IntN(256), r.IntN(256), r.IntN(1e6), 200+100*r.IntN(4), r.IntN(1e5))
		}
		b = append(b, '\n')
	}
	return b
}

// runKcat produces input's lines to one partition of the topic, one
// message per line, compressed with codec, and waits for their delivery.
func runKcat(t *testing.T, kcat string, addrs []string, part int, codec string, input []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, kcat, "-P", "-q", "-b", addrs[0], "-t", topic,
		"-p", strconv.Itoa(part), "-z", codec)
	cmd.Stdin = bytes.NewReader(input)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cannot produce with kcat -z %s: %v\n%s", codec, err, out)
	}
	if len(out) > 0 {
		t.Fatalf("unexpected output of kcat -z %s: %s", codec, out)
	}
	t.Logf("kcat -z %s: %d bytes in %v", codec, len(input), time.Since(start).Round(time.Millisecond))
}

// advertiseProduceV0 makes the cluster's ApiVersions answers advertise
// Produce from v0, as Apache Kafka 4.0 and later do (KAFKA-18659), while
// kfake keeps refusing Produce below v3. The answer is kfake's own,
// fetched once, with only that minimum changed.
func advertiseProduceV0(t *testing.T, c *kfake.Cluster) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatalf("cannot create client: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	orig, err := kmsg.NewPtrApiVersionsRequest().RequestWith(ctx, cl)
	if err == nil {
		err = kerr.ErrorForCode(orig.ErrorCode)
	}
	if err != nil {
		t.Fatalf("cannot get the API versions: %v", err)
	}
	keys := slices.Clone(orig.ApiKeys)
	for i := range keys {
		if keys[i].ApiKey == int16(kmsg.Produce) {
			keys[i].MinVersion = 0
		}
	}
	c.ControlKey(int16(kmsg.ApiVersions), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		resp := *orig
		resp.Version = kreq.GetVersion()
		resp.ApiKeys = slices.Clone(keys)
		return &resp, nil, true
	})
}

// storedCodecs reads the first n records of a partition with franz-go and
// returns the codec of the batch of each.
func storedCodecs(t *testing.T, addrs []string, part, n int) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{
		topic: {int32(part): kgo.NewOffset().AtStart()},
	}))
	if err != nil {
		t.Fatalf("cannot create consumer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	names := [...]string{"none", "gzip", "snappy", "lz4", "zstd"}
	codecs := make([]string, 0, n)
	for len(codecs) < n {
		fs := cl.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatalf("cannot fetch partition %d: %v", part, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			c := "unknown"
			if ct := int(r.Attrs.CompressionType()); ct < len(names) {
				c = names[ct]
			}
			codecs = append(codecs, c)
		})
	}
	return codecs[:n]
}

// firstDiff returns the index of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
