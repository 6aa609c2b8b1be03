package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ops/vigil/pipeline/ingest/ingesttest"
)

// TestNotifyUsage: the incident outputs are for --follow, and
// --incidents-topic goes with --brokers.
func TestNotifyUsage(t *testing.T) {
	f := func(args []string, want string) {
		t.Helper()
		var stderr bytes.Buffer
		if code := run(args, strings.NewReader(""), &bytes.Buffer{}, &stderr); code != exitUsage || !strings.Contains(stderr.String(), want) {
			t.Fatalf("unexpected exit %d for %q, stderr %q; want %d, %q", code, args, stderr.String(), exitUsage, want)
		}
	}
	f([]string{"--webhook", "http://hook"}, "analyze: cannot send incident events without --follow")
	f([]string{"--alert-label", "env=prod"}, "analyze: cannot send incident events without --follow")
	f([]string{"--follow", "--incidents-topic", "incidents"}, "analyze: cannot write --incidents-topic: no --brokers")
	f([]string{"--follow", "--brokers", "a:1"}, "analyze: cannot use --brokers without --incidents-topic")
	f([]string{"--follow", "--alertmanager", "am"}, `analyze: cannot send to alertmanager "am"`)
}

// bodies records the bodies posted to it.
type bodies struct {
	mu  sync.Mutex
	got []string
}

func (b *bodies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	b.got = append(b.got, string(data))
	b.mu.Unlock()
}

func (b *bodies) list() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.got...)
}

// TestFollowNotify: analyze --follow posts to the JSON webhook exactly
// the event lines it prints with -o json, and writes as many to the
// incidents topic.
func TestFollowNotify(t *testing.T) {
	path := injectedLog(t)
	hook := &bodies{}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	c := ingesttest.NewCluster(t, 1, kfake.SeedTopics(2, "incidents"))
	s := start(t, nil, "--follow", "--idle", "300ms", "-o", "json", "--webhook", srv.URL,
		"--incidents-topic", "incidents", "--brokers", strings.Join(c.ListenAddrs(), ","), path)
	s.waitFor(t, "a resolved event", func(out string) bool { return strings.Contains(out, `{"event":"resolved"`) })
	// The file is read to its end and idle: nothing more is coming.
	time.Sleep(time.Second)
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("unexpected exit status after SIGTERM; got %d; want 0; stderr %s", code, s.stderr.String())
	}
	var printed []string
	for _, line := range strings.SplitAfter(s.stdout.String(), "\n") {
		if strings.HasPrefix(line, `{"event"`) {
			printed = append(printed, line)
		}
	}
	if diff := cmp.Diff(printed, hook.list()); diff != "" {
		t.Fatalf("unexpected webhook bodies (-printed +posted):\n%s", diff)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ConsumeTopics("incidents"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for read := 0; read < len(printed); {
		fs := cl.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatalf("cannot read %d events of the incidents topic after %d: %v", len(printed), read, err)
		}
		read += fs.NumRecords()
	}
}
