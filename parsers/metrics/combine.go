package metrics

// Stats counts the samples a stateful helper ignored.
type Stats struct {
	// Late counts samples not after the latest one of their key: out of
	// order, or repeated.
	Late int64
	// Dropped counts samples of a new key when the helper already held
	// its maximum of keys.
	Dropped int64
}

// Side is which half of a pair a sample is.
type Side uint8

const (
	Part  Side = iota // the part: memory available
	Whole             // the whole: memory total
)

// pair is what a Combiner holds per key: the halves seen at time t.
type pair struct {
	t    int64
	v    [2]float64
	have [2]bool
}

// Combiner pairs two samples, a part and a whole, of one key (a subject)
// and one time: node_exporter's MemAvailable and MemTotal of one host in
// one scrape. It holds at most the latest time of each key: a half whose
// other half never comes is forgotten when a later time of its key
// arrives. Keys are kept, not evicted, up to a maximum.
//
// A Combiner is not safe for concurrent use. Add allocates only for a new
// key.
type Combiner struct {
	m     map[string]*pair
	max   int
	stats Stats
}

// NewCombiner returns a combiner that holds at most maxKeys keys; ≤ 0
// means 10000.
func NewCombiner(maxKeys int) *Combiner {
	if maxKeys <= 0 {
		maxKeys = defaultMaxSeries
	}
	return &Combiner{m: make(map[string]*pair), max: maxKeys}
}

// defaultMaxSeries is the default bound of the stateful helpers' keys.
const defaultMaxSeries = 10000

// Add records v as the side half of key at time t (Unix ns). When the
// other half of the same key and time is there, it returns both halves
// and ok, and forgets them. A sample older than its key's latest time is
// ignored (Late); a repeated half replaces the earlier one.
func (c *Combiner) Add(key []byte, t int64, side Side, v float64) (part, whole float64, ok bool) {
	e := c.m[string(key)]
	switch {
	case e == nil:
		if len(c.m) >= c.max {
			c.stats.Dropped++
			return 0, 0, false
		}
		e = &pair{t: t}
		c.m[string(key)] = e
	case t < e.t:
		c.stats.Late++
		return 0, 0, false
	case t > e.t:
		*e = pair{t: t}
	}
	e.v[side], e.have[side] = v, true
	if !e.have[Part] || !e.have[Whole] {
		return 0, 0, false
	}
	e.have = [2]bool{}
	return e.v[Part], e.v[Whole], true
}

// Stats returns what c has ignored so far.
func (c *Combiner) Stats() Stats { return c.stats }

// Len returns how many keys c holds.
func (c *Combiner) Len() int { return len(c.m) }
