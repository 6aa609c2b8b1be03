package parsers

import (
	"strings"
	"testing"
)

func TestParseFieldSpecSuccess(t *testing.T) {
	f := func(s string, want FieldSpec) {
		t.Helper()
		got, err := ParseFieldSpec(s)
		if err != nil || got != want {
			t.Fatalf("unexpected spec for %q; got %+v, %v; want %+v", s, got, err, want)
		}
	}
	f("status=http.status_code", FieldSpec{RoleStatus, "http.status_code"})
	f("path=req.url", FieldSpec{RolePath, "req.url"})
	f("user_agent=ua=x", FieldSpec{RoleUserAgent, "ua=x"})
	// Every role by its name.
	for r := range NumRoles {
		f(r.String()+"=k", FieldSpec{r, "k"})
	}
}

func TestParseFieldSpecFailure(t *testing.T) {
	f := func(s, want string) {
		t.Helper()
		_, err := ParseFieldSpec(s)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), RoleNames()) {
			t.Fatalf("unexpected error for %q; got %v; want one saying %q and naming the roles", s, err, want)
		}
	}
	f("statuscode", "want role=name")
	f("status=", "want role=name")
	f("target=uri", `unknown role "target"`)
	f("=x", `unknown role ""`)
	f("Status=x", `unknown role "Status"`)
	if _, err := ParseFieldSpecs([]string{"status=a", "nope=b"}); err == nil {
		t.Fatal("unexpected success for an unknown role among others")
	}
}

func TestSuffixUnit(t *testing.T) {
	f := func(name string, want Unit) {
		t.Helper()
		if got := SuffixUnit(name); got != want {
			t.Fatalf("unexpected unit for %q; got %d; want %d", name, got, want)
		}
	}
	f("total_ms", UnitMS)
	f("t_us", UnitUS)
	f("elapsed_seconds", UnitS)
	f("d_nsec", UnitNS)
	f("x_s", UnitS)
	f("ms", UnitAuto)
	f("duration", UnitAuto)
	f("items", UnitAuto)
}
