package xxhash

import "testing"

func TestSum64(t *testing.T) {
	// Reference values of XXH64 with seed 0.
	f := func(in string, want uint64) {
		t.Helper()
		if got := Sum64([]byte(in)); got != want {
			t.Fatalf("unexpected hash for %q; got %#x; want %#x", in, got, want)
		}
	}
	f("", 0xef46db3751d8e999)
	f("a", 0xd24ec4f1a98c6e5b)
	f("as", 0x1c330fb2d66be179)
	f("asd", 0x631c37ce72a97393)
	f("asdf", 0x415872f599cea71e)
	// 63 bytes: one 32-byte stripe, three 8-byte lanes, a 4-byte lane and
	// three single bytes.
	f("Call me Ishmael. Some years ago--never mind how long precisely-", 0x02a2e85470d6fd96)
}
