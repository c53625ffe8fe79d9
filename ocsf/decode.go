package ocsf

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// decoder reads one JSON document. Strings without escapes are slices of
// s, the one copy of the input that a decode makes.
type decoder struct {
	s     string
	i     int
	depth int

	// type_uid as read from the event being decoded, checked once its
	// activity_id is known.
	typeUID    int64
	hasTypeUID bool
}

func (d *decoder) ws() {
	for d.i < len(d.s) && isSpace(d.s[d.i]) {
		d.i++
	}
}

// peek returns the next byte after whitespace, or 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

func (d *decoder) syntax(what string) error { return syntaxError(d.s, d.i, what) }

func (d *decoder) want(what string) error {
	d.ws()
	if d.i >= len(d.s) {
		return d.syntax("")
	}
	return newPathError("want %s, not %s", what, describe(d.s[d.i]))
}

func describe(c byte) string {
	switch {
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	}
	return "invalid JSON"
}

// null consumes a null literal if one is next.
func (d *decoder) null() bool {
	if d.peek() == 'n' && len(d.s)-d.i >= 4 && d.s[d.i:d.i+4] == "null" {
		d.i += 4
		return true
	}
	return false
}

// end checks that nothing but whitespace follows the document.
func (d *decoder) end() error {
	d.ws()
	if d.i != len(d.s) {
		return newPathError("invalid JSON at byte %d: data after the JSON value", d.i)
	}
	return nil
}

// beginObject consumes '{' and reports whether the object has a member.
func (d *decoder) beginObject() (bool, error) {
	if d.peek() != '{' {
		return false, d.want("an object")
	}
	if d.depth++; d.depth > maxDepth {
		return false, newPathError("JSON nested too deeply")
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		d.depth--
		return false, nil
	}
	return true, nil
}

// nextMember consumes ',' (true) or '}' (false) after a member's value.
func (d *decoder) nextMember() (bool, error) {
	switch d.peek() {
	case ',':
		d.i++
		return true, nil
	case '}':
		d.i++
		d.depth--
		return false, nil
	}
	return false, d.syntax("want ',' or '}'")
}

// beginArray consumes '[' and reports whether the array has an element.
func (d *decoder) beginArray() (bool, error) {
	if d.peek() != '[' {
		return false, d.want("an array")
	}
	if d.depth++; d.depth > maxDepth {
		return false, newPathError("JSON nested too deeply")
	}
	d.i++
	if d.peek() == ']' {
		d.i++
		d.depth--
		return false, nil
	}
	return true, nil
}

// nextElement consumes ',' (true) or ']' (false) after an element.
func (d *decoder) nextElement() (bool, error) {
	switch d.peek() {
	case ',':
		d.i++
		return true, nil
	case ']':
		d.i++
		d.depth--
		return false, nil
	}
	return false, d.syntax("want ',' or ']'")
}

// key reads a member name and the ':' after it.
func (d *decoder) key() (string, error) {
	if d.peek() != '"' {
		return "", d.syntax("want a member name")
	}
	k, err := d.readString()
	if err != nil {
		return "", err
	}
	if d.peek() != ':' {
		return "", d.syntax("want ':'")
	}
	d.i++
	return k, nil
}

// str reads a string value.
func (d *decoder) str() (string, error) {
	if d.peek() != '"' {
		return "", d.want("a string")
	}
	return d.readString()
}

