package ocsf

import (
	"fmt"
	"strconv"
	"strings"
)

// maxDepth bounds the nesting of decoded JSON, as encoding/json does.
const maxDepth = 10000

// text is the input of the scanner: the decoder reads strings, the encoder
// checks raw JSON held in []byte.
type text interface{ ~string | ~[]byte }

// pathError is a problem at a JSON path, built from the inside out as the
// decoder or the validator unwinds.
type pathError struct {
	segs []pathSeg // innermost first
	msg  string
}

type pathSeg struct {
	key string
	idx int // >= 0: an array index; the key is unused
}

func (e *pathError) Error() string {
	if p := e.path(); p != "" {
		return p + ": " + e.msg
	}
	return e.msg
}

func (e *pathError) path() string {
	var b strings.Builder
	for i := len(e.segs) - 1; i >= 0; i-- {
		s := e.segs[i]
		if s.idx >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.idx))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

func newPathError(format string, args ...any) *pathError {
	if len(args) == 0 {
		return &pathError{msg: format}
	}
	return &pathError{msg: fmt.Sprintf(format, args...)}
}

// atKey records that err happened inside the member key.
func atKey(err error, key string) error {
	if pe, ok := err.(*pathError); ok {
		pe.segs = append(pe.segs, pathSeg{key: key, idx: -1})
	}
	return err
}

// atIndex records that err happened inside the array element i.
func atIndex(err error, i int) error {
	if pe, ok := err.(*pathError); ok {
		pe.segs = append(pe.segs, pathSeg{idx: i})
	}
	return err
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace[S text](s S, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func syntaxError[S text](s S, i int, what string) error {
	if i >= len(s) {
		return newPathError("unexpected end of JSON input")
	}
	return newPathError("invalid JSON at byte %d: %s", i, what)
}

// scanValue checks the JSON value that starts at s[i] (no leading space)
// and returns the index just after it. If out is not nil, the value is
// appended to *out without insignificant whitespace.
func scanValue[S text](s S, i, depth int, out *[]byte) (int, error) {
	if depth > maxDepth {
		return i, newPathError("JSON nested too deeply")
	}
	if i >= len(s) {
		return i, syntaxError(s, i, "")
	}
	switch c := s[i]; {
	case c == '{':
		if out != nil {
			*out = append(*out, '{')
		}
		i = skipSpace(s, i+1)
		if i < len(s) && s[i] == '}' {
			if out != nil {
				*out = append(*out, '}')
			}
			return i + 1, nil
		}
		for {
			if i >= len(s) || s[i] != '"' {
				return i, syntaxError(s, i, "want a member name")
			}
			j, err := scanString(s, i)
			if err != nil {
				return j, err
			}
			if out != nil {
				*out = append(*out, s[i:j]...)
			}
			i = skipSpace(s, j)
			if i >= len(s) || s[i] != ':' {
				return i, syntaxError(s, i, "want ':'")
			}
			if out != nil {
				*out = append(*out, ':')
			}
			i = skipSpace(s, i+1)
			if i, err = scanValue(s, i, depth+1, out); err != nil {
				return i, err
			}
			i = skipSpace(s, i)
			if i < len(s) && s[i] == ',' {
				if out != nil {
					*out = append(*out, ',')
				}
				i = skipSpace(s, i+1)
				continue
			}
			if i < len(s) && s[i] == '}' {
				if out != nil {
					*out = append(*out, '}')
				}
				return i + 1, nil
			}
			return i, syntaxError(s, i, "want ',' or '}'")
		}
	case c == '[':
		if out != nil {
			*out = append(*out, '[')
		}
		i = skipSpace(s, i+1)
		if i < len(s) && s[i] == ']' {
			if out != nil {
				*out = append(*out, ']')
			}
			return i + 1, nil
		}
		for {
			var err error
			if i, err = scanValue(s, i, depth+1, out); err != nil {
				return i, err
			}
			i = skipSpace(s, i)
			if i < len(s) && s[i] == ',' {
				if out != nil {
					*out = append(*out, ',')
				}
				i = skipSpace(s, i+1)
				continue
			}
			if i < len(s) && s[i] == ']' {
				if out != nil {
					*out = append(*out, ']')
				}
				return i + 1, nil
			}
			return i, syntaxError(s, i, "want ',' or ']'")
		}
	case c == '"':
		j, err := scanString(s, i)
		if err == nil && out != nil {
			*out = append(*out, s[i:j]...)
		}
		return j, err
	case c == '-' || (c >= '0' && c <= '9'):
		j, _, err := scanNumber(s, i)
		if err == nil && out != nil {
			*out = append(*out, s[i:j]...)
		}
		return j, err
	case c == 't':
		return scanLiteral(s, i, "true", out)
	case c == 'f':
		return scanLiteral(s, i, "false", out)
	case c == 'n':
		return scanLiteral(s, i, "null", out)
	}
	return i, syntaxError(s, i, "want a value")
}

func scanLiteral[S text](s S, i int, lit string, out *[]byte) (int, error) {
	if len(s)-i < len(lit) || string(s[i:i+len(lit)]) != lit {
		return i, syntaxError(s, i, "want a value")
	}
	if out != nil {
		*out = append(*out, lit...)
	}
	return i + len(lit), nil
}

// scanString checks the string that starts at s[i] ('"') and returns the
// index after its closing quote.
func scanString[S text](s S, i int) (int, error) {
	j := i + 1
	for j < len(s) {
		c := s[j]
		switch {
		case c == '"':
			return j + 1, nil
		case c == '\\':
			if j+1 >= len(s) {
				return j, syntaxError(s, len(s), "")
			}
			switch s[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if len(s)-j < 6 || !isHex4(s, j+2) {
					return j, syntaxError(s, j, "bad \\u escape")
				}
				j += 6
			default:
				return j, syntaxError(s, j, "bad escape")
			}
		case c < 0x20:
			return j, syntaxError(s, j, "control character in string")
		default:
			j++
		}
	}
	return j, syntaxError(s, j, "")
}

func isHex4[S text](s S, i int) bool {
	for k := i; k < i+4; k++ {
		c := s[k]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// scanNumber checks the number that starts at s[i] and returns the index
// after it, and whether it is a plain integer (no fraction or exponent).
func scanNumber[S text](s S, i int) (int, bool, error) {
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	if j >= len(s) {
		return j, false, syntaxError(s, j, "")
	}
	switch c := s[j]; {
	case c == '0':
		j++
	case c >= '1' && c <= '9':
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
	default:
		return j, false, syntaxError(s, j, "bad number")
	}
	integer := true
	if j < len(s) && s[j] == '.' {
		integer = false
		j++
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == k {
			return j, false, syntaxError(s, j, "bad number")
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		integer = false
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == k {
			return j, false, syntaxError(s, j, "bad number")
		}
	}
	return j, integer, nil
}
