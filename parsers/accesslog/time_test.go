package accesslog

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigil-ops/vigil/parsers/internal/parsertest"
)

// TestTimeRandom compares the hand-written time parsers with time.Parse on
// random times across the whole supported range and random zones, in an
// order that defeats the day cache.
func TestTimeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lo := time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC).Add(24 * time.Hour).Unix()
	hi := time.Date(maxYear, 12, 31, 0, 0, 0, 0, time.UTC).Unix()
	p := NewParser(mustNamed(t, "combined"), Options{})
	f := func(kind kind, layout string, tm time.Time) {
		t.Helper()
		s := tm.Format(layout)
		want, err := time.Parse(layout, s)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := p.time(&item{kind: kind}, []byte(s))
		if !ok || got != want.UnixNano() {
			t.Fatalf("unexpected time for %q; got %d, %v; want %d", s, got, ok, want.UnixNano())
		}
	}
	for range 20000 {
		sec := lo + rng.Int64N(hi-lo)
		if rng.IntN(4) == 0 { // Many lines on one day, for the cache.
			sec = 1431857103 + rng.Int64N(86400)
		}
		zone := time.FixedZone("", (rng.IntN(24*60*2-1)-(24*60-1))*60)
		tm := time.Unix(sec, rng.Int64N(1e9)).In(zone)
		f(kTimeLocal, "02/Jan/2006:15:04:05 -0700", tm.Truncate(time.Second))
		f(kTimeISO, "2006-01-02T15:04:05-07:00", tm.Truncate(time.Second))
		f(kTimeISO, time.RFC3339Nano, tm)
		f(kTimeISO, "2006-01-02T15:04:05.000-0700", tm)
	}
}

// TestTimeISO checks $time_iso8601 against parsertest.ISO8601, the
// reference of parsers.ParseISO8601: the one ISO 8601 rule of every
// parser, a comma before the fraction included.
func TestTimeISO(t *testing.T) {
	p := NewParser(mustNamed(t, "combined"), Options{})
	f := func(s string, wantOK bool) {
		t.Helper()
		got, ok := p.time(&item{kind: kTimeISO}, []byte(s))
		want, refOK := parsertest.ISO8601(s)
		if refOK != wantOK {
			t.Fatalf("unexpected reference result for %q; got %v; want %v", s, refOK, wantOK)
		}
		if ok != wantOK || got != want {
			t.Fatalf("unexpected time for %q; got %d, %v; want %d, %v", s, got, ok, want, wantOK)
		}
	}
	f("2020-01-01T00:00:00.123Z", true)
	f("2020-01-01T00:00:00,123Z", true) // ISO 8601's comma
	f("2020-01-01T00:00:00,000+01:00", true)
	f("2020-01-01t00:00:00z", true)
	f("2020-01-01 00:00:00+00:00", true)
	f("2020-01-01T00:00:00+01", true)
	f("2020-01-01T00:00:00-0130", true)
	f("1678-01-01T00:00:00Z", true)
	f("2261-12-31T23:59:59.999999999Z", true)
	f("2020-01-01T00:00:00", false)
	f("2020-01-01T00:00:00.+00:00", false)
	f("2020-01-01T00:00:00,Z", false)
	f("2020-01-01T00:00:00+0000x", false)
	f("2020-01-01T00:00:00+00-00", false)
	f("2020-01-01T00:00:00+24:00", false)
	f("2020-13-01T00:00:00Z", false)
	f("2020-02-30T00:00:00Z", false)
	f("2020/01/01T00:00:00Z", false)
	f("2020-01-01T24:00:00Z", false)
	f("1677-12-31T23:59:59Z", false)
	f("2262-01-01T00:00:00Z", false)
}

func TestTimeEpoch(t *testing.T) {
	p := NewParser(mustNamed(t, "combined"), Options{})
	f := func(u unit, s string, want int64, wantOK bool) {
		t.Helper()
		got, ok := p.time(&item{kind: kEpoch, unit: u}, []byte(s))
		if got != want || ok != wantOK {
			t.Fatalf("unexpected time for %q; got %d, %v; want %d, %v", s, got, ok, want, wantOK)
		}
	}
	f(unitS, "1577836800.123", 1577836800123000000, true)
	f(unitS, "1577836800", 1577836800000000000, true)
	f(unitMS, "1577836800123", 1577836800123000000, true)
	f(unitUS, "1577836800123456", 1577836800123456000, true)
	f(unitS, "-", 0, true)
	f(unitS, "99999999999", 0, false)
	f(unitS, "1e9", 0, false)
	f(unitS, "9999999999.999999999", 0, false)
}
