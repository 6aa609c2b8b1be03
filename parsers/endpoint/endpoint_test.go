package endpoint

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestAppend(t *testing.T) {
	f := func(method, target, want string) {
		t.Helper()
		got := string(Append(nil, []byte(method), []byte(target)))
		if got != want {
			t.Fatalf("unexpected key for %q; got %q; want %q", method+" "+target, got, want)
		}
	}
	// Digits.
	f("GET", "/api/properties/61058", "GET /api/properties/{id}")
	f("GET", "/page/2", "GET /page/{id}")
	f("GET", "/2015/05/17/", "GET /{id}/{id}/{id}/")
	f("DELETE", "/api/payments/120034/charge", "DELETE /api/payments/{id}/charge")
	// UUIDs, any case, and with a query string.
	f("GET", "/users/550e8400-e29b-41d4-a716-446655440000/orders?x=1", "GET /users/{id}/orders")
	f("GET", "/users/550E8400-E29B-41D4-A716-446655440000", "GET /users/{id}")
	// Hex runs: 8+ with a decimal digit.
	f("GET", "/objects/65a1f0c2b9e4d3a1f0c2b9e4", "GET /objects/{id}")
	f("GET", "/c/5f3a9c1e", "GET /c/{id}")
	f("GET", "/c/5F3A9C1E", "GET /c/{id}")
	f("GET", "/c/5f3a9c1", "GET /c/5f3a9c1") // 7 hex digits: too short
	f("GET", "/deadbeef", "GET /deadbeef")   // no decimal digit
	f("GET", "/facade/cafebabe", "GET /facade/cafebabe")
	f("GET", "/api/v2/items", "GET /api/v2/items")
	// Not IDs: slugs, file names, near-UUIDs.
	f("GET", "/p/61058-sea-view", "GET /p/61058-sea-view")
	f("GET", "/img/61058.jpg", "GET /img/61058.jpg")
	f("GET", "/image/60844/productModel/200x200", "GET /image/{id}/productModel/200x200")
	f("GET", "/u/550e8400-e29b-41d4-a716-44665544000g", "GET /u/550e8400-e29b-41d4-a716-44665544000g")
	f("GET", "/u/550e8400e29b-41d4-a716-4466554400001", "GET /u/550e8400e29b-41d4-a716-4466554400001")
	// Query strings and fragments.
	f("GET", "/search?q=1&page=2", "GET /search")
	f("GET", "/a#frag?x", "GET /a")
	f("GET", "/a?x#y", "GET /a")
	f("GET", "/?x=1", "GET /")
	f("GET", "/api/123?", "GET /api/{id}")
	// Absolute form.
	f("GET", "http://example.com/path/42?x=1", "GET /path/{id}")
	f("GET", "HTTPS://example.com:8443/a", "GET /a")
	f("GET", "http://example.com", "GET /")
	f("GET", "http://example.com?x=/y", "GET /")
	f("GET", "https://", "GET /")
	f("GET", "http:/x", "GET http:/x")
	// Other forms are kept.
	f("OPTIONS", "*", "OPTIONS *")
	f("CONNECT", "example.com:443", "CONNECT example.com:443")
	// Percent-encoding stays.
	f("GET", "/filter/27|13%20%D9%85,p53", "GET /filter/27|13%20%D9%85,p53")
	f("GET", "/a%2F123/b", "GET /a%2F123/b")
	// Empty segments and trailing slashes stay.
	f("GET", "//a///1/", "GET //a///{id}/")
	f("GET", "/", "GET /")
	// No target: the placeholder, whatever the method.
	f("", "", "-")
	f("GET", "", "-")
	f("", "-", "-")
	f("GET", "?x=1", "-")
	f("GET", "-?x", "-")
	// No method.
	f("", "/api/users/7", "- /api/users/{id}")
	// Idempotent on keys.
	f("GET", "/api/properties/{id}", "GET /api/properties/{id}")
}

func TestAppendKeepsDst(t *testing.T) {
	dst := []byte("key=")
	got := string(Append(dst, []byte("GET"), []byte("/a/1")))
	if want := "key=GET /a/{id}"; got != want {
		t.Fatalf("unexpected result for prefix %q; got %q; want %q", "key=", got, want)
	}
}

func TestAppendAllocs(t *testing.T) {
	dst := make([]byte, 0, 256)
	method := []byte("GET")
	target := []byte("http://example.com/users/550e8400-e29b-41d4-a716-446655440000/orders/12?x=1")
	n := testing.AllocsPerRun(1000, func() {
		dst = Append(dst[:0], method, target)
	})
	if n >= 1 {
		t.Fatalf("unexpected allocations for %q; got %v; want 0", target, n)
	}
}

// TestAppendRealTargets runs every request line of the real-log sample
// through Append and the regexp reference.
func TestAppendRealTargets(t *testing.T) {
	data, err := os.ReadFile("testdata/requests.txt")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range strings.Lines(string(data)) {
		method, target, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		checkKey(t, method, target)
		n++
	}
	if n < 1000 {
		t.Fatalf("unexpected number of requests in testdata/requests.txt; got %d; want >= 1000", n)
	}
}

func FuzzAppend(f *testing.F) {
	f.Add("GET", "/api/properties/61058?x=1")
	f.Add("GET", "http://h/users/550e8400-e29b-41d4-a716-446655440000")
	f.Add("", "-")
	f.Fuzz(checkKey)
}

// checkKey checks the key of one request against the regexp reference and
// for idempotence.
func checkKey(t *testing.T, method, target string) {
	t.Helper()
	prefix := []byte("pre")
	key := Append(prefix, []byte(method), []byte(target))
	if !bytes.HasPrefix(key, []byte("pre")) {
		t.Fatalf("unexpected prefix for %q; got %q; want %q", target, key, "pre")
	}
	key = key[len("pre"):]
	if want := refKey(method, target); string(key) != want {
		t.Fatalf("unexpected key for %q %q; got %q; want %q", method, target, key, want)
	}
	path := pathPart(string(key), method)
	if strings.ContainsAny(path, "?#") {
		t.Fatalf("unexpected query in key for %q; got %q; want no '?' or '#'", target, key)
	}
	if again := Append(nil, []byte(method), []byte(path)); string(again) != string(key) {
		t.Fatalf("unexpected key for its own path %q; got %q; want %q", path, again, key)
	}
}

// pathPart returns the path part of a key made with method.
func pathPart(key, method string) string {
	if key == Placeholder {
		return Placeholder
	}
	if method == "" {
		method = "-"
	}
	return key[len(method)+1:]
}

var (
	refAbsolute = regexp.MustCompile(`^[hH][tT][tT][pP][sS]?://[^/?#]*`) // not (?i): it folds "ſ" to "s"
	refID       = regexp.MustCompile(`^(?:[0-9]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]*[0-9][0-9a-fA-F]*)$`)
)

// refKey is a slow reference for Append built on regexp and strings.
func refKey(method, target string) string {
	p := target
	if loc := refAbsolute.FindStringIndex(p); loc != nil {
		p = p[loc[1]:]
		if !strings.HasPrefix(p, "/") {
			p = "/"
		}
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if p == "" || p == "-" {
		return "-"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if refID.MatchString(s) && (len(s) >= 8 || strings.Trim(s, "0123456789") == "") {
			segs[i] = "{id}"
		}
	}
	if method == "" {
		method = "-"
	}
	return method + " " + strings.Join(segs, "/")
}
