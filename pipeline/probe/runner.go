package probe

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Stats are one probe's counters, for /metrics.
type Stats struct {
	// Name and URL are the probe's.
	Name, URL string
	// Checks and Failures count the checks done and those that failed.
	Checks, Failures uint64
	// Success and Duration are the last check's; meaningless while
	// Checks is 0.
	Success  bool
	Duration time.Duration
}

// Runner checks probes at their intervals.
type Runner struct {
	specs  []Spec
	client *http.Client
	logf   func(format string, args ...any)
	mu     sync.Mutex // guards stats
	stats  []Stats
}

// NewRunner returns a Runner of specs, which must have distinct names.
// client makes the requests (nil: one of its own, Go's default
// transport); logf, if not nil, is told when a probe fails after passing
// (or at its first check) and when it passes again.
func NewRunner(specs []Spec, client *http.Client, logf func(format string, args ...any)) (*Runner, error) {
	seen := map[string]bool{}
	stats := make([]Stats, len(specs))
	for i, sp := range specs {
		if seen[sp.Name] {
			return nil, fmt.Errorf("cannot run two probes named %q", sp.Name)
		}
		seen[sp.Name] = true
		stats[i] = Stats{Name: sp.Name, URL: sp.URL}
	}
	if client == nil {
		client = &http.Client{}
	}
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &Runner{specs: specs, client: client, logf: logf, stats: stats}, nil
}

// Stats returns a copy of every probe's counters, in the order of the
// specs. It is safe for concurrent use.
func (r *Runner) Stats() []Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Stats(nil), r.stats...)
}

// Run checks every probe at once, then every Spec.Every, and gives the
// lines of each check to emit (valid until emit returns), one call at a
// time. It returns when ctx is done (nil) or when emit fails (its
// error, once the other probes have stopped).
func (r *Runner) Run(ctx context.Context, emit func(lines []byte) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu      sync.Mutex // serializes emit
		emitErr error
		wg      sync.WaitGroup
	)
	for i := range r.specs {
		wg.Go(func() {
			err := r.loop(ctx, i, func(b []byte) error {
				mu.Lock()
				defer mu.Unlock()
				return emit(b)
			})
			if err != nil {
				mu.Lock()
				if emitErr == nil {
					emitErr = err
				}
				mu.Unlock()
				cancel()
			}
		})
	}
	wg.Wait()
	return emitErr
}

// loop checks probe i until ctx is done or emit fails.
func (r *Runner) loop(ctx context.Context, i int, emit func([]byte) error) error {
	sp := &r.specs[i]
	tick := time.NewTicker(sp.Every)
	defer tick.Stop()
	var buf []byte
	for {
		res := Check(ctx, r.client, sp)
		if ctx.Err() != nil {
			return nil
		}
		r.count(i, &res)
		buf = AppendResult(buf[:0], sp, &res)
		if err := emit(buf); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// count adds res to probe i's counters and logs a change of outcome.
func (r *Runner) count(i int, res *Result) {
	r.mu.Lock()
	s := &r.stats[i]
	changed := s.Checks == 0 && !res.Success || s.Checks > 0 && s.Success != res.Success
	s.Checks++
	if !res.Success {
		s.Failures++
	}
	s.Success, s.Duration = res.Success, res.Duration
	r.mu.Unlock()
	if changed {
		if res.Success {
			r.logf("probe %s: %s passes again", s.Name, s.URL)
		} else {
			r.logf("probe %s: %s fails: %s", s.Name, s.URL, res.Reason)
		}
	}
}
