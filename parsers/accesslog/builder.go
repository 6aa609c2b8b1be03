package accesslog

import "fmt"

// builder assembles the items of a Format: the compilers feed it literal
// text and fields in order, and finish works out how each field ends and
// which fields fill the Record.
type builder struct {
	items []item
	at    []int // position of each item in the format string, for errors
	lit   []byte
	litAt int
}

func (b *builder) literal(s string, at int) {
	if len(b.lit) == 0 {
		b.litAt = at
	}
	b.lit = append(b.lit, s...)
}

func (b *builder) field(k kind, u unit, at int) {
	b.flush()
	b.items = append(b.items, item{kind: k, unit: u, store: true})
	b.at = append(b.at, at)
}

// timeField adds a field of a %{format}t group (see Format.timeGroup).
func (b *builder) timeField(k kind, u unit, layout string, end bool, at int) {
	b.field(k, u, at)
	it := &b.items[len(b.items)-1]
	it.layout, it.timeEnd = layout, end
}

func (b *builder) flush() {
	if len(b.lit) == 0 {
		return
	}
	b.items = append(b.items, item{kind: kLiteral, lit: string(b.lit)})
	b.at = append(b.at, b.litAt)
	b.lit = b.lit[:0]
}

// finish returns the Format named name.
func (b *builder) finish(name string) (*Format, error) {
	b.flush()
	if len(b.items) == 0 || len(b.items) == 1 && b.items[0].kind == kLiteral {
		return nil, compileError("format has no fields", 0)
	}
	for i := range b.items {
		if err := b.delimit(i); err != nil {
			return nil, err
		}
	}
	b.chooseStored()
	group, err := b.timeGroup()
	if err != nil {
		return nil, err
	}
	f := &Format{name: name, items: b.items, timeGroup: group}
	for i := range f.items {
		it := &f.items[i]
		if it.kind == kLiteral {
			it.reason = literalReason(f.items, i)
		}
		if it.kind == kClient {
			f.hasClient = true
		}
	}
	return f, nil
}

// delimit sets how field i ends: at a quote, at the next literal's first
// byte, or at a space when the field is the last item.
func (b *builder) delimit(i int) error {
	it := &b.items[i]
	if it.kind == kLiteral || it.kind == kTimeFormat {
		return nil // a time format reads its own extent
	}
	prev, next := b.neighbour(i-1), b.neighbour(i+1)
	if next != nil && next.kind != kLiteral {
		switch next.kind {
		case kQuery:
			// %U%q: the path ends where the query's '?' starts.
			it.stop2 = '?'
			next = b.neighbour(i + 2)
		case kTail:
			// The tail starts with a space.
			next = nil
		default:
			return compileError("two fields need a separator between them", b.at[i+1])
		}
	}
	it.stop = ' '
	if next != nil && next.kind == kLiteral {
		it.stop = next.lit[0]
	}
	it.quoted = prev != nil && prev.kind == kLiteral && prev.lit[len(prev.lit)-1] == '"' && it.stop == '"'
	if it.stop2 == 0 && (it.kind == kStatus || it.kind == kStatus0 || it.kind == kBytes || it.kind == kDuration) {
		it.stop2 = it.stop // short: scan with a plain loop
	}
	return nil
}

func (b *builder) neighbour(i int) *item {
	if i < 0 || i >= len(b.items) {
		return nil
	}
	return &b.items[i]
}

// slot is a set of Record fields.
type slot uint16

const (
	slotClient slot = 1 << iota
	slotForwardedFor
	slotUser
	slotTime
	slotMethod
	slotTarget
	slotProto
	slotStatus
	slotBytes
	slotDuration
	slotReferer
	slotUserAgent
	slotHost
)

var kindSlots = [...]slot{
	kClient:       slotClient,
	kForwardedFor: slotForwardedFor,
	kUser:         slotUser,
	kIdentUser:    slotUser,
	kTimeLocal:    slotTime,
	kTimeISO:      slotTime,
	kEpoch:        slotTime,
	kRequest:      slotMethod | slotTarget | slotProto,
	kMethod:       slotMethod,
	kTarget:       slotTarget,
	kPath:         slotTarget,
	kProto:        slotProto,
	kStatus:       slotStatus,
	kBytes:        slotBytes,
	kDuration:     slotDuration,
	kUpstream:     slotDuration,
	kTail:         slotDuration,
	kReferer:      slotReferer,
	kUserAgent:    slotUserAgent,
	kStatus0:      slotStatus,
	kHost:         slotHost,
	kRest:         0,
	kTimeFormat:   slotTime,
	kTimeFrac:     0,
	kPeer:         slotClient,
}

// chooseStored keeps, for each Record field, the first field that fills
// it; $upstream_response_time counts only when there is no request time.
// $args and %q count only right after a stored $uri or %U.
func (b *builder) chooseStored() {
	var taken slot
	for _, upstream := range []bool{false, true} {
		for i := range b.items {
			it := &b.items[i]
			if (it.kind == kUpstream) != upstream {
				continue
			}
			s := kindSlots[it.kind]
			it.store = s&taken == 0
			taken |= s
		}
	}
	for i := range b.items {
		if it := &b.items[i]; it.kind == kArgs || it.kind == kQuery {
			it.store = b.followsPath(i)
		}
	}
}

// timeGroup chooses the %{format}t fields that make the time: those of
// the first stored one's kind, begin or end, with their fractions; it
// reports whether there are any, or that they give no date.
func (b *builder) timeGroup() (bool, error) {
	first := -1
	for i, it := range b.items {
		if it.kind == kTimeFormat && it.store {
			first = i
			break
		}
	}
	var layouts []string
	for i := range b.items {
		it := &b.items[i]
		if it.kind != kTimeFormat && it.kind != kTimeFrac {
			continue
		}
		it.store = first >= 0 && it.timeEnd == b.items[first].timeEnd
		if it.store && it.kind == kTimeFormat {
			layouts = append(layouts, it.layout)
		}
	}
	if first >= 0 && !hasDate(groupParts(layouts)) {
		return false, compileError("the %{format}t fields give no date: want %Y or %y with %m, %b or %B and %d or %e, or with %j; or %s", b.at[first])
	}
	return first >= 0, nil
}

// followsPath reports whether item i comes right after a stored path: "%U%q"
// or "$uri?$args".
func (b *builder) followsPath(i int) bool {
	prev := b.neighbour(i - 1)
	if prev != nil && prev.kind == kLiteral && prev.lit == "?" && b.items[i].kind == kArgs {
		prev = b.neighbour(i - 2)
	}
	return prev != nil && prev.kind == kPath && prev.store
}

// literalReason is the reason a literal fails to match: that of the field
// it opens, else that of the field it closes; a format has a field.
func literalReason(items []item, i int) string {
	if i+1 < len(items) {
		return fieldReasons[items[i+1].kind]
	}
	return fieldReasons[items[i-1].kind]
}

func compileError(msg string, pos int) error {
	return fmt.Errorf("cannot compile log format: %s at position %d", msg, pos)
}
