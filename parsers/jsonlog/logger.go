package jsonlog

import (
	"slices"

	"github.com/valyala/fastjson"

	"github.com/vigil-ops/vigil/parsers"
)

// loggerKeys are the slots, in the line's object, of the keys that tell
// the loggers of [parsers.Logger] apart.
var loggerKeys = struct{ time, ts, level, msg, message slot }{
	topSlot("time"), topSlot("ts"), topSlot("level"), topSlot("msg"), topSlot("message"),
}

func topSlot(name string) slot {
	s, ok := keys.lookup(keys.index[levelTop], []byte(name))
	if !ok {
		panic("BUG: no key " + name)
	}
	return s
}

// goLevels are the level names of Go's log/slog and of logrus.
var goLevels = map[string]bool{
	"DEBUG": true, "INFO": true, "WARN": true, "ERROR": true,
	"trace": true, "debug": true, "info": true, "warning": true, "error": true, "fatal": true, "panic": true,
}

// logger returns the logger the keys of the line just parsed name (see
// [parsers.Logger]).
func (p *Parser) logger() parsers.Logger {
	k := &loggerKeys
	has := func(s slot) bool { return p.slots[s] != nil }
	if !has(k.level) {
		if p.envoy() {
			return parsers.LoggerEnvoy
		}
		return parsers.LoggerUnknown
	}
	level := p.slots[k.level]
	switch {
	case has(k.ts) && has(k.msg):
		return parsers.LoggerZap
	case !has(k.time):
		return parsers.LoggerUnknown
	case has(k.message) && !has(k.msg):
		return parsers.LoggerZerolog
	case has(k.msg) && level.Type() == fastjson.TypeNumber:
		return parsers.LoggerNode
	case has(k.msg) && goLevels[string(level.GetStringBytes())]:
		return parsers.LoggerGo
	}
	return parsers.LoggerUnknown
}

// envoySlots are the slots, in the line's object, of the keys that only
// Envoy's access log writes: those of fEnvoy, and the downstream peer
// and the upstream service time, which also fill fields.
var envoySlots = append(slices.Clone(keys.candidates[fEnvoy]), topSlot("downstream_remote_address"), topSlot("upstream_service_time"))

// minEnvoyKeys is how many keys of envoySlots make a line Envoy's: one
// could be any application's ("upstream_host"), two are Envoy's
// operators side by side.
const minEnvoyKeys = 2

// envoy reports whether the line just parsed is Envoy's access log (or
// Istio's, which is Envoy's): it has at least minEnvoyKeys of
// envoySlots, whatever their values (null included), and no level.
func (p *Parser) envoy() bool {
	if p.slots[loggerKeys.level] != nil {
		return false
	}
	n := 0
	for _, s := range envoySlots {
		if p.slots[s] != nil {
			n++
		}
	}
	return n >= minEnvoyKeys
}
