package ingest

import (
	"fmt"
	"slices"
	"sync"
)

// formatNote is what a batch taught of a partition's format warning
// (pipeline.Counter.FormatWarning), to log: the warning of the format
// just detected, or, once, the warning after lines left a number unread.
type formatNote struct {
	text, format string
	// unread is set for the warning that changed after detection.
	unread bool
}

// noteFormat returns what to log of the format warning after a batch:
// the warning at detection (the first batch with data), then once the
// first change of it. It is the zero formatNote when there is nothing
// new. p.mu must be held.
func (p *partition) noteFormat() formatNote {
	w := p.c.FormatWarning()
	switch {
	case !p.detected && p.c.Format() != "":
		p.detected, p.warning = true, w
		return formatNote{text: w, format: p.c.Format()}
	case p.detected && !p.changedWarning && w != p.warning:
		p.changedWarning, p.warning = true, w
		return formatNote{text: w, format: p.c.Format(), unread: true}
	}
	return formatNote{}
}

// formatWarning returns the partition's format warning, "" without one.
func (p *partition) formatWarning() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.c.FormatWarning()
}

// formatLog logs each format warning once per topic: the same warning
// of another partition of the topic is not logged again, nor a second
// change after detection.
type formatLog struct {
	mu   sync.Mutex
	seen map[string]bool
}

// log calls logf with n, a note of partition tp, unless n is empty or
// its topic logged it already.
func (l *formatLog) log(logf func(string, ...any), topic string, partition int, n formatNote) {
	if n.text == "" {
		return
	}
	key := topic + "\x00" + n.text
	if n.unread {
		key = topic + "\x00unread"
	}
	l.mu.Lock()
	if l.seen == nil {
		l.seen = make(map[string]bool)
	}
	seen := l.seen[key]
	l.seen[key] = true
	l.mu.Unlock()
	if !seen {
		logf("warning: topic %s (partition %d), format %s: %s", topic, partition, n.format, n.text)
	}
}

// FormatWarnings returns the format warnings of the partitions this
// instance counts, as analyze gives those of its files
// (pipeline.SourceResult.FormatWarning): "topic: warning", each once,
// sorted. The formats are detected anew by each instance after it is
// assigned a partition, from its first batch with data, so the other
// members' partitions and a partition without a new message since its
// assignment have none. It is safe for concurrent use.
func (s *Service) FormatWarnings() []string {
	s.mu.Lock()
	parts := slices.Clone(s.current)
	s.mu.Unlock()
	var out []string
	for _, p := range parts {
		if w := p.formatWarning(); w != "" {
			out = append(out, fmt.Sprintf("%s: %s", p.tp.Topic, w))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
