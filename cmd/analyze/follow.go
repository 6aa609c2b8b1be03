package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/incident"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// statusEvery is how often --follow redraws its status line.
const statusEvery = 3 * time.Second

// followHooks sets the engine's callbacks of a --follow run in o: ev
// prints the events, which the notifier sends too, and counts the lines;
// with --http-addr the live page keeps the windows and events as well,
// and is served until stop is called.
func (c *config) followHooks(o *pipeline.Options, ev *eventPrinter, stderr io.Writer) (stop func(), err error) {
	o.OnEvent, o.Progress = c.onEvent(ev.event), ev.progress
	if c.httpAddr == "" {
		return func() {}, nil
	}
	return startPage(c, o, stderr)
}

// logf returns a printf for the goroutines of a --follow run (the
// notifier's sinks, the live page): one line on stderr, "analyze: " and
// prefix first, written whole, none with --quiet.
func (c *config) logf(stderr io.Writer, prefix string) func(string, ...any) {
	var mu sync.Mutex
	return func(format string, args ...any) {
		if c.quiet {
			return
		}
		mu.Lock()
		fmt.Fprintf(stderr, "analyze: "+prefix+format+"\n", args...)
		mu.Unlock()
	}
}

// eventPrinter prints incident events as --follow sees them: one text line
// or one JSON object per event on stdout, and on a terminal a status line
// on stderr (lines/s, open incidents).
type eventPrinter struct {
	mu     sync.Mutex
	out    io.Writer
	json   bool
	open   map[string]bool
	lines  atomic.Int64
	status *statusLine
}

func newEventPrinter(stdout, stderr io.Writer, output string, quiet bool) *eventPrinter {
	p := &eventPrinter{out: stdout, json: output == "json", open: map[string]bool{}}
	if f, ok := stderr.(*os.File); ok && !quiet && isatty.IsTerminal(f.Fd()) {
		p.status = startStatus(stderr, p)
	}
	return p
}

// event prints one event. It is the engine's Options.OnEvent.
func (p *eventPrinter) event(e incident.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in := &e.Incident
	if in.Status == incident.Open {
		p.open[in.ID] = true
	} else {
		delete(p.open, in.ID)
	}
	if p.status != nil {
		p.status.clear()
	}
	if p.json {
		report.WriteEventJSON(p.out, &e)
		return
	}
	fmt.Fprintf(p.out, "%s %-10s %s %s %s: %s\n", in.End.Format(time.RFC3339), e.Type, in.Severity, in.Kind, report.Visible(in.Subject), report.Visible(in.Summary))
}

// progress counts lines for the status line. It is the engine's
// Options.Progress.
func (p *eventPrinter) progress(_ int64, lines int) { p.lines.Add(int64(lines)) }

func (p *eventPrinter) stop() {
	if p.status != nil {
		p.status.stop()
	}
}

func (p *eventPrinter) openCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.open)
}

// statusLine redraws one line on a terminal every statusEvery.
type statusLine struct {
	w    io.Writer
	done chan struct{}
	wg   sync.WaitGroup
}

func startStatus(w io.Writer, p *eventPrinter) *statusLine {
	s := &statusLine{w: w, done: make(chan struct{})}
	s.wg.Go(func() {
		t := time.NewTicker(statusEvery)
		defer t.Stop()
		var last int64
		for {
			select {
			case <-s.done:
				s.clear()
				return
			case <-t.C:
				n := p.lines.Load()
				fmt.Fprintf(w, "\r\x1b[Kfollowing: %d lines, %.0f lines/s, %d open incidents", n, float64(n-last)/statusEvery.Seconds(), p.openCount())
				last = n
			}
		}
	})
	return s
}

func (s *statusLine) clear() { fmt.Fprint(s.w, "\r\x1b[K") }

func (s *statusLine) stop() {
	close(s.done)
	s.wg.Wait()
}
