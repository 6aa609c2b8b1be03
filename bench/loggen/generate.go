package loggen

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
)

// flushSize is the size at which the output buffer is written.
const flushSize = 256 << 10

// Generate writes the log described by o to w and returns the labels of the
// incidents it injected, in time order: empty unless o.Inject, and fewer
// than six when the log is too short to hold them all (see the package
// documentation).
//
// It makes one pass over the arrival times to plan incidents, then one to
// write; it buffers its output itself, so w needs no bufio.Writer.
func Generate(w io.Writer, o Options) ([]Label, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	incs, baseline := plan(o)
	g := newGenerator(w, o, incs)
	if err := g.run(baseline); err != nil {
		return nil, err
	}
	labels := make([]Label, len(incs))
	for i := range incs {
		labels[i] = incs[i].label
	}
	return labels, nil
}

// generator writes one log. It is not safe for concurrent use.
type generator struct {
	w     io.Writer
	o     Options
	r     *rand.Rand
	zipf  [numClasses]*rand.Zipf
	incs  []incident
	cur   int // index in incs of the first incident not over
	buf   []byte
	clock clock
	ev    event
}

// event is the line being written. Every random draw of a line happens
// while the event is made, whatever the format, so that one seed gives the
// same requests in every format.
type event struct {
	ms      int64 // logged time, Unix milliseconds
	c       client
	class   int
	ep      int
	target  []byte // scratch: the request target
	status  int
	latency int64 // µs
	bytes   int64
	user    int    // 0: no authenticated user
	proto   string // "HTTP/1.1" or "HTTP/2.0"
	referer string // "" for none
	refID   int    // appended to referer when > 0
	// appMsg, when set, makes a JSON log write an application error line
	// instead of the access line.
	appMsg string
}

func newGenerator(w io.Writer, o Options, incs []incident) *generator {
	g := &generator{w: w, o: o, incs: incs, buf: make([]byte, 0, flushSize+4096)}
	g.r = rand.New(rand.NewPCG(o.Seed, streamContent))
	for c, p := range pools {
		g.zipf[c] = rand.NewZipf(g.r, p.s, p.v, uint64(p.size-1))
	}
	g.clock.init(o.Start)
	return g
}

// run writes baseline lines at the arrival times and merges in the extra
// lines of the incidents.
func (g *generator) run(baseline int) error {
	a := newArrivals(g.o.Seed, g.o.Rate, g.o.Start.Unix())
	next := a.next()
	xi, xk, xt := g.nextExtra(0, 0)
	for left := baseline; left > 0 || xi < len(g.incs); {
		if xi < len(g.incs) && (left == 0 || xt < next) {
			g.extraLine(&g.incs[xi], xt)
			xi, xk, xt = g.nextExtra(xi, xk+1)
		} else {
			g.baselineLine(next)
			if left--; left > 0 {
				next = a.next()
			}
		}
		if len(g.buf) >= flushSize {
			if err := g.flush(); err != nil {
				return err
			}
		}
	}
	return g.flush()
}

// nextExtra returns the incident, index and time of the next extra line from
// extra line k of incident i on: line k of n falls at a random point of the
// k-th n-th of the incident, so extra lines are steady and end in time.
func (g *generator) nextExtra(i, k int) (int, int, float64) {
	for ; i < len(g.incs); i, k = i+1, 0 {
		inc := &g.incs[i]
		if k < inc.extra {
			return i, k, inc.start + (inc.end-inc.start)*(float64(k)+g.r.Float64())/float64(inc.extra)
		}
	}
	return i, 0, math.Inf(1)
}

func (g *generator) flush() error {
	if _, err := g.w.Write(g.buf); err != nil {
		return fmt.Errorf("loggen write: %w", err)
	}
	g.buf = g.buf[:0]
	return nil
}

// active returns the incident under way at t, or nil. Times passed to it
// only grow.
func (g *generator) active(t float64) *incident {
	for g.cur < len(g.incs) && t >= g.incs[g.cur].end {
		g.cur++
	}
	if g.cur < len(g.incs) && t >= g.incs[g.cur].start {
		return &g.incs[g.cur]
	}
	return nil
}
