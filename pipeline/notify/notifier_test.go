package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// fakeSink records what it is sent; send, when set, decides each
// attempt's outcome (it runs under no lock).
type fakeSink struct {
	name   string
	accept func(incident.EventType) bool
	send   func(ctx context.Context, attempt int, e *incident.Event) error

	mu       sync.Mutex
	attempts int
	got      []incident.Event
	closed   bool
}

func (f *fakeSink) Name() string { return f.name }

func (f *fakeSink) Accepts(t incident.EventType) bool { return f.accept == nil || f.accept(t) }

func (f *fakeSink) Send(ctx context.Context, e *incident.Event) error {
	f.mu.Lock()
	f.attempts++
	n := f.attempts
	f.mu.Unlock()
	if f.send != nil {
		if err := f.send(ctx, n, e); err != nil {
			return err
		}
	}
	f.mu.Lock()
	f.got = append(f.got, *e)
	f.mu.Unlock()
	return nil
}

func (f *fakeSink) Close() error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	return nil
}

func (f *fakeSink) events() []incident.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]incident.Event(nil), f.got...)
}

// fastOptions retry at once, for tests.
func fastOptions() Options {
	return Options{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Timeout: 5 * time.Second}
}

func newNotifier(t *testing.T, o Options, sinks ...Sink) *Notifier {
	t.Helper()
	n, err := New(o, sinks...)
	if err != nil {
		t.Fatalf("cannot create notifier: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		n.Close(ctx)
	})
	return n
}

func closeNotifier(t *testing.T, n *Notifier) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.Close(ctx); err != nil {
		t.Fatalf("unexpected error of Close; got %v; want nil", err)
	}
}

// checkAccounted checks that every event offered to each sink is sent,
// dropped or coalesced, once Close has returned.
func checkAccounted(t *testing.T, n *Notifier, offered ...uint64) {
	t.Helper()
	for i, s := range n.Stats() {
		if s.Queued != 0 || s.Sent+s.Dropped+s.Coalesced != offered[i] {
			t.Errorf("unexpected stats of %s; got %+v; want sent+dropped+coalesced = %d, none queued", s.Sink, s, offered[i])
		}
	}
}

func TestNotifierDelivers(t *testing.T) {
	all := &fakeSink{name: "all"}
	some := &fakeSink{name: "some", accept: func(t incident.EventType) bool { return t != incident.Updated }}
	n := newNotifier(t, fastOptions(), all, some)
	in := parseEvents(t, "o:a:1 u:a:2 o:b:1 e:a:3 u:b:2 r:a:4 s:b:3")
	for _, e := range in {
		n.Notify(e)
	}
	closeNotifier(t, n)
	if got, want := formatEvents(all.events()), formatEvents(in); got != want {
		t.Fatalf("unexpected events of %s; got %q; want %q", all.name, got, want)
	}
	if got, want := formatEvents(some.events()), "o:a:1 o:b:1 e:a:3 r:a:4 s:b:3"; got != want {
		t.Fatalf("unexpected events of %s; got %q; want %q", some.name, got, want)
	}
	st := n.Stats()
	if st[0].Sent != 7 || st[1].Sent != 5 || st[0].Failed+st[1].Failed != 0 {
		t.Fatalf("unexpected stats; got %+v", st)
	}
	checkAccounted(t, n, 7, 5)
	if !all.closed || !some.closed {
		t.Fatalf("unexpected sinks left open after Close")
	}
	// After Close: dropped, counted.
	n.Notify(ev("o", "c", 1))
	if st := n.Stats(); st[0].Dropped != 1 || st[1].Dropped != 1 {
		t.Fatalf("unexpected stats after a late Notify; got %+v; want 1 dropped each", st)
	}
}

