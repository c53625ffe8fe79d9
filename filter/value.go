package filter

import (
	"cmp"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// scalar is one comparable value of a field: s for String, n for Time (Unix
// nanoseconds, UTC) and Bool (0 or 1), f for Number. A struct rather than an
// interface so that matching allocates nothing.
type scalar struct {
	s string
	n int64
	f float64
}

// compareScalars orders two values of type t as SQL does: strings bytewise,
// times by instant, numbers numerically, false before true.
func compareScalars(t Type, a, b scalar) int {
	switch t {
	case String:
		return strings.Compare(a.s, b.s)
	case Number:
		return cmp.Compare(a.f, b.f)
	default:
		return cmp.Compare(a.n, b.n)
	}
}

// zeroScalar is the value an absent (NULL) value sorts as: the SQL
// COALESCE(column, zero) of nullable order columns.
func zeroScalar(t Type) scalar {
	switch t {
	case Time:
		return scalar{n: -1}
	case Number:
		return scalar{f: -1}
	}
	return scalar{}
}

// zeroSQL is zeroScalar written as an SQL literal.
func zeroSQL(t Type) string {
	switch t {
	case Time, Number:
		return "-1"
	case Bool:
		return "FALSE"
	}
	return "''"
}

// The instants a Time value can hold: int64 Unix nanoseconds.
var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

// parseTime parses an RFC 3339 time (with or without fractional seconds)
// that fits in int64 Unix nanoseconds.
func parseTime(s string) (int64, bool) {
	t, err := time.Parse(timeLayout, s)
	if err != nil || t.Before(minTime) || t.After(maxTime) {
		return 0, false
	}
	return t.UnixNano(), true
}

// parseNumber parses a finite float64.
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// parseBool parses "true" or "false" in any letter case.
func parseBool(s string) (int64, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return 1, true
	case strings.EqualFold(s, "false"):
		return 0, true
	}
	return 0, false
}

// parseValue parses the query text s as a value of type t.
func parseValue(t Type, s string) (scalar, bool) {
	switch t {
	case Time:
		n, ok := parseTime(s)
		return scalar{n: n}, ok
	case Number:
		f, ok := parseNumber(s)
		return scalar{f: f}, ok
	case Bool:
		n, ok := parseBool(s)
		return scalar{n: n}, ok
	}
	return scalar{s: s}, true
}

// toScalar converts a value a Record or a database row holds to a value of
// type t. It accepts, by type:
//
//   - String: string, []byte;
//   - Time: time.Time, an RFC 3339 string, any Go integer (Unix
//     nanoseconds), json.Number;
//   - Number: any Go integer or float, json.Number, a numeric string;
//   - Bool: bool, "true"/"false", any Go integer (0 is false).
//
// It reports false for nil and for anything else, including NaN.
func toScalar(t Type, v any) (scalar, bool) {
	switch t {
	case String:
		switch v := v.(type) {
		case string:
			return scalar{s: v}, true
		case []byte:
			return scalar{s: string(v)}, true
		}
	case Time:
		switch v := v.(type) {
		case time.Time:
			if v.Before(minTime) || v.After(maxTime) {
				return scalar{}, false
			}
			return scalar{n: v.UnixNano()}, true
		case string:
			n, ok := parseTime(v)
			return scalar{n: n}, ok
		case json.Number:
			n, err := v.Int64()
			return scalar{n: n}, err == nil
		}
		n, ok := toInt(v)
		return scalar{n: n}, ok
	case Number:
		switch v := v.(type) {
		case float64:
			return scalar{f: v}, !math.IsNaN(v)
		case float32:
			return scalar{f: float64(v)}, !math.IsNaN(float64(v))
		case string:
			f, ok := parseNumber(v)
			return scalar{f: f}, ok
		case json.Number:
			f, ok := parseNumber(string(v))
			return scalar{f: f}, ok
		}
		if n, ok := toInt(v); ok {
			return scalar{f: float64(n)}, true
		}
		if u, ok := v.(uint64); ok {
			return scalar{f: float64(u)}, true
		}
		if u, ok := v.(uint); ok {
			return scalar{f: float64(u)}, true
		}
	case Bool:
		switch v := v.(type) {
		case bool:
			if v {
				return scalar{n: 1}, true
			}
			return scalar{}, true
		case string:
			n, ok := parseBool(v)
			return scalar{n: n}, ok
		}
		if n, ok := toInt(v); ok {
			if n != 0 {
				n = 1
			}
			return scalar{n: n}, true
		}
	}
	return scalar{}, false
}

// toInt converts any Go integer that fits in an int64.
func toInt(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	case uint:
		return int64(v), uint64(v) <= math.MaxInt64
	case uint64:
		return int64(v), v <= math.MaxInt64
	case uintptr:
		return int64(v), uint64(v) <= math.MaxInt64
	}
	return 0, false
}

// scalarAny returns the cursor form of a value of type t: string, int64
// (Time), float64 (Number) or bool.
func scalarAny(t Type, v scalar) any {
	switch t {
	case Time:
		return v.n
	case Number:
		return v.f
	case Bool:
		return v.n != 0
	}
	return v.s
}

// typeName names a Type in messages.
func typeName(t Type) string {
	switch t {
	case String:
		return "text"
	case Time:
		return "time"
	case Number:
		return "number"
	case Bool:
		return "true/false"
	}
	return "unknown (Type " + strconv.Itoa(int(t)) + ")"
}
