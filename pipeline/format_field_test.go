package pipeline

import (
	"strings"
	"testing"

	"github.com/vigil-ops/vigil/parsers"
)

// These tests touch only format.go: the --field mappings (Options.Fields).

// TestFieldDetected: a JSON or logfmt input whose status lives under a
// key vigil does not know reads as 0 requests without --field, and as
// requests with it.
func TestFieldDetected(t *testing.T) {
	f := func(sample, fields, name string, status int) {
		t.Helper()
		o := &Options{Fields: strings.Fields(fields)}
		if err := o.Validate(); err != nil {
			t.Fatalf("unexpected error for --field %q; got %v; want nil", fields, err)
		}
		fm, err := chooseFormat(o, []byte(sample+"\n"))
		if err != nil || fm.name != name {
			t.Fatalf("unexpected format for %q; got %+v, %v; want %s", sample, fm, err, name)
		}
		var r parsers.Record
		if err := fm.newParser().Parse([]byte(sample), &r); err != nil || r.Status != status {
			t.Fatalf("unexpected status for %q with --field %q; got %d, %v; want %d", sample, fields, r.Status, err, status)
		}
	}
	const js = `{"@timestamp":"2026-03-01T10:00:00Z","message":"done","http":{"status_code":503,"method":"GET"},"url":{"path":"/x"}}`
	f(js, "", "json", 0)
	f(js, "status=http.status_code path=url.path", "json", 503)
	const lf = `time=2026-03-01T10:00:00Z level=INFO msg=done req.method=GET http.status=502`
	f(lf, "", "logfmt", 0)
	f(lf, "status=http.status", "logfmt", 502)
	// Given with --format, and in a mixed file's fallback.
	fm, err := chooseFormat(&Options{Format: "json", Fields: []string{"status=http.status_code"}}, nil)
	var r parsers.Record
	if err != nil || fm.newParser().Parse([]byte(js), &r) != nil || r.Status != 503 {
		t.Fatalf("unexpected result for --format json; got %d, %v", r.Status, err)
	}
	// A mixed file: the fallback reads JSON application lines with the
	// mappings too.
	access := `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1 "-" "curl/8.0"`
	app := `{"sev":"error","text":"boom"}`
	fm, err = chooseFormat(&Options{Fields: []string{"level=sev", "msg=text"}}, []byte(access+"\n"+access+"\n"+app+"\n"))
	if err != nil || fm.name != "combined" {
		t.Fatalf("unexpected format for a mixed file; got %+v, %v; want combined", fm, err)
	}
	if err := fm.fallback().Parse([]byte(app), &r); err != nil || string(r.Level) != "error" || string(r.Message) != "boom" {
		t.Fatalf("unexpected fallback record for %q; got %+v, %v; want level error, msg boom", app, r, err)
	}
}

// TestFieldFailure: an unknown role or a bad mapping is a usage error
// (from Validate, before any input is read) that names the roles; so is
// --field with a format that is neither json nor logfmt.
func TestFieldFailure(t *testing.T) {
	f := func(o Options, want string) {
		t.Helper()
		err := o.Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("unexpected error for %+v; got %v; want one saying %q", o, err, want)
		}
	}
	roles := parsers.RoleNames()
	f(Options{Fields: []string{"target=uri"}}, `--field: cannot parse field mapping "target=uri": unknown role "target"; want one of `+roles)
	f(Options{Fields: []string{"status"}}, "want role=name, a role being one of "+roles)
	f(Options{Format: "json", Fields: []string{"nope=x"}}, `unknown role "nope"`)
	f(Options{Format: "combined", Fields: []string{"status=x"}}, "cannot use --field with format combined")
	f(Options{LogFormat: "$remote_addr $status", Fields: []string{"status=x"}}, "cannot use --field with format")
	if err := (Options{Format: "logfmt", Fields: []string{"status=x", "path=y"}}).Validate(); err != nil {
		t.Fatalf("unexpected error for --format logfmt with --field; got %v", err)
	}
}
