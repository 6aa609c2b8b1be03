// Package applog parses plain-text application log lines, a leading
// timestamp and a level word, as log4j, logback, Spring Boot, Python's
// logging, Rails, Go's log package and klog write them, into
// [parsers.Record]s of kind [parsers.KindApp] without allocating.
//
// # Usage
//
//	p := applog.NewParser(applog.Options{})
//	var r parsers.Record
//	for each line {
//		switch err := p.Parse(line, &r); {
//		case err == parsers.ErrContinuation:
//			// part of the record above (a stack trace line)
//		case err != nil:
//			// count err.(*parsers.SyntaxError).Reason; skip the line
//		default:
//			// use r.Time, r.Level, r.Message before the next Parse
//		}
//	}
//
// # Timestamps
//
// A line starts with its timestamp, optionally after "[" or after Rails's
// "X, [" (a capital letter, a comma, a space and "["):
//
//   - ISO 8601: 2006-01-02T15:04:05, 'T', 't' or ' ' between date and
//     time, an optional fraction after '.' or ',' (log4j, logback and
//     Python logging write "2006-01-02 15:04:05,000"), and an optional
//     zone: Z, ±hh:mm, ±hhmm or ±hh.
//   - Go's log package: 2006/01/02 15:04:05, optional fraction.
//   - syslog: "Jan _2 15:04:05" (the day space-padded, zero-padded or
//     one digit), optional fraction.
//   - log4j's yy/MM/dd, Spark's and Hadoop's default: 06/01/02
//     15:04:05, optional fraction; the year is 2000 + yy. A two-digit
//     date is always read year first: a day- or month-first one
//     ("02/01/06") whose values are valid is misread, so such logs need
//     their own format.
//   - klog and glog: a severity letter I, W, E or F, then mmdd or
//     yyyymmdd, a space and 15:04:05 with an optional fraction
//     ("E0907 12:34:56.789012   1234 file.go:12] msg").
//
// The timestamp must be followed by the end of the line or a byte that is
// not a letter or a digit (for ISO 8601, not '+' or '-' either, unless it
// begins a zone); when its fraction is not, the timestamp ends before the
// fraction, as a regular expression would backtrack. A line without such a
// timestamp is [ReasonNoTime], unless its level comes first (below) or it
// continues a record; one whose values are out of range (month 13,
// 24:00:00, zone +25:00, a year outside parsers.MinYear to
// parsers.MaxYear, 30 February) is [ReasonTime].
//
// # The level first, and lines without a time
//
// A line that starts, after an optional "[", with a level word written in
// capitals followed by a byte that cannot continue a word ("ERROR
// 2024-01-02 03:04:05,678 …", "[WARN] …", Python's default
// "WARNING:root:msg", Java Service Wrapper's "INFO   | jvm 1    | …") is
// an application line. Its time is a timestamp of the shapes above
// (without a prefix) starting at one of the first 6 tokens that start
// within 128 bytes after the level word; without one, Record.Time is
// parsers.NoTime: the line counts as an application line without a time
// (in the totals, not in the timeline), never as malformed. A timestamp
// found there with values out of range is [ReasonTime]. Capitals only:
// "Error: boom" is a JavaScript exception's header (a continuation) and
// "Info about …" is prose ([ReasonNoTime]).
//
// Times without a zone are taken as UTC: the line does not say, and the
// engine has no time-zone option. Syslog and klog dates have no year: it
// is inferred from [Options].Now (the current year, or the year before for
// a date more than a day ahead of Now); see there.
//
// # Levels
//
// After the timestamp, the line is split into tokens, runs of letters,
// digits and "_.$-"; a word is a token that starts with a letter. The
// level is the first of the first 6 words starting within 128 bytes of the
// timestamp's end that is, ignoring case, one of TRACE, DEBUG, INFO,
// NOTICE, WARN, WARNING, ERROR, FATAL, CRITICAL, PANIC or SEVERE. Brackets
// and other punctuation separate words, so "[ERROR]", "[INFO ]", ":DEBUG:",
// "- app - ERROR -" and Rails's "#1234]  INFO --" all name a level, while
// "error_handler", "app.errors" and "INFOrmative" do not. A line with no
// level is [ReasonNoLevel]: a leading timestamp alone does not make an
// application line (an ELB or W3C access line starts with one too).
//
// Record.Level is the level word as written ("WARNING", "Error"), so that
// the engine's error levels (error, fatal, critical, panic, …, any case)
// recognise it, except that SEVERE (java.util.logging's highest level)
// is "error", klog's letters are "info", "warn", "error" and "fatal", and
// logrus's four-letter levels of its terminal layout, in capitals only
// (TRAC, DEBU, ERRO, FATA, PANI; "INFO[0000] msg"), are "trace",
// "debug", "error", "fatal" and "panic": static slices, not the line. Syslog severities (err, crit, emerg,
// alert) are not level words: as words they are too common in messages.
//
// Record.Message is what follows the level word, without the separators
// " \t:|-]>)" before it; for Spring Boot ("ERROR 1234 --- [main] c.e.App
// : msg") what follows the first " : "; for klog what follows the first
// ']'. It is nil when empty. The other fields are absent.
//
// # Continuation lines
//
// A line without a leading timestamp that starts with a space or a tab,
// with "at ", "Caused by:", "Suppressed:", "Exception in thread ",
// "Traceback (", "...", "During handling of the above exception" or "The
// above exception was the direct cause", or that is an exception header
// ("java.lang.IllegalStateException: boom", "ValueError: bad", or a
// class of a module two levels deep, "requests.exceptions.ConnectTimeout:
// ..."; see isContinuation) continues the record above: Parse returns
// [parsers.ErrContinuation], which callers count with that record, not as
// malformed. Go panics' unindented frames ("main.main()") are not
// recognised and are [ReasonNoTime].
//
// # Not read
//
// A zone separated from the time by a space, syslog's priority prefix
// "<34>", HDFS's "081111 101735", a level word in lower case or not
// first on a line without a leading timestamp, and lines with neither a
// leading timestamp nor a leading level (unless they continue a record).
// Java Service Wrapper lines get the wrapper's level (its first column),
// not the level of the line it wraps.
//
// # Concurrency and cost
//
// A [Parser] is not safe for concurrent use: each goroutine needs its own.
// Parse allocates nothing, for valid, rejected and continuation lines
// alike. Record fields alias the line (or static level slices) and are
// valid until the next Parse. Errors are *[parsers.SyntaxError] values
// owned by the parser, valid until the next Parse, or
// [parsers.ErrContinuation].
package applog
