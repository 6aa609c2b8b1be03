package window

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/vigil-ops/vigil/sketches/quantile"
	"github.com/vigil-ops/vigil/sketches/topk"
)

const (
	// TopItems is how many heavy hitters of each table a closed window
	// keeps: the detectors' subjects and the incidents' evidence. Any key
	// with more than 1/TopItems of a table's count in the window is kept.
	TopItems = 32
	// closedEndpoints is how many endpoints a closed window keeps by
	// requests (ties by key), besides every endpoint a rule names; the
	// others are folded into Other.
	closedEndpoints = 256
)

// Closed is a window the watermark has passed: its tallies, its status
// codes, its endpoints (the busiest and every rule-named one) and the
// heavy hitters of each table, largest first with ties by key. It is what
// detectors read and what the window ring holds; it is read-only.
type Closed struct {
	// Start is the window's start; Size its length.
	Start time.Time
	Size  time.Duration
	Counts
	// Codes lists requests by exact status code, ascending by code.
	Codes []CodeCount
	// Endpoints holds the kept endpoints' counts by key.
	Endpoints map[string]*EndpointCounts
	// Clients, AuthFailureClients, ExportUsers and ExportClients are the
	// TopItems heaviest keys of the window's tables.
	Clients, AuthFailureClients, ExportUsers, ExportClients []topk.Item
	// Latency holds the window's durations (µs) until the engine has
	// taken what the timeline needs from it; nil afterwards.
	Latency *quantile.Sketch
	// Exact reports whether every table of the window was exact while
	// lines were counted (no budget overflowed, no endpoint folded at line
	// time); folding at close only drops detail below the kept endpoints.
	Exact bool
	// Folded counts endpoint keys folded into Other, at line time or at
	// close.
	Folded uint64
	// Metrics holds the window's metric series; MetricsDropped counts the
	// points of series past the window's budget.
	Metrics        map[MetricKey]*MetricStats
	MetricsDropped uint64
}

// CodeCount is a status code and its count.
type CodeCount struct {
	Code  int
	Count uint64
}

// End returns the end of the window.
func (c *Closed) End() time.Time { return c.Start.Add(c.Size) }

// Close returns the closed form of w. w must not be used afterwards.
func (w *Window) Close() *Closed {
	c := &Closed{
		Start:              time.Unix(0, w.Start).UTC(),
		Size:               w.cfg.Size,
		Counts:             w.Counts,
		Latency:            w.Latency,
		Clients:            w.Clients.AppendTop(nil, TopItems),
		AuthFailureClients: w.AuthFailureClients.AppendTop(nil, TopItems),
		ExportUsers:        w.ExportUsers.AppendTop(nil, TopItems),
		ExportClients:      w.ExportClients.AppendTop(nil, TopItems),
		Folded:             w.Folded,
		Metrics:            w.Metrics,
		MetricsDropped:     w.MetricsDropped,
	}
	c.Exact = w.Latency.Exact() && w.Clients.Exact() && w.AuthFailureClients.Exact() &&
		w.ExportUsers.Exact() && w.ExportClients.Exact() && w.Folded == 0
	c.Codes = slices.Clone(w.codes)
	slices.SortFunc(c.Codes, func(a, b CodeCount) int { return cmp.Compare(a.Code, b.Code) })
	c.Endpoints, c.Folded = keepEndpoints(w.Endpoints, c.Folded)
	return c
}

// keepEndpoints keeps the closedEndpoints busiest endpoints and every
// rule-named one, folding the rest into Other.
func keepEndpoints(all map[string]*EndpointCounts, folded uint64) (map[string]*EndpointCounts, uint64) {
	if len(all) <= closedEndpoints {
		return all, folded
	}
	keys := sortedKeys(all)
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(all[b].Requests, all[a].Requests) })
	kept := make(map[string]*EndpointCounts, closedEndpoints+1)
	other := all[Other]
	if other == nil {
		other = &EndpointCounts{}
	}
	for i, k := range keys {
		e := all[k]
		switch {
		case k == Other:
		case i < closedEndpoints || e.Kind.Named():
			kept[k] = e
		default:
			other.merge(e)
			folded++
		}
	}
	kept[Other] = other
	return kept, folded
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
