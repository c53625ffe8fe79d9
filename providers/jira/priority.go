package jira

import (
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
)

// Priority mapping. Jira Cloud's default scheme has five priorities; the
// ticketing model has seven. Writing a ticket maps each model priority to
// one Jira priority:
//
//	URGENT   → Highest      MEDIUM   → Medium      LOW      → Low
//	CRITICAL → Highest      MODERATE → Medium      PLANNING → Lowest
//	HIGH     → High
//
// Reading a ticket maps each Jira priority back (case-insensitively), which
// also covers the legacy scheme and priorities named like the model's:
//
//	Highest, Blocker, Urgent → URGENT      Medium                    → MEDIUM
//	Critical                 → CRITICAL    Moderate                  → MODERATE
//	High, Major              → HIGH        Low, Minor                → LOW
//	                                       Lowest, Trivial, Planning → PLANNING
//
// So CRITICAL and MODERATE do not survive a round trip on a site with the
// default scheme (they read back as URGENT and MEDIUM); the other five do.
// A Jira priority with another name (e.g. "P1") has no model priority: the
// ticket's Priority is empty and the Jira priority stays in
// Unmapped["fields"]["priority"].
var toJira = map[ticketing.Priority]string{
	ticketing.PriorityUrgent:   "Highest",
	ticketing.PriorityCritical: "Highest",
	ticketing.PriorityHigh:     "High",
	ticketing.PriorityMedium:   "Medium",
	ticketing.PriorityModerate: "Medium",
	ticketing.PriorityLow:      "Low",
	ticketing.PriorityPlanning: "Lowest",
}

// fromJira maps lower-cased Jira priority names to model priorities.
var fromJira = map[string]ticketing.Priority{
	"highest":  ticketing.PriorityUrgent,
	"blocker":  ticketing.PriorityUrgent,
	"urgent":   ticketing.PriorityUrgent,
	"critical": ticketing.PriorityCritical,
	"high":     ticketing.PriorityHigh,
	"major":    ticketing.PriorityHigh,
	"medium":   ticketing.PriorityMedium,
	"moderate": ticketing.PriorityModerate,
	"low":      ticketing.PriorityLow,
	"minor":    ticketing.PriorityLow,
	"lowest":   ticketing.PriorityPlanning,
	"trivial":  ticketing.PriorityPlanning,
	"planning": ticketing.PriorityPlanning,
}

// toJiraPriority returns the Jira priority name for a model priority.
func toJiraPriority(p ticketing.Priority) (string, bool) {
	name, ok := toJira[p]
	return name, ok
}

// fromJiraPriority returns the model priority of a Jira priority name, or
// "" when it has none.
func fromJiraPriority(name string) ticketing.Priority {
	return fromJira[strings.ToLower(strings.TrimSpace(name))]
}

// jiraNamesFor returns the names among site (the site's priorities) that
// read back as one of ps.
func jiraNamesFor(site []string, ps ...string) []string {
	var out []string
	for _, name := range site {
		p := fromJiraPriority(name)
		for _, want := range ps {
			if p != "" && string(p) == want {
				out = append(out, name)
				break
			}
		}
	}
	return out
}
