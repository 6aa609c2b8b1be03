package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ops/vigil/bench/loggen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kafkademo:", err)
		os.Exit(1)
	}
}

type config struct {
	listen, topic, compression string
	partitions, lines          int
	rate, speed                float64
	seed                       uint64
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("kafkademo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:9092", "address of the broker, host:port (port 0: any free port)")
	fs.StringVar(&c.topic, "topic", "logs", "topic to create and fill")
	fs.IntVar(&c.partitions, "partitions", 4, "partitions of the topic")
	fs.IntVar(&c.lines, "lines", 150000, "lines of log to produce, one message each")
	fs.Float64Var(&c.rate, "rate", 8, "mean lines per second of log time (loggen.Options.Rate)")
	fs.Uint64Var(&c.seed, "seed", 7, "seed of the log; the same flags give the same messages")
	fs.Float64Var(&c.speed, "speed", 0, "lines produced per second of wall time (0: as fast as possible)")
	fs.StringVar(&c.compression, "compression", "none", "batch compression: none, gzip, snappy, lz4 or zstd")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	case c.partitions < 1 || c.lines < 1 || c.rate <= 0 || c.speed < 0:
		return nil, errors.New("cannot use --partitions, --lines or --rate below 1, or a negative --speed")
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	codec, err := compression(c.compression)
	if err != nil {
		return err
	}
	cluster, err := newCluster(c)
	if err != nil {
		return err
	}
	defer cluster.Close()
	addrs := cluster.ListenAddrs()
	fmt.Fprintln(stdout, strings.Join(addrs, ","))
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.DefaultProduceTopic(c.topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerBatchMaxBytes(1<<20),
		kgo.ProducerBatchCompression(codec))
	if err != nil {
		return fmt.Errorf("cannot create producer: %w", err)
	}
	defer cl.Close()
	start := time.Now()
	if err := produce(ctx, cl, c); err != nil {
		if ctx.Err() != nil {
			return nil // stopped by a signal while producing
		}
		return err
	}
	fmt.Fprintf(stderr, "kafkademo: produced %d lines to %s (%d partitions) in %.2fs; SIGINT or SIGTERM stops the broker\n",
		c.lines, c.topic, c.partitions, time.Since(start).Seconds())
	<-ctx.Done()
	return nil
}

// newCluster starts one kfake broker on c.listen with the topic.
func newCluster(c *config) (*kfake.Cluster, error) {
	host, p, err := net.SplitHostPort(c.listen)
	if err != nil {
		return nil, fmt.Errorf("cannot use --listen %q: %w", c.listen, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return nil, fmt.Errorf("cannot use --listen %q: port %q is not a number", c.listen, p)
	}
	// kfake listens on 127.0.0.1:port; ListenFn keeps the port it
	// chose and puts the host asked for.
	listen := func(network, address string) (net.Listener, error) {
		_, port, _ := net.SplitHostPort(address)
		return net.Listen(network, net.JoinHostPort(host, port))
	}
	cl, err := kfake.NewCluster(kfake.Ports(port), kfake.ListenFn(listen), kfake.SeedTopics(int32(c.partitions), c.topic))
	if err != nil {
		return nil, fmt.Errorf("cannot start the broker on %s: %w", c.listen, err)
	}
	return cl, nil
}

func compression(name string) (kgo.CompressionCodec, error) {
	switch name {
	case "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, fmt.Errorf("cannot compress with %q: want none, gzip, snappy, lz4 or zstd", name)
}

// produce generates the log into a lineProducer and waits until the
// broker has acknowledged every message.
func produce(ctx context.Context, cl *kgo.Client, c *config) error {
	p := &lineProducer{ctx: ctx, cl: cl, parts: int32(c.partitions), speed: c.speed, start: time.Now()}
	o := loggen.Options{Lines: c.lines, Seed: c.seed, Rate: c.rate, Format: loggen.FormatCombinedRT, Inject: true}
	if _, err := loggen.Generate(p, o); err != nil {
		return fmt.Errorf("cannot produce: %w", err)
	}
	if len(p.partial) > 0 {
		p.send(p.partial)
	}
	if err := cl.Flush(ctx); err != nil {
		return fmt.Errorf("cannot produce: %w", err)
	}
	return p.failed()
}

// lineProducer is the io.Writer loggen writes to: it sends each line
// as one message, round robin over the partitions, paced at speed lines
// per second when speed > 0. Not safe for concurrent use (failed is).
type lineProducer struct {
	ctx     context.Context
	cl      *kgo.Client
	parts   int32
	speed   float64
	start   time.Time
	n       int64
	partial []byte // the start of a line cut by the writer's buffer

	mu  sync.Mutex
	err error // the first failed produce
}

func (p *lineProducer) Write(b []byte) (int, error) {
	total := len(b)
	for len(b) > 0 {
		if err := p.failed(); err != nil {
			return 0, err
		}
		line, rest, found := bytes.Cut(b, []byte{'\n'})
		if !found {
			p.partial = append(p.partial, line...)
			break
		}
		if len(p.partial) > 0 {
			line = append(p.partial, line...)
			p.partial = line[:0] // send copies line
		}
		p.send(line)
		b = rest
	}
	return total, nil
}

// send produces one message; value is copied, loggen reuses its buffer.
func (p *lineProducer) send(value []byte) {
	if p.speed > 0 {
		p.pace()
	}
	r := &kgo.Record{Partition: int32(p.n % int64(p.parts)), Value: bytes.Clone(value)}
	p.n++
	p.cl.Produce(p.ctx, r, p.acked)
}

// pace sleeps until the time of the next line at speed lines/s; it
// sleeps once at least 10ms are due, so that sleeps stay few.
func (p *lineProducer) pace() {
	due := p.start.Add(time.Duration(float64(p.n) / p.speed * float64(time.Second)))
	if d := time.Until(due); d >= 10*time.Millisecond {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-p.ctx.Done():
			t.Stop()
		}
	}
}

func (p *lineProducer) acked(_ *kgo.Record, err error) {
	if err == nil {
		return
	}
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
}

// failed returns the first failed produce, or ctx's error.
func (p *lineProducer) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	return p.ctx.Err()
}
