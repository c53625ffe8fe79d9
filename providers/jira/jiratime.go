package jira

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// Jira writes timestamps as "2023-06-24T19:24:50.000+0000" (a numeric zone
// without a colon); some endpoints write epoch milliseconds instead, and
// date fields (duedate) are "2006-01-02".
var timeLayouts = []string{
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05-0700",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.000Z07:00",
}

// jiraTimeLayout is how Jira writes timestamps.
const jiraTimeLayout = "2006-01-02T15:04:05.000-0700"

// parseJiraTime parses a Jira timestamp or date; ok is false for anything
// else.
func parseJiraTime(s string) (time.Time, bool) {
	switch {
	case s == "":
		return time.Time{}, false
	case len(s) == len(time.DateOnly):
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// jiraTime is a timestamp that decodes from a Jira string or from epoch
// milliseconds; null, empty and unparsable values decode to the zero time.
type jiraTime struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *jiraTime) UnmarshalJSON(b []byte) error {
	t.Time = time.Time{}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if v, ok := parseJiraTime(s); ok {
			t.Time = v
		}
	default:
		if ms, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			t.Time = time.UnixMilli(ms).UTC()
		}
	}
	return nil
}

// ptr returns a pointer to the time, or nil for the zero time.
func (t jiraTime) ptr() *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}

// flexID is an id Jira writes as a string or as a number (attachment ids
// are both, depending on the endpoint).
type flexID string

// UnmarshalJSON implements json.Unmarshaler.
func (id *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = flexID(s)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		*id = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*id = flexID(n.String())
	return nil
}
