package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ops/vigil/bench/loggen"
)

// TestRun reads every message back: line i of the log is in partition
// i%4 at offset i/4, without its newline, paced at --speed.
func TestRun(t *testing.T) {
	const lines, parts, speed = 3001, 4, 20000
	var want bytes.Buffer
	if _, err := loggen.Generate(&want, loggen.Options{Lines: lines, Seed: 3, Rate: 8, Format: loggen.FormatCombinedRT, Inject: true}); err != nil {
		t.Fatal(err)
	}
	wantLines := bytes.Split(bytes.TrimSuffix(want.Bytes(), []byte("\n")), []byte("\n"))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pr, pw := io.Pipe()
	args := []string{"--listen", "127.0.0.1:0", "--topic", "t", "--lines", "3001", "--seed", "3", "--speed", "20000", "--compression", "snappy"}
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, pw, io.Discard) }()
	addr, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	got := consume(t, ctx, addr[:len(addr)-1], lines)
	if took, least := time.Since(start), lines*time.Second/speed; took < least*9/10 {
		t.Errorf("unexpected time to produce %d lines at %d/s; got %s; want at least %s", lines, speed, took, least)
	}
	for _, r := range got {
		i := int(r.Offset)*parts + int(r.Partition)
		if i >= lines || !bytes.Equal(r.Value, wantLines[i]) {
			t.Fatalf("unexpected message at %d/%d; got %q; want line %d of the log", r.Partition, r.Offset, r.Value, i)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("unexpected error after the context ended; got %v; want nil", err)
	}
}

// consume reads n records of topic t from the start.
func consume(t *testing.T, ctx context.Context, addr string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics("t"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var rs []*kgo.Record
	for len(rs) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d messages: %v", len(rs), n, err)
		}
		rs = append(rs, fs.Records()...)
	}
	if len(rs) != n {
		t.Fatalf("unexpected number of messages; got %d; want %d", len(rs), n)
	}
	return rs
}
