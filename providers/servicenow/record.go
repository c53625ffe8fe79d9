package servicenow

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// record is a Table API record as decoded: column (or dot-walked path) to
// raw JSON value.
type record map[string]json.RawMessage

// str returns a value as a string. ServiceNow sends strings, reference
// objects ({"link", "value"}), or {"display_value", "value"} pairs; numbers
// and booleans are accepted too. Anything else reads as "".
func (r record) str(key string) string { return flatten(r[key]) }

func flatten(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case '{':
		var o map[string]json.RawMessage
		if json.Unmarshal(raw, &o) == nil {
			if v, ok := o["value"]; ok {
				return flatten(v)
			}
			return flatten(o["display_value"])
		}
	case 't', 'f':
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			return strconv.FormatBool(b)
		}
	default:
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
	}
	return ""
}

// timeLayout is ServiceNow's internal date-time format; values are UTC.
const timeLayout = "2006-01-02 15:04:05"

// parseTime reads a ServiceNow date-time or date; nil when empty or
// malformed.
func parseTime(s string) *time.Time {
	if s == "" {
		return nil
	}
	for _, layout := range []string{timeLayout, time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return &t
		}
	}
	return nil
}

// formatTime writes t in ServiceNow's internal format (UTC, seconds).
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// resultOne decodes the {"result": {...}} envelope of a response. Decoding
// goes through httpx, so a malformed answer is reported the way every
// driver reports one: vendor, method, path, status and what was wrong.
func resultOne(resp *httpx.Response) (record, error) {
	var env struct {
		Result record `json:"result"`
	}
	if err := resp.Decode(&env); err != nil {
		return nil, err
	}
	if env.Result == nil {
		return nil, resp.Malformed("has no result object")
	}
	return env.Result, nil
}

// resultList decodes the {"result": [...]} envelope of a response.
func resultList(resp *httpx.Response) ([]record, error) {
	var env struct {
		Result *[]record `json:"result"`
	}
	if err := resp.Decode(&env); err != nil {
		return nil, err
	}
	if env.Result == nil {
		return nil, resp.Malformed("has no result list")
	}
	return *env.Result, nil
}
