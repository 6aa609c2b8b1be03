package codectest

import (
	"errors"
	"fmt"
	"testing"
)

func TestForm(t *testing.T) {
	got := fmt.Sprintf("%x", Form(byte(7), uint64(300), int64(-2), 1.0, "ab", []byte{0xff}))
	if want := "07ac0203000000000000f03f6162ff"; got != want {
		t.Errorf("unexpected form; got %s; want %s", got, want)
	}
}

func TestCheckTruncated(t *testing.T) {
	var cuts []int
	CheckTruncated(t, "abc", []byte("abc"), func(b []byte) error {
		cuts = append(cuts, len(b))
		return errors.New("x: truncated at byte 0")
	})
	if fmt.Sprint(cuts) != "[0 1 2]" {
		t.Errorf("unexpected cuts; got %v; want [0 1 2]", cuts)
	}
}

type form string

func (f form) AppendBinary(dst []byte) ([]byte, error) { return append(dst, f...), nil }

func TestMustEncode(t *testing.T) {
	if got := string(MustEncode(t, form("abc"))); got != "abc" {
		t.Errorf("unexpected form; got %q; want \"abc\"", got)
	}
}
