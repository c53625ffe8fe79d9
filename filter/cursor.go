package filter

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"math"
	"strings"
)

// Cursor holds the values of the effective order (Bound.Order) of one row,
// in order: a string for text, an int64 of Unix nanoseconds for a time (a
// time.Time in UTC for a time outside the int64 range, years 1678 to 2262,
// which records matched in memory may hold), a float64 for a number, a bool
// for a boolean. Absent values of nullable fields are their zero: "", -1 or
// false, as in SQL.OrderBy.
type Cursor []any

// cursorPrefix starts every cursor token; names never hold a dot, so a
// start_after with this prefix is never a name.
const cursorPrefix = "c1."

// cursorJSON is the JSON inside a cursor token: the order the cursor was made
// for, and the values.
type cursorJSON struct {
	K string `json:"k"`
	V []any  `json:"v"`
}

// Encode returns the token for c: "c1." followed by the base64url (unpadded)
// JSON of c and of the effective order it belongs to. Pass it as start_after
// to get the rows after c. Values that do not fit the order encode as null,
// and DecodeCursor refuses the token.
func (b *Bound) Encode(c Cursor) string {
	vals := make([]any, len(c))
	for i, v := range c {
		if i >= len(b.keys) {
			continue
		}
		t := b.keys[i].f.Type
		s, ok := toScalar(t, v)
		if !ok {
			continue
		}
		vals[i] = scalarAny(t, s)
		if t == Time && sqlRange(s) != 0 {
			// Unix nanoseconds still, beyond int64: exact, and the same
			// JSON type as every other time.
			vals[i] = json.Number(bigNanos(s))
		}
		if t == Number && math.IsInf(s.f, 0) {
			vals[i] = "+Inf"
			if s.f < 0 {
				vals[i] = "-Inf"
			}
		}
	}
	data, err := json.Marshal(cursorJSON{K: b.signature(), V: vals})
	if err != nil { // cannot happen: vals hold only JSON-safe values
		return cursorPrefix
	}
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(data)
}

// DecodeCursor decodes a start_after token made by Encode. It returns ok
// false (and no error) when s is not a token at all, and the caller treats s
// as a name. A token that is malformed, or that was made for a different
// order, is an errs.InvalidQuery error.
func (b *Bound) DecodeCursor(s string) (c Cursor, ok bool, err error) {
	rest, found := strings.CutPrefix(s, cursorPrefix)
	if !found {
		return nil, false, nil
	}
	data, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return nil, true, malformedCursor(s)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var cj cursorJSON
	if err := dec.Decode(&cj); err != nil {
		return nil, true, malformedCursor(s)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, true, malformedCursor(s)
	}
	if cj.K != b.signature() || len(cj.V) != len(b.keys) {
		return nil, true, cursorMismatch()
	}
	c = make(Cursor, len(cj.V))
	for i, v := range cj.V {
		var good bool
		switch b.keys[i].f.Type {
		case String:
			c[i], good = v.(string)
		case Time:
			if n, isNum := v.(json.Number); isNum {
				if i64, err := n.Int64(); err == nil {
					c[i], good = i64, true
				} else if s, ok := parseBigNanos(string(n)); ok && sqlRange(s) != 0 {
					c[i], good = timeOf(s), true
				}
			}
		case Number:
			switch v {
			case "+Inf":
				c[i], good = math.Inf(1), true
			case "-Inf":
				c[i], good = math.Inf(-1), true
			default:
				if n, isNum := v.(json.Number); isNum {
					c[i], good = parseNumber(string(n))
				}
			}
		case Bool:
			c[i], good = v.(bool)
		}
		if !good {
			return nil, true, cursorMismatch()
		}
	}
	return c, true, nil
}

// CursorFromRow makes the cursor of a row from the values a store scanned
// from SQL.OrderColumns: int64, float64, string, []byte (read as a string),
// bool and time.Time (read as Unix nanoseconds) are accepted wherever they
// make sense. A count or a value that does not fit the effective order is an
// errs.Internal error: the store selected the wrong columns.
func (b *Bound) CursorFromRow(vals []any) (Cursor, error) {
	if len(vals) != len(b.keys) {
		return nil, internal("a row has %d order values, the order %s needs %d", len(vals), b.signature(), len(b.keys))
	}
	c := make(Cursor, len(vals))
	for i, v := range vals {
		t := b.keys[i].f.Type
		s, ok := toScalar(t, v)
		if !ok {
			return nil, internal("order value %d of a row (%T) does not fit the %s field %q", i, v, typeName(t), b.keys[i].f.Name)
		}
		c[i] = scalarAny(t, s)
	}
	return c, nil
}

// cursorScalars converts a cursor to the values of the effective order.
func (b *Bound) cursorScalars(c Cursor) ([]scalar, error) {
	if len(c) != len(b.keys) {
		return nil, cursorMismatch()
	}
	vals := make([]scalar, len(c))
	for i, v := range c {
		s, ok := toScalar(b.keys[i].f.Type, v)
		if !ok {
			return nil, cursorMismatch()
		}
		vals[i] = s
	}
	return vals, nil
}

// signature writes the effective order compactly: "name,-created_at,id".
func (b *Bound) signature() string {
	var sb strings.Builder
	for i, k := range b.keys {
		if i > 0 {
			sb.WriteByte(',')
		}
		if k.desc {
			sb.WriteByte('-')
		}
		sb.WriteString(k.f.Name)
	}
	return sb.String()
}

func malformedCursor(s string) error {
	return invalid("start_after", "start_after %s is not a valid cursor; pass a page's next cursor back unchanged, or start again from the first page", quote(s))
}

func cursorMismatch() error {
	return invalid("start_after", "start_after cursor does not match this query's order; start again from the first page")
}
