package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// memoryLimit is the Go runtime's soft memory limit while analysing with
// bounded summaries (see runtime/debug.SetMemoryLimit); GOMEMLIMIT
// overrides it.
const memoryLimit = 192 << 20

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("analyze", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	var o pipeline.Options
	fs.StringVar(&o.Format, "format", "", "input format: common, combined, combined_rt or json (default: detected per input)")
	fs.StringVar(&o.LogFormat, "log-format", "", "nginx log_format or Apache LogFormat string of the input")
	fs.StringVar(&o.DurationUnit, "duration-unit", "", "unit of the duration field: s, ms, us or ns (default: from the format)")
	output := fs.StringP("output", "o", "text", "report format: text, json, html (one self-contained page to share) or notification (the runbook's incident template)")
	rulesFile := fs.String("rules", "", "incident rules file (JSON, see docs/rules.md; default: the runbook's thresholds)")
	printRules := fs.Bool("print-rules", false, "print the incident rules in effect (defaults merged with --rules) and exit")
	fs.IntVar(&o.Top, "top", 10, "length of every top-N list")
	since := fs.String("since", "", "keep lines from this time (RFC 3339), or the last DURATION of the log (e.g. 1h)")
	until := fs.String("until", "", "keep lines before this time (RFC 3339)")
	fs.IntVar(&o.Workers, "workers", 0, "parsing goroutines (default: all cores)")
	fs.BoolVar(&o.Exact, "exact", false, "exact counts with memory growing with the input (default: bounded summaries)")
	quiet := fs.BoolP("quiet", "q", false, "print nothing but the report (no progress line, no warnings)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file (for go tool pprof)")
	_ = fs.MarkHidden("cpuprofile")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: analyze [flags] [FILE...]\n\nReads access or JSON logs (plain, gzip or zstd; - or no FILE reads stdin) and prints one report.\n\nFlags:\n%s", fs.FlagUsages())
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "analyze: %v (see analyze --help)\n", err)
		return 2
	}
	rules, err := loadRules(*rulesFile)
	if err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return 2
	}
	if *printRules {
		if err := pipeline.WriteRules(stdout, rules); err != nil {
			fmt.Fprintf(stderr, "analyze: %v\n", err)
			return 1
		}
		return 0
	}
	o.Windows = rules.WindowOptions(o.Windows)
	if err := setTimes(&o, *since, *until); err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return 2
	}
	if err := o.Validate(); err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return 2
	}
	write, ok := writers[*output]
	if !ok {
		fmt.Fprintf(stderr, "analyze: unknown --output %q: want text, json, html or notification\n", *output)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if os.Getenv("GOMEMLIMIT") == "" && !o.Exact {
		// Bounded summaries keep the live heap small; a soft limit keeps
		// the garbage around it small too, so peak RSS stays near it.
		debug.SetMemoryLimit(memoryLimit)
	}
	if *cpuProfile != "" {
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "analyze: %v\n", err)
			return 1
		}
		defer stopProfile()
	}
	bar := newProgress(stderr, fs.Args(), *quiet)
	if bar != nil {
		o.Progress = bar.add
	}
	res, err := pipeline.Run(ctx, fs.Args(), stdin, o)
	if bar != nil {
		bar.finish()
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "analyze: interrupted")
		return 130
	}
	if err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return 1
	}
	rep := res.Report()
	rep.Incidents = res.Incidents(rules)
	if err := write(stdout, rep); err != nil {
		fmt.Fprintf(stderr, "analyze: cannot write report: %v\n", err)
		return 1
	}
	if rep.Input.Parsed == 0 && rep.Input.Filtered == 0 {
		fmt.Fprintf(stderr, "analyze: no line could be parsed as %s\n%s", rep.Input.Format, samples(rep))
		return 1
	}
	if !*quiet && rep.Input.Malformed > 0 && *output != "text" {
		fmt.Fprintf(stderr, "analyze: %d of %d lines could not be parsed\n", rep.Input.Malformed, rep.Input.Lines)
	}
	return 0
}

var writers = map[string]func(io.Writer, *report.Report) error{
	"text":         report.WriteText,
	"json":         report.WriteJSON,
	"notification": report.WriteNotification,
	"html":         report.WriteHTML,
}

func loadRules(path string) (pipeline.Rules, error) {
	if path == "" {
		return pipeline.DefaultRules(), nil
	}
	return pipeline.ReadRules(path)
}

// setTimes interprets --since (a time, or a duration back from the end of
// the log) and --until.
func setTimes(o *pipeline.Options, since, until string) error {
	if since != "" {
		if d, err := time.ParseDuration(since); err == nil {
			if d <= 0 {
				return fmt.Errorf("cannot use --since %q: the duration must be positive", since)
			}
			o.Last = d
		} else if o.Since, err = time.Parse(time.RFC3339, since); err != nil {
			return fmt.Errorf("cannot parse --since %q: want RFC 3339 (2026-01-02T15:04:05Z) or a duration (1h)", since)
		}
	}
	if until != "" {
		var err error
		if o.Until, err = time.Parse(time.RFC3339, until); err != nil {
			return fmt.Errorf("cannot parse --until %q: want RFC 3339 (2026-01-02T15:04:05Z)", until)
		}
	}
	return nil
}

func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cannot create CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot start CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func samples(rep *report.Report) string {
	var b strings.Builder
	for _, s := range rep.Input.MalformedSamples {
		fmt.Fprintf(&b, "  %s:%d: %s: %q\n", s.File, s.Line, s.Reason, s.Text)
	}
	return b.String()
}
