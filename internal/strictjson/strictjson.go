// Package strictjson decodes the JSON that users give the library,
// refusing what encoding/json would quietly accept or alter: bytes that are
// not UTF-8 (decoded as U+FFFD, so that a secret would change), members
// that match a field only when case is ignored (so "/FULLNAME" would set
// fullname), unknown members, times in forms other than the one strict
// syntax of internal/timefmt, and data after the document.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/jsonfields"
	"github.com/seed-e6251c81/synqly/internal/timefmt"
)

// Decode decodes the JSON document b into v, a non-nil pointer. Anything
// refused is an errs.InvalidInput error whose Field is the JSON path of
// the offending part below field (field itself for the whole document);
// messages never quote values.
func Decode(field string, b []byte, v any) error {
	if !utf8.Valid(b) {
		return errs.Invalid(field, "%s is not valid UTF-8", name(field))
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		return errs.Invalid(field, "%s is not valid JSON", name(field))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.Invalid(field, "%s has data after its JSON value", name(field))
	}
	t := reflect.TypeOf(v)
	if bad := jsonfields.FindUnknown("", "", t, tree); bad != nil {
		return errs.Invalid(join(field, bad.Path), "%s: %s", name(field), bad.Message())
	}
	if err := timefmt.CheckJSON(field, b, t); err != nil {
		return err
	}
	dec = json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var e *errs.Error
		if errors.As(err, &e) { // a type's own decoder said what was wrong
			return err
		}
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field != "" {
			return errs.Invalid(join(field, ute.Field), "%s has the wrong JSON type (want %s)", join(field, ute.Field), kind(ute.Type))
		}
		return errs.Invalid(field, "%s is not the JSON expected", name(field))
	}
	return nil
}

func name(field string) string {
	if field == "" {
		return "the document"
	}
	return field
}

func join(field, sub string) string {
	switch {
	case field == "":
		return sub
	case sub == "":
		return field
	}
	return field + "." + sub
}

// kind names the JSON type that decodes into t.
func kind(t reflect.Type) string {
	switch s, t := jsonfields.ShapeOf(t); {
	case s == jsonfields.Struct || s == jsonfields.Map:
		return "an object"
	case s == jsonfields.List:
		return "an array"
	case t == jsonfields.TimeType || t != nil && t.Kind() == reflect.String:
		return "a string"
	case t != nil && t.Kind() == reflect.Bool:
		return "a boolean"
	case t != nil && t.Kind() >= reflect.Int && t.Kind() <= reflect.Float64:
		return "a number"
	}
	return "another type"
}
