package pipeline_test

import (
	"bufio"
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil-ops/vigil/pipeline"
)

// TestFormatReports (issue 10): the whole report of each sample of the
// built-in formats, detected with no flags, against a reference that
// reads each line with one regexp of its own: the detected format, the
// request count and the status counts, the application lines, the
// directives, continuations and malformed lines. The regexps share
// nothing with the parsers; a W3C file's status column is found by name
// in its latest "#Fields:".
func TestFormatReports(t *testing.T) {
	type want struct {
		format string
		// status finds an HTTP request's status (group 1) in a line.
		status string
		// app finds an application line; "" for none.
		app string
		// cont finds a continuation line; "" for none.
		cont string
		// appErr finds, among the application lines, those at level error
		// or worse; "" to leave the error counts unchecked.
		appErr string
	}
	const clf = `\] "(?:[^"\\]|\\.)*" (\d{1,3}) `
	f := func(file string, w want) {
		t.Helper()
		data, err := os.ReadFile("../testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		ref := refReport(t, data, w.status, w.app, w.cont)
		rep := runFiles(t, []string{"../testdata/" + file}, pipeline.Options{Top: 100})
		in := rep.Input
		if !strings.HasPrefix(in.Format, w.format) {
			t.Errorf("unexpected format of %s; got %q; want %q", file, in.Format, w.format)
		}
		got := refCounts{lines: in.Lines, http: in.Kinds.HTTP, app: in.Kinds.App, tcp: in.Kinds.TCP, directives: in.Directives, continuations: in.Continuations, malformed: in.Malformed}
		if got != ref.refCounts || rep.Requests.Total != ref.http {
			t.Errorf("unexpected counts of %s; got %+v (requests %d); want %+v", file, got, rep.Requests.Total, ref.refCounts)
		}
		if d := gocmp.Diff(ref.status, rep.Requests.Status, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("unexpected status counts of %s (-reference +vigil):\n%s", file, d)
		}
		if w.appErr == "" {
			return
		}
		// Application errors: all of them in the total, those with a
		// time in the timeline unless late (Spring Boot's last line is
		// an hour before the others: its zone is +01:00).
		errs, timed := refAppErrors(t, data, w.app, w.appErr)
		var inTimeline uint64
		for _, row := range rep.Timeline {
			inTimeline += row.AppErrors
		}
		if rep.AppErrors != errs || rep.Input.Late == 0 && inTimeline != timed || inTimeline+rep.Input.Late < timed {
			t.Errorf("unexpected application errors of %s; got %d, %d in the timeline; want %d, %d", file, rep.AppErrors, inTimeline, errs, timed)
		}
	}
	f("lnav_alb_sample.log", want{format: "aws_alb", status: `^(?:\S+ ){8}(\S+) `})
	f("gen_alb.log", want{format: "aws_alb", status: `^(?:\S+ ){8}(\S+) `})
	f("lnav_elb_sample.log", want{format: "aws_elb", status: `^(?:\S+ ){7}(\S+) `})
	f("lnav_s3_sample.log", want{format: "aws_s3", status: `^\S+ \S+ \[[^\]]*\] (?:\S+ ){5}"[^"]*" (\S+) `})
	f("logfile_w3c_big.0", want{format: "w3c", status: "sc-status"})
	f("gen_w3c_fields_change.log", want{format: "w3c", status: "sc-status"})
	f("gen_cloudfront.log", want{format: "cloudfront", status: "sc-status"})
	f("aws_doc_cloudfront.log", want{format: "cloudfront", status: "sc-status"})
	f("logfile_haproxy.0", want{format: "haproxy", status: `\[\d\d/\w{3}/\d{4}:[\d:.]+\] \S+ \S+ \S+ (-?\d+) .*"$`})
	f("gen_haproxy.log", want{format: "haproxy", status: `\[\d\d/\w{3}/\d{4}:[\d:.]+\] \S+ \S+ \S+ (-?\d+) .*"$`})
	f("beats_haproxy.log", want{format: "haproxy", status: `\[\d\d/\w{3}/\d{4}:[\d:.]+\] \S+ \S+ \S+ (-?\d+) .*"$`})
	f("beats_haproxy_noheaders.log", want{format: "haproxy", status: `\[\d\d/\w{3}/\d{4}:[\d:.]+\] \S+ \S+ \S+ (-?\d+) .*"$`})
	f("beats_iis.log", want{format: "w3c", status: "sc-status"})
	// Traefik: the whole line, so that the real sample's line with a
	// broken quote is malformed.
	const traefik = `\] "[^"]*" (\d{1,3}) \d+ "[^"]*" "[^"]*" \d+ "[^"]*" "[^"]*" \d+ms$`
	f("gen_traefik_clf.log", want{format: "traefik_clf", status: traefik})
	f("beats_traefik_clf.log", want{format: "traefik_clf", status: traefik})
	f("beats_ingress_nginx.log", want{format: "ingress_nginx", status: clf})
	f("gen_ingress_nginx.log", want{format: "ingress_nginx", status: clf})
	f("gen_ingress_nginx_0x.log", want{format: "ingress_nginx_realip", status: clf})
	f("gen_ingress_nginx_0x_alt.log", want{format: "ingress_nginx_realip_alt", status: clf})
	f("gen_ingress_nginx_0x_noreqid.log", want{format: "ingress_nginx_realip_noreqid", status: clf})
	f("gen_vcombined.log", want{format: "vcombined", status: clf})
	f("beats_apache_vhost.log", want{format: "vcombined_noport", status: clf})
	f("gen_envoy.log", want{format: "envoy", status: `^\[[^\]]+\] "[^"]*" (\d+) `})
	// Istio: Envoy's head, then the details, the termination details and
	// the quoted transport failure reason; 6 fields after the upstream.
	const istio = `^\[[^\]]+\] "[^"]*" (\d+) \S+ \S+ \S+ "[^"]*" \d+ \d+ \d+ (?:\d+|-)(?: "[^"]*"){5}(?: \S+){6}$`
	f("istio_docs.log", want{format: "istio", status: istio})
	f("istio_gen.log", want{format: "istio", status: istio})
	// Istio 1.3 to 1.7: Mixer's quoted status and the quoted reason
	// after the flags; 1.8: the reason alone.
	f("gen_istio_pre19.log", want{format: "istio_1_3", status: `^\[[^\]]+\] "[^"]*" (\d+) \S+ "[^"]*" "[^"]*" \d+ \d+ \d+ (?:\d+|-)(?: "[^"]*"){5}(?: \S+){6}$`})
	f("gen_istio_1_8.log", want{format: "istio_1_8", status: `^\[[^\]]+\] "[^"]*" (\d+) \S+ "[^"]*" \d+ \d+ \d+ (?:\d+|-)(?: "[^"]*"){5}(?: \S+){6}$`})
	f("gen_heroku_router.log", want{format: "logfmt", status: `(?:^| )status=(\d{3})(?: |$)`})
	f("gen_slog_text.log", want{format: "logfmt", status: `(?:^| )status=(\d{3})(?: |$)`, app: `(?:^| )level=`})
	f("logfile_logfmt.0", want{format: "logfmt", status: `(?:^| )status=(\d{3})(?: |$)`, app: `(?:^| )level=`})
	// Real JSON loggers: bunyan (restify audit lines with res.statusCode
	// and latency; its test corpus with comments, blank lines and bogus
	// lines), pino, a nested access entry, Grafana's logfmt. bunyan's
	// levels 50 and 60 are error and fatal; 55 is no level name
	// (parsers/jsonlog doc).
	const bunyanErr, resStatus = `"level":(?:50|60)[,}]`, `"statusCode":(\d{3})[,}]`
	f("bunyan_withreq.log", want{format: "json", status: resStatus, app: `"level":\d+`, appErr: bunyanErr})
	f("bunyan_all.log", want{format: "json", status: resStatus, app: `^\{.*"level":\d+,.*"msg":`, cont: `^$`, appErr: bunyanErr})
	f("logfile_bunyan.0", want{format: "json", status: resStatus, app: `^\{.*"level":\d+,.*"msg":`, appErr: bunyanErr})
	f("logfile_pino.0", want{format: "json", status: resStatus, app: `^\{"level":"\w+"`, appErr: `"level":"(?:error|fatal)"`})
	f("logfile_json3.json", want{format: "json", status: `"response": \{ "status": (\d{3}),`})
	f("logfile_grafana.0", want{format: "logfmt", status: `(?:^| )status=(\d{3})(?: |$)`, app: `(?:^| )level=\w+(?: |$)`, appErr: `(?:^| )level=(?:error|crit)(?: |$)`})
	// zap's and zerolog's own output (their example tests'): a level and
	// a message and no method or path make an application line, also
	// with zap's "url", "req":{"url"} or "status":500, or zerolog hlog's
	// "status":"ok"; only zerolog's {"foo":"bar","bar":"baz"} is
	// malformed.
	const noRequest = `^\{"method":"[A-Z]+",.*"status":(\d{3})`
	f("zap_examples.log", want{format: "json", status: noRequest, app: `"(?:msg|message)":"`, appErr: `"level":"error"`})
	f("zerolog_examples.log", want{format: "json", status: noRequest, app: `"message":"`, appErr: `"level":"error"`})
	f("gen_json_loggers.log", want{format: "json", status: `"(?:DownstreamStatus|statusCode|response_code|status)":"?(\d{1,3})"?[,}]`, app: `"level":`})
	// Real samples of the proxies and Go loggers (issue 10): Envoy's
	// default format (Contour's docs), Traefik's JSON (crowdsec's fixture),
	// log/slog and logrus as their own tests check them. slog quotes a key
	// that needs it (`""=v`), as logfmt's grammar allows: the reference's
	// application lines are the lines of that grammar.
	const slogGrammar = `^(?:(?:[^ ="]+|"(?:[^"\\]|\\.)*")=(?:"(?:[^"\\]|\\.)*"|[^ "]*)(?: |$))+$`
	f("contour_envoy.log", want{format: "envoy", status: `^\[[^\]]+\] "[^"]*" (\d+) `})
	f("crowdsec_traefik_json.log", want{format: "json", status: `"DownstreamStatus":(\d{3}),`})
	f("go_slog_json.log", want{format: "json", status: noRequest, app: `"level":"`})
	f("go_slog_text.log", want{format: "logfmt", status: `(?:^| )status=(\d{3})(?: |$)`, app: slogGrammar})
	f("logrus_json.log", want{format: "json", status: noRequest, app: `"level":"`})
	f("logrus_text.log", want{format: "logfmt", status: `(?:^| )status=(\d{3})(?: |$)`, app: `(?:^| )level=`, appErr: `(?:^| )level=(?:error|fatal|panic)(?: |$)`})
	// Mixed: access lines among klog and nginx error lines (the banner's
	// indented lines continue, its rule and title lines are malformed).
	f("gen_ingress_nginx_mixed.log", want{format: "ingress_nginx", status: clf,
		app: `^(?:[IWEF]\d{4} \d\d:\d\d:\d\d|\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[\w+\])`, cont: `^\s`})
	f("gen_heroku_mixed.log", want{format: "logfmt", status: `(?:^| )status=(\d{3})(?: |$)`,
		app: `app\[[\w.]+\]: .*\b(?:INFO|WARN|WARNING|ERROR|DEBUG|FATAL)\b`})
	// Application logs: a timestamp and a level, the level first, or
	// Spark's yy/MM/dd; stack traces and blank lines continue.
	const trace = `^(?:$|\s|at |Caused by:|\.\.\.|Traceback|[\w.$]+(?:Exception|Error)(?::|$))`
	const errs = `\b(?:ERROR|CRITICAL|FATAL)\b`
	f("gen_spring_boot.log", want{format: "applog", app: `^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d) +(?:INFO|WARN|ERROR|DEBUG|TRACE) `, cont: trace, appErr: errs})
	f("gen_spark.log", want{format: "applog", app: `^\d\d/\d\d/\d\d \d\d:\d\d:\d\d (?:INFO|WARN|ERROR) `, cont: trace, appErr: errs})
	f("gen_levelfirst.log", want{format: "applog", app: `^\[?(?:ERROR|WARN|WARNING|INFO|DEBUG|CRITICAL)[\] :]`, cont: trace, appErr: `^\[?` + errs})
	f("lnav_applog_levelfirst.log", want{format: "applog", app: `^(?:INFO +\| jvm|\d\d/\d\d/\d\d \d\d:\d\d:\d\d INFO )`})
}

// refCounts are the counts a report's input section gives.
type refCounts struct {
	lines, http, app, tcp, directives, continuations, malformed uint64
}

type refReportResult struct {
	refCounts
	status map[string]uint64
}

// refReport reads data a line at a time: a line starting with '#' is a
// directive when status is a W3C field name ("#Fields:" then gives the
// status column, and a line with as many values is a request), a line
// status matches is a TCP connection when its request is Envoy's
// "- - -" (refTCPLine), else a request, then app, then cont; the rest is
// malformed. Empty lines are malformed unless cont matches them, as
// the engine counts them: continuations in the application-log formats,
// malformed in the others.
func refReport(t *testing.T, data []byte, status, app, cont string) refReportResult {
	t.Helper()
	res := refReportResult{status: map[string]uint64{}}
	w3c := !strings.ContainsAny(status, `\(`)
	var statusRe, appRe, contRe *regexp.Regexp
	if !w3c {
		statusRe = regexp.MustCompile(status)
	}
	if app != "" {
		appRe = regexp.MustCompile(app)
	}
	if cont != "" {
		contRe = regexp.MustCompile(cont)
	}
	col, nfields := -1, 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		res.lines++
		switch {
		case w3c && strings.HasPrefix(line, "#"):
			res.directives++
			if fields, ok := strings.CutPrefix(line, "#Fields:"); ok {
				col, nfields = -1, len(strings.Fields(fields))
				for i, name := range strings.Fields(fields) {
					if strings.EqualFold(name, status) {
						col = i
					}
				}
			}
		case w3c && col >= 0 && len(w3cValues(line)) == nfields:
			res.status[w3cValues(line)[col]]++
			res.http++
		case statusRe != nil && statusRe.MatchString(line) && refTCPLine.MatchString(line):
			res.tcp++
		case statusRe != nil && statusRe.MatchString(line):
			v := statusRe.FindStringSubmatch(line)[1]
			if v == "-1" {
				v = "-"
			}
			res.status[v]++
			res.http++
		case appRe != nil && appRe.MatchString(line):
			res.app++
		case contRe != nil && contRe.MatchString(line):
			res.continuations++
		default:
			res.malformed++
		}
	}
	return res
}

// refTCPLine finds a TCP proxy connection of Envoy's and Istio's formats:
// the request "- - -" after the bracketed start time.
var refTCPLine = regexp.MustCompile(`^\[[^\]]+\] "- - -" `)

// w3cValues splits a W3C line at its tabs, or at its spaces when it has
// no tab (none of the samples quotes a value).
func w3cValues(line string) []string {
	if strings.Contains(line, "\t") {
		return strings.Split(line, "\t")
	}
	return strings.Fields(line)
}

// refAppErrors counts the application lines (app) at level error or
// worse (appErr), and those of them with a time: a clock, hh:mm:ss, or
// a JSON "time" in epoch seconds or milliseconds.
func refAppErrors(t *testing.T, data []byte, app, appErr string) (errs, timed uint64) {
	t.Helper()
	appRe, errRe := regexp.MustCompile(app), regexp.MustCompile(appErr)
	clock := regexp.MustCompile(`\d\d:\d\d:\d\d|"time":\d{9,}[,}]`)
	for _, line := range strings.Split(string(data), "\n") {
		if appRe.MatchString(line) && errRe.MatchString(line) {
			errs++
			if clock.MatchString(line) {
				timed++
			}
		}
	}
	return errs, timed
}
