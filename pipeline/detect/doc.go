// Package detect finds incidents in a stream of closed windows: the
// detection rules (with their rules file) and the streaming [Engine] that
// applies them.
//
// # Streaming
//
// [Engine.Push] takes one closed window at a time, in time order. Each
// detector looks at the newest window and reads what came before from a
// bounded ring of past windows, the baseline horizon (four baselines for
// the trailing baselines, and for the windows' full detail a baseline plus
// the longest rule window, `for` and quiet period): the cost of a window
// and the engine's memory do not depend on how many windows came before.
// Per rule tier and subject, a series carries the current run of bad
// windows; an incident opens as soon as a run has held for the rule's
// `for` (its start grown back by likelihood over the windows still in the
// ring), moves while it lasts, and is resolved after its quiet period
// (the rule's window, at least 2 windows), its end grown forward by
// likelihood over the quiet windows. Summaries and evidence are summed
// window by window while the incident is open, never recomputed from
// windows that left the ring. The incident lifecycle and its events are
// the [incident.Tracker]'s. docs/rules.md documents every rule and the
// lifecycle.
//
// analyze replays a file through the same engine, and [Engine.Close] at
// the end of the input leaves the incidents still on open.
//
// # Concurrency
//
// An Engine is not safe for concurrent use: one goroutine feeds it.
// [Rules] are plain values, safe to copy and share.
//
// # Usage
//
//	rules, err := detect.ReadRules(path) // or detect.DefaultRules()
//	cfg := rules.WindowConfig()          // what the windows must count
//	eng := detect.New(rules)
//	for each closed window w, in time order {
//		for _, ev := range eng.Push(w) { ... }
//	}
//	events := eng.Close()
//	incidents := eng.Incidents()
package detect
