package notify

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/pipeline/incident"
)

// ev is an event of incident id: "o" opened, "e" escalated, "u" updated,
// "r" resolved, "s" superseded.
func ev(typ string, id string, seq uint64) incident.Event {
	t := map[string]incident.EventType{"o": incident.Opened, "e": incident.Escalated, "u": incident.Updated,
		"r": incident.ResolvedEv, "s": incident.Superseded}[typ]
	return incident.Event{Type: t, Seq: seq, Incident: incident.Incident{ID: id}}
}

// parseEvents reads "o:a:1 u:a:2 …" (type:id:seq).
func parseEvents(t *testing.T, s string) []incident.Event {
	t.Helper()
	var out []incident.Event
	for _, f := range strings.Fields(s) {
		p := strings.Split(f, ":")
		seq, err := strconv.ParseUint(p[2], 10, 64)
		if err != nil {
			t.Fatalf("bad event %q", f)
		}
		out = append(out, ev(p[0], p[1], seq))
	}
	return out
}

func formatEvents(es []incident.Event) string {
	var b []string
	for _, e := range es {
		typ := map[incident.EventType]string{incident.Opened: "o", incident.Escalated: "e", incident.Updated: "u",
			incident.ResolvedEv: "r", incident.Superseded: "s"}[e.Type]
		b = append(b, typ+":"+e.Incident.ID+":"+strconv.FormatUint(e.Seq, 10))
	}
	return strings.Join(b, " ")
}

func TestQueue(t *testing.T) {
	f := func(size int, in, want string, dropped, coalesced uint64) {
		t.Helper()
		q := newQueue(size)
		for _, e := range parseEvents(t, in) {
			q.push(e)
		}
		var got []incident.Event
		for {
			e, ok := q.pop()
			if !ok {
				break
			}
			got = append(got, e)
		}
		if g := formatEvents(got); g != want {
			t.Fatalf("unexpected queue for %q; got %q; want %q", in, g, want)
		}
		if _, d, c := q.counts(); d != dropped || c != coalesced {
			t.Fatalf("unexpected dropped, coalesced for %q; got %d, %d; want %d, %d", in, d, c, dropped, coalesced)
		}
	}
	// Room: everything, in order, updates too.
	f(8, "o:a:1 u:a:2 u:a:3 o:b:1 u:b:2 r:a:4", "o:a:1 u:a:2 u:a:3 o:b:1 u:b:2 r:a:4", 0, 0)
	// Full: a new update replaces the queued update of its incident.
	f(3, "o:a:1 u:a:2 o:b:1 u:a:3", "o:a:1 u:a:3 o:b:1", 0, 1)
	f(3, "o:a:1 u:a:2 o:b:1 u:a:3 u:a:4 u:a:5", "o:a:1 u:a:5 o:b:1", 0, 3)
	// ... but not across a later event of the incident (that would
	// reorder): the update that event follows goes instead.
	f(3, "u:a:2 e:a:3 o:b:1 u:a:4", "e:a:3 o:b:1 u:a:4", 0, 1)
	// Full: an update followed by a later event of its incident goes
	// first, the oldest such.
	f(4, "u:a:2 u:b:2 r:b:3 r:a:3 o:c:1", "u:b:2 r:b:3 r:a:3 o:c:1", 0, 1)
	f(4, "u:a:2 u:b:2 r:b:3 r:a:3 o:c:1 o:d:1", "r:b:3 r:a:3 o:c:1 o:d:1", 0, 2)
	// Full of news: the oldest update goes for an opening, then the
	// oldest escalation; never an opening or resolution.
	f(3, "o:a:1 u:b:5 e:c:3 o:d:1", "o:a:1 e:c:3 o:d:1", 1, 0)
	f(3, "o:a:1 u:b:5 e:c:3 o:d:1 r:e:9", "o:a:1 o:d:1 r:e:9", 2, 0)
	// A new update with no update queued goes itself; a new escalation
	// pushes out an older one.
	f(2, "o:a:1 e:b:2 u:c:2", "o:a:1 e:b:2", 1, 0)
	f(2, "o:a:1 e:b:2 e:c:2", "o:a:1 e:c:2", 1, 0)
	// Only openings and ends: the oldest goes for a new one, a new
	// escalation goes itself.
	f(2, "o:a:1 r:b:4 s:c:3", "r:b:4 s:c:3", 1, 0)
	f(2, "o:a:1 r:b:4 e:c:3", "o:a:1 r:b:4", 1, 0)
}

func TestQueueWraps(t *testing.T) {
	q := newQueue(3)
	for i := range uint64(10) {
		q.push(ev("o", "a", i))
		q.push(ev("u", "a", i))
		for _, want := range []string{"o", "u"} {
			e, ok := q.pop()
			if !ok || formatEvents([]incident.Event{e}) != want+":a:"+strconv.FormatUint(i, 10) {
				t.Fatalf("unexpected pop %d; got %v, %v; want %s", i, e, ok, want)
			}
		}
	}
	if n, _, _ := q.counts(); n != 0 {
		t.Fatalf("unexpected length; got %d; want 0", n)
	}
}

func TestQueuePushAllocs(t *testing.T) {
	q := newQueue(4)
	e := ev("u", "a", 1)
	allocs := testing.AllocsPerRun(100, func() {
		q.push(e)
		q.pop()
	})
	if allocs >= 1 {
		t.Fatalf("unexpected allocations per push and pop; got %v; want 0", allocs)
	}
}
