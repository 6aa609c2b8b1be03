package window

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/vigil-ops/vigil/sketches/codec"
	"github.com/vigil-ops/vigil/sketches/quantile"
	"github.com/vigil-ops/vigil/sketches/topk"
)

// The binary form of an open Window, version 3: what a service stores to
// restore a window after a restart, on any machine, and go on counting
// into it. Integers are unsigned varints (encoding/binary's Uvarint,
// minimal length) unless said otherwise:
//
//	version     1 byte: codecVersion
//	start       zigzag varint, Unix nanoseconds
//	tallies     NumStatusClasses and NumUAClasses (so that a change of
//	            either is caught), then every Counts field in countFields
//	            order, then Folded
//	codes       their number, then per status code in ascending order the
//	            code (≤ 999) and its count (≥ 1)
//	endpoints   their number, then per endpoint in ascending key order its
//	            key's length, its kind (1 byte) and its six counts in
//	            endpointFields order, then the keys' bytes, concatenated
//	latency     the quantile.Sketch's form
//	tables      the topk.TopK forms of Clients, AuthFailureClients,
//	            ExportUsers and ExportClients
//	metrics     MetricsDropped, the number of series, then per series in
//	            ascending (kind, subject) order: the kind's length and
//	            bytes, the subject's, At (zigzag), the detail's length and
//	            bytes, the severity's, and the values' quantile.Sketch form
//	            (at least one value)
//
// Version 2 is version 3 without the TCP and ZeroStatus tallies, the last
// two of countFields: Decode still reads it, as a window without TCP
// connections whose code 0 had no status (which encodes as version 3). Version 1 is version 2 without the metrics:
// Decode still reads it, as a window without TCP connections or metric
// points.
//
// The window's configuration is not stored: Decode takes it, as New does.
// Caches (the endpoint ids, the slabs' layout) are not stored either:
// nothing a caller can see depends on them.
const codecVersion = 3

// codecVersionNoTCP is the version before the TCP tally;
// codecVersionNoMetrics the one before the metrics.
const (
	codecVersionNoTCP     = 2
	codecVersionNoMetrics = 1
)

// numCountFields is the number of uint64 tallies in Counts.
const numCountFields = 14 + NumStatusClasses + NumUAClasses

// maxCode is the largest status code a window counts (see Window.Add).
const maxCode = 999

// tableNames names the window's top-k tables in their encoded order (see
// Window.tables).
var tableNames = [...]string{"clients", "auth-failure clients", "export users", "export clients"}

// tables returns the window's top-k tables in their encoded order.
func (w *Window) tables() [len(tableNames)]**topk.TopK {
	return [...]**topk.TopK{&w.Clients, &w.AuthFailureClients, &w.ExportUsers, &w.ExportClients}
}

// countFields returns pointers to c's tallies in their encoded order.
func countFields(c *Counts) (f [numCountFields]*uint64) {
	p := append(f[:0], &c.Lines, &c.Requests)
	for i := range c.Status {
		p = append(p, &c.Status[i])
	}
	p = append(p, &c.AuthFailures, &c.NotFound, &c.Durations, &c.SlowWarn, &c.SlowAlert,
		&c.Payments, &c.PaymentFailures, &c.Logins, &c.LoginFailures)
	for i := range c.UserAgents {
		p = append(p, &c.UserAgents[i])
	}
	// TCP and ZeroStatus last: the versions before 3 stop at AppErrors.
	p = append(p, &c.AppErrors, &c.TCP, &c.ZeroStatus)
	if len(p) != numCountFields {
		panic("BUG: numCountFields does not match Counts")
	}
	return f
}

// endpointFields returns pointers to e's counts in their encoded order.
func endpointFields(e *EndpointCounts) [6]*uint64 {
	return [...]*uint64{&e.Requests, &e.Errors5xx, &e.ClientErrors, &e.Durations, &e.SlowWarn, &e.SlowAlert}
}