// readString reads the string at d.i ('"'). Invalid UTF-8 becomes U+FFFD,
// as with encoding/json.
func (d *decoder) readString() (string, error) {
	s := d.s
	start := d.i + 1
	j := start
	ascii := true
	for j < len(s) {
		c := s[j]
		if c == '"' {
			v := s[start:j]
			if !ascii && !utf8.ValidString(v) {
				break
			}
			d.i = j + 1
			return v, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", syntaxError(s, j, "control character in string")
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
		j++
	}
	return d.slowString(start)
}

// slowString decodes a string with escapes or invalid UTF-8.
func (d *decoder) slowString(start int) (string, error) {
	end, err := scanString(d.s, start-1)
	if err != nil {
		return "", err
	}
	s := d.s[start : end-1]
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch s[i+1] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(s[i+2 : i+6])
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2 = hex4(s[i+2 : i+6])
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						i += 6
						r = dec
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
				continue
			default: // " \ /
				b = append(b, s[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
		}
	}
	d.i = end
	return string(b), nil
}

func hex4(s string) rune {
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// number reads a number's text.
func (d *decoder) number() (string, bool, error) {
	c := d.peek()
	if c != '-' && (c < '0' || c > '9') {
		return "", false, d.want("a number")
	}
	j, integer, err := scanNumber(d.s, d.i)
	if err != nil {
		return "", false, err
	}
	n := d.s[d.i:j]
	d.i = j
	return n, integer, nil
}

// int64 reads an integer. A number written with a fraction or an exponent
// is accepted when its value is a whole number in range (1e3, 5.0).
func (d *decoder) int64() (int64, error) {
	n, integer, err := d.number()
	if err != nil {
		return 0, err
	}
	if integer && len(n) <= 18 {
		var v int64
		neg := n[0] == '-'
		for i := 0; i < len(n); i++ {
			if c := n[i]; c != '-' {
				v = v*10 + int64(c-'0')
			}
		}
		if neg {
			v = -v
		}
		return v, nil
	}
	if integer {
		v, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return 0, newPathError("number out of range for a 64-bit integer")
		}
		return v, nil
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil || f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		return 0, newPathError("want an integer")
	}
	return int64(f), nil
}

func (d *decoder) int() (int, error) {
	v, err := d.int64()
	if err == nil && int64(int(v)) != v {
		return 0, newPathError("number out of range")
	}
	return int(v), err
}

func (d *decoder) int32() (int32, error) {
	v, err := d.int64()
	if err == nil && (v < math.MinInt32 || v > math.MaxInt32) {
		return 0, newPathError("number out of range for a 32-bit integer")
	}
	return int32(v), err
}

func (d *decoder) timestamp() (Timestamp, error) {
	v, err := d.int64()
	return Timestamp(v), err
}

func (d *decoder) float64() (float64, error) {
	n, _, err := d.number()
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return 0, newPathError("number out of range for a float")
	}
	return f, nil
}

func (d *decoder) bool() (bool, error) {
	switch d.peek() {
	case 't':
		if len(d.s)-d.i >= 4 && d.s[d.i:d.i+4] == "true" {
			d.i += 4
			return true, nil
		}
	case 'f':
		if len(d.s)-d.i >= 5 && d.s[d.i:d.i+5] == "false" {
			d.i += 5
			return false, nil
		}
	}
	return false, d.want("a boolean")
}

// raw reads any value as compact JSON, for json_t attributes and for the
// members a type does not model.
func (d *decoder) raw() (json.RawMessage, error) {
	d.ws()
	start := d.i
	out := make([]byte, 0, 16)
	end, err := scanValue(d.s, start, d.depth, &out)
	if err != nil {
		return nil, err
	}
	d.i = end
	return out, nil
}

// skip passes over any value, checking it.
func (d *decoder) skip() error {
	d.ws()
	end, err := scanValue(d.s, d.i, d.depth, nil)
	if err != nil {
		return err
	}
	d.i = end
	return nil
}

// peekClassUID finds the class_uid member of the object at d.i without
// moving d.i. It checks only what it passes over.
func (d *decoder) peekClassUID() (int64, error) {
	save, saveDepth := d.i, d.depth
	defer func() { d.i, d.depth = save, saveDepth }()
	more, err := d.beginObject()
	if err != nil {
		return 0, newPathError("want an OCSF event object, not %s", describe(d.peek()))
	}
	for more {
		k, err := d.key()
		if err != nil {
			return 0, err
		}
		if k == "class_uid" {
			v, err := d.int64()
			return v, atKey(err, k)
		}
		if err := d.skip(); err != nil {
			return 0, atKey(err, k)
		}
		if more, err = d.nextMember(); err != nil {
			return 0, err
		}
	}
	return 0, newPathError("class_uid is missing: it says which OCSF class the event is")
}
