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
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/vigil-ops/vigil/pipeline"
	"github.com/vigil-ops/vigil/pipeline/detect"
	"github.com/vigil-ops/vigil/pipeline/notify"
	"github.com/vigil-ops/vigil/pipeline/report"
)

// memoryLimit is the Go runtime's soft memory limit while analysing with
// bounded summaries (see runtime/debug.SetMemoryLimit); GOMEMLIMIT
// overrides it.
const memoryLimit = 192 << 20

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitSIGINT  = 130
	exitSIGTERM = 143
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// config is the command line, parsed.
type config struct {
	opts         pipeline.Options
	output       string
	rulesFile    string
	printRules   bool
	listFormats  bool
	since, until string
	quiet        bool
	follow       bool
	idle         time.Duration
	allowDamaged bool
	cpuProfile   string
	paths        []string
	pgDSN        string
	notify       notify.Config
	notifier     *notify.Notifier
	httpAddr     string
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	o := &c.opts
	fs := pflag.NewFlagSet("analyze", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Format, "format", "", "input format (see --list-formats; default: detected per input)")
	fs.StringVar(&o.LogFormat, "log-format", "", "nginx log_format, Apache LogFormat or HAProxy log-format string of the input")
	fs.StringVar(&o.DurationUnit, "duration-unit", "", "unit of the duration field: s, ms, us or ns (default: from the format)")
	fs.StringArrayVar(&o.Fields, "field", nil, "role=name: read a role (status, path, duration, time, level, msg, ...) of JSON and logfmt lines from key name, before the built-in names; a dotted name reaches into nested JSON, e.g. status=http.status_code (repeatable)")
	fs.StringVarP(&c.output, "output", "o", "text", "report format: text, json, html (one self-contained page to share) or notification (the runbook's incident template); with --follow, text or json events")
	fs.StringVar(&c.rulesFile, "rules", "", "incident rules file (JSON, see docs/rules.md; default: the runbook's thresholds)")
	fs.BoolVar(&c.printRules, "print-rules", false, "print the incident rules in effect (defaults merged with --rules) and exit")
	fs.BoolVar(&c.listFormats, "list-formats", false, "list the input formats with an example line each and exit")
	fs.IntVar(&o.Top, "top", 10, "length of every top-N list")
	fs.StringVar(&c.since, "since", "", "keep lines from this time (RFC 3339), or the last DURATION of the log (e.g. 1h)")
	fs.StringVar(&c.until, "until", "", "keep lines before this time (RFC 3339)")
	fs.IntVar(&o.Workers, "workers", 0, fmt.Sprintf("parsing goroutines, 1 to %d (default: all cores)", pipeline.MaxWorkers))
	fs.BoolVar(&o.Exact, "exact", false, "lift every memory budget: exact counts whatever the cardinality (default: exact while within budget, then bounded summaries)")
	fs.DurationVar(&o.Lateness, "lateness", pipeline.DefaultLateness, "how far behind the newest time of its input a line may be and still count in its window")
	fs.DurationVar(&o.TimelineStep, "timeline-step", 0, "timeline row length (default: the window, coarser for long logs so that a report has at most 1,440 rows)")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "print nothing but the report (no progress or status line, no warnings)")
	fs.BoolVarP(&c.follow, "follow", "f", false, "follow the files like tail -F and print incident events as they happen; Ctrl-C prints the final report")
	fs.DurationVar(&c.idle, "idle", 5*time.Second, "with --follow: close the open windows after this long without new lines")
	fs.BoolVar(&c.allowDamaged, "allow-damaged", false, "exit 0 even when a compressed input ends early (the report still says so)")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile to this file (for go tool pprof)")
	_ = fs.MarkHidden("cpuprofile")
	fs.StringVar(&c.pgDSN, "pg", "", pgUsage)
	notifyFlags(fs, &c.notify)
	fs.StringVar(&c.httpAddr, "http-addr", "", "with --follow: serve the live page (/, /api/report) on this address, e.g. 127.0.0.1:8080 (:0 picks a port; the address is printed on stderr)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: analyze [flags] [FILE...]\n\nReads access or JSON logs (plain, gzip or zstd; - or no FILE reads stdin) and prints one report.\n\nFlags:\n%s", fs.FlagUsages())
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.Top < 1 {
		return nil, fmt.Errorf("cannot list the top %d: --top wants 1 or more", o.Top)
	}
	if fs.Changed("workers") && o.Workers < 1 {
		return nil, fmt.Errorf("cannot use --workers %d: want 1 to %d", o.Workers, pipeline.MaxWorkers)
	}
	if c.idle <= 0 {
		return nil, fmt.Errorf("cannot use --idle %s: want a positive duration", c.idle)
	}
	if c.httpAddr != "" && !c.follow {
		return nil, errors.New("cannot serve the live page without --follow: --http-addr is for live runs")
	}
	c.paths = fs.Args()
	return c, checkPG(c)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, pflag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "analyze: %v (see analyze --help)\n", err)
		return exitUsage
	}
	if c.listFormats {
		return listFormats(stdout)
	}
	if c.opts.Rules, err = loadRules(c.rulesFile); err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return exitUsage
	}
	if c.printRules {
		if err := detect.WriteRules(stdout, c.opts.Rules); err != nil {
			fmt.Fprintf(stderr, "analyze: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	write, ok := writers[c.output]
	if !ok || (c.follow && c.output != "text" && c.output != "json") {
		fmt.Fprintf(stderr, "analyze: unknown --output %q: want text, json, html or notification (text or json with --follow)\n", c.output)
		return exitUsage
	}
	last, err := setTimes(&c.opts, c.since, c.until)
	if err == nil {
		err = c.opts.Validate()
	}
	if err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return exitUsage
	}
	if c.notifier, err = startNotify(c, stderr); err != nil {
		fmt.Fprintf(stderr, "analyze: %v\n", err)
		return exitUsage
	}
	defer c.notifier.Stop(func(format string, args ...any) { fmt.Fprintf(stderr, "analyze: "+format+"\n", args...) })
	ctx, sig := signalContext()
	if os.Getenv("GOMEMLIMIT") == "" && !c.opts.Exact {
		// Bounded summaries keep the live heap small; a soft limit keeps
		// the garbage around it small too, so peak RSS stays near it.
		debug.SetMemoryLimit(memoryLimit)
	}
	if c.cpuProfile != "" {
		stopProfile, err := startCPUProfile(c.cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "analyze: %v\n", err)
			return exitFailed
		}
		defer stopProfile()
	}
	if last > 0 {
		if err := sinceLast(ctx, c, stdin, last); err != nil {
			return fail(stderr, sig, err)
		}
	}
	res, err := runEngine(ctx, c, stdin, stdout, stderr)
	if err != nil {
		return fail(stderr, sig, err)
	}
	rep := res.Report()
	if err := write(stdout, rep); err != nil {
		fmt.Fprintf(stderr, "analyze: cannot write report: %v\n", err)
		return exitFailed
	}
	return status(c, rep, stderr)
}

