package loggen

import "strconv"

// agent is one user agent of a client class. Bots and monitors come from
// their operators' address ranges: prefix is the first three octets.
type agent struct {
	ua     string
	weight float64
	prefix string
}

// agents per client class, weighted within the class.
var agents = [numClasses][]agent{
	classBrowser: {
		{ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36", weight: 22},
		{ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", weight: 6},
		{ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36", weight: 8},
		{ua: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Mobile Safari/537.36", weight: 14},
		{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1", weight: 12},
		{ua: "Mozilla/5.0 (iPad; CPU OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1", weight: 2},
		{ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15", weight: 4},
		{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/132.0.6834.78 Mobile/15E148 Safari/604.1", weight: 2},
		{ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:134.0) Gecko/20100101 Firefox/134.0", weight: 5},
		{ua: "Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0", weight: 1.5},
		{ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:134.0) Gecko/20100101 Firefox/134.0", weight: 1},
		{ua: "Mozilla/5.0 (Android 14; Mobile; rv:134.0) Gecko/134.0 Firefox/134.0", weight: 1},
		{ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36 Edg/132.0.0.0", weight: 7},
		{ua: "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36", weight: 2.5},
		{ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/116.0.0.0", weight: 1.5},
	},
	classBot: {
		{ua: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", weight: 25, prefix: "66.249.66."},
		{ua: "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.6834.110 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", weight: 20, prefix: "66.249.68."},
		{ua: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", weight: 12, prefix: "40.77.167."},
		{ua: "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", weight: 10, prefix: "54.36.148."},
		{ua: "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", weight: 7, prefix: "185.191.171."},
		{ua: "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", weight: 4, prefix: "5.255.231."},
		{ua: "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", weight: 2, prefix: "220.181.108."},
		{ua: "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", weight: 2, prefix: "20.191.45."},
		{ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", weight: 3, prefix: "17.241.219."},
		{ua: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", weight: 3, prefix: "173.252.83."},
		{ua: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", weight: 4, prefix: "20.171.207."},
		{ua: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)", weight: 3, prefix: "3.139.242."},
		{ua: "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)", weight: 2, prefix: "51.195.215."},
		{ua: "Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)", weight: 2, prefix: "114.119.150."},
	},
	classTool: {
		{ua: "curl/8.5.0", weight: 18},
		{ua: "curl/7.81.0", weight: 8},
		{ua: "python-requests/2.32.3", weight: 20},
		{ua: "python-requests/2.31.0", weight: 6},
		{ua: "Go-http-client/1.1", weight: 14},
		{ua: "Go-http-client/2.0", weight: 5},
		{ua: "okhttp/4.12.0", weight: 6},
		{ua: "Java/17.0.13", weight: 4},
		{ua: "axios/1.7.9", weight: 6},
		{ua: "PostmanRuntime/7.43.0", weight: 3},
		{ua: "Wget/1.21.4", weight: 2},
		{ua: "Apache-HttpClient/4.5.14 (Java/17.0.13)", weight: 3},
	},
	classMonitor: {
		{ua: "kube-probe/1.31", weight: 40, prefix: "10.0.1."},
		{ua: "ELB-HealthChecker/2.0", weight: 20, prefix: "10.0.2."},
		{ua: "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", weight: 15, prefix: "69.162.124."},
		{ua: "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", weight: 10, prefix: "178.255.152."},
		{ua: "Datadog/Synthetics", weight: 10, prefix: "3.18.188."},
		{ua: "Blackbox Exporter/0.25.0", weight: 5, prefix: "10.0.3."},
	},
	classNone: {{ua: "-", weight: 1}},
}

// Client pools per class: how many distinct clients and the Zipf
// parameters (s, v) of their activity.
var pools = [numClasses]struct {
	size int
	s, v float64
}{
	classBrowser: {45000, 1.1, 20},
	classBot:     {1200, 1.2, 5},
	classTool:    {3000, 1.2, 5},
	classMonitor: {40, 1.5, 10},
	classNone:    {800, 1.2, 5},
}

// client is one simulated client; every attribute derives from a hash of
// the seed, its class and its rank, so a client keeps its address, agent
// and account through the log without a table of 50k entries.
type client struct {
	agent  *agent
	ip     [4]byte // IPv4, unless v6
	v6     bool
	v6bits uint64
	// user is the account id ("u12345") of a logged-in browser, 0 for
	// anonymous clients.
	user int
	// uuid is the account's UUID, used in /api/users/{uuid}.
	uuid [2]uint64
}

// publicFirstOctets are the first octets of generated public IPv4 clients:
// routable unicast ranges, without 185 (kept for the attacker) or private,
// loopback and multicast space.
var publicFirstOctets = [...]byte{
	2, 5, 23, 24, 31, 37, 41, 46, 62, 66, 71, 73, 76, 78, 79, 80, 81, 82, 83, 84,
	85, 86, 87, 88, 89, 90, 91, 93, 94, 95, 98, 99, 104, 109, 111, 112, 115, 118,
	121, 124, 125, 136, 141, 146, 151, 154, 176, 178, 181, 186, 187, 188, 189,
	190, 191, 193, 194, 195, 197, 200, 201, 203, 212, 213, 217,
}

// loggedInPerMille is the share of browser clients that are logged in.
const loggedInPerMille = 450

// makeClient derives client rank of class.
func makeClient(seed uint64, class int, rank uint64) client {
	h := mix(seed ^ uint64(class)<<56 ^ rank)
	h2 := mix(h)
	var c client
	c.agent = pickAgent(class, h)
	if c.agent.prefix != "" {
		c.ip[3] = byte(1 + (h2>>8)%254)
		return c
	}
	c.ip = [4]byte{publicFirstOctets[(h2>>8)%uint64(len(publicFirstOctets))], byte(h2 >> 16), byte(h2 >> 24), byte(1 + (h2>>32)%254)}
	if class == classBrowser {
		c.v6 = (h2>>40)%100 < 6
		c.v6bits = mix(h2)
		if (h2>>48)%1000 < loggedInPerMille {
			c.user = 10000 + int(mix(h2^1)%90000)
			c.uuid = [2]uint64{mix(uint64(c.user)), mix(uint64(c.user) ^ 2)}
		}
	}
	return c
}

// pickAgent picks the agent of class whose cumulative weight covers the
// top 24 bits of h.
func pickAgent(class int, h uint64) *agent {
	as := agents[class]
	u := float64(h>>40) / (1 << 24) * agentTotal[class]
	for i := range as {
		u -= as[i].weight
		if u < 0 {
			return &as[i]
		}
	}
	return &as[len(as)-1]
}

var agentTotal = func() (t [numClasses]float64) {
	for c, as := range agents {
		for _, a := range as {
			t[c] += a.weight
		}
	}
	return t
}()

// appendIP appends the client's address.
func (c *client) appendIP(dst []byte) []byte {
	if c.agent.prefix != "" {
		dst = append(dst, c.agent.prefix...)
		return strconv.AppendUint(dst, uint64(c.ip[3]), 10)
	}
	if c.v6 {
		// A global unicast address in 2a00::/12 with a /64 prefix and a
		// short interface id, as many ISPs hand out.
		b := c.v6bits
		dst = append(dst, "2a0"...)
		dst = strconv.AppendUint(dst, b&7, 16)
		for i := range 3 {
			dst = append(dst, ':')
			dst = strconv.AppendUint(dst, (b>>(8+16*i))&0xffff, 16)
		}
		dst = append(dst, "::"...)
		return strconv.AppendUint(dst, 1+(b>>56), 16)
	}
	for i, o := range c.ip {
		if i > 0 {
			dst = append(dst, '.')
		}
		dst = strconv.AppendUint(dst, uint64(o), 10)
	}
	return dst
}

// appendUser appends the client's user id, "u12345".
func appendUser(dst []byte, user int) []byte {
	dst = append(dst, 'u')
	return strconv.AppendInt(dst, int64(user), 10)
}

// mix is the SplitMix64 finalizer: a bijective hash of 64-bit values.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
