package destination

import "unicode/utf8"

// maxJSONDepth is encoding/json's limit of nesting, which scanJSON keeps
// so that it accepts exactly what json.Valid does.
const maxJSONDepth = 10000

// scanJSON reports whether data is one JSON value in UTF-8 (exactly when
// json.Valid and utf8.Valid both hold), and whether one of its strings
// holds the escape \u0000 (which PostgreSQL's JSONB refuses). It is one
// pass without allocation (below 32 levels of nesting), several times
// faster than json.Valid: every row's raw record goes through it.
func scanJSON(data []byte) (ok, nul bool) {
	var small [32]byte
	stack := small[:0] // the open containers, '{' or '['
	i := skipSpace(data, 0)
	for {
		// A value starts at i.
		if i >= len(data) {
			return false, nul
		}
		switch c := data[i]; c {
		case '{', '[':
			if len(stack) >= maxJSONDepth {
				return false, nul
			}
			stack = append(stack, c)
			i = skipSpace(data, i+1)
			if i < len(data) && data[i] == c+2 { // '}' or ']'
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				if i, ok = scanKey(data, i, &nul); !ok {
					return false, nul
				}
			}
			continue
		case '"':
			if i, ok = scanString(data, i, &nul); !ok {
				return false, nul
			}
		case 't':
			if i, ok = scanLiteral(data, i, "true"); !ok {
				return false, nul
			}
		case 'f':
			if i, ok = scanLiteral(data, i, "false"); !ok {
				return false, nul
			}
		case 'n':
			if i, ok = scanLiteral(data, i, "null"); !ok {
				return false, nul
			}
		default:
			if i, ok = scanNumber(data, i); !ok {
				return false, nul
			}
		}
		// A value ended at i: close containers, or go on to the next value.
		for {
			i = skipSpace(data, i)
			if len(stack) == 0 {
				return i == len(data), nul
			}
			if i >= len(data) {
				return false, nul
			}
			top, c := stack[len(stack)-1], data[i]
			if c == top+2 {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			if c != ',' {
				return false, nul
			}
			i = skipSpace(data, i+1)
			if top == '{' {
				if i, ok = scanKey(data, i, &nul); !ok {
					return false, nul
				}
			}
			break
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanKey scans an object's key, its colon and the space after it.
func scanKey(data []byte, i int, nul *bool) (int, bool) {
	if i >= len(data) || data[i] != '"' {
		return i, false
	}
	i, ok := scanString(data, i, nul)
	if !ok {
		return i, false
	}
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != ':' {
		return i, false
	}
	return skipSpace(data, i+1), true
}

// stringSpecial marks the bytes a string's plain run stops at: the quote,
// the backslash, control characters and the bytes of non-ASCII runes.
var stringSpecial = func() (t [256]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf
	}
	return t
}()

// scanString scans the string whose quote is at i.
func scanString(data []byte, i int, nul *bool) (int, bool) {
	i++
	for i < len(data) {
		for i < len(data) && !stringSpecial[data[i]] {
			i++
		}
		if i >= len(data) {
			break
		}
		c := data[i]
		switch {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i+1 >= len(data) {
				return i, false
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) {
					return i, false
				}
				for _, h := range data[i+2 : i+6] {
					if !isHex(h) {
						return i, false
					}
				}
				if data[i+2] == '0' && data[i+3] == '0' && data[i+4] == '0' && data[i+5] == '0' {
					*nul = true
				}
				i += 6
			default:
				return i, false
			}
		default:
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				return i, false
			}
			i += n
		}
	}
	return i, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func scanLiteral(data []byte, i int, lit string) (int, bool) {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

// scanNumber scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func scanNumber(data []byte, i int) (int, bool) {
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i = skipDigits(data, i+1)
	default:
		return i, false
	}
	if i < len(data) && data[i] == '.' {
		j := skipDigits(data, i+1)
		if j == i+1 {
			return i, false
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := skipDigits(data, i)
		if j == i {
			return i, false
		}
		i = j
	}
	return i, true
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}
