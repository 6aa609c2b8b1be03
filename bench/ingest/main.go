package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/segmentio/kafka-go"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ingestbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: ingestbench bare|wait [flags] (see doc.go)")
	}
	switch args[0] {
	case "bare":
		return bare(ctx, args[1:], stdout)
	case "wait":
		return wait(ctx, args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q: want bare or wait", args[0])
}

// progress records when a count crossed 10 %, 90 % and 100 % of n.
type progress struct {
	n                     int64
	since                 time.Time
	first, p10, p90, done float64 // seconds since since; 0: not yet
}

// at records count at time now and reports whether it reached n.
func (p *progress) at(count int64, now time.Time) bool {
	s := now.Sub(p.since).Seconds()
	mark := func(v *float64, reached bool) {
		if *v == 0 && reached {
			*v = s
		}
	}
	mark(&p.first, count > 0)
	mark(&p.p10, count*10 >= p.n)
	mark(&p.p90, count*10 >= p.n*9)
	mark(&p.done, count >= p.n)
	return count >= p.n
}

func (p *progress) String() string {
	return fmt.Sprintf("first=%.3f p10=%.3f p90=%.3f end=%.3f", p.first, p.p10, p.p90, p.done)
}

// bare reads n messages with a kafka-go consumer-group reader.
func bare(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	brokers := fs.String("brokers", "127.0.0.1:9092", "bootstrap brokers, comma-separated")
	topic := fs.String("topic", "logs", "topic")
	group := fs.String("group", "bare", "consumer group (a new one reads from the start)")
	n := fs.Int64("n", 0, "messages to read")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	p := progress{n: *n, since: time.Now()}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:        strings.Split(*brokers, ","),
		GroupID:        *group,
		Topic:          *topic,
		StartOffset:    kafka.FirstOffset,
		CommitInterval: time.Second,
	})
	defer r.Close()
	var count, bytes int64
	for !p.at(count, time.Now()) {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			return fmt.Errorf("read %d of %d messages: %w", count, *n, err)
		}
		count++
		bytes += int64(len(m.Value))
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s messages=%d bytes=%d cpu=%.3f maxrss_kb=%d\n", &p, count, bytes,
		seconds(ru.Utime)+seconds(ru.Stime), ru.Maxrss)
	return nil
}

func seconds(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

// wait watches a running ingest until n lines are stored.
func wait(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	dsn := fs.String("pg", "", "ingest's PostgreSQL DSN")
	group := fs.String("group", "vigil", "ingest's consumer group")
	n := fs.Int64("n", 0, "lines to wait for")
	metrics := fs.String("metrics", "http://127.0.0.1:9464/metrics", "ingest's /metrics")
	since := fs.Float64("since", 0, "Unix time in seconds that the times count from (default: now)")
	poll := fs.Duration("poll", 25*time.Millisecond, "polling interval")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	start := time.Now()
	if *since > 0 {
		start = time.Unix(0, int64(*since*1e9))
	}
	w := watcher{group: *group, metrics: *metrics, counted: progress{n: *n, since: start}, stored: progress{n: *n, since: start}}
	if err := w.run(ctx, *dsn, *poll); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s stored=%.3f stored_first=%.3f\n", &w.counted, w.stored.done, w.stored.first)
	return nil
}

// watcher polls ingest's /metrics and PostgreSQL.
type watcher struct {
	group, metrics  string
	counted, stored progress
}

func (w *watcher) run(ctx context.Context, dsn string, poll time.Duration) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if w.metrics != "" && w.counted.done == 0 {
			if c, err := w.consumed(ctx); err == nil { // not up yet: next time
				w.counted.at(c, time.Now())
			}
		}
		if w.stored.at(w.storedLines(ctx, conn), time.Now()) {
			return nil
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("not every line stored: %w", ctx.Err())
		}
	}
}

// storedLines is sum(lines) of the group's partitions; 0 before the
// schema exists.
func (w *watcher) storedLines(ctx context.Context, conn *pgx.Conn) int64 {
	var n int64
	err := conn.QueryRow(ctx, `SELECT coalesce(sum(lines), 0) FROM vigil.partitions WHERE consumer_group = $1`, w.group).Scan(&n)
	if err != nil {
		return 0
	}
	return n
}

// consumed sums vigil_ingest_lines_consumed_total over the partitions.
func (w *watcher) consumed(ctx context.Context) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.metrics, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "vigil_ingest_lines_consumed_total") {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return 0, fmt.Errorf("cannot parse %q: %w", line, err)
		}
		sum += v
	}
	return int64(sum), sc.Err()
}
