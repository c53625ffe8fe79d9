package filter

import (
	"cmp"
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/internal/timefmt"
)

// scalar is one comparable value of a field: s for String; n for Bool (0 or
// 1); f for Number. For Time, n is the Unix second and f the nanosecond
// within it (an integer from 0 to 999,999,999, exact in a float64), so that
// every time compares, not only those that fit in int64 nanoseconds, and the
// struct stays this small: sorting copies it on every comparison. A struct
// rather than an interface so that matching allocates nothing.
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
	}
	if c := cmp.Compare(a.n, b.n); c != 0 || t != Time {
		return c
	}
	return cmp.Compare(a.f, b.f)
}

// zeroScalar is the value an absent (NULL) value sorts as: the SQL
// COALESCE(column, zero) of nullable order columns.
func zeroScalar(t Type) scalar {
	switch t {
	case Time:
		return nanosScalar(-1)
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

// The first and last instants a Time column holds: int64 Unix nanoseconds,
// from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z.
var (
	minNanos = nanosScalar(math.MinInt64)
	maxNanos = nanosScalar(math.MaxInt64)
)

// nanosScalar is the Time value of n Unix nanoseconds.
func nanosScalar(n int64) scalar {
	sec, ns := n/1e9, n%1e9
	if ns < 0 {
		sec, ns = sec-1, ns+1e9
	}
	return timeAt(sec, ns)
}

// timeAt is the Time value of the Unix second sec and the nanosecond ns
// within it.
func timeAt[N int | int64](sec int64, ns N) scalar { return scalar{n: sec, f: float64(ns)} }

// nsec is the nanosecond within the second of the Time value v.
func nsec(v scalar) int64 { return int64(v.f) }

// sqlRange compares the Time value v with the instants a Time column holds:
// -1 before the first, +1 after the last, 0 within.
func sqlRange(v scalar) int {
	switch {
	case compareScalars(Time, v, minNanos) < 0:
		return -1
	case compareScalars(Time, v, maxNanos) > 0:
		return 1
	}
	return 0
}

// nanos returns the Time value v, which sqlRange places within, as Unix
// nanoseconds. (The product may wrap around for the first second of the
// range; the sum is exact, since the result fits.)
func nanos(v scalar) int64 { return v.n*1e9 + nsec(v) }

// maxUnixSec is the largest Unix second of a time.Time. t.Unix() wraps
// around, to above it, for the times before about 292 billion years ago.
const maxUnixSec = math.MaxInt64 - 62135596800 // 62135596800: from year 1 to 1970

// timeScalar is the Time value of t. It reports false only for the times
// whose Unix second overflows int64.
func timeScalar(t time.Time) (scalar, bool) {
	sec := t.Unix()
	if sec > maxUnixSec {
		return scalar{}, false
	}
	return timeAt(sec, t.Nanosecond()), true
}

// timeOf is the time of the Time value v, in UTC.
func timeOf(v scalar) time.Time { return time.Unix(v.n, nsec(v)).UTC() }

// parseTime parses a time as timefmt.Parse does: RFC 3339, strictly, years
// 0000 to 9999. The error is timefmt's.
func parseTime(s string) (scalar, error) {
	t, err := timefmt.Parse(s)
	if err != nil {
		return scalar{}, err
	}
	v, _ := timeScalar(t) // years 0000 to 9999 always fit
	return v, nil
}

// maxNanosDigits bounds the decimal nanoseconds of a cursor's time: int64
// seconds and nine digits.
const maxNanosDigits = 30

// bigNanos writes the Time value v as a decimal count of Unix nanoseconds,
// which may exceed int64.
func bigNanos(v scalar) string {
	var n big.Int
	n.Mul(big.NewInt(v.n), big.NewInt(1e9))
	n.Add(&n, big.NewInt(nsec(v)))
	return n.String()
}

// parseBigNanos reads what bigNanos writes: a decimal integer count of Unix
// nanoseconds whose seconds fit in int64.
func parseBigNanos(s string) (scalar, bool) {
	if len(s) > maxNanosDigits {
		return scalar{}, false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && !(i == 0 && c == '-') {
			return scalar{}, false
		}
	}
	var n, sec, ns big.Int
	if _, ok := n.SetString(s, 10); !ok {
		return scalar{}, false
	}
	sec.DivMod(&n, big.NewInt(1e9), &ns) // Euclidean: 0 <= ns < 1e9
	if !sec.IsInt64() {
		return scalar{}, false
	}
	return timeAt(sec.Int64(), ns.Int64()), true
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

// parseValue parses the query text s as a value of type t. For a time that
// does not parse, err is timefmt's error, which says why.
func parseValue(t Type, s string) (v scalar, ok bool, err error) {
	switch t {
	case Time:
		v, err := parseTime(s)
		return v, err == nil, err
	case Number:
		f, ok := parseNumber(s)
		return scalar{f: f}, ok, nil
	case Bool:
		n, ok := parseBool(s)
		return scalar{n: n}, ok, nil
	}
	return scalar{s: s}, true, nil
}

// toScalar converts a value a Record or a database row holds to a value of
// type t. It accepts, by type:
//
//   - String: string, []byte;
//   - Time: time.Time (any), an RFC 3339 string as timefmt.Parse reads it,
//     any Go integer (Unix nanoseconds), json.Number (an int64 of Unix
//     nanoseconds);
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
			return timeScalar(v)
		case string:
			s, err := parseTime(v)
			return s, err == nil
		case json.Number:
			n, err := v.Int64()
			return nanosScalar(n), err == nil
		}
		n, ok := toInt(v)
		return nanosScalar(n), ok
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

// scalarAny returns the cursor form of a value of type t: string, float64
// (Number), bool, or for Time an int64 of Unix nanoseconds, or a time.Time in
// UTC for a time outside the int64 range.
func scalarAny(t Type, v scalar) any {
	switch t {
	case Time:
		if sqlRange(v) != 0 {
			return timeOf(v)
		}
		return nanos(v)
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
