package jira

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
)

// TestPriorityTable pins the documented two-way mapping.
func TestPriorityTable(t *testing.T) {
	write := map[ticketing.Priority]string{
		ticketing.PriorityUrgent: "Highest", ticketing.PriorityCritical: "Highest", ticketing.PriorityHigh: "High",
		ticketing.PriorityMedium: "Medium", ticketing.PriorityModerate: "Medium", ticketing.PriorityLow: "Low",
		ticketing.PriorityPlanning: "Lowest",
	}
	for _, p := range ticketing.Priorities {
		name, ok := toJiraPriority(p)
		assert.True(t, ok, "%s has no Jira priority", p)
		assert.Equal(t, write[p], name, "writing %s", p)
	}
	read := map[string]ticketing.Priority{
		"Highest": ticketing.PriorityUrgent, "High": ticketing.PriorityHigh, "Medium": ticketing.PriorityMedium,
		"Low": ticketing.PriorityLow, "Lowest": ticketing.PriorityPlanning,
		"Blocker": ticketing.PriorityUrgent, "Critical": ticketing.PriorityCritical, "Major": ticketing.PriorityHigh,
		"Minor": ticketing.PriorityLow, "Trivial": ticketing.PriorityPlanning,
		"urgent": ticketing.PriorityUrgent, "MODERATE": ticketing.PriorityModerate, " planning ": ticketing.PriorityPlanning,
		"P1": "", "": "",
	}
	for name, want := range read {
		assert.Equal(t, want, fromJiraPriority(name), "reading %q", name)
	}
	_, ok := toJiraPriority("SEVERE")
	assert.False(t, ok)
}

// TestPriorityRoundTrip checks which priorities survive a write and a read
// on a site with the default scheme.
func TestPriorityRoundTrip(t *testing.T) {
	survives := map[ticketing.Priority]ticketing.Priority{
		ticketing.PriorityUrgent: ticketing.PriorityUrgent, ticketing.PriorityCritical: ticketing.PriorityUrgent,
		ticketing.PriorityHigh: ticketing.PriorityHigh, ticketing.PriorityMedium: ticketing.PriorityMedium,
		ticketing.PriorityModerate: ticketing.PriorityMedium, ticketing.PriorityLow: ticketing.PriorityLow,
		ticketing.PriorityPlanning: ticketing.PriorityPlanning,
	}
	for p, want := range survives {
		name, _ := toJiraPriority(p)
		assert.Equal(t, want, fromJiraPriority(name), "%s → %s → ?", p, name)
	}
	// Every default Jira priority reads back to a model priority that
	// writes back to it.
	for _, name := range []string{"Highest", "High", "Medium", "Low", "Lowest"} {
		back, _ := toJiraPriority(fromJiraPriority(name))
		assert.Equal(t, name, back)
	}
}

func TestJiraNamesFor(t *testing.T) {
	site := []string{"Highest", "High", "Major", "Medium", "Low", "Lowest", "P1"}
	assert.Equal(t, []string{"High", "Major"}, jiraNamesFor(site, "HIGH"))
	assert.Equal(t, []string{"Highest", "Low"}, jiraNamesFor(site, "LOW", "URGENT"))
	assert.Empty(t, jiraNamesFor(site, "CRITICAL"))
}
