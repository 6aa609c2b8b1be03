package applog

import "github.com/vigil-ops/vigil/parsers"

// leadingLevel reports whether line starts, after an optional "[", with
// a level word written in capitals ("ERROR", "[WARN]", Python's default
// "WARNING:root:msg") followed by the end of the line or a byte that
// cannot continue a token, and returns the level and where the word ends.
// Capitals only: "Error: boom" is a JavaScript exception's header and
// "Info about …" prose.
func leadingLevel(line []byte) (lvl []byte, end int, ok bool) {
	i := 0
	if len(line) > 0 && line[0] == '[' {
		i = 1
	}
	end = i
	for end < len(line) && isUpper(line[end]) {
		end++
	}
	if end < len(line) && tokenByte[line[end]] {
		return nil, 0, false
	}
	lvl, ok = levelOf(line[i:end])
	return lvl, end, ok
}

// stampAfter finds a timestamp starting at one of the first
// maxLevelWords tokens (see tokenByte) that start within maxLevelOffset
// bytes after from: "ERROR 2024-01-02 03:04:05,678 msg", "[WARN] [main]
// 24/01/02 03:04:05 msg", Java Service Wrapper's "INFO   | jvm 1    |
// 2015/04/28 18:40:00 | msg".
func stampAfter(line []byte, from int) (stamp, bool) {
	tokens := 0
	for i := from; i < len(line) && i-from < maxLevelOffset && tokens < maxLevelWords; {
		if !tokenByte[line[i]] {
			i++
			continue
		}
		if st, ok := stampAt(line, i); ok {
			return st, true
		}
		tokens++
		for i < len(line) && tokenByte[line[i]] {
			i++
		}
	}
	return stamp{}, false
}

// levelFirst fills r from a line that starts with the level word lvl,
// ending at end: its time is the timestamp stampAfter finds, or
// parsers.NoTime without one; its message what follows the timestamp (or
// the level), as for other lines.
func (p *Parser) levelFirst(line, lvl []byte, end int, r *parsers.Record) error {
	t, rest := int64(parsers.NoTime), line[end:]
	if st, ok := stampAfter(line, end); ok {
		if t, ok = p.stampTime(line, &st); !ok {
			return p.fail(st.start, ReasonTime)
		}
		rest = line[st.end:]
	}
	r.Kind, r.Time, r.Level = parsers.KindApp, t, lvl
	r.Message = message(rest)
	return nil
}