// AppendBinary appends the binary form of w to dst and returns it (the
// shape of encoding.BinaryAppender); [Decode] restores it. The form is
// self-contained but for the Config and starts with a version byte. It is
// deterministic: endpoints and codes are sorted, and each top-k table
// keeps its counter order, which the window's sequence of Adds and Merges
// decides; so the same window gives the same bytes, and a decoded window
// encodes to the bytes it came from. It errors, leaving dst as it was, for
// a window not made by New or Decode (a nil sketch or table). It does not
// modify w but for the latency sketch's sorted-keys cache; not safe for
// concurrent use. Cost: about the size of the keys plus 3 bytes a table
// counter and 8 an endpoint; allocates the sorted endpoint keys besides
// dst's growth.
func (w *Window) AppendBinary(dst []byte) ([]byte, error) {
	start := len(dst)
	dst = append(dst, codecVersion)
	dst = binary.AppendVarint(dst, w.Start)
	dst = binary.AppendUvarint(dst, NumStatusClasses)
	dst = binary.AppendUvarint(dst, uint64(NumUAClasses))
	for _, p := range countFields(&w.Counts) {
		dst = binary.AppendUvarint(dst, *p)
	}
	dst = binary.AppendUvarint(dst, w.Folded)
	dst, err := w.appendCodes(dst)
	if err != nil {
		return dst[:start], err
	}
	dst = w.appendEndpoints(dst)
	if dst, err = w.Latency.AppendBinary(dst); err != nil {
		return dst[:start], fmt.Errorf("window state: cannot encode latency: %w", err)
	}
	for i, t := range w.tables() {
		if dst, err = (*t).AppendBinary(dst); err != nil {
			return dst[:start], fmt.Errorf("window state: cannot encode %s: %w", tableNames[i], err)
		}
	}
	if dst, err = w.appendMetrics(dst); err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// appendMetrics appends the metric series in ascending key order.
func (w *Window) appendMetrics(dst []byte) ([]byte, error) {
	dst = binary.AppendUvarint(dst, w.MetricsDropped)
	keys := sortedMetricKeys(w.Metrics)
	dst = binary.AppendUvarint(dst, uint64(len(keys)))
	for _, k := range keys {
		m := w.Metrics[k]
		if m.Values == nil || m.Values.Count() == 0 {
			return dst, fmt.Errorf("window state: cannot encode metric %s %q without values", k.Kind, k.Subject)
		}
		for _, s := range [...]string{k.Kind, k.Subject} {
			dst = binary.AppendUvarint(dst, uint64(len(s)))
			dst = append(dst, s...)
		}
		dst = binary.AppendVarint(dst, m.At)
		for _, s := range [...]string{m.Detail, m.Severity} {
			dst = binary.AppendUvarint(dst, uint64(len(s)))
			dst = append(dst, s...)
		}
		var err error
		if dst, err = m.Values.AppendBinary(dst); err != nil {
			return dst, fmt.Errorf("window state: cannot encode metric %s %q: %w", k.Kind, k.Subject, err)
		}
	}
	return dst, nil
}

// appendCodes appends the status codes in ascending order. A window sees
// a handful of codes: a selection by repeated scans sorts them without
// allocating.
func (w *Window) appendCodes(dst []byte) ([]byte, error) {
	dst = binary.AppendUvarint(dst, uint64(len(w.codes)))
	prev := -1
	for range w.codes {
		next := -1
		for i, c := range w.codes {
			if c.Code > prev && (next < 0 || c.Code < w.codes[next].Code) {
				next = i
			}
		}
		c := w.codes[max(next, 0)]
		if next < 0 || c.Code > maxCode || c.Count == 0 {
			return dst, fmt.Errorf("window state: cannot encode status code %d with count %d", c.Code, c.Count)
		}
		dst = binary.AppendUvarint(dst, uint64(c.Code))
		dst = binary.AppendUvarint(dst, c.Count)
		prev = c.Code
	}
	return dst, nil
}

// appendEndpoints appends the endpoints in ascending key order.
func (w *Window) appendEndpoints(dst []byte) []byte {
	keys := make([]string, 0, len(w.Endpoints))
	for k := range w.Endpoints {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = binary.AppendUvarint(dst, uint64(len(keys)))
	for _, k := range keys {
		e := w.Endpoints[k]
		dst = binary.AppendUvarint(dst, uint64(len(k)))
		dst = append(dst, byte(e.Kind))
		for _, p := range endpointFields(e) {
			dst = binary.AppendUvarint(dst, *p)
		}
	}
	for _, k := range keys {
		dst = append(dst, k...)
	}
	return dst
}

// Decode restores a window from the form [Window.AppendBinary] made, to
// count under cfg as New does (defaults applied by the caller; cfg must
// outlive the window, and should be the Config the window was counted
// under: the stored tallies assumed its thresholds and kinds). The window
// behaves exactly as the encoded one would: same Close, same results
// after further Adds and Merges, with one exception: its endpoint-id
// cache starts empty (the caller that restores it numbers endpoints
// afresh), so once a window has folded endpoints into Other, a key folded
// before the encoding adds to Folded again at its first line after, where
// the original, through the cache of the caller's ids, would not. It does
// not alias data; each table's keys share one string copied from data.
//
// An unknown version, truncated, corrupt or non-canonical input (any that
// AppendBinary would not make), or bytes after the form, give an error
// that says what and where, such as "window state: truncated at byte 812
// reading endpoint counts"; offsets count from data[0]. Decode never
// panics, and checks every length against the bytes left before
// allocating for it, so it allocates at most a small multiple of
// len(data). Cost: the maps, slices and key strings of the window's
// tables, a few dozen allocations whatever their size.
func Decode(data []byte, cfg *Config) (*Window, error) {
	if cfg == nil {
		return nil, fmt.Errorf("window state: cannot decode without a Config")
	}
	var d decoder
	d.Reset("window state", data)
	v := d.Byte("version")
	if d.Err() == nil && (v < codecVersionNoMetrics || v > codecVersion) {
		return nil, fmt.Errorf("window state: unknown version %d", v)
	}
	w := &Window{cfg: cfg, Start: d.Varint("start"), Metrics: make(map[MetricKey]*MetricStats)}
	d.counts(&w.Counts, v >= codecVersion)
	w.Folded = d.Uvarint("folded endpoints")
	d.codes(w)
	d.endpoints(w)
	d.sketches(w)
	if v >= codecVersionNoTCP {
		d.metrics(w)
	}
	if left := d.Left(); d.Err() == nil && left > 0 {
		d.Fail("%d bytes after the end at byte %d", left, d.Offset())
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return w, nil
}

// counts reads the tallies, after checking that the stored window has
// as many status and user-agent classes as this one; without v3 (a form
// before version 3), all but the last two, TCP and ZeroStatus, which stay
// 0.
func (d *decoder) counts(c *Counts, v3 bool) {
	at := d.Offset()
	status, ua := d.Uvarint("status classes"), d.Uvarint("user-agent classes")
	if d.Err() == nil && (status != NumStatusClasses || ua != uint64(NumUAClasses)) {
		d.Fail("cannot decode at byte %d: %d status and %d user-agent classes, want %d and %d", at, status, ua, NumStatusClasses, NumUAClasses)
	}
	fields := countFields(c)
	n := len(fields)
	if !v3 {
		n -= 2
	}
	for _, p := range fields[:n] {
		*p = d.Uvarint("tallies")
	}
}

// codes reads the status codes.
func (d *decoder) codes(w *Window) {
	n := d.Count("status codes", 2)
	if d.Err() != nil || n == 0 {
		return
	}
	w.codes = make([]CodeCount, 0, n)
	for i := range n {
		at := d.Offset()
		code, count := d.Uvarint("status code"), d.Uvarint("status code count")
		switch {
		case d.Err() != nil:
			return
		case code > maxCode || count == 0 || (i > 0 && int(code) <= w.codes[i-1].Code):
			d.Fail("corrupt status code %d with count %d at byte %d: want codes ascending to %d, counts ≥ 1", code, count, at, maxCode)
			return
		}
		w.codes = append(w.codes, CodeCount{Code: int(code), Count: count})
	}
}

// endpoints reads the endpoints into one slab of w's (see
// Window.newEndpointCounts).
func (d *decoder) endpoints(w *Window) {
	n := d.Count("endpoints", 8)
	if d.Err() != nil {
		return
	}
	w.Endpoints = make(map[string]*EndpointCounts, n)
	if n == 0 {
		return
	}
	slab, lens := make([]EndpointCounts, n), make([]int, n)
	w.slabs, w.used = [][]EndpointCounts{slab}, n
	var sum uint64
	for i := range slab {
		at := d.Offset()
		l := d.Uvarint("endpoint key length")
		if left := d.Left(); d.Err() == nil && l > uint64(left) {
			d.Fail("truncated at byte %d: endpoint key %d of %d bytes, %d left", at, i, l, left)
		}
		e := &slab[i]
		e.Kind = EndpointKind(d.Byte("endpoint kind"))
		for _, p := range endpointFields(e) {
			*p = d.Uvarint("endpoint counts")
		}
		lens[i] = int(l)
		sum += l // at most n·len(data): no overflow
	}
	d.endpointKeys(w, slab, lens, sum)
}

// endpointKeys reads the concatenated endpoint keys of lengths lens, sum
// bytes in all, and maps them to their counts.
func (d *decoder) endpointKeys(w *Window, slab []EndpointCounts, lens []int, sum uint64) {
	at := d.Offset()
	b := d.Bytes("endpoint keys", sum)
	if d.Err() != nil {
		return
	}
	all := string(b)
	prev := ""
	for i, l := range lens {
		k := all[:l]
		all = all[l:]
		if i > 0 && k <= prev {
			d.Fail("corrupt endpoint keys at byte %d: %q after %q, want ascending", at, k, prev)
			return
		}
		w.Endpoints[k] = &slab[i]
		prev = k
	}
}

// sketches reads the latency sketch and the top-k tables.
func (d *decoder) sketches(w *Window) {
	if d.Err() != nil {
		return
	}
	at := d.Offset()
	s, rest, err := quantile.Decode(d.Rest())
	if err != nil {
		d.Fail("cannot decode latency at byte %d: %w", at, err)
		return
	}
	d.Skip(d.Left() - len(rest))
	w.Latency = s
	for i, t := range w.tables() {
		at = d.Offset()
		if *t, rest, err = topk.Decode(d.Rest()); err != nil {
			d.Fail("cannot decode %s at byte %d: %w", tableNames[i], at, err)
			return
		}
		d.Skip(d.Left() - len(rest))
	}
}

// decoder reads the binary form: a [codec.Decoder] with this form's
// field readers.
type decoder struct{ codec.Decoder }

// metrics reads the metric series.
func (d *decoder) metrics(w *Window) {
	w.MetricsDropped = d.Uvarint("metrics dropped")
	n := d.Count("metric series", 5)
	var prev MetricKey
	for i := 0; i < n && d.Err() == nil; i++ {
		at := d.Offset()
		k := MetricKey{Kind: d.text("metric kind"), Subject: d.text("metric subject")}
		m := &MetricStats{At: d.Varint("metric time")}
		m.Detail, m.Severity = d.text("metric detail"), d.text("metric severity")
		if d.Err() != nil {
			return
		}
		if i > 0 && compareMetricKeys(prev, k) >= 0 {
			d.Fail("corrupt metric series at byte %d: %s %q after %s %q, want ascending", at, k.Kind, k.Subject, prev.Kind, prev.Subject)
			return
		}
		at = d.Offset()
		s, rest, err := quantile.Decode(d.Rest())
		if err != nil {
			d.Fail("cannot decode metric %s %q at byte %d: %w", k.Kind, k.Subject, at, err)
			return
		}
		if s.Count() == 0 {
			d.Fail("corrupt metric %s %q at byte %d: no values", k.Kind, k.Subject, at)
			return
		}
		d.Skip(d.Left() - len(rest))
		m.Values = s
		w.Metrics[k] = m
		prev = k
	}
}

// text reads a length and that many bytes as a string.
func (d *decoder) text(what string) string {
	at := d.Offset()
	l := d.Uvarint(what + " length")
	if left := d.Left(); d.Err() == nil && l > uint64(left) {
		d.Fail("truncated at byte %d: %s of %d bytes, %d left", at, what, l, left)
		return ""
	}
	return string(d.Bytes(what, l))
}
