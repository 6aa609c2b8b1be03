package parsers

import (
	"testing"
	"time"
)

func TestParseISO8601Success(t *testing.T) {
	f := func(in string, zoneless bool, want string) {
		t.Helper()
		w, err := time.Parse(time.RFC3339Nano, want)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := ParseISO8601([]byte(in), zoneless)
		if !ok || got != w.UnixNano() {
			t.Fatalf("unexpected time for %q; got %d, %v; want %d", in, got, ok, w.UnixNano())
		}
	}
	f("2016-08-10T22:08:42.945958Z", false, "2016-08-10T22:08:42.945958Z")
	// zap's ISO 8601 with a zone without a colon (issue 10).
	f("2024-05-26T20:42:52.601+0900", false, "2024-05-26T20:42:52.601+09:00")
	f("2024-05-26 20:42:52,5-05", false, "2024-05-26T20:42:52.5-05:00")
	f("2024-05-26t20:42:52z", false, "2024-05-26T20:42:52Z")
	f("2024-05-26T20:42:52.1234567899", true, "2024-05-26T20:42:52.123456789Z")
}

func TestParseISO8601Failure(t *testing.T) {
	f := func(in string, zoneless bool) {
		t.Helper()
		if got, ok := ParseISO8601([]byte(in), zoneless); ok {
			t.Fatalf("unexpected success for %q; got %d; want failure", in, got)
		}
	}
	f("2016-08-10T22:08:42", false)
	f("2016-08-10T2:08:42Z", false)
	f("2016-02-30T22:08:42Z", false)
	f("2016-08-10T22:08:60Z", false)
	f("2016-08-10T22:08:42+2400", false)
	f("2016-08-10T22:08:42+09:0", false)
	f("2016-08-10T22:08:42.Z", false)
	f("1600-08-10T22:08:42Z", false)
}

func TestSplitURL(t *testing.T) {
	f := func(in, host, target string) {
		t.Helper()
		h, tg := SplitURL([]byte(in))
		if string(h) != host || string(tg) != target {
			t.Fatalf("unexpected split of %q; got %q, %q; want %q, %q", in, h, tg, host, target)
		}
	}
	f("https://www.example.com:443/a?b=1", "www.example.com:443", "/a?b=1")
	f("http://h", "h", "/")
	f("/a://b", "", "/a://b")
	f("/x", "", "/x")
}
