// Package useragent classifies HTTP User-Agent header values into a coarse
// [Class] (browser, bot, tool, monitor) and a family ("Chrome", "Googlebot",
// "curl", "kube-probe", …) for the user-agent sections of a report.
//
// # Rules
//
// [Classify] lower-cases the value and looks for the tokens of an ordered
// list of substring rules; the first rule in the list that matches decides.
// The order is what makes it right, since user agents copy each other's
// tokens:
//
//  1. "-" or empty: [Unknown], family "-".
//  2. Monitors and health checkers ("kube-probe/", "UptimeRobot",
//     "Pingdom.com_bot", "ELB-HealthChecker", …), first because several
//     carry bot markers.
//  3. Named crawlers ("Googlebot", "bingbot", "AhrefsBot", "GPTBot", …),
//     before browsers because they claim "Mozilla/5.0 (compatible; …)" or
//     carry a whole browser UA: Googlebot's smartphone UA contains
//     "Chrome/… Mobile Safari".
//  4. Headless browsers and HTTP tools and libraries ("HeadlessChrome",
//     "curl/", "python-requests", "Go-http-client", "Java/", "okhttp",
//     "Dalvik/", …).
//  5. Generic bot markers: the word "bot" (but not the phone brand
//     "CUBOT"), "crawl", "spider", "slurp", "fetcher", "archiver",
//     "subscribers", "nutch", "proxy" (image proxies, link previewers), a URL
//     ("http://", "https://", "www.") or an e-mail address ('@'): family
//     "Other bot". Browsers never carry these.
//  6. Browsers, engines that copy others' tokens first: Edge ("Edg/")
//     before Opera ("OPR/") before Samsung Internet, Yandex Browser and UC
//     Browser before IE ("MSIE", "Trident/") before Firefox before Chrome
//     (which every Chromium browser names) before the Android stock browser
//     (what is left of "Android") before Safari (which every WebKit browser
//     names); then iOS web views ("like Mac OS X": Safari) and other
//     browsers (Konqueror, Lynx, feature phones, other Gecko browsers…:
//     "Other browser").
//  7. Whatever still claims "(compatible; …)" is a bot: the convention of
//     MSIE, Konqueror and Opera, matched above, copied by crawlers.
//  8. App HTTP stacks that also appear in Safari's own UAs ("CFNetwork/").
//  9. Anything else: [Unknown], family "Other".
//
// Chromium counts as Chrome, Iceweasel and SeaMonkey as Firefox; msnbot and
// BingPreview as Bingbot; every Yandex robot as YandexBot.
//
// Only the first [MaxLen] bytes of a value are examined.
//
// # Concurrency
//
// [Classify] is a pure function and safe for concurrent use.
//
// # Usage
//
// Classifying costs a few hundred nanoseconds, one pass over the value
// whatever the number of rules; a pipeline can still classify each distinct
// user agent once and cache the result:
//
//	class, family := useragent.Classify(rec.UserAgent)
//	byClass[class]++
//	byFamily[family]++ // family is a constant: no allocation
package useragent
