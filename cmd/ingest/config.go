package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// configFlag is the flag naming the config file; it cannot be set in one.
const configFlag = "config"

// fromFile sets each flag not given yet (on the command line or in the
// environment: f.Changed) from the config file at path (docs/ingest.md,
// "Config file"): one setting a line, `name = value` or `name value`, the
// names those of the long flags, `#` comments, a repeatable flag's name on
// several lines for several values. A setting of a flag already given is
// read but not used: the command line and the environment win whole.
func fromFile(fs *pflag.FlagSet, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read the config file: %w", err)
	}
	first := map[string]int{} // setting → line it was first set on
	given := map[string]bool{}
	fs.VisitAll(func(f *pflag.Flag) { given[f.Name] = f.Changed })
	n := 0
	for line := range strings.Lines(string(data)) {
		n++
		name, value, err := configLine(fs, line)
		if err == nil && name != "" {
			err = setFromFile(fs, name, value, n, first, given[name])
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return nil
}

// setFromFile sets flag name to value from line n unless given is set,
// refusing a second value for a flag that takes one.
func setFromFile(fs *pflag.FlagSet, name, value string, n int, first map[string]int, given bool) error {
	f := fs.Lookup(name)
	if prev, ok := first[name]; ok && !repeatable(f) {
		return fmt.Errorf("%s set again (first on line %d): only %s take several values", name, prev, repeatableNames(fs))
	}
	if _, ok := first[name]; !ok {
		first[name] = n
	}
	if given {
		return nil
	}
	if err := f.Value.Set(value); err != nil {
		return fmt.Errorf("cannot set %s to %q: %w", name, value, err)
	}
	return nil
}

// configLine returns the setting of one line of a config file, the name
// empty for a blank line or a comment. The value is what follows the name
// and an optional `=`, up to a `#` after a blank (a comment) or the end,
// blanks trimmed; a value in double quotes is a Go string literal, and
// may hold `#` and blanks at its ends. A name alone sets a flag that
// takes no value (--tls) to its implied value.
func configLine(fs *pflag.FlagSet, line string) (name, value string, err error) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return "", "", nil
	}
	end := strings.IndexAny(line, " \t=")
	if end < 0 {
		end = len(line)
	}
	name, rest := line[:end], strings.TrimLeft(line[end:], " \t")
	rest, eq := strings.CutPrefix(rest, "=")
	rest = strings.TrimLeft(rest, " \t")
	switch f := fs.Lookup(name); {
	case name == "":
		return "", "", fmt.Errorf("cannot read %q: want name = value", line)
	case f == nil:
		return "", "", fmt.Errorf("unknown setting %q: want the name of a flag of ingest --help, without dashes", name)
	case name == configFlag:
		return "", "", fmt.Errorf("cannot name a config file in a config file")
	case !eq && (rest == "" || rest[0] == '#'):
		if f.NoOptDefVal == "" {
			return "", "", fmt.Errorf("%s needs a value: %s = VALUE", name, name)
		}
		return name, f.NoOptDefVal, nil
	}
	value, err = configValue(rest)
	if err != nil {
		return "", "", fmt.Errorf("cannot read the value of %s: %w", name, err)
	}
	return name, value, nil
}

// configValue is the value at the start of s, its comment cut.
func configValue(s string) (string, error) {
	if s == "" || s[0] != '"' {
		for i := 1; i < len(s); i++ {
			if s[i] == '#' && (s[i-1] == ' ' || s[i-1] == '\t') {
				s = s[:i]
				break
			}
		}
		return strings.TrimRight(s, " \t"), nil
	}
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", fmt.Errorf("unterminated or malformed quoted string %s", s)
	}
	if rest := strings.TrimLeft(s[len(q):], " \t"); rest != "" && rest[0] != '#' {
		return "", fmt.Errorf("unexpected %q after the quoted value", rest)
	}
	return strconv.Unquote(q)
}

// repeatable reports whether f takes several values: a list, each value
// appended.
func repeatable(f *pflag.Flag) bool {
	switch f.Value.(type) {
	case pflag.SliceValue, *probeList:
		return true
	}
	return false
}

// repeatableNames lists the names of fs's repeatable flags.
func repeatableNames(fs *pflag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if repeatable(f) {
			names = append(names, f.Name)
		}
	})
	slices.Sort(names)
	return strings.Join(names, ", ")
}
