package parsers

import (
	"fmt"
	"strings"
)

// Role is a [Record] field that a key of a JSON or logfmt line fills:
// what the --field flag points at a key of the user's choosing.
type Role uint8

// The roles, each named in [RoleNames].
const (
	RoleTime Role = iota
	RoleLevel
	RoleMsg
	RoleStatus
	RoleMethod
	RolePath // Record.Target
	RoleProto
	RoleClient
	RoleHost
	RoleUserAgent
	RoleReferer
	RoleUser
	RoleBytes
	RoleDuration
	NumRoles
)

// roleNames is the one table of role names.
var roleNames = [NumRoles]string{
	RoleTime:      "time",
	RoleLevel:     "level",
	RoleMsg:       "msg",
	RoleStatus:    "status",
	RoleMethod:    "method",
	RolePath:      "path",
	RoleProto:     "proto",
	RoleClient:    "client",
	RoleHost:      "host",
	RoleUserAgent: "user_agent",
	RoleReferer:   "referer",
	RoleUser:      "user",
	RoleBytes:     "bytes",
	RoleDuration:  "duration",
}

// String returns the role's name, as [ParseFieldSpec] reads it.
func (r Role) String() string {
	if r < NumRoles {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// RoleNames lists the role names, comma-separated, for messages.
func RoleNames() string {
	return strings.Join(roleNames[:], ", ")
}

// FieldSpec points a role at the key that fills it, before the parser's
// own names for the role: what --field role=name says.
type FieldSpec struct {
	Role Role
	// Name is the key, case-sensitive. In JSON a dotted name is a path
	// into nested objects ("http.status_code"), or failing that one key
	// with dots in it; in logfmt it is the key as written (slog's text
	// handler writes a group's keys as "group.key"). A duration key's
	// suffix gives its unit as for the parser's own names (latency_ms).
	Name string
}

// ParseFieldSpec reads "role=name", e.g. "status=http.status_code".
func ParseFieldSpec(s string) (FieldSpec, error) {
	role, name, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return FieldSpec{}, fmt.Errorf("cannot parse field mapping %q: want role=name, a role being one of %s", s, RoleNames())
	}
	for r, n := range roleNames {
		if n == role {
			return FieldSpec{Role: Role(r), Name: name}, nil
		}
	}
	return FieldSpec{}, fmt.Errorf("cannot parse field mapping %q: unknown role %q; want one of %s", s, role, RoleNames())
}

// ParseFieldSpecs reads each of specs with [ParseFieldSpec], keeping
// their order: of two names given for one role, the first present wins.
func ParseFieldSpecs(specs []string) ([]FieldSpec, error) {
	var out []FieldSpec
	for _, s := range specs {
		fs, err := ParseFieldSpec(s)
		if err != nil {
			return nil, err
		}
		out = append(out, fs)
	}
	return out, nil
}

// CheckFieldSpecs reports the first spec of fs that no parser can use:
// a role out of range or an empty name. Parsers' Validate methods call it.
func CheckFieldSpecs(fs []FieldSpec) error {
	for _, s := range fs {
		if s.Role >= NumRoles || s.Name == "" {
			return fmt.Errorf("cannot use field mapping %s=%q: want a role of %s and a name", s.Role, s.Name, RoleNames())
		}
	}
	return nil
}

// SuffixUnit returns the unit that the suffix of a duration key implies
// (latency_ms: [UnitMS]), as in [DurationSuffixes], or [UnitAuto].
func SuffixUnit(name string) Unit {
	for _, s := range DurationSuffixes {
		if strings.HasSuffix(name, s.Suffix) {
			return s.Unit
		}
	}
	return UnitAuto
}

// Group is an object that holds a request's or a response's keys: a
// nested object in JSON ("req":{"method":...}), a key prefix in logfmt
// ("req.method=GET", as log/slog's text handler writes slog.Group).
type Group struct {
	Names []string // best first
	Roles []Role   // the roles read in the group
}

// The groups, one table for JSON and logfmt: "request" and "response"
// (Caddy), "req" and "res" (pino-http, bunyan, slog.Group).
var (
	RequestGroup  = Group{Names: []string{"request", "req"}, Roles: []Role{RoleMethod, RolePath, RoleProto, RoleClient, RoleUserAgent, RoleReferer}}
	ResponseGroup = Group{Names: []string{"response", "res"}, Roles: []Role{RoleStatus, RoleBytes}}
)

// Ungroup returns key without its prefix "name." for a name of g, and
// whether key had one. It allocates nothing.
func (g *Group) Ungroup(key []byte) ([]byte, bool) {
	for _, n := range g.Names {
		if len(key) > len(n)+1 && key[len(n)] == '.' && string(key[:len(n)]) == n {
			return key[len(n)+1:], true
		}
	}
	return nil, false
}

// IsRequest reports whether r, as a JSON or logfmt parser filled it, is an
// HTTP request: it has a method, or a status (0 included) and a target;
// on a line with neither level nor message, a status other than 0 or a
// target is enough. An application line about a request (zap's "url", or
// "status":500 beside "level":"error") has neither.
func IsRequest(r *Record) bool {
	app := r.Level != nil || r.Message != nil
	status := r.Status != 0 || r.ZeroStatus
	return r.Method != nil || status && r.Target != nil || !app && (r.Status != 0 || r.Target != nil)
}
