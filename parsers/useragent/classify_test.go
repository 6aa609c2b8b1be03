package useragent

import (
	"bytes"
	"flag"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var rewrite = flag.Bool("rewrite", false, "rewrite testdata/classify.golden")

func TestClassify(t *testing.T) {
	f := func(ua string, wantClass Class, wantFamily string) {
		t.Helper()
		class, family := Classify([]byte(ua))
		if class != wantClass || family != wantFamily {
			t.Fatalf("unexpected class, family for %q; got %v, %q; want %v, %q", ua, class, family, wantClass, wantFamily)
		}
	}
	// Missing.
	f("", Unknown, "-")
	f("-", Unknown, "-")
	f("--", Unknown, "Other")
	f("Mozilla/5.0", Unknown, "Other")

	// Browsers: Edge before Chrome before Safari.
	f("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91", Browser, "Edge")
	f("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.18362", Browser, "Edge")
	f("Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36 EdgA/120.0.2210.84", Browser, "Edge")
	f("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0", Browser, "Opera")
	f("Opera/9.80 (X11; Linux x86_64) Presto/2.12.388 Version/12.16", Browser, "Opera")
	f("Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; en) Opera 8.50", Browser, "Opera")
	f("Mozilla/5.0 (Linux; Android 8.0.0; SAMSUNG SM-G950F Build/R16NW) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/8.2 Chrome/63.0.3239.111 Mobile Safari/537.36", Browser, "Samsung Internet")
	f("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 YaBrowser/23.11.0.0 Safari/537.36", Browser, "Yandex Browser")
	f("Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)", Browser, "IE")
	f("Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0; rv:11.0) like Gecko", Browser, "IE")
	f("Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0; chromeframe/19.0.1084.52)", Browser, "IE")
	f("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", Browser, "Firefox")
	f("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15", Browser, "Firefox")
	f("Mozilla/5.0 (X11; Linux x86_64; rv:27.0) Gecko/20100101 Firefox/27.0 Iceweasel/27.0", Browser, "Firefox")
	f("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", Browser, "Chrome")
	f("Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/71.0.3578.89 Mobile/15E148 Safari/605.1", Browser, "Chrome")
	f("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/33.0.1750.70 Chrome/33.0.1750.70 Safari/537.36", Browser, "Chrome")
	f("Mozilla/5.0 (Linux; Android 6.0; CUBOT NOTE S Build/MRA58K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0.3029.83 Mobile Safari/537.36", Browser, "Chrome")
	f("Mozilla/5.0 (Linux; U; Android 2.3.6; el-gr; SAMSUNG GT-S5839i Build/GINGERBREAD) AppleWebKit/533.1 (KHTML, like Gecko) Version/4.0 Mobile Safari/533.1", Browser, "Android Browser")
	f("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15", Browser, "Safari")
	f("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", Browser, "Safari")
	f("Lynx/2.8.7rel.2 libwww-FM/2.14 SSL-MM/1.4.1 OpenSSL/1.0.1f", Browser, "Other browser")

	// Bots that look like browsers.
	f("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", Bot, "Googlebot")
	f("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", Bot, "Googlebot")
	f("Googlebot-Image/1.0", Bot, "Googlebot")
	f("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", Bot, "Bingbot")
	f("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", Bot, "YandexBot")
	f("Mozilla/5.0 (compatible; YandexImages/3.0; +http://yandex.com/bots)", Bot, "YandexBot")
	f("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", Bot, "Baiduspider")
	f("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", Bot, "AhrefsBot")
	f("Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", Bot, "SemrushBot")
	f("DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", Bot, "DuckDuckBot")
	f("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", Bot, "Applebot")
	f("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", Bot, "facebookexternalhit")
	f("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", Bot, "GPTBot")
	f("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)", Bot, "ClaudeBot")
	// Generic markers.
	f("Mozilla/5.0 (compatible; BeetleBot; )", Bot, "Other bot")
	f("Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)", Bot, "Other bot")
	f("magpie-crawler/1.1 (U; Linux amd64; en-GB; +http://www.brandwatch.net)", Bot, "Other bot")
	f("Feedbin - 1 subscribers", Bot, "Other bot")
	f("Digg Feed Fetcher 1.0 (Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_1) AppleWebKit/534.48.3 (KHTML, like Gecko) Version/5.1 Safari/534.48.3)", Bot, "Other bot")
	f("Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; en-US; rv:1.9.2) Gecko/20100115 Firefox/3.6 (FlipboardProxy/1.1; +http://flipboard.com/browserproxy)", Bot, "Other bot")
	f("Embedly +support@embed.ly", Bot, "Other bot")
	f("Mozilla/5.0 (compatible; theoldreader.com)", Bot, "Other bot")
	f("Mozilla/4.0 (compatible;)", Bot, "Other bot")
	f("cubot", Unknown, "Other")
	f("cubotbot", Bot, "Other bot")

	// Tools.
	f("curl/8.5.0", Tool, "curl")
	f("Wget/1.21.4", Tool, "Wget")
	f("python-requests/2.31.0", Tool, "python-requests")
	f("Python-urllib/2.7", Tool, "python-urllib")
	f("Go-http-client/1.1", Tool, "Go-http-client")
	f("Go-http-client/2.0", Tool, "Go-http-client")
	f("Java/1.8.0_392", Tool, "Java")
	f("okhttp/4.12.0", Tool, "okhttp")
	f("PostmanRuntime/7.36.0", Tool, "PostmanRuntime")
	f("Apache-HttpClient/4.5.14 (Java/17.0.9)", Tool, "Apache-HttpClient")
	f("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36", Tool, "HeadlessChrome")
	f("HTTP_Request2/2.1.1 (http://pear.php.net/package/http_request2) PHP/5.3.2-1ubuntu4.18", Tool, "PHP")
	f("Ruby", Tool, "Ruby")
	f("Dalvik/2.1.0 (Linux; U; Android 8.0.0; SM-A520F Build/R16NW)", Tool, "Dalvik")
	f("Newsify/120 CFNetwork/672.0.8 Darwin/14.0.0", Tool, "CFNetwork")
	f("MobileSafari/9537.53 CFNetwork/672.0.8 Darwin/14.0.0", Browser, "Safari")

	// Monitors, though they look like bots.
	f("kube-probe/1.29", Monitor, "kube-probe")
	f("ELB-HealthChecker/2.0", Monitor, "ELB-HealthChecker")
	f("Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", Monitor, "UptimeRobot")
	f("Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", Monitor, "Pingdom")
	f("Datadog Agent/7.50.3", Monitor, "Datadog")
	f("Prometheus/2.48.1", Monitor, "Prometheus")
	f("Blackbox Exporter/0.24.0", Monitor, "Prometheus")
	f("check_http/v2.3.3 (nagios-plugins 2.3.3)", Monitor, "Nagios")
	f("GoogleHC/1.0", Monitor, "GoogleHC")

	// Case-insensitive.
	f("CURL/7.0", Tool, "curl")
	f("MOZILLA/5.0 (COMPATIBLE; GOOGLEBOT/2.1)", Bot, "Googlebot")
}

func TestClassifyLong(t *testing.T) {
	ua := "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
	long := ua + " " + strings.Repeat("x", 2*MaxLen) + " Googlebot"
	if class, family := Classify([]byte(long)); class != Browser || family != "Firefox" {
		t.Fatalf("unexpected class, family for %q; got %v, %q; want browser, \"Firefox\"", long, class, family)
	}
}

func TestClassString(t *testing.T) {
	f := func(c Class, want string) {
		t.Helper()
		if got := c.String(); got != want {
			t.Fatalf("unexpected String for %d; got %q; want %q", c, got, want)
		}
	}
	f(Unknown, "unknown")
	f(Browser, "browser")
	f(Bot, "bot")
	f(Tool, "tool")
	f(Monitor, "monitor")
	f(Monitor+1, "Class(5)")
}

func TestClassifyAllocs(t *testing.T) {
	uas := readUAs(t)
	i := 0
	n := testing.AllocsPerRun(len(uas.list), func() {
		Classify(uas.list[i%len(uas.list)])
		i++
	})
	if n >= 1 {
		t.Fatalf("unexpected allocations per Classify for %q; got %v; want 0", "testdata/uas.tsv", n)
	}
}

// TestClassifyGolden classifies every distinct user agent of the real logs
// in testdata/uas.tsv and compares with testdata/classify.golden.
func TestClassifyGolden(t *testing.T) {
	uas := readUAs(t)
	var b bytes.Buffer
	b.WriteString("# class\tfamily\tuser agent; regenerate with go test -rewrite\n")
	for _, ua := range uas.list {
		class, family := Classify(ua)
		if c, f := refClassify(string(ua)); c != class || f != family {
			t.Fatalf("unexpected class, family for %q; got %v, %q; want %v, %q (refClassify)", ua, class, family, c, f)
		}
		b.WriteString(class.String() + "\t" + family + "\t")
		b.Write(ua)
		b.WriteByte('\n')
	}
	const path = "testdata/classify.golden"
	if *rewrite {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Fatalf("unexpected classes in %s (-want +got; run go test -rewrite and review the diff):\n%s", path, diff)
	}
}

// testUAs are the user agents of testdata/uas.tsv.
type testUAs struct {
	list   [][]byte // distinct, sorted
	counts []int    // lines per user agent in the source logs
}

func readUAs(tb testing.TB) testUAs {
	tb.Helper()
	data, err := os.ReadFile("testdata/uas.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	var uas testUAs
	for line := range strings.Lines(string(data)) {
		count, ua, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		n, err := strconv.Atoi(count)
		if !ok || err != nil || n <= 0 {
			tb.Fatalf("unexpected line in testdata/uas.tsv; got %q; want count<TAB>user agent", line)
		}
		uas.list = append(uas.list, []byte(ua))
		uas.counts = append(uas.counts, n)
	}
	if !slices.IsSortedFunc(uas.list, bytes.Compare) {
		tb.Fatalf("unexpected order of testdata/uas.tsv; got unsorted; want sorted by user agent")
	}
	return uas
}

// FuzzClassify checks the indexed matcher of Classify against refClassify,
// a plain scan of every rule in order.
func FuzzClassify(f *testing.F) {
	f.Add("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
	f.Add("curl/8.5.0")
	f.Fuzz(func(t *testing.T, ua string) {
		class, family := Classify([]byte(ua))
		wantClass, wantFamily := refClassify(ua)
		if class != wantClass || family != wantFamily {
			t.Fatalf("unexpected class, family for %q; got %v, %q; want %v, %q", ua, class, family, wantClass, wantFamily)
		}
	})
}

func refClassify(ua string) (Class, string) {
	if ua == "" || ua == "-" {
		return Unknown, FamilyNone
	}
	lower := []byte(ua[:min(len(ua), MaxLen)])
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	s := string(lower)
	for _, r := range rules {
		for i := 0; i < len(s); i++ {
			j := strings.Index(s[i:], r.token)
			if j < 0 {
				break
			}
			i += j
			if (!r.prefix || i == 0) && (r.notAfter == "" || !strings.HasSuffix(s[:i], r.notAfter)) {
				return r.class, r.family
			}
		}
	}
	return Unknown, FamilyOther
}
