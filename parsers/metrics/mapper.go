package metrics

import (
	"fmt"
	"math"
)

// Point is one value of a runbook metric: what a rule compares with its
// threshold.
type Point struct {
	Kind Kind
	// Subject is the host (or database server) the point is about. It
	// aliases the sample or the mapper's state and is valid until the
	// next call on the Mapper that made it and, at most, until the
	// sample's parser's next Parse: copy it to keep it.
	Subject []byte
	// Time is in Unix nanoseconds; [NoTime] for an OpValue or OpIdle
	// point of a sample without time.
	Time  int64
	Value float64
	// Detail and Severity are the values of the mapping's Detail and
	// Severity labels (nil without), aliasing the sample: valid as
	// Subject is.
	Detail, Severity []byte
}

// MapperOptions configures a [Mapper]. The zero value means the defaults.
type MapperOptions struct {
	// Mappings says which samples are which metric.
	// Default: nil = [DefaultMappings].
	Mappings []Mapping
	// SubjectLabels are the labels that name a sample's subject, first
	// present wins. Default: nil = "host" (Telegraf, JSON lines), then
	// "instance" (Prometheus's scrape target, port included).
	SubjectLabels []string
	// Subject is the subject of a sample with none of SubjectLabels: a
	// node_exporter page read as it is has no host label.
	// Default: "" = an empty subject.
	Subject string
	// MaxSeries bounds each of the mapper's stateful tables (pairs,
	// counter series, sums), in keys. Default: 0 = 10000.
	MaxSeries int
}

// MapperStats counts the samples a [Mapper] ignored.
type MapperStats struct {
	// Untimed counts samples without time given to a stateful op, which
	// needs one: stamp samples before mapping them.
	Untimed int64
	// Late and Dropped add up the stateful tables' [Stats].
	Late, Dropped int64
}

// group is a sum (OpSum) or a mean of rates (OpIdleSeconds) of one
// subject at time t, under way.
type group struct {
	kind    Kind
	op      Op
	subject []byte
	t       int64
	sum     float64
	n       int
}

// Mapper turns samples into [Point]s of the runbook's metrics, through
// its mappings: see the package documentation. It is stateful (pairs,
// rates and sums span samples) and not safe for concurrent use; feed it
// the samples of one source in time order. AppendPoints allocates only
// for a new subject or series.
type Mapper struct {
	maps     []Mapping
	byName   map[string][]int // sample name → indexes in maps
	subjects []string
	subject  []byte
	subj     []byte // scratch for subjects made of several labels
	key      []byte // scratch for keys
	pairs    *Combiner
	rates    *Rates
	groups   map[string]*group
	order    []*group // groups in creation order, for Flush
	max      int
	stats    MapperStats
	gstats   Stats
}

// NewMapper returns a mapper with options o, or an error when its
// mappings are not valid.
func NewMapper(o MapperOptions) (*Mapper, error) {
	maps := o.Mappings
	if maps == nil {
		maps = defaultMappings[:]
	}
	if err := validateMappings(maps); err != nil {
		return nil, err
	}
	if o.MaxSeries < 0 {
		return nil, fmt.Errorf("cannot use MaxSeries %d: want 0 (the default) or more", o.MaxSeries)
	}
	m := &Mapper{
		maps:     append([]Mapping(nil), maps...),
		byName:   make(map[string][]int),
		subjects: o.SubjectLabels,
		subject:  []byte(o.Subject),
		pairs:    NewCombiner(o.MaxSeries),
		rates:    NewRates(o.MaxSeries),
		groups:   make(map[string]*group),
		max:      max(o.MaxSeries, 0),
	}
	if m.subjects == nil {
		m.subjects = []string{"host", "instance"}
	}
	if m.max == 0 {
		m.max = defaultMaxSeries
	}
	for i, mp := range m.maps {
		m.byName[mp.Name] = append(m.byName[mp.Name], i)
	}
	return m, nil
}

// AppendPoints appends to dst the points that s completes and returns
// dst: none for a sample no mapping names, one for OpValue and OpIdle,
// and for the stateful ops the pair, sum or mean that s completes, if
// any.
func (m *Mapper) AppendPoints(dst []Point, s *Sample) []Point {
	m.subj = m.subj[:0]
	for _, i := range m.byName[string(s.Name)] {
		mp := &m.maps[i]
		if mp.Label != "" && string(s.Label(mp.Label)) != mp.Value {
			continue
		}
		dst = m.apply(dst, mp, s)
	}
	return dst
}

// Wants reports whether a mapping names samples called name: whether a
// sample of that name may give a point. It allocates nothing.
func (m *Mapper) Wants(name []byte) bool { return len(m.byName[string(name)]) > 0 }

