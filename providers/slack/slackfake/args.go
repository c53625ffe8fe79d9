package slackfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// args are a Web API call's arguments, from a JSON body, a form body or
// the query, as Slack accepts them.
type args struct {
	json map[string]json.RawMessage // a JSON body's members; nil otherwise
	form url.Values                 // form and query parameters otherwise
	// warnings are Slack's warnings about how the arguments came.
	warnings []string
}

// readArgs reads the arguments of r. Write methods (jsonOK) accept a JSON
// body; Slack's read methods take form-encoded or query arguments only.
// code is the Web API error of arguments that cannot be read.
func readArgs(r *http.Request, jsonOK bool) (a *args, code string) {
	a = &args{}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json") && jsonOK:
		if !strings.Contains(strings.ToLower(ct), "charset=") {
			a.warnings = append(a.warnings, "missing_charset")
		}
		body, err := readBody(r)
		if err != nil {
			return nil, "invalid_json"
		}
		trimmed := bytes.TrimSpace(body)
		if len(trimmed) > 0 && trimmed[0] != '{' {
			if json.Valid(trimmed) {
				return nil, "json_not_object"
			}
			return nil, "invalid_json"
		}
		if err := json.Unmarshal(trimmed, &a.json); err != nil {
			return nil, "invalid_json"
		}
		if a.json == nil {
			a.json = map[string]json.RawMessage{}
		}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		if err := r.ParseForm(); err != nil {
			return nil, "invalid_form_data"
		}
		a.form = r.Form
	default:
		a.form = r.URL.Query()
	}
	return a, ""
}

func readBody(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}

// str returns a string argument ("" if absent). A JSON number is taken as
// its text (a ts may come as one).
func (a *args) str(name string) string {
	if a.json == nil {
		return a.form.Get(name)
	}
	raw, ok := a.json[name]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// has reports whether the argument was given.
func (a *args) has(name string) bool {
	if a.json == nil {
		_, ok := a.form[name]
		return ok
	}
	_, ok := a.json[name]
	return ok
}

// raw returns a structured argument (blocks, metadata) as JSON: a JSON
// body's member as it is, or a form parameter's JSON text. ok is false if
// it is absent; a form parameter that is not JSON comes back as is, for
// the caller to refuse.
func (a *args) raw(name string) (json.RawMessage, bool) {
	if a.json == nil {
		v, ok := a.form[name]
		if !ok || len(v) == 0 {
			return nil, false
		}
		return json.RawMessage(v[0]), true
	}
	raw, ok := a.json[name]
	if !ok || string(raw) == "null" {
		return nil, false
	}
	// A JSON body may carry blocks as a JSON-encoded string, as forms do.
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return json.RawMessage(s), true
	}
	return raw, true
}

// boolean returns a boolean argument: true, "true" or "1".
func (a *args) boolean(name string) bool {
	switch strings.ToLower(a.str(name)) {
	case "true", "1":
		return true
	}
	if a.json != nil {
		var b bool
		if json.Unmarshal(a.json[name], &b) == nil {
			return b
		}
	}
	return false
}
