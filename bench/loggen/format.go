package loggen

import (
	"strconv"
	"time"
)

// clock formats Unix milliseconds, caching the text of the current second.
type clock struct {
	startMS int64
	sec     int64
	clf     []byte // "01/Mar/2026:00:00:00 +0000"
	iso     []byte // "2026-03-01T00:00:00"
	clfBuf  [32]byte
	isoBuf  [32]byte
}

func (c *clock) init(start time.Time) {
	c.startMS = start.UnixMilli()
	c.sec = -1 << 63
}

// set makes clf and iso describe the second of ms.
func (c *clock) set(ms int64) {
	sec := ms / 1000
	if ms%1000 < 0 {
		sec--
	}
	if sec == c.sec {
		return
	}
	c.sec = sec
	t := time.Unix(sec, 0).UTC()
	c.clf = t.AppendFormat(c.clfBuf[:0], "02/Jan/2006:15:04:05 -0700")
	c.iso = t.AppendFormat(c.isoBuf[:0], "2006-01-02T15:04:05")
}

// write appends e to the output in the configured format.
func (g *generator) write(e *event) {
	g.clock.set(e.ms)
	switch {
	case g.o.Format != FormatJSON:
		g.buf = g.appendCombined(g.buf, e)
	case e.appMsg != "":
		g.buf = g.appendApp(g.buf, e)
	default:
		g.buf = g.appendJSON(g.buf, e)
	}
}

// appendCombined appends e as nginx writes
//
//	$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
//
// and, for FormatCombinedRT, " $request_time".
func (g *generator) appendCombined(b []byte, e *event) []byte {
	b = e.c.appendIP(b)
	b = append(b, " - "...)
	if e.user != 0 {
		b = appendUser(b, e.user)
	} else {
		b = append(b, '-')
	}
	b = append(b, " ["...)
	b = append(b, g.clock.clf...)
	b = append(b, "] \""...)
	b = append(b, catalog[e.ep].method...)
	b = append(b, ' ')
	b = append(b, e.target...)
	b = append(b, ' ')
	b = append(b, e.proto...)
	b = append(b, "\" "...)
	b = strconv.AppendInt(b, int64(e.status), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, e.bytes, 10)
	b = append(b, " \""...)
	if e.referer != "" {
		b = appendReferer(b, e)
	} else {
		b = append(b, '-')
	}
	b = append(b, "\" \""...)
	b = append(b, e.c.agent.ua...)
	b = append(b, '"')
	if g.o.Format == FormatCombinedRT {
		b = append(b, ' ')
		b = appendMilli(b, (e.latency+500)/1000)
	}
	return append(b, '\n')
}

// appendJSON appends e as a JSON access entry. Absent user, user agent and
// referer are left out. No generated string needs JSON escaping.
func (g *generator) appendJSON(b []byte, e *event) []byte {
	b = g.appendJSONHead(b, e, level(e.status))
	b = append(b, `,"method":"`...)
	b = append(b, catalog[e.ep].method...)
	b = append(b, `","path":"`...)
	b = append(b, e.target...)
	b = append(b, `","status":`...)
	b = strconv.AppendInt(b, int64(e.status), 10)
	b = append(b, `,"duration_ms":`...)
	b = appendMilli(b, e.latency)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, e.bytes, 10)
	b = append(b, `,"client_ip":"`...)
	b = e.c.appendIP(b)
	b = append(b, '"')
	if ua := e.c.agent.ua; ua != "-" {
		b = append(b, `,"user_agent":"`...)
		b = append(b, ua...)
		b = append(b, '"')
	}
	if e.user != 0 {
		b = append(b, `,"user_id":"`...)
		b = appendUser(b, e.user)
		b = append(b, '"')
	}
	if e.referer != "" {
		b = append(b, `,"referer":"`...)
		b = appendReferer(b, e)
		b = append(b, '"')
	}
	return append(b, "}\n"...)
}

// appendApp appends an application error entry.
func (g *generator) appendApp(b []byte, e *event) []byte {
	b = g.appendJSONHead(b, e, "error")
	b = append(b, `,"msg":"`...)
	b = append(b, e.appMsg...)
	return append(b, "\"}\n"...)
}

// appendJSONHead appends `{"time":"…","level":"…"`.
func (g *generator) appendJSONHead(b []byte, e *event, level string) []byte {
	b = append(b, `{"time":"`...)
	b = append(b, g.clock.iso...)
	b = append(b, '.')
	b = appendPadded(b, uint64(e.ms-g.clock.sec*1000), 3)
	b = append(b, `Z","level":"`...)
	b = append(b, level...)
	return append(b, '"')
}

func level(status int) string {
	switch {
	case status >= 500:
		return "error"
	case status >= 400:
		return "warn"
	}
	return "info"
}

func appendReferer(b []byte, e *event) []byte {
	b = append(b, e.referer...)
	if e.refID > 0 {
		b = strconv.AppendInt(b, int64(e.refID), 10)
	}
	return b
}

// appendMilli appends v/1000 with three decimals: µs as ms, or ms as s.
func appendMilli(b []byte, v int64) []byte {
	b = strconv.AppendInt(b, v/1000, 10)
	b = append(b, '.')
	return appendPadded(b, uint64(v%1000), 3)
}

// appendPadded appends v in decimal, zero-padded to width digits.
func appendPadded(b []byte, v uint64, width int) []byte {
	var d [20]byte
	i := len(d)
	for ; width > 0 || v > 0; width-- {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[i:]...)
}

const hexDigits = "0123456789abcdef"

// appendHex appends the low n hex digits of v.
func appendHex(b []byte, v uint64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		b = append(b, hexDigits[(v>>(4*i))&15])
	}
	return b
}

// appendUUID appends id as a version-4 UUID, 8-4-4-4-12.
func appendUUID(b []byte, id [2]uint64) []byte {
	hi := id[0]&^(0xf<<12) | 4<<12   // version 4
	lo := id[1]&^(0xc<<60) | 0x8<<60 // variant 10xx
	b = appendHex(b, hi>>32, 8)
	b = append(b, '-')
	b = appendHex(b, hi>>16, 4)
	b = append(b, '-')
	b = appendHex(b, hi, 4)
	b = append(b, '-')
	b = appendHex(b, lo>>48, 4)
	b = append(b, '-')
	return appendHex(b, lo, 12)
}
