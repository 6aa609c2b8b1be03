package jsonlog

import "testing"

// TestParseHTTPAPIRoute: AWS API Gateway HTTP APIs log with the example
// format of AWS's "Configure logging for HTTP APIs" (requestId, ip,
// requestTime, httpMethod, routeKey, status, protocol, responseLength):
// no path, a routeKey. Its template is the target; "$default" gives none;
// a path ($context.path) or a rawPath, when logged, wins.
func TestParseHTTPAPIRoute(t *testing.T) {
	f := func(line, want string) {
		t.Helper()
		checkRecord(t, "", line, want)
	}
	const head = `{"requestId":"Kb5xUhqQoAMEM2w=","ip":"203.0.113.10","requestTime":"01/Mar/2026:10:00:11 +0000","httpMethod":"GET",`
	const tail = `"status":"200","protocol":"HTTP/1.1","responseLength":"46"}`
	// want is the record with target t ("" for none).
	want := func(t string) string {
		if t != "" {
			t = ` target="` + t + `"`
		}
		return `http time=1772359211000000000 status=200 method="GET"` + t + ` proto="HTTP/1.1" client="203.0.113.10" bytes=46`
	}
	f(head+`"routeKey":"GET /items/{id}",`+tail, want("/items/{id}"))
	f(head+`"routeKey":"ANY /{proxy+}",`+tail, want("/{proxy+}"))
	f(head+`"routeKey":"$default",`+tail, want(""))
	f(head+`"routeKey":"GET /items/{id}","path":"/items/42",`+tail, want("/items/42"))
	f(head+`"rawPath":"/items/42","routeKey":"GET /items/{id}",`+tail, want("/items/42"))
	// A route key of nothing but a method, or "-": no target.
	f(head+`"routeKey":"GET ",`+tail, want(""))
	f(head+`"routeKey":"-",`+tail, want(""))
}
