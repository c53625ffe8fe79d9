package servicenow

import (
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
)

// priorityCodes maps every Priority to a ServiceNow priority code (1..5).
var priorityCodes = map[ticketing.Priority]string{
	ticketing.PriorityUrgent:   "1",
	ticketing.PriorityCritical: "1",
	ticketing.PriorityHigh:     "2",
	ticketing.PriorityMedium:   "3",
	ticketing.PriorityModerate: "3",
	ticketing.PriorityLow:      "4",
	ticketing.PriorityPlanning: "5",
}

// priorityNames maps a ServiceNow priority code to the Priority read back:
// the one named like ServiceNow's label (1 - Critical, ..., 5 - Planning).
var priorityNames = map[string]ticketing.Priority{
	"1": ticketing.PriorityCritical,
	"2": ticketing.PriorityHigh,
	"3": ticketing.PriorityModerate,
	"4": ticketing.PriorityLow,
	"5": ticketing.PriorityPlanning,
}

// impactUrgency gives the impact and urgency that a stock instance's
// priority lookup turns into each priority code. ServiceNow computes
// priority from these two, so they are what the driver writes.
var impactUrgency = map[string][2]string{
	"1": {"1", "1"},
	"2": {"1", "2"},
	"3": {"2", "2"},
	"4": {"2", "3"},
	"5": {"3", "3"},
}

// priorityCode returns the ServiceNow code of p.
func priorityCode(p ticketing.Priority) (string, bool) {
	c, ok := priorityCodes[p]
	return c, ok
}

// priorityOf returns the Priority of a ServiceNow code ("" if unknown).
func priorityOf(code string) ticketing.Priority { return priorityNames[code] }

// State codes of a stock instance.
const (
	stateResolved = "6"
	stateClosed   = "7"
)

// states are the incident states of a stock instance: code and label.
var states = [][2]string{
	{"1", "New"}, {"2", "In Progress"}, {"3", "On Hold"}, {stateResolved, "Resolved"}, {stateClosed, "Closed"},
	{"8", "Canceled"},
}

// stateAliases are other spellings accepted on writes.
var stateAliases = map[string]string{"cancelled": "8", "in_progress": "2", "on_hold": "3", "open": "1"}

// stateLabel returns the status read for a state code: its label, or the
// code itself for a state the stock instance does not have.
func stateLabel(code string) string {
	for _, s := range states {
		if s[0] == code {
			return s[1]
		}
	}
	return code
}

// stateCode returns the state code of a status: a label (any case), an
// alias, or a code of 1 to 4 digits.
func stateCode(status string) (string, bool) {
	for _, s := range states {
		if strings.EqualFold(s[1], status) {
			return s[0], true
		}
	}
	if c, ok := stateAliases[strings.ToLower(status)]; ok {
		return c, true
	}
	if n := len(status); n > 0 && n <= 4 && strings.Trim(status, "0123456789") == "" {
		return status, true
	}
	return "", false
}

// stateLabels lists the stock labels, for error messages.
func stateLabels() string {
	out := make([]string, len(states))
	for i, s := range states {
		out[i] = s[1]
	}
	return strings.Join(out, ", ")
}
