package ocsf

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// encoder appends JSON to buf. Its output is what encoding/json would write
// for the same values: compact, with <, > and & escaped.
type encoder struct {
	buf   []byte
	comma bool // a member or element was written at this level
	err   error
}

func (e *encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func (e *encoder) beginObject() {
	e.buf = append(e.buf, '{')
	e.comma = false
}

func (e *encoder) endObject() {
	e.buf = append(e.buf, '}')
	e.comma = true
}

func (e *encoder) beginArray() {
	e.buf = append(e.buf, '[')
	e.comma = false
}

func (e *encoder) endArray() {
	e.buf = append(e.buf, ']')
	e.comma = true
}

// key writes a member's name, quoted with its ':', as made by quoteKey.
func (e *encoder) key(k string) {
	if e.comma {
		e.buf = append(e.buf, ',')
	}
	e.buf = append(e.buf, k...)
	e.comma = true
}

// elem starts an array element.
func (e *encoder) elem() {
	if e.comma {
		e.buf = append(e.buf, ',')
	}
	e.comma = true
}

func quoteKey(name string) string {
	var e encoder
	e.str(name)
	return string(append(e.buf, ':'))
}

func (e *encoder) int(v int)             { e.buf = strconv.AppendInt(e.buf, int64(v), 10) }
func (e *encoder) int32(v int32)         { e.buf = strconv.AppendInt(e.buf, int64(v), 10) }
func (e *encoder) int64(v int64)         { e.buf = strconv.AppendInt(e.buf, v, 10) }
func (e *encoder) timestamp(v Timestamp) { e.buf = strconv.AppendInt(e.buf, int64(v), 10) }

func (e *encoder) bool(v bool) {
	if v {
		e.buf = append(e.buf, "true"...)
	} else {
		e.buf = append(e.buf, "false"...)
	}
}

// float64 writes f as encoding/json does.
func (e *encoder) float64(f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		e.fail(newPathError("unsupported float value %v", f))
		e.buf = append(e.buf, '0')
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(e.buf, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	e.buf = b
}

// raw writes a json_t value or a member the type does not model, checked
// and compacted. An empty RawMessage is written as null.
func (e *encoder) raw(r json.RawMessage) {
	i := skipSpace(r, 0)
	if i == len(r) {
		e.buf = append(e.buf, "null"...)
		return
	}
	mark := len(e.buf)
	end, err := scanValue(r, i, 0, &e.buf)
	if err == nil && skipSpace(r, end) != len(r) {
		err = newPathError("invalid JSON at byte %d: data after the JSON value", end)
	}
	if err != nil {
		e.buf = append(e.buf[:mark], "null"...)
		e.fail(err)
	}
}

// safe marks the bytes written as they are in a JSON string (encoding/json's
// htmlSafeSet).
var safe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return
}()

const hexDigits = "0123456789abcdef"

// str writes s quoted, as encoding/json does (invalid UTF-8 becomes
// U+FFFD; <, >, &, U+2028 and U+2029 are escaped).
func (e *encoder) str(s string) {
	b := append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += n
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += n
			start = i
			continue
		}
		i += n
	}
	b = append(b, s[start:]...)
	e.buf = append(b, '"')
}
