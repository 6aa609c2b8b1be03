// Package endpoint turns an HTTP request's method and target into an
// endpoint key such as "GET /api/properties/{id}", so that requests to the
// same route group together in latency, status and top-k reports.
//
// # Key format
//
// A key is the method, one space and the normalized path of the target:
//
//   - the query string and fragment (from the first '?' or '#') are dropped;
//   - an absolute-form target ("http://host:8080/a/b?x") keeps only its path
//     ("/a/b"), and "/" when it has none;
//   - every ID-like path segment becomes [IDSegment] ("{id}");
//   - everything else, percent-encoded bytes included, is kept byte for byte.
//
// A segment (the bytes between two slashes) is ID-like when it is
//
//   - all ASCII digits ("61058", "2"), or
//   - a UUID in 8-4-4-4-12 hex form, in any case
//     ("550e8400-e29b-41d4-A716-446655440000"), or
//   - at least 8 hex digits of which at least one is a decimal digit
//     ("5f3a9c1e", "65a1f0c2b9e4d3a1f0c2b9e4", a SHA-1).
//
// The digit requirement keeps words spelled with the letters a-f
// ("deadbeef", "facade", "acceded") as they are: a route name is far more
// likely than a random hex ID with no decimal digit, which is (6/16)^8, about
// one 8-digit ID in 2,600, and fewer for longer ones.
// Slugs ("61058-sea-view"), file names ("61058.jpg") and other tokens stay
// as they are.
//
// A request without a target (the request line was "-", or the target is
// empty or "-" or nothing but a query) has the key [Placeholder] ("-"),
// whatever the method. A target without a method gets "-" as its method:
// "- /api/x".
//
// Normalizing is idempotent: feeding the path part of a key back with the
// same method gives the same key.
//
// # Concurrency
//
// [Append] is a pure function and safe for concurrent use.
//
// # Usage
//
//	key = endpoint.Append(key[:0], rec.Method, rec.Target)
//	counts[string(key)]++ // no allocation once the key is in the map
package endpoint
