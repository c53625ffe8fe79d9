// Package timefmt parses the times of synqly's inputs strictly.
//
// Go's time.Parse(time.RFC3339Nano, s), and time.Time's UnmarshalJSON and
// UnmarshalText, accept more than RFC 3339: a comma as the decimal
// separator, any number of fraction digits, offsets such as +24:00. So the
// same text could mean a time in one place and be refused in another. Every
// time the library reads from a user — filter values, JSON request bodies,
// patched documents — goes through Parse instead, so that one syntax holds
// everywhere:
//
//	YYYY-MM-DDTHH:MM:SS[.F]Z
//	YYYY-MM-DDTHH:MM:SS[.F]±HH:MM
//
// exactly: a four-digit year from 0000 to 9999, a month and a day that exist
// in that year (February 29 in leap years only), hours 00 to 23, minutes and
// seconds 00 to 59 (a leap second, :60, is refused, as Go refuses it), an
// optional fraction of 1 to 9 digits after a '.', and the zone: Z or an
// offset whose hours are 00 to 23 and minutes 00 to 59. T and Z must be
// uppercase: RFC 3339 allows lowercase t and z (and other separators) only as
// an option, which almost no producer uses, and refusing them keeps every
// time of the library in one spelling. -00:00 is read as UTC.
package timefmt

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/jsonfields"
)

// The years Parse accepts, as written (before the offset is applied, so the
// UTC instant may fall a few hours outside them).
const (
	MinYear = 0
	MaxYear = 9999
)

// Syntax describes the accepted form, for error messages.
const Syntax = "an RFC 3339 time YYYY-MM-DDTHH:MM:SS, with an optional fraction of 1 to 9 digits after '.', then Z or ±HH:MM (T and Z uppercase, years 0000 to 9999), e.g. 2024-08-23T20:41:41.398051Z"

// Parse parses s, which must be exactly in the form the package documents.
// The result is in UTC for Z and zero offsets, and in a fixed zone of the
// offset otherwise. An error is an *errs.Error of code errs.InvalidInput, with
// no Field, whose message ("not a valid time: the fraction of a second has
// more than 9 digits; write ...") says what is wrong without repeating s.
func Parse(s string) (time.Time, error) {
	t, why := parse(s)
	if why != "" {
		return time.Time{}, errs.New(errs.InvalidInput, "not a valid time: %s; write %s", why, Syntax)
	}
	return t, nil
}

