package kit

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
)

// Limits on what connectors pass to providers.
const (
	// MaxIDLen is the longest id.
	MaxIDLen = 256
	// MaxSummaryLen bounds a summary and the other one-line fields.
	MaxSummaryLen = 1024
	// MaxTextLen bounds descriptions, comments and notes.
	MaxTextLen = 256 << 10
	// MaxTagLen bounds one tag.
	MaxTagLen = 255
)

// Fields are the descriptive fields that tickets and notifications share,
// as their create requests carry them.
type Fields struct {
	Summary, Name, Creator, Assignee, Contact, Status, Project, IssueType string
	Description                                                           string
	Tags                                                                  []string
}

// CheckFields checks f, in a fixed order so that the field an error names
// is always the same: summary is required; the one-line fields are at
// most MaxSummaryLen bytes, the description MaxTextLen; tags are 1 to
// MaxTagLen characters without spaces; all is valid UTF-8 without NUL.
func CheckFields(f Fields) error {
	if err := CheckText("summary", f.Summary, MaxSummaryLen, true); err != nil {
		return err
	}
	for _, v := range []struct{ field, s string }{{"name", f.Name}, {"creator", f.Creator}, {"assignee", f.Assignee},
		{"contact", f.Contact}, {"status", f.Status}, {"project", f.Project}, {"issue_type", f.IssueType}} {
		if err := CheckText(v.field, v.s, MaxSummaryLen, false); err != nil {
			return err
		}
	}
	if err := CheckText("description", f.Description, MaxTextLen, false); err != nil {
		return err
	}
	for i, t := range f.Tags {
		if err := CheckText("tags", t, MaxTagLen, true); err != nil || strings.ContainsAny(t, " \t\n") {
			return errs.Invalid("tags", "tag %d must be 1 to %d characters without spaces", i, MaxTagLen)
		}
	}
	return nil
}

// CheckID refuses an empty or malformed id (one a provider's URL path could
// be steered by), naming field.
func CheckID(field, id string) error {
	switch {
	case id == "":
		return errs.Invalid(field, "%s is required", field)
	case len(id) > MaxIDLen || !utf8.ValidString(id) || strings.ContainsAny(id, "\x00/?#") || id == "." || id == "..":
		return errs.Invalid(field, "%s is not a valid id", field)
	}
	return nil
}

// CheckIDs checks several ids, named by their fields, in order.
func CheckIDs(fieldsAndIDs ...string) error {
	for i := 0; i+1 < len(fieldsAndIDs); i += 2 {
		if err := CheckID(fieldsAndIDs[i], fieldsAndIDs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// CheckText refuses text that is missing (when required), longer than max
// bytes, not valid UTF-8 or holding NUL, naming field.
func CheckText(field, s string, max int, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return errs.Invalid(field, "%s is required", field)
	case len(s) > max:
		return errs.Invalid(field, "%s is %d bytes; the limit is %d", field, len(s), max)
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		return errs.Invalid(field, "%s must be valid UTF-8 without NUL bytes", field)
	}
	return nil
}

// CheckLimit refuses a page size outside 0 (the default) to max.
func CheckLimit(n, max int) error {
	if n < 0 || n > max {
		return errs.New(errs.InvalidQuery, "limit %d is out of range: use 1 to %d (0 for the default)", n, max)
	}
	return nil
}

// Clip shortens user text quoted in an error message to 64 bytes, on a
// character boundary.
func Clip(s string) string { return textcheck.Clip(s) }

// Changed returns the JSON names of the top-level fields whose JSON values
// differ between a and b (the fields a patch changed).
func Changed(a, b any) []string {
	var ma, mb map[string]json.RawMessage
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &ma)
	_ = json.Unmarshal(jb, &mb)
	var out []string
	for k, v := range mb {
		if w, ok := ma[k]; !ok || !jsonEqual(v, w) {
			out = append(out, k)
		}
	}
	for k := range ma {
		if _, ok := mb[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(x, y)
}
