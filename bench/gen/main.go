package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vigil-ops/vigil/bench/loggen"
)

func main() {
	err := run(os.Args[1:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	lines := fs.Int("lines", loggen.DefaultLines, "number of lines")
	seed := fs.Uint64("seed", 0, "random seed; the same flags give the same bytes")
	format := fs.String("format", loggen.DefaultFormat, "combined, combined_rt or json")
	start := fs.String("start", loggen.DefaultStart.Format(time.RFC3339), "time of the first events, RFC 3339")
	rate := fs.Float64("rate", loggen.DefaultRate, "mean lines per second over a day")
	inject := fs.Bool("inject", false, "inject incidents")
	labels := fs.String("labels", "", "write the labels of injected incidents to this JSON file")
	out := fs.String("o", "", "write the log to this file instead of stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		return fmt.Errorf("cannot parse -start: %w", err)
	}
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w = f
	}
	ls, err := loggen.Generate(w, loggen.Options{Lines: *lines, Seed: *seed, Format: *format, Start: t, Rate: *rate, Inject: *inject})
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil || *labels == "" {
		return err
	}
	data, err := json.MarshalIndent(ls, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(*labels, append(data, '\n'), 0o644)
}
