package kit

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/errs"
)

// MaxIDLen is the longest id a connector passes to a provider.
const MaxIDLen = 256

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
func Clip(s string) string {
	const n = 64
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

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