func TestNotifierRetries(t *testing.T) {
	var logs strings.Builder
	var logMu sync.Mutex
	o := fastOptions()
	o.Logf = func(format string, args ...any) {
		logMu.Lock()
		fmt.Fprintf(&logs, format+"\n", args...)
		logMu.Unlock()
	}
	flaky := &fakeSink{name: "flaky", send: func(_ context.Context, attempt int, _ *incident.Event) error {
		if attempt <= 3 {
			return errors.New("503 Service Unavailable")
		}
		return nil
	}}
	n := newNotifier(t, o, flaky)
	n.Notify(ev("o", "a", 1))
	n.Notify(ev("r", "a", 2))
	closeNotifier(t, n)
	if got := formatEvents(flaky.events()); got != "o:a:1 r:a:2" {
		t.Fatalf("unexpected events; got %q; want %q", got, "o:a:1 r:a:2")
	}
	if st := n.Stats()[0]; st.Sent != 2 || st.Failed != 3 || st.Dropped != 0 {
		t.Fatalf("unexpected stats; got %+v; want 2 sent, 3 failed", st)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if !strings.Contains(logs.String(), "flaky: opened event 1 of incident a, attempt 1 failed") ||
		!strings.Contains(logs.String(), "flaky: delivering again") {
		t.Fatalf("unexpected logs; got %q", logs.String())
	}
}

func TestNotifierRejected(t *testing.T) {
	picky := &fakeSink{name: "picky", send: func(_ context.Context, _ int, e *incident.Event) error {
		if e.Type == incident.Updated {
			return fmt.Errorf("%w: 400 Bad Request", ErrRejected)
		}
		return nil
	}}
	n := newNotifier(t, fastOptions(), picky)
	for _, e := range parseEvents(t, "o:a:1 u:a:2 r:a:3") {
		n.Notify(e)
	}
	closeNotifier(t, n)
	if got := formatEvents(picky.events()); got != "o:a:1 r:a:3" {
		t.Fatalf("unexpected events; got %q; want %q", got, "o:a:1 r:a:3")
	}
	if st := n.Stats()[0]; st.Sent != 2 || st.Failed != 1 || st.Dropped != 1 {
		t.Fatalf("unexpected stats; got %+v; want 2 sent, 1 failed, 1 dropped", st)
	}
}

// TestNotifierHangingSink: a sink that never answers holds nobody back:
// every Notify returns, the other sink gets every event, and the hanging
// one's queue drops and coalesces what it cannot hold; Close gives up at
// its deadline and accounts for every event.
func TestNotifierHangingSink(t *testing.T) {
	hang := &fakeSink{name: "hang", send: func(ctx context.Context, _ int, _ *incident.Event) error {
		<-ctx.Done()
		return ctx.Err()
	}}
	ok := &fakeSink{name: "ok"}
	o := fastOptions()
	o.QueueSize = 32      // More than a burst, less than them all.
	o.Timeout = time.Hour // An attempt that never ends.
	n := newNotifier(t, o, hang, ok)
	const incidents, updates = 50, 20
	var want []incident.Event
	for i := range incidents {
		id := fmt.Sprintf("i%d", i)
		want = append(want, ev("o", id, 1))
		for u := range updates {
			want = append(want, ev("u", id, uint64(2+u)))
		}
		want = append(want, ev("r", id, updates+2))
	}
	// Every Notify returns; the good sink gets everything while the other
	// still hangs on its first event. (The events come in bursts of one
	// incident, each once the good sink has taken the one before, as the
	// engine's come window by window.)
	for i, e := range want {
		n.Notify(e)
		if e.Type != incident.ResolvedEv {
			continue
		}
		deadline := time.Now().Add(10 * time.Second)
		for len(ok.events()) < i+1 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	if got, w := formatEvents(ok.events()), formatEvents(want); got != w {
		t.Fatalf("unexpected events of the good sink; got %d; want %d", len(ok.events()), len(want))
	}
	st := n.Stats()[0]
	if st.Sent != 0 || st.Queued != o.QueueSize+1 || st.Dropped+st.Coalesced+uint64(st.Queued) != uint64(len(want)) {
		t.Fatalf("unexpected stats of the hanging sink; got %+v", st)
	}
	// Its queue kept the openings and resolutions, not the updates.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := n.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("unexpected error of Close; got %v; want %v", err, context.DeadlineExceeded)
	}
	checkAccounted(t, n, uint64(len(want)), uint64(len(want)))
}

// TestNotifierQueueKeepsNews: with a receiver down, a full queue gives
// up updates (first those a later event of their incident follows)
// before any opening or resolution, and delivers the rest in order once
// the receiver is back.
func TestNotifierQueueKeepsNews(t *testing.T) {
	release := make(chan struct{})
	down := &fakeSink{name: "down", send: func(ctx context.Context, attempt int, _ *incident.Event) error {
		select {
		case <-release:
			return nil
		default:
			return errors.New("connection refused")
		}
	}}
	o := fastOptions()
	o.QueueSize = 8
	n := newNotifier(t, o, down)
	in := parseEvents(t, "o:a:1 u:a:2 o:b:1 u:a:3 u:b:2 u:a:4 u:b:3 r:a:5 o:c:1 u:c:2 r:b:4 u:c:3 o:d:1 o:e:1 o:f:1 o:g:1")
	// The first event is in flight, failing; the others wait.
	n.Notify(in[0])
	deadline := time.Now().Add(10 * time.Second)
	for n.Stats()[0].Failed == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	for _, e := range in[1:] {
		n.Notify(e)
	}
	close(release)
	closeNotifier(t, n)
	want := "o:a:1 o:b:1 r:a:5 o:c:1 r:b:4 o:d:1 o:e:1 o:f:1 o:g:1"
	if got := formatEvents(down.events()); got != want {
		t.Fatalf("unexpected events; got %q; want %q", got, want)
	}
	if st := n.Stats()[0]; st.Sent != 9 || st.Coalesced != 6 || st.Dropped != 1 {
		t.Fatalf("unexpected stats; got %+v; want 9 sent, 6 coalesced, 1 dropped", st)
	}
	checkAccounted(t, n, uint64(len(in)))
}
