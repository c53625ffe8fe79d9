package jira

import (
	"encoding/json"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/seed-e6251c81/synqly/errs"
)

// errorCollection is Jira's error body: {"errorMessages":[...],"errors":{...}}.
type errorCollection struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

// jiraErrors returns the error collection of a Jira error response, when
// the error carries one (the redacted body snippet of its
// errs.ProviderError; a snippet cut short does not parse and gives
// nothing).
func jiraErrors(err error) (*errorCollection, *errs.Error) {
	var e *errs.Error
	if !errors.As(err, &e) || e.Status == 0 {
		return nil, nil
	}
	var pe *errs.ProviderError
	if !errors.As(err, &pe) {
		return nil, e
	}
	var ec errorCollection
	if json.Unmarshal([]byte(pe.Body), &ec) != nil {
		return nil, e
	}
	return &ec, e
}

// errorDetail reads Jira's error collection for errs.ProviderError: its
// first error message, or its field errors.
func errorDetail(_ int, body []byte) (code, message string) {
	var ec errorCollection
	if json.Unmarshal(body, &ec) != nil {
		return "", ""
	}
	if len(ec.ErrorMessages) > 0 {
		return "", strings.Join(ec.ErrorMessages, "; ")
	}
	keys := slices.Sorted(maps.Keys(ec.Errors))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+ec.Errors[k])
	}
	return "", strings.Join(parts, "; ")
}

// modelFields maps Jira field ids to the ticket model's JSON names.
var modelFields = map[string]string{
	fSummary: "summary", fDescription: "description", fPriority: "priority", fDueDate: "due_date",
	fLabels: "tags", fAssignee: "assignee", fReporter: "creator", fProject: "project", fIssueType: "issue_type",
	fStatus: "status",
}

// withField names the offending ticket field of a Jira validation error
// (400): Jira's "errors" object keys the messages by Jira field id.
func (d *driver) withField(err error) error {
	ec, e := jiraErrors(err)
	if ec == nil || e.Code != errs.InvalidInput || len(ec.Errors) == 0 {
		return err
	}
	keys := make([]string, 0, len(ec.Errors))
	for k := range ec.Errors {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		field := modelFields[k]
		if field == "" {
			for _, m := range d.cfg.CustomFieldMappings {
				if id, _, _ := strings.Cut(m.ProviderFieldPath, "."); id == k {
					field = "custom_fields." + m.Name
					break
				}
			}
		}
		if field == "" {
			field = k
		}
		if e.Field == "" {
			e.Field = field
		}
		parts = append(parts, field+": "+ec.Errors[k])
	}
	e.Message += " (" + strings.Join(parts, "; ") + ")"
	return e
}

// fieldNotFound matches Jira's JQL errors that name a field whose value
// does not exist, e.g. "The value 'Nope' does not exist for the field
// 'status'.", "An issue with key 'X-1' does not exist for field 'key'.".
var fieldNotFound = regexp.MustCompile(`(?i)does not exist for (?:the )?field '([^']+)'|for field '([^']+)' is invalid`)

// rejectedFields returns the JQL fields a 400 search error says hold
// values that do not exist.
func rejectedFields(err error) []string {
	ec, e := jiraErrors(err)
	if ec == nil || e.Code != errs.InvalidInput {
		return nil
	}
	var out []string
	for _, msg := range ec.ErrorMessages {
		for _, m := range fieldNotFound.FindAllStringSubmatch(msg, -1) {
			f := strings.ToLower(m[1] + m[2])
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}
