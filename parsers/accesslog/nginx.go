package accesslog

// nginxVars maps the nginx variables that fill Record fields to their
// kinds and units; any other variable is an opaque field.
var nginxVars = map[string]struct {
	kind kind
	unit unit
}{
	"remote_addr":              {kind: kClient},
	"http_x_forwarded_for":     {kind: kForwardedFor},
	"remote_user":              {kind: kUser},
	"time_local":               {kind: kTimeLocal},
	"time_iso8601":             {kind: kTimeISO},
	"msec":                     {kind: kEpoch, unit: unitS},
	"request":                  {kind: kRequest},
	"request_method":           {kind: kMethod},
	"request_uri":              {kind: kTarget},
	"uri":                      {kind: kPath},
	"args":                     {kind: kArgs},
	"query_string":             {kind: kArgs},
	"server_protocol":          {kind: kProto},
	"status":                   {kind: kStatus},
	"body_bytes_sent":          {kind: kBytes},
	"bytes_sent":               {kind: kBytes},
	"http_referer":             {kind: kReferer},
	"http_user_agent":          {kind: kUserAgent},
	"request_time":             {kind: kDuration, unit: unitS},
	"upstream_response_time":   {kind: kUpstream, unit: unitS},
	"upstream_addr":            {kind: kOpaqueList},
	"upstream_status":          {kind: kOpaqueList},
	"upstream_response_length": {kind: kOpaqueList},
	"host":                     {kind: kHost},
}

// CompileNginx compiles the value of an nginx log_format directive, without
// the directive's own quoting, e.g.
//
//	$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time
//
// Variables are written $name or ${name}. These fill Record fields:
// $remote_addr, $http_x_forwarded_for (see [Options]), $remote_user,
// $time_local, $time_iso8601, $msec, $request, $request_method,
// $request_uri, $uri, $args, $query_string, $server_protocol, $status,
// $body_bytes_sent, $bytes_sent, $http_referer, $http_user_agent,
// $request_time and $upstream_response_time; any other variable is
// skipped. $request_time is in seconds and
// so is $upstream_response_time, whose list of times is summed; it is the
// duration only when the format has no $request_time. $uri?$args makes
// one target. Two variables need text between them. When two variables
// fill the same Record field, the first wins. See [Format] for how fields
// end.
func CompileNginx(logFormat string) (*Format, error) {
	return compileVars(logFormat, "nginx log_format '"+logFormat+"'", nginxVar0)
}

// nginxVar0 returns the kind and unit of nginx variable name.
func nginxVar0(name string) (kind, unit) {
	v, ok := nginxVars[name]
	if !ok {
		return kOpaque, unitAuto
	}
	return v.kind, v.unit
}

// compileVars compiles logFormat in nginx syntax, with vars giving the
// kind of each variable, into a Format named name.
func compileVars(logFormat, name string, vars func(string) (kind, unit)) (*Format, error) {
	var b builder
	for i := 0; i < len(logFormat); {
		if logFormat[i] != '$' {
			b.literal(logFormat[i:i+1], i)
			i++
			continue
		}
		v, next, err := nginxVar(logFormat, i)
		if err != nil {
			return nil, err
		}
		k, u := vars(v)
		b.field(k, u, i)
		i = next
	}
	return b.finish(name)
}

// nginxVar reads the variable at s[i], "$name" or "${name}", and returns
// its name and the position after it.
func nginxVar(s string, i int) (string, int, error) {
	start, braced := i+1, i+1 < len(s) && s[i+1] == '{'
	if braced {
		start++
	}
	end := start
	for end < len(s) && isNameByte(s[end]) {
		end++
	}
	if end == start {
		return "", 0, compileError("expected a variable name after '$'", i)
	}
	if !braced {
		return s[start:end], end, nil
	}
	if end == len(s) || s[end] != '}' {
		return "", 0, compileError("expected '}' after variable name", end)
	}
	return s[start:end], end + 1, nil
}

func isNameByte(c byte) bool {
	return c == '_' || isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z'
}