// parse returns the time, or why s is not one.
func parse(s string) (time.Time, string) {
	const base = len("2006-01-02T15:04:05")
	if len(s) < base {
		return time.Time{}, "it is too short"
	}
	if !digitsAt(s, 0, 4) || s[4] != '-' || !digitsAt(s, 5, 2) || s[7] != '-' || !digitsAt(s, 8, 2) {
		return time.Time{}, "the date must be YYYY-MM-DD"
	}
	switch s[10] {
	case 'T':
	case 't', ' ':
		return time.Time{}, "the date and the time must be separated by an uppercase T"
	default:
		return time.Time{}, "the date must be YYYY-MM-DD, followed by T"
	}
	if !digitsAt(s, 11, 2) || s[13] != ':' || !digitsAt(s, 14, 2) || s[16] != ':' || !digitsAt(s, 17, 2) {
		return time.Time{}, "the time of day must be HH:MM:SS"
	}
	year, month, day := num(s, 0, 4), num(s, 5, 2), num(s, 8, 2)
	hour, minute, sec := num(s, 11, 2), num(s, 14, 2), num(s, 17, 2)
	switch {
	case month < 1 || month > 12:
		return time.Time{}, "the month must be 01 to 12"
	case day < 1 || day > daysIn(year, month):
		return time.Time{}, "the day does not exist in that month"
	case hour > 23:
		return time.Time{}, "the hour must be 00 to 23"
	case minute > 59:
		return time.Time{}, "the minute must be 00 to 59"
	case sec > 59:
		return time.Time{}, "the second must be 00 to 59 (leap seconds are not accepted)"
	}
	i, nsec := base, 0
	switch s[i:min(i+1, len(s))] {
	case ".":
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		n := j - (i + 1)
		switch {
		case n == 0:
			return time.Time{}, "a '.' must be followed by 1 to 9 digits"
		case n > 9:
			return time.Time{}, "the fraction of a second has more than 9 digits"
		}
		nsec = num(s, i+1, n)
		for range 9 - n {
			nsec *= 10
		}
		i = j
	case ",":
		return time.Time{}, "the fraction of a second must follow a '.', not a ','"
	}
	if i == len(s) {
		return time.Time{}, "the zone is missing; end with Z or ±HH:MM"
	}
	loc := time.UTC
	switch rest := s[i:]; rest[0] {
	case 'Z':
		if len(rest) != 1 {
			return time.Time{}, "nothing may follow the zone"
		}
	case 'z':
		return time.Time{}, "the zone must be an uppercase Z or ±HH:MM"
	case '+', '-':
		if len(rest) < 6 || !digitsAt(rest, 1, 2) || rest[3] != ':' || !digitsAt(rest, 4, 2) {
			return time.Time{}, "the offset must be ±HH:MM"
		}
		if len(rest) != 6 {
			return time.Time{}, "nothing may follow the zone"
		}
		oh, om := num(rest, 1, 2), num(rest, 4, 2)
		switch {
		case oh > 23:
			return time.Time{}, "the offset's hours must be 00 to 23"
		case om > 59:
			return time.Time{}, "the offset's minutes must be 00 to 59"
		}
		if off := oh*3600 + om*60; off != 0 {
			if rest[0] == '-' {
				off = -off
			}
			loc = time.FixedZone("", off)
		}
	default:
		return time.Time{}, "the zone must be Z or ±HH:MM"
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc), ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digitsAt reports whether s[i:i+n] are n ASCII digits.
func digitsAt(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return true
}

// num reads the n digits at s[i:], which digitsAt checked.
func num(s string, i, n int) int {
	v := 0
	for k := i; k < i+n; k++ {
		v = v*10 + int(s[k]-'0')
	}
	return v
}

// daysIn returns the number of days of month in year (proleptic Gregorian).
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// CheckJSON checks that every string of the JSON document raw that
// encoding/json would decode into a time.Time (or *time.Time, at any depth:
// struct fields, slices, arrays, map values, pointers) of a value of type
// into is a time as Parse accepts it. JSON null is accepted, as
// encoding/json accepts it. Call it before decoding, with the type of the
// destination:
//
//	if err := timefmt.CheckJSON("", raw, reflect.TypeOf(&req)); err != nil { ... }
//
// Keys match struct fields as encoding/json matches them (the exact name
// first, else ignoring case), so that no time escapes the check. Values
// decoded by a type's own UnmarshalJSON or UnmarshalText, by an interface
// (any) or by json.RawMessage are not looked into: such types check their
// own input.
//
// The error is an *errs.Error of code errs.InvalidInput whose Field is the
// JSON path below field of the first bad time ("due_date", "items[2].at"),
// or field itself if raw is not valid JSON; the message never quotes the
// value. A nil into checks nothing.
func CheckJSON(field string, raw []byte, into reflect.Type) error {
	if into == nil {
		return nil
	}
	// json.Valid also bounds the nesting (to encoding/json's 10,000 levels),
	// and so the recursion below.
	if !json.Valid(raw) {
		return errs.Invalid(field, "%s is not valid JSON", name(field))
	}
	c := &checker{dec: json.NewDecoder(strings.NewReader(string(raw)))}
	c.dec.UseNumber()
	return c.value(field, into)
}

// checker walks one JSON document.
type checker struct{ dec *json.Decoder }

// value checks the next JSON value, to be decoded into t (nil: anything,
// unchecked).
func (c *checker) value(path string, t reflect.Type) error {
	tok, err := c.dec.Token()
	if err != nil {
		return errs.Invalid(path, "%s is not valid JSON", name(path))
	}
	t = target(t)
	if t == jsonfields.TimeType {
		if s, ok := tok.(string); ok {
			if _, err := Parse(s); err != nil {
				return errs.Invalid(path, "%s is %s", name(path), err.(*errs.Error).Message)
			}
			return nil
		}
		t = nil // not a string: encoding/json reports the type error
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		for c.dec.More() {
			kt, err := c.dec.Token()
			if err != nil {
				return errs.Invalid(path, "%s is not valid JSON", name(path))
			}
			key, _ := kt.(string)
			var sub reflect.Type
			if t != nil {
				switch t.Kind() {
				case reflect.Struct:
					sub = fieldType(t, key)
				case reflect.Map:
					sub = t.Elem()
				}
			}
			if err := c.value(join(path, key), sub); err != nil {
				return err
			}
		}
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; c.dec.More(); i++ {
			if err := c.value(path+"["+strconv.Itoa(i)+"]", elem); err != nil {
				return err
			}
		}
	}
	if _, err := c.dec.Token(); err != nil { // the closing delimiter
		return errs.Invalid(path, "%s is not valid JSON", name(path))
	}
	return nil
}

// target returns the type JSON is decoded into for t: pointers followed,
// nil for what CheckJSON does not look into (types that decode themselves).
func target(t reflect.Type) reflect.Type {
	s, t := jsonfields.ShapeOf(t)
	if s == jsonfields.Opaque {
		return nil
	}
	return t
}

// fieldType returns the type of the field of struct t that encoding/json
// decodes key into, or nil.
func fieldType(t reflect.Type, key string) reflect.Type {
	f, _ := jsonfields.Decoded(t, key)
	return f.Type
}

// name names a path in messages.
func name(path string) string {
	if path == "" {
		return "the value"
	}
	return path
}

// join appends a member name to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
