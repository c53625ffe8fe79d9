package jirafake

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeeding(t *testing.T) {
	s := New(t)
	at := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	s.SetClock(func() time.Time { return at })
	loc := time.FixedZone("UTC+10", 10*3600)
	s.SetTimeZone(loc)

	require.NoError(t, s.AddStatus("Blocked", "indeterminate"))
	assert.Error(t, s.AddStatus("blocked", "new"), "names are unique, case-insensitively")
	assert.Error(t, s.AddStatus("Other", "nope"))
	require.NoError(t, s.AddPriority("P0"))
	assert.Error(t, s.AddPriority("high"))
	require.NoError(t, s.AddCustomField("customfield_20000", "Region", "string"))
	assert.Error(t, s.AddCustomField("region", "Region", "string"))
	assert.Error(t, s.AddCustomField("customfield_20001", "Region", "date"))
	id, err := s.AddProject("NEW", "New project")
	require.NoError(t, err)
	assert.NotEmpty(t, id)
	_, err = s.AddProject("new", "lower case")
	assert.Error(t, err)
	s.AddUser("557058:carol", "Carol", "carol@example.com")

	key, err := s.AddIssue(Issue{Project: "NEW", Summary: "seeded", Status: "Blocked", Priority: "P0", Assignee: "557058:carol",
		Custom: map[string]any{"customfield_20000": "eu"}, Labels: []string{"a"}, DueDate: "2026-03-01"})
	require.NoError(t, err)
	assert.Equal(t, "NEW-1", key)
	_, err = s.AddIssue(Issue{Status: "Nope"})
	assert.Error(t, err)
	_, err = s.AddIssue(Issue{DueDate: "tomorrow"})
	assert.Error(t, err)

	f, ok := s.IssueFields(key)
	require.True(t, ok)
	assert.Equal(t, "2026-02-03T14:05:06.000+1000", f["created"], "timestamps are written in the user's time zone")
	assert.Equal(t, "Blocked", f["status"].(map[string]any)["name"])
	assert.Equal(t, "P0", f["priority"].(map[string]any)["name"])
	assert.Equal(t, "eu", f["customfield_20000"])
	assert.Equal(t, "Carol", f["assignee"].(map[string]any)["displayName"])

	status, out, _ := call(t, s, http.MethodPost, "/rest/api/3/search/jql", map[string]any{"jql": `status = blocked AND Region ~ eu AND created = "2026-02-03 14:05"`})
	require.Equal(t, http.StatusOK, status, out)
	assert.Len(t, out.(map[string]any)["issues"], 0, "created is 14:05:06, not 14:05:00")
	status, out, _ = call(t, s, http.MethodPost, "/rest/api/3/search/jql", map[string]any{"jql": `status = blocked AND cf[20000] ~ eu AND created >= "2026/02/03 14:05"`})
	require.Equal(t, http.StatusOK, status, out)
	assert.Len(t, out.(map[string]any)["issues"], 1)
}
