package jsonlog

import (
	"fmt"

	"github.com/vigil-ops/vigil/parsers"
)

// field is a value the parser looks for. Most are [parsers.Record] fields;
// the last three are objects whose members are looked up in turn.
type field uint8

const (
	fTime field = iota
	fLevel
	fMessage
	fStatus
	fMethod
	fTarget
	fProto
	fClient
	fUserAgent
	fReferer
	fUser
	fBytes
	fDuration
	fHost     // what a --field mapping names, else Istio's authority
	fUpstream // Record.Upstream, in no role: Envoy's and Istio's upstream_service_time
	fRoute    // API Gateway HTTP APIs' routeKey, "GET /items/{id}": a target when no key gives one
	fEnvoy    // keys only Envoy's access log writes, in no role: see Parser.envoy
	fRequest
	fResponse
	fHeaders
	numFields
)

// level is the object a key is found in.
type level uint8

const (
	levelTop      level = iota // the line's object
	levelRequest               // its "request" member
	levelResponse              // its "response" member
	levelHeaders               // the "headers" member of "request"
	numLevels
)

// levels is a set of levels.
type levels uint8

const (
	inTop      levels = 1 << levelTop
	inRequest  levels = 1 << levelRequest
	inResponse levels = 1 << levelResponse
	inHeaders  levels = 1 << levelHeaders
)

// aliasGroup lists names of a field, best first, and the objects they are
// looked up in.
type aliasGroup struct {
	f      field
	in     levels
	names  []string
	suffix bool // the names also take the unit suffixes of parsers.DurationSuffixes
	// unit is the unit of the names' durations when unitSet; else a bare
	// name's unit is decided from the number.
	unit    unit
	unitSet bool
}

// aliasGroups is the whole mapping of keys to fields; doc.go describes it
// and must be kept in step. Within a field, a name listed earlier wins,
// and every name of the line's object wins over every name of a nested
// object. The names of the line's object are also looked up in "request"
// or "response" for the roles of [parsers.RequestGroup] or
// [parsers.ResponseGroup] (see nestedIn).
var aliasGroups = []aliasGroup{
	{f: fTime, in: inTop, names: []string{"time", "ts", "timestamp", "@timestamp", "start_time", "requestTimeEpoch", "requestTime"}},
	{f: fLevel, in: inTop, names: []string{"level", "lvl", "severity"}},
	{f: fMessage, in: inTop, names: []string{"msg", "message"}},
	{f: fStatus, in: inTop, names: []string{"status", "status_code", "statusCode", "DownstreamStatus", "response_code"}},
	{f: fMethod, in: inTop, names: []string{"method", "request_method", "RequestMethod", "httpMethod"}},
	{f: fTarget, in: inTop, names: []string{"request_uri", "uri", "url", "path", "rawPath", "RequestPath", "resourcePath", "x-envoy-origin-path"}},
	{f: fRoute, in: inTop, names: []string{"routeKey"}},
	{f: fProto, in: inTop, names: []string{"proto", "server_protocol", "RequestProtocol", "protocol"}},
	// Istio's JSON access log (and Envoy's, where it logs these): the
	// client is X-Forwarded-For, else the downstream peer, as in the
	// istio and envoy text formats of parsers/accesslog; both after the
	// names above, which a proxy's log has not. Envoy Gateway's default
	// JSON format names the request headers as they are (x-forwarded-for,
	// user-agent, :authority, x-envoy-origin-path,
	// x-envoy-upstream-service-time).
	{f: fClient, in: inTop, names: []string{"client_ip", "clientip", "remote_ip", "remote_addr", "ip", "ClientHost", "remoteAddress", "sourceIp", "x_forwarded_for", "x-forwarded-for", "downstream_remote_address"}},
	{f: fHost, in: inTop, names: []string{"authority", ":authority"}},
	{f: fUserAgent, in: inTop, names: []string{"user_agent", "http_user_agent", "ua", "request_User-Agent", "user-agent"}},
	{f: fUserAgent, in: inHeaders, names: []string{"User-Agent", "user-agent"}},
	{f: fReferer, in: inTop, names: []string{"referer", "referrer", "http_referer", "request_Referer"}},
	{f: fReferer, in: inHeaders, names: []string{"Referer", "referer"}},
	{f: fUser, in: inTop, names: []string{"user_id", "user", "uid", "userId", "username"}},
	{f: fBytes, in: inTop, names: []string{"size", "body_bytes_sent", "bytes", "bytes_sent", "DownstreamContentSize", "responseLength"}},
	{f: fDuration, in: inTop, suffix: true, names: parsers.DurationNames[:]},
	// pino-http's responseTime is in milliseconds, Traefik's Duration in
	// nanoseconds, whether or not the number has a fraction.
	{f: fDuration, in: inTop, unitSet: true, unit: unitMS, names: []string{"responseTime", "responseLatency"}},
	{f: fDuration, in: inTop, unitSet: true, unit: unitNS, names: []string{"Duration"}},
	// Envoy's x-envoy-upstream-service-time header, milliseconds.
	{f: fUpstream, in: inTop, unitSet: true, unit: unitMS, names: []string{"upstream_service_time", "x-envoy-upstream-service-time"}},
	// Envoy's command operators lower-cased, as Istio's JSON format
	// (EnvoyJSONLogFormatIstio) and most json_format dictionaries name
	// them, and no other logger here writes: they fill nothing, they tell
	// Envoy's lines (Parser.envoy).
	{f: fEnvoy, in: inTop, names: []string{"response_flags", "upstream_cluster", "upstream_host", "upstream_local_address", "downstream_local_address", "response_code_details"}},
	// pino-http and bunyan log the request and response as "req" and "res".
	{f: fRequest, in: inTop, names: parsers.RequestGroup.Names},
	{f: fResponse, in: inTop, names: parsers.ResponseGroup.Names},
	{f: fHeaders, in: inRequest, names: []string{"headers"}},
}

