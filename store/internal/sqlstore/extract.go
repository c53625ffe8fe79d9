package sqlstore

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
	"github.com/seed-e6251c81/synqly/store"
)

// appendValues checks obj and appends to args the values of the written
// columns, in the order of the statements (see newTable): scope, doc,
// name_key, the extracted columns, sealed, key_id. It returns the name for
// messages ("" for tables without names) and, for a table with Uses, the ids
// the document uses. Errors never quote the document.
func (t *table) appendValues(args []any, obj *store.Object) ([]any, string, []string, error) {
	args, name, doc, err := t.appendColumns(args, obj)
	if err != nil {
		return nil, "", nil, err
	}
	var uses []string
	if t.Uses != nil {
		uses = t.Uses.Of(doc)
		for _, id := range uses {
			if err := checkText("uses", id); err != nil {
				return nil, "", nil, err
			}
		}
	}
	return args, name, uses, nil
}

func (t *table) appendColumns(args []any, obj *store.Object) ([]any, string, map[string]any, error) {
	if obj.ID == "" {
		return nil, "", nil, errs.Invalid("id", "%s id is empty", t.Noun)
	}
	if err := checkText("id", obj.ID); err != nil {
		return nil, "", nil, err
	}
	if err := checkText("scope", obj.Scope); err != nil {
		return nil, "", nil, err
	}
	if !utf8.Valid(obj.Doc) {
		return nil, "", nil, errs.Invalid("doc", "the document is not valid UTF-8")
	}
	doc, err := decodeDoc(obj.Doc)
	if err != nil {
		return nil, "", nil, err
	}
	args = append(args, obj.Scope, string(obj.Doc))
	if t.Named {
		args = append(args, nil) // name_key, set below from the name column
	}
	keyAt := len(args) - 1
	var name string
	for i := range t.cols {
		c := &t.cols[i]
		v, err := c.value(obj.ID, doc)
		if err != nil {
			return nil, "", nil, err
		}
		if s, ok := v.(string); ok {
			if err := checkText(c.Path, s); err != nil {
				return nil, "", nil, err
			}
		}
		if t.Named && i == 0 {
			s, _ := v.(string)
			if s == "" {
				return nil, "", nil, errs.Invalid("name", "%s name is empty", t.Noun)
			}
			name = s
			args[keyAt] = strings.ToLower(s)
		}
		args = append(args, v)
	}
	if t.Sealed {
		var sealed any
		if obj.Sealed != nil {
			sealed = obj.Sealed
		}
		args = append(args, sealed, obj.KeyID)
	}
	return args, name, doc, nil
}

// checkText refuses text that a SQL column cannot hold as given: invalid
// UTF-8 (PostgreSQL refuses it, SQLite would keep bytes that read back
// altered) and NUL (PostgreSQL's text cannot hold it).
func checkText(field, s string) error {
	switch {
	case !utf8.ValidString(s):
		return errs.Invalid(field, "%s is not valid UTF-8", field)
	case strings.IndexByte(s, 0) >= 0:
		return errs.Invalid(field, "%s contains a NUL byte, which the store cannot hold", field)
	}
	return nil
}

// decodeDoc decodes a document, which must be one JSON object, keeping
// numbers as json.Number.
func decodeDoc(raw json.RawMessage) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil || doc == nil {
		return nil, errs.Invalid("doc", "the document is not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errs.Invalid("doc", "the document has data after its JSON object")
	}
	return doc, nil
}

// value returns the SQL value of the column for a document.
func (c *column) value(id string, doc map[string]any) (any, error) {
	if c.Path == "id" {
		return id, nil
	}
	var v any = doc
	for _, p := range c.parts {
		m, ok := v.(map[string]any)
		if !ok {
			v = nil
			break
		}
		v = m[p]
	}
	if v == nil {
		switch {
		case c.Nullable:
			return nil, nil
		case c.Type == filter.String:
			return "", nil
		}
		return nil, errs.Invalid(c.Path, "%s is missing", c.Path)
	}
	switch c.Type {
	case filter.String:
		switch v := v.(type) {
		case string:
			return v, nil
		case json.Number:
			return v.String(), nil
		case bool:
			return strconv.FormatBool(v), nil
		}
		return nil, errs.Invalid(c.Path, "%s is not a string", c.Path)
	case filter.Time:
		s, ok := v.(string)
		if !ok {
			return nil, errs.Invalid(c.Path, "%s is not an RFC 3339 time", c.Path)
		}
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, errs.Invalid(c.Path, "%s is not an RFC 3339 time", c.Path)
		}
		if tm.Before(store.MinTime) || tm.After(store.MaxTime) {
			return nil, errs.Invalid(c.Path, "%s must lie %s", c.Path, store.TimeRange)
		}
		return tm.UnixNano(), nil
	case filter.Number:
		n, ok := v.(json.Number)
		if !ok {
			return nil, errs.Invalid(c.Path, "%s is not a number", c.Path)
		}
		f, err := n.Float64()
		if err != nil {
			return nil, errs.Invalid(c.Path, "%s is out of range", c.Path)
		}
		return f, nil
	case filter.Bool:
		b, ok := v.(bool)
		if !ok {
			return nil, errs.Invalid(c.Path, "%s is not a boolean", c.Path)
		}
		return b, nil
	}
	return nil, errs.New(errs.Internal, "column %s has an unknown type", c.Name)
}
