package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ops/vigil/bench/loggen"
	"github.com/vigil-ops/vigil/pipeline/ingest"
	"github.com/vigil-ops/vigil/pipeline/kafkasrc"
	"github.com/vigil-ops/vigil/pipeline/pgstore/pgtest"
)

// The benchmarks below run ingest's service in this process, so that
// `go test -cpuprofile` profiles it (bin/ingest has no profiling flag),
// and the bare kafka-go reader for comparison. With VIGIL_BENCH_BROKER
// they read a bench/kafkademo broker holding VIGIL_BENCH_N messages in
// topic "logs", which keeps the broker out of the profile:
//
//	go run ./bench/kafkademo --listen 127.0.0.1:9092 --lines 2000000 --rate 100 --seed 1 &
//	VIGIL_BENCH_BROKER=127.0.0.1:9092 VIGIL_BENCH_N=2000000 go test -run '^$' \
//		-bench Ingest -benchtime 3x -cpuprofile /tmp/ingest.cpu ./bench/ingest
//	go tool pprof -top /tmp/ingest.cpu
//
// Without it they start an in-process kfake broker with 200,000 lines.
// One op reads every message with a new consumer group (ingest: into a
// new database, until every line is stored).

var groups atomic.Int64

// benchBroker returns the broker's address and the number of messages
// in its topic "logs".
func benchBroker(b *testing.B) (string, int64) {
	b.Helper()
	if addr := os.Getenv("VIGIL_BENCH_BROKER"); addr != "" {
		n, err := strconv.ParseInt(os.Getenv("VIGIL_BENCH_N"), 10, 64)
		if err != nil || n <= 0 {
			b.Fatalf("unexpected VIGIL_BENCH_N %q; want the number of messages in the topic", os.Getenv("VIGIL_BENCH_N"))
		}
		return addr, n
	}
	const n = 200_000
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "logs"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	addr := c.ListenAddrs()[0]
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic("logs"),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	var log bytes.Buffer
	if _, err := loggen.Generate(&log, loggen.Options{Lines: n, Seed: 1, Format: loggen.FormatCombinedRT}); err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(log.Bytes(), []byte("\n")), []byte("\n"))
	rs := make([]*kgo.Record, len(lines))
	for i, l := range lines {
		rs[i] = &kgo.Record{Partition: int32(i % 4), Value: l}
	}
	if err := cl.ProduceSync(context.Background(), rs...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	return addr, n
}

// BenchmarkIngest is bin/ingest with its default flags, from the first
// fetch to every line stored.
func BenchmarkIngest(b *testing.B) {
	addr, n := benchBroker(b)
	b.ReportAllocs()
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		dsn := pgtest.NewDatabase(b)
		group := fmt.Sprintf("bench-%d-%d", os.Getpid(), groups.Add(1))
		svc, err := ingest.New(ingest.Options{
			Kafka: kafkasrc.Options{Brokers: []string{addr}, Topics: []string{"logs"}, Group: group},
			DSN:   dsn,
		})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		b.StartTimer()
		start := time.Now()
		go func() { done <- svc.Run(ctx) }()
		w := watcher{group: group, stored: progress{n: n, since: start}}
		err = w.storedBy(dsn, 5*time.Minute)
		elapsed += time.Since(start)
		b.StopTimer()
		cancel()
		if rerr := <-done; err != nil || rerr != nil {
			b.Fatalf("unexpected error storing %d lines; got %v, Run returned %v; want nil", n, err, rerr)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "msgs/s")
}

// storedBy polls PostgreSQL until every line is stored, for at most d.
func (w *watcher) storedBy(dsn string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	w.metrics = "" // the service serves no /metrics here
	return w.run(ctx, dsn, 25*time.Millisecond)
}

// BenchmarkBare is the bare kafka-go consumer-group reader of
// `ingestbench bare`.
func BenchmarkBare(b *testing.B) {
	addr, n := benchBroker(b)
	b.ReportAllocs()
	var elapsed time.Duration
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		start := time.Now()
		r := kafka.NewReader(kafka.ReaderConfig{
			Brokers: []string{addr}, GroupID: fmt.Sprintf("bare-%d-%d", os.Getpid(), groups.Add(1)),
			Topic: "logs", StartOffset: kafka.FirstOffset, CommitInterval: time.Second,
		})
		for i := int64(0); i < n; i++ {
			if _, err := r.ReadMessage(ctx); err != nil {
				b.Fatalf("unexpected error after %d of %d messages: %v", i, n, err)
			}
		}
		elapsed += time.Since(start)
		b.StopTimer()
		r.Close() // waits for fetches in flight (MaxWait, 10s by default)
		cancel()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "msgs/s")
}