// apply appends the point, if any, that mapping mp makes of s.
func (m *Mapper) apply(dst []Point, mp *Mapping, s *Sample) []Point {
	subj := m.subjectOf(s)
	if len(mp.Subject) > 0 {
		subj = m.labelSubject(mp.Subject, s, subj)
	}
	p := Point{Kind: mp.Kind, Subject: subj, Time: s.Time, Value: s.Value}
	if mp.Detail != "" {
		p.Detail = s.Label(mp.Detail)
	}
	if mp.Severity != "" {
		p.Severity = s.Label(mp.Severity)
	}
	switch mp.Op {
	case OpValue:
		return append(dst, p)
	case OpIdle:
		p.Value = percent(100 - s.Value)
		return append(dst, p)
	case OpPercent:
		p.Value = percent(100 * s.Value)
		return append(dst, p)
	}
	if s.Time == NoTime {
		m.stats.Untimed++
		return dst
	}
	switch mp.Op {
	case OpSum:
		return m.add(dst, mp, subj, s.Time, s.Value)
	case OpFree, OpTotal:
		side := Part
		if mp.Op == OpTotal {
			side = Whole
		}
		free, total, ok := m.pairs.Add(m.keyOf(mp, subj), s.Time, side, s.Value)
		if !ok || !(total > 0) {
			return dst
		}
		return append(dst, Point{Kind: mp.Kind, Subject: subj, Time: s.Time, Value: percent(100 * (1 - free/total))})
	case OpIdleSeconds:
		rate, ok := m.rates.Update(m.seriesKey(subj, s), s.Time, s.Value)
		if !ok {
			return dst
		}
		return m.add(dst, mp, subj, s.Time, rate)
	}
	panic("BUG: metrics: op " + mp.Op.String() + " not applied")
}

// add adds v to the group of mp's kind and op and subj at time t; a later
// time emits the group's point first.
func (m *Mapper) add(dst []Point, mp *Mapping, subj []byte, t int64, v float64) []Point {
	k := m.keyOf(mp, subj)
	g := m.groups[string(k)]
	switch {
	case g == nil:
		if len(m.groups) >= m.max {
			m.gstats.Dropped++
			return dst
		}
		g = &group{kind: mp.Kind, op: mp.Op, subject: append([]byte(nil), subj...), t: t}
		m.groups[string(k)] = g
		m.order = append(m.order, g)
	case t < g.t:
		m.gstats.Late++
		return dst
	case t > g.t:
		dst = g.appendPoint(dst)
		g.t = t
	}
	g.sum += v
	g.n++
	return dst
}

// appendPoint appends g's point, if it has samples, and empties it.
func (g *group) appendPoint(dst []Point) []Point {
	if g.n == 0 {
		return dst
	}
	v := g.sum
	if g.op == OpIdleSeconds {
		v = percent(100 * (1 - g.sum/float64(g.n)))
	}
	g.sum, g.n = 0, 0
	return append(dst, Point{Kind: g.kind, Subject: g.subject, Time: g.t, Value: v})
}

// Flush appends the points of the sums and means under way (the last
// time of each subject, which no later sample has closed) and returns
// dst; call it at the end of the input. Points come in the order their
// subjects first appeared.
func (m *Mapper) Flush(dst []Point) []Point {
	for _, g := range m.order {
		dst = g.appendPoint(dst)
	}
	return dst
}

// Stats returns what m has ignored so far.
func (m *Mapper) Stats() MapperStats {
	st := m.stats
	for _, s := range [...]Stats{m.pairs.Stats(), m.rates.Stats(), m.gstats} {
		st.Late += s.Late
		st.Dropped += s.Dropped
	}
	return st
}

// subjectOf returns the value of the first of m's subject labels that s
// has, else m's default subject.
func (m *Mapper) subjectOf(s *Sample) []byte {
	for _, name := range m.subjects {
		if v := s.Label(name); v != nil {
			return v
		}
	}
	return m.subject
}

// labelSubject returns the subject that labels name in s: the first
// one's value (else def), then " name value" for each further one s
// carries. A subject of several labels is built at the end of m's
// scratch buffer, which AppendPoints empties: the points of one sample
// keep theirs.
func (m *Mapper) labelSubject(labels []string, s *Sample, def []byte) []byte {
	first := s.Label(labels[0])
	if first == nil {
		first = def
	}
	if len(labels) == 1 {
		return first
	}
	start := len(m.subj)
	m.subj = append(m.subj, first...)
	for _, name := range labels[1:] {
		if v := s.Label(name); v != nil {
			m.subj = append(append(append(append(m.subj, ' '), name...), ' '), v...)
		}
	}
	return m.subj[start:len(m.subj):len(m.subj)]
}

// keyOf returns, in m's scratch buffer, the key of mp's kind and op for
// subj.
func (m *Mapper) keyOf(mp *Mapping, subj []byte) []byte {
	op := mp.Op
	if op == OpTotal {
		op = OpFree // the two halves share their pair
	}
	m.key = append(m.key[:0], byte(op))
	m.key = append(m.key, mp.Kind...)
	m.key = append(m.key, 0)
	m.key = append(m.key, subj...)
	return m.key
}

// seriesKey returns, in m's scratch buffer, the key of s's series: its
// subject, name and labels.
func (m *Mapper) seriesKey(subj []byte, s *Sample) []byte {
	m.key = append(append(m.key[:0], subj...), 0)
	m.key = append(append(m.key, s.Name...), 0)
	for _, l := range s.Labels {
		m.key = append(append(m.key, l.Name...), 1)
		m.key = append(append(m.key, l.Value...), 0)
	}
	return m.key
}

// percent clamps v to [0, 100]: timestamps' jitter can take a rate of
// idle seconds a little past 1. NaN stays NaN.
func percent(v float64) float64 {
	return math.Max(0, math.Min(100, v))
}
