package logfmt

import "github.com/vigil-ops/vigil/parsers"

// field is a Record field a key fills.
type field uint8

const (
	fNone field = iota
	fTime
	fLevel
	fMessage
	fStatus
	fMethod
	fTarget
	fProto
	fClient
	fHost
	fUserAgent
	fReferer
	fUser
	fBytes
	fDuration
	fConnect // Heroku router
	fService // Heroku router
	numFields
)

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

// override is a key that a --field mapping ([Options].Fields) points a
// field at; it ranks before the field's own names.
type override struct {
	name string
	f    field
	unit parsers.Unit // the unit the name's suffix implies (durations)
}

// compileOverrides turns the mappings into overrides, in their order.
func compileOverrides(specs []parsers.FieldSpec) []override {
	var out []override
	for _, s := range specs {
		if s.Role < parsers.NumRoles && s.Name != "" {
			out = append(out, override{name: s.Name, f: roleFields[s.Role], unit: parsers.SuffixUnit(s.Name)})
		}
	}
	return out
}

// lookup returns the field of key, its rank among the field's names (0 is
// best) and, for durations, the unit its suffix implies.
func lookup(key []byte) (field, uint8, parsers.Unit) {
	switch string(key) {
	case "time":
		return fTime, 0, 0
	case "ts":
		return fTime, 1, 0
	case "t":
		return fTime, 2, 0
	case "timestamp":
		return fTime, 3, 0
	case "@timestamp":
		return fTime, 4, 0
	case "level":
		return fLevel, 0, 0
	case "lvl":
		return fLevel, 1, 0
	case "severity":
		return fLevel, 2, 0
	case "msg":
		return fMessage, 0, 0
	case "message":
		return fMessage, 1, 0
	case "status":
		return fStatus, 0, 0
	case "status_code":
		return fStatus, 1, 0
	case "method":
		return fMethod, 0, 0
	case "request_method":
		return fMethod, 1, 0
	case "request_uri":
		return fTarget, 0, 0
	case "uri":
		return fTarget, 1, 0
	case "url":
		return fTarget, 2, 0
	case "path":
		return fTarget, 3, 0
	case "proto":
		return fProto, 0, 0
	case "server_protocol":
		return fProto, 1, 0
	case "client_ip":
		return fClient, 0, 0
	case "clientip":
		return fClient, 1, 0
	case "remote_ip":
		return fClient, 2, 0
	case "remote_addr":
		return fClient, 3, 0
	case "ip":
		return fClient, 4, 0
	case "fwd":
		return fClient, 5, 0
	case "host":
		return fHost, 0, 0
	case "user_agent":
		return fUserAgent, 0, 0
	case "http_user_agent":
		return fUserAgent, 1, 0
	case "ua":
		return fUserAgent, 2, 0
	case "referer":
		return fReferer, 0, 0
	case "referrer":
		return fReferer, 1, 0
	case "http_referer":
		return fReferer, 2, 0
	case "user_id":
		return fUser, 0, 0
	case "user":
		return fUser, 1, 0
	case "uid":
		return fUser, 2, 0
	case "userId":
		return fUser, 3, 0
	case "username":
		return fUser, 4, 0
	case "size":
		return fBytes, 0, 0
	case "body_bytes_sent":
		return fBytes, 1, 0
	case "bytes":
		return fBytes, 2, 0
	case "bytes_sent":
		return fBytes, 3, 0
	case "connect":
		return fConnect, 0, 0
	case "service":
		return fService, 0, 0
	}
	return durationKey(key)
}

// durationKey returns fDuration, the rank and the unit of a duration key:
// a name of [parsers.DurationNames], bare (unit not given) or with a
// suffix of [parsers.DurationSuffixes]; each name ranks with its suffixed
// forms before the next name.
func durationKey(key []byte) (field, uint8, parsers.Unit) {
	const perName = 1 + len(parsers.DurationSuffixes)
	for b, base := range parsers.DurationNames {
		if len(key) < len(base) || string(key[:len(base)]) != base {
			continue
		}
		rest := key[len(base):]
		if len(rest) == 0 {
			return fDuration, uint8(b * perName), parsers.UnitAuto
		}
		for s, sfx := range parsers.DurationSuffixes {
			if string(rest) == sfx.Suffix {
				return fDuration, uint8(b*perName + 1 + s), sfx.Unit
			}
		}
	}
	return fNone, 0, 0
}