// roleFields is the field of each role a --field mapping may name.
var roleFields = [parsers.NumRoles]field{
	parsers.RoleTime:      fTime,
	parsers.RoleLevel:     fLevel,
	parsers.RoleMsg:       fMessage,
	parsers.RoleStatus:    fStatus,
	parsers.RoleMethod:    fMethod,
	parsers.RolePath:      fTarget,
	parsers.RoleProto:     fProto,
	parsers.RoleClient:    fClient,
	parsers.RoleHost:      fHost,
	parsers.RoleUserAgent: fUserAgent,
	parsers.RoleReferer:   fReferer,
	parsers.RoleUser:      fUser,
	parsers.RoleBytes:     fBytes,
	parsers.RoleDuration:  fDuration,
}

// nestedIn returns the nested objects whose keys also fill f: "request"
// for the roles of [parsers.RequestGroup], "response" for those of
// [parsers.ResponseGroup], as logfmt reads slog's "req.method".
func nestedIn(f field) levels {
	var in levels
	for _, g := range []struct {
		group *parsers.Group
		in    levels
	}{{&parsers.RequestGroup, inRequest}, {&parsers.ResponseGroup, inResponse}} {
		for _, r := range g.group.Roles {
			if roleFields[r] == f {
				in |= g.in
			}
		}
	}
	return in
}

// slot identifies one key in one object: it indexes [Parser].slots, which
// holds the value of that key in the current line.
type slot uint16

// noRank is the rank of a field with no candidate in the line.
const noRank = 0xff

// keyTable is aliasGroups compiled for lookups.
type keyTable struct {
	// index holds, per level, an open-addressing hash table of slot+1
	// (0 = empty) keyed by the slot's name; see lookup.
	index [numLevels][]uint16
	// Per slot: its key, field, rank among the field's candidates and the
	// unit its name implies (durations only).
	name  []string
	field []field
	rank  []uint8
	unit  []unit
	// candidates lists the slots of each field, best first.
	candidates [numFields][]slot
}

var keys = compileKeys(aliasGroups)

func compileKeys(groups []aliasGroup) *keyTable {
	t := &keyTable{}
	var names [numLevels][]slot
	add := func(f field, l level, name string, u unit) {
		s := slot(len(t.name))
		t.name = append(t.name, name)
		t.field = append(t.field, f)
		t.rank = append(t.rank, uint8(len(t.candidates[f])))
		t.unit = append(t.unit, u)
		t.candidates[f] = append(t.candidates[f], s)
		names[l] = append(names[l], s)
	}
	for l := range numLevels {
		for _, g := range groups {
			if g.in&inTop != 0 {
				g.in |= nestedIn(g.f)
			}
			if g.in&(1<<l) == 0 {
				continue
			}
			for _, name := range g.names {
				u := unitAuto
				if g.unitSet {
					u = g.unit
				}
				add(g.f, l, name, u)
				if g.suffix {
					for _, sfx := range parsers.DurationSuffixes {
						add(g.f, l, name+sfx.Suffix, sfx.Unit)
					}
				}
			}
		}
	}
	for f, c := range t.candidates {
		if len(c) >= noRank {
			panic(fmt.Sprintf("BUG: field %d has %d names", f, len(c)))
		}
	}
	for l, slots := range names {
		// At most half full, so that a miss ends after a probe or two.
		size := 4
		for size < 2*len(slots) {
			size *= 2
		}
		index := make([]uint16, size)
		for _, s := range slots {
			if _, dup := t.lookup(index, []byte(t.name[s])); dup {
				panic("BUG: duplicate key " + t.name[s])
			}
			i := keyHash(t.name[s]) & uint32(size-1)
			for index[i] != 0 {
				i = (i + 1) & uint32(size-1)
			}
			index[i] = uint16(s) + 1
		}
		t.index[l] = index
	}
	return t
}

// lookup returns the slot of key in index, one of t.index.
func (t *keyTable) lookup(index []uint16, key []byte) (slot, bool) {
	mask := uint32(len(index) - 1)
	for i := keyHash(key) & mask; ; i = (i + 1) & mask {
		e := index[i]
		if e == 0 {
			return 0, false
		}
		if t.name[e-1] == string(key) {
			return slot(e - 1), true
		}
	}
}

// keyHash hashes a key from its length and four of its bytes, which tell
// all the names apart but for a few probes; it is much cheaper than a map
// lookup, which hashes every byte.
func keyHash[T []byte | string](k T) uint32 {
	n := len(k)
	if n == 0 {
		return 0
	}
	h := uint32(n)
	h = h*31 + uint32(k[0])
	h = h*31 + uint32(k[n/2])
	h = h*31 + uint32(k[n-1])
	h = h*31 + uint32(k[max(n-2, 0)])
	return h * 0x9e3779b1 >> 16
}

// numSlots is the number of slots in [keys].
var numSlots = len(keys.name)