// fail reports err, naming the signal when one stopped the run.
func fail(stderr io.Writer, sig func() os.Signal, err error) int {
	switch sig() {
	case os.Interrupt:
		fmt.Fprintln(stderr, "analyze: interrupted")
		return exitSIGINT
	case syscall.SIGTERM:
		fmt.Fprintln(stderr, "analyze: terminated")
		return exitSIGTERM
	}
	fmt.Fprintf(stderr, "analyze: %v\n", err)
	return exitFailed
}

// status is the exit status of a run that wrote its report.
func status(c *config, rep *report.Report, stderr io.Writer) int {
	in := &rep.Input
	code := exitOK
	for _, f := range in.Files {
		for _, w := range f.Warnings {
			if !c.quiet {
				fmt.Fprintf(stderr, "analyze: warning: %s\n", report.Visible(w))
			}
		}
		if f.Error != "" {
			fmt.Fprintf(stderr, "analyze: %s\n", f.Error)
			if !c.allowDamaged {
				code = exitFailed
			}
		}
	}
	switch {
	case in.Lines == 0 && !c.follow:
		fmt.Fprintf(stderr, "analyze: the input is empty: no line to analyze\n")
		return exitFailed
	case in.Parsed == 0 && in.Filtered == 0 && !c.follow:
		fmt.Fprintf(stderr, "analyze: no line could be parsed as %s\n%s", in.Format, samples(rep))
		return exitFailed
	}
	if !c.quiet && in.Malformed > 0 && c.output != "text" {
		fmt.Fprintf(stderr, "analyze: %d of %d lines could not be parsed\n", in.Malformed, in.Lines)
	}
	return code
}

// signalContext returns a context cancelled by SIGINT or SIGTERM, and
// which signal did it.
func signalContext() (context.Context, func() os.Signal) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	var got os.Signal
	done := make(chan struct{})
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		got = <-ch
		close(done)
		cancel()
	}()
	return ctx, func() os.Signal {
		select {
		case <-done:
			return got
		default:
			return nil
		}
	}
}

var writers = map[string]func(io.Writer, *report.Report) error{
	"text":         report.WriteText,
	"json":         report.WriteJSON,
	"notification": report.WriteNotification,
	"html":         report.WriteHTML,
}

func loadRules(path string) (detect.Rules, error) {
	if path == "" {
		return detect.DefaultRules(), nil
	}
	return detect.ReadRules(path)
}

// setTimes interprets --since (a time, or a duration back from the end of
// the log, returned) and --until.
func setTimes(o *pipeline.Options, since, until string) (last time.Duration, err error) {
	if since != "" {
		if d, err := time.ParseDuration(since); err == nil {
			if d <= 0 {
				return 0, fmt.Errorf("cannot use --since %q: the duration must be positive", since)
			}
			last = d
		} else if o.Since, err = time.Parse(time.RFC3339, since); err != nil {
			return 0, fmt.Errorf("cannot parse --since %q: want RFC 3339 (2026-01-02T15:04:05Z) or a duration (1h)", since)
		}
	}
	if until != "" {
		if o.Until, err = time.Parse(time.RFC3339, until); err != nil {
			return 0, fmt.Errorf("cannot parse --until %q: want RFC 3339 (2026-01-02T15:04:05Z)", until)
		}
	}
	return last, nil
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
