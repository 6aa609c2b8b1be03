package pipeline

import "sync"

// closeAfter is how many windows behind its newest one a worker closes a
// window and hands it to the shared store. Lines later than that are still
// counted: they open the window again in the worker, which hands it over
// again, and merging adds the counts.
const closeAfter = 10

// windowStore holds the windows the workers have closed, merged, so that
// each minute of the log is held once rather than once per worker. It is
// safe for concurrent use.
type windowStore struct {
	mu      sync.Mutex
	windows map[int64]*Window
}

func newWindowStore() *windowStore {
	return &windowStore{windows: make(map[int64]*Window)}
}

// put merges w into the store. The caller must not use w afterwards.
func (s *windowStore) put(w *Window) {
	w.Latency.Compact()
	s.mu.Lock()
	defer s.mu.Unlock()
	if mine := s.windows[w.Start]; mine != nil {
		mine.merge(w)
	} else {
		s.windows[w.Start] = w
	}
}

// closeWindows hands the aggregate's windows older than closeAfter windows
// before newest to its store. It runs when the aggregate's time reaches a
// new window, so at most once per window.
func (a *Aggregate) closeWindows(newest int64) {
	if a.store == nil {
		return
	}
	limit := newest - closeAfter*int64(a.opts.Windows.Size)
	for start, w := range a.Windows {
		if start < limit {
			delete(a.Windows, start)
			if a.last == w {
				a.last = nil
			}
			a.store.put(w)
		}
	}
}

// absorb merges windows (another aggregate's, or the store's once all
// workers are done) into a.
func (a *Aggregate) absorb(windows map[int64]*Window) {
	for start, w := range windows {
		if mine := a.Windows[start]; mine != nil {
			mine.merge(w)
		} else {
			a.Windows[start] = w
		}
	}
}
