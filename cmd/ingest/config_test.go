package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// writeConfig writes text to a config file of the test and returns its
// path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ingest.conf")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// parseWith parses args, with env as the environment and --config set to
// a file of text when text is not empty.
func parseWith(t *testing.T, text string, args []string, env map[string]string) (*config, error) {
	t.Helper()
	if text != "" {
		args = append([]string{"--config", writeConfig(t, text)}, args...)
	}
	return parse(args, &bytes.Buffer{}, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}

// settings is what the config tests look at of a config.
type settings struct {
	Brokers, Topics, Fields, Webhooks, Probes []string
	Group, HTTPAddr, Expect                   string
	Flush                                     time.Duration
	TLS                                       bool
}

func settingsOf(c *config) settings {
	s := settings{
		Brokers: c.opts.Kafka.Brokers, Topics: c.opts.Kafka.Topics, Fields: c.opts.Engine.Fields, Webhooks: c.notify.Webhooks,
		Group: c.opts.Kafka.Group, HTTPAddr: c.httpAddr, Flush: c.opts.Flush, TLS: c.tls.enabled,
	}
	for _, p := range c.monitor.probes {
		s.Probes = append(s.Probes, p.Name+" "+p.URL)
		s.Expect += p.Expect + ";"
	}
	return s
}

// base is a config file with what every run needs.
const base = "brokers = a:1\ntopic = logs\npg = postgres://h/db\n"

func TestConfigFileSuccess(t *testing.T) {
	f := func(text string, args []string, env map[string]string, edit func(*settings)) {
		t.Helper()
		c, err := parseWith(t, text, args, env)
		if err != nil {
			t.Fatalf("cannot parse config %q with args %q and env %v: %v", text, args, env, err)
		}
		// want: the defaults of a run with the base settings, as edit
		// changes them.
		want := settings{Brokers: []string{"a:1"}, Topics: []string{"logs"}, Group: "vigil", HTTPAddr: "127.0.0.1:9464", Flush: 2 * time.Second}
		edit(&want)
		if diff := cmp.Diff(want, settingsOf(c)); diff != "" {
			t.Fatalf("unexpected settings for config %q, args %q, env %v (-want +got):\n%s", text, args, env, diff)
		}
	}
	same := func(*settings) {}
	f(base, nil, nil, same)

	// Precedence: command line > environment > file > default.
	f(base+"group = file\n", nil, nil, func(s *settings) { s.Group = "file" })
	f(base+"group = file\n", nil, map[string]string{"VIGIL_GROUP": "env"}, func(s *settings) { s.Group = "env" })
	f(base+"group = file\n", []string{"--group", "cli"}, map[string]string{"VIGIL_GROUP": "env"}, func(s *settings) { s.Group = "cli" })
	f(base, []string{"--group", "cli"}, nil, func(s *settings) { s.Group = "cli" })
	// The file named in the environment.
	f("", nil, map[string]string{"VIGIL_CONFIG": writeConfig(t, base+"flush = 5s\n")}, func(s *settings) { s.Flush = 5 * time.Second })

	// Both forms, blanks, comments, quotes.
	f(base+"flush 5s\n\n  # a comment\ngroup=g2   # the group\nhttp-addr = \"\"\n", nil, nil, func(s *settings) {
		s.Flush, s.Group, s.HTTPAddr = 5*time.Second, "g2", ""
	})
	f(base+"http-addr =\r\n", nil, nil, func(s *settings) { s.HTTPAddr = "" })
	f(base+"group = \" a # b \"  # comment\n", nil, nil, func(s *settings) { s.Group = " a # b " })
	f(base+"group = a#b\n", nil, nil, func(s *settings) { s.Group = "a#b" })

	// Repeatable settings: each line a value, in order; a slice takes
	// commas too; the command line or the environment replaces them all.
	f("pg = postgres://h/db\nbrokers = a:1,b:2\nbrokers c:3\ntopic = x\ntopic = y\nfield = status=code\nfield = path=url\nwebhook = http://h/1\nwebhook = http://h/2\n", nil, nil, func(s *settings) {
		s.Brokers, s.Topics = []string{"a:1", "b:2", "c:3"}, []string{"x", "y"}
		s.Fields, s.Webhooks = []string{"status=code", "path=url"}, []string{"http://h/1", "http://h/2"}
	})
	f(base+"topic = y\n", []string{"--topic", "z"}, nil, func(s *settings) { s.Topics = []string{"z"} })
	f(base+"topic = y\n", nil, map[string]string{"VIGIL_TOPIC": "e1,e2"}, func(s *settings) { s.Topics = []string{"e1", "e2"} })
	probes := "probe = api=http://h/api/health,expect=ok,every=1m\nprobe db=http://h/api/health/database,expect=all connected # the database\n"
	f(base+probes, nil, nil, func(s *settings) {
		s.Probes, s.Expect = []string{"api http://h/api/health", "db http://h/api/health/database"}, "ok;all connected;"
		s.Topics = []string{"logs", "vigil-monitor"}
	})
	f(base+probes, []string{"--probe", "x=http://h/x"}, nil, func(s *settings) {
		s.Probes, s.Expect = []string{"x http://h/x"}, ";"
		s.Topics = []string{"logs", "vigil-monitor"}
	})

	// A flag without a value: its name alone.
	f(base+"tls\n", nil, nil, func(s *settings) { s.TLS = true })
	f(base+"tls = false\n", nil, nil, same)
	f(base+"tls = false\n", []string{"--tls"}, nil, func(s *settings) { s.TLS = true })
}

func TestConfigFileFailure(t *testing.T) {
	f := func(text, want string) {
		t.Helper()
		path := writeConfig(t, text)
		_, err := parse([]string{"--config", path}, &bytes.Buffer{}, func(string) (string, bool) { return "", false })
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("unexpected error for config %q; got %v; want one saying %q", text, err, want)
		}
		if !strings.HasPrefix(err.Error(), path+":") {
			t.Fatalf("unexpected error for config %q; got %v; want it to start with %s:LINE", text, err, path)
		}
	}
	f(base+"grup = g\n", `:4: unknown setting "grup"`)
	f("# settings\n--brokers = a:1\n", `:2: unknown setting "--brokers"`)
	f(base+"= g\n", `:4: cannot read "= g": want name = value`)
	f(base+"flush = soon\n", `:4: cannot set flush to "soon"`)
	f(base+"flush\n", ":4: flush needs a value")
	f(base+"tls = maybe\n", `:4: cannot set tls to "maybe"`)
	f(base+"group = a\n\ngroup = b\n", ":6: group set again (first on line 4): only alert-label, alertmanager, brokers, field, probe, topic, webhook take several values")
	f(base+"probe = api\n", `:4: cannot set probe to "api": cannot parse probe "api"`)
	f(base+"group = \"open\n", ":4: cannot read the value of group: unterminated or malformed quoted string")
	f(base+"group = \"a\" b\n", `:4: cannot read the value of group: unexpected "b" after the quoted value`)
	f(base+"config = other.conf\n", ":4: cannot name a config file in a config file")
	// Validation after the file names no line.
	_, err := parseWith(t, "brokers = a:1\npg = postgres://h/db\n", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "without brokers, topics and a group") {
		t.Fatalf("unexpected error for a config without topics; got %v", err)
	}
	_, err = parse([]string{"--config", "/nonexistent/ingest.conf"}, &bytes.Buffer{}, func(string) (string, bool) { return "", false })
	if err == nil || !strings.Contains(err.Error(), "cannot read the config file: open /nonexistent/ingest.conf") {
		t.Fatalf("unexpected error for a missing config file; got %v", err)
	}
}
