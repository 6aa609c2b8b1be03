package useragent

// rule classifies the user agents whose lower case contains token, or starts
// with it when prefix is set, and where token does not directly follow
// notAfter. The first rule in rules that matches decides.
type rule struct {
	token    string
	prefix   bool
	notAfter string
	class    Class
	family   string
}

// matchAt reports whether r matches lower at byte i.
func (r *rule) matchAt(lower []byte, i int) bool {
	if r.prefix && i != 0 {
		return false
	}
	if len(lower)-i < len(r.token) || string(lower[i:i+len(r.token)]) != r.token {
		return false
	}
	n := len(r.notAfter)
	return n == 0 || i < n || string(lower[i-n:i]) != r.notAfter
}

// rules in priority order; the package documentation explains it.
var rules = [...]rule{
	// Monitors: several carry bot markers ("UptimeRobot",
	// "Pingdom.com_bot", URLs).
	{token: "kube-probe/", class: Monitor, family: "kube-probe"},
	{token: "elb-healthchecker", class: Monitor, family: "ELB-HealthChecker"},
	{token: "googlehc/", class: Monitor, family: "GoogleHC"},
	{token: "uptimerobot", class: Monitor, family: "UptimeRobot"},
	{token: "pingdom", class: Monitor, family: "Pingdom"},
	{token: "datadog", class: Monitor, family: "Datadog"},
	{token: "prometheus/", class: Monitor, family: "Prometheus"},
	{token: "blackbox exporter", class: Monitor, family: "Prometheus"},
	{token: "nagios", class: Monitor, family: "Nagios"},
	{token: "check_http/", class: Monitor, family: "Nagios"},
	{token: "zabbix", class: Monitor, family: "Zabbix"},
	{token: "statuscake", class: Monitor, family: "StatusCake"},
	{token: "site24x7", class: Monitor, family: "Site24x7"},
	{token: "newrelicpinger", class: Monitor, family: "New Relic"},
	{token: "consul health check", class: Monitor, family: "Consul"},

	// Named bots: they claim "Mozilla/5.0 (compatible; …)" or a whole
	// browser UA, so they come before browsers.
	{token: "googlebot", class: Bot, family: "Googlebot"},
	{token: "bingbot", class: Bot, family: "Bingbot"},
	{token: "msnbot", class: Bot, family: "Bingbot"},
	{token: "bingpreview", class: Bot, family: "Bingbot"},
	{token: "yandexbot", class: Bot, family: "YandexBot"},
	{token: "yandex.com/bots", class: Bot, family: "YandexBot"},
	{token: "baiduspider", class: Bot, family: "Baiduspider"},
	{token: "ahrefsbot", class: Bot, family: "AhrefsBot"},
	{token: "ahrefssiteaudit", class: Bot, family: "AhrefsBot"},
	{token: "semrushbot", class: Bot, family: "SemrushBot"},
	{token: "duckduckbot", class: Bot, family: "DuckDuckBot"},
	{token: "duckduckgo-favicons-bot", class: Bot, family: "DuckDuckBot"},
	{token: "applebot", class: Bot, family: "Applebot"},
	{token: "facebookexternalhit", class: Bot, family: "facebookexternalhit"},
	{token: "gptbot", class: Bot, family: "GPTBot"},
	{token: "claudebot", class: Bot, family: "ClaudeBot"},
	{token: "mj12bot", class: Bot, family: "MJ12bot"},
	{token: "dotbot", class: Bot, family: "DotBot"},
	{token: "petalbot", class: Bot, family: "PetalBot"},
	{token: "bytespider", class: Bot, family: "Bytespider"},
	{token: "amazonbot", class: Bot, family: "Amazonbot"},
	{token: "twitterbot", class: Bot, family: "Twitterbot"},

	// Headless browsers, HTTP tools and libraries, app HTTP stacks.
	{token: "headlesschrome", class: Tool, family: "HeadlessChrome"},
	{token: "phantomjs", class: Tool, family: "PhantomJS"},
	{token: "curl/", class: Tool, family: "curl"},
	{token: "wget/", class: Tool, family: "Wget"},
	{token: "python-requests", class: Tool, family: "python-requests"},
	{token: "python-urllib", class: Tool, family: "python-urllib"},
	{token: "python-httpx", class: Tool, family: "python-httpx"},
	{token: "aiohttp", class: Tool, family: "aiohttp"},
	{token: "go-http-client", class: Tool, family: "Go-http-client"},
	{token: "okhttp", class: Tool, family: "okhttp"},
	{token: "postmanruntime", class: Tool, family: "PostmanRuntime"},
	{token: "apache-httpclient", class: Tool, family: "Apache-HttpClient"},
	{token: "java/", prefix: true, class: Tool, family: "Java"},
	{token: "libwww-perl", class: Tool, family: "libwww-perl"},
	{token: "httpie/", class: Tool, family: "HTTPie"},
	{token: "axios/", class: Tool, family: "axios"},
	{token: "node-fetch", class: Tool, family: "node-fetch"},
	{token: "guzzlehttp", class: Tool, family: "Guzzle"},
	{token: " php/", class: Tool, family: "PHP"},
	{token: "ruby", prefix: true, class: Tool, family: "Ruby"},
	{token: "libfetch", class: Tool, family: "libfetch"},
	{token: "indy library", class: Tool, family: "Indy"},
	{token: "dalvik/", prefix: true, class: Tool, family: "Dalvik"},

	// Generic bot markers: no browser carries them.
	{token: "bot", notAfter: "cu", class: Bot, family: FamilyOtherBot},
	{token: "crawl", class: Bot, family: FamilyOtherBot},
	{token: "spider", class: Bot, family: FamilyOtherBot},
	{token: "slurp", class: Bot, family: FamilyOtherBot},
	{token: "fetcher", class: Bot, family: FamilyOtherBot},
	{token: "archiver", class: Bot, family: FamilyOtherBot},
	{token: "subscribers", class: Bot, family: FamilyOtherBot},
	{token: "nutch", class: Bot, family: FamilyOtherBot},
	{token: "proxy", class: Bot, family: FamilyOtherBot},
	{token: "http://", class: Bot, family: FamilyOtherBot},
	{token: "https://", class: Bot, family: FamilyOtherBot},
	{token: "www.", class: Bot, family: FamilyOtherBot},
	{token: "@", class: Bot, family: FamilyOtherBot},

	// Browsers, those whose tokens others copy last.
	{token: "edg/", class: Browser, family: "Edge"},
	{token: "edge/", class: Browser, family: "Edge"},
	{token: "edga/", class: Browser, family: "Edge"},
	{token: "edgios/", class: Browser, family: "Edge"},
	{token: "opr/", class: Browser, family: "Opera"},
	{token: "opios/", class: Browser, family: "Opera"},
	{token: "opera", class: Browser, family: "Opera"},
	{token: "samsungbrowser/", class: Browser, family: "Samsung Internet"},
	{token: "yabrowser/", class: Browser, family: "Yandex Browser"},
	{token: "ucbrowser", class: Browser, family: "UC Browser"},
	{token: "silk/", class: Browser, family: FamilyOtherBrowser},
	{token: "msie ", class: Browser, family: "IE"},
	{token: "trident/", class: Browser, family: "IE"},
	{token: "fxios/", class: Browser, family: "Firefox"},
	{token: "firefox/", class: Browser, family: "Firefox"},
	{token: "crios/", class: Browser, family: "Chrome"},
	{token: "chrome/", class: Browser, family: "Chrome"},
	{token: "chromium/", class: Browser, family: "Chrome"},
	{token: "android", class: Browser, family: "Android Browser"},
	{token: "safari", class: Browser, family: "Safari"},
	{token: "like mac os x", class: Browser, family: "Safari"},
	{token: "konqueror", class: Browser, family: FamilyOtherBrowser},
	{token: "lynx/", class: Browser, family: FamilyOtherBrowser},
	{token: "links (", class: Browser, family: FamilyOtherBrowser},
	{token: "midori/", class: Browser, family: FamilyOtherBrowser},
	{token: "epiphany/", class: Browser, family: FamilyOtherBrowser},
	{token: "up.browser", class: Browser, family: FamilyOtherBrowser},
	{token: "wap browser", class: Browser, family: FamilyOtherBrowser},
	{token: "maui browser", class: Browser, family: FamilyOtherBrowser},
	{token: "netfront", class: Browser, family: FamilyOtherBrowser},
	{token: "midp-", class: Browser, family: FamilyOtherBrowser},
	{token: "gecko/", class: Browser, family: FamilyOtherBrowser},

	// Leftovers.
	{token: "(compatible;", class: Bot, family: FamilyOtherBot},
	{token: "cfnetwork/", class: Tool, family: "CFNetwork"},
}
