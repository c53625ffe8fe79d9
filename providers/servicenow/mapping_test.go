package servicenow

import (
	"errors"
	"testing"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/servicenow/snowfake"
)

func TestPriorityMapping(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	for _, tc := range []struct {
		p                     ticketing.Priority
		code, impact, urgency string
		readBack              ticketing.Priority
	}{
		{ticketing.PriorityUrgent, "1", "1", "1", ticketing.PriorityCritical},
		{ticketing.PriorityCritical, "1", "1", "1", ticketing.PriorityCritical},
		{ticketing.PriorityHigh, "2", "1", "2", ticketing.PriorityHigh},
		{ticketing.PriorityMedium, "3", "2", "2", ticketing.PriorityModerate},
		{ticketing.PriorityModerate, "3", "2", "2", ticketing.PriorityModerate},
		{ticketing.PriorityLow, "4", "2", "3", ticketing.PriorityLow},
		{ticketing.PriorityPlanning, "5", "3", "3", ticketing.PriorityPlanning},
	} {
		tk, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "priority " + string(tc.p), Priority: tc.p})
		if err != nil {
			t.Fatalf("CreateTicket(%s): %v", tc.p, err)
		}
		if tk.Priority != tc.readBack {
			t.Errorf("priority %s reads back as %s, want %s", tc.p, tk.Priority, tc.readBack)
		}
		inc, _ := f.Incident(tk.ID)
		if inc["priority"] != tc.code || inc["impact"] != tc.impact || inc["urgency"] != tc.urgency {
			t.Errorf("priority %s is stored as priority %s impact %s urgency %s, want %s %s %s", tc.p,
				inc["priority"], inc["impact"], inc["urgency"], tc.code, tc.impact, tc.urgency)
		}
		if got := tk.Unmapped["impact"]; got != tc.impact {
			t.Errorf("unmapped impact = %v, want %s", got, tc.impact)
		}
	}
	// Every priority maps to a code, and every code reads back as a
	// priority that maps to the same code.
	for _, p := range ticketing.Priorities {
		code, ok := priorityCode(p)
		if !ok {
			t.Errorf("priority %s has no code", p)
		}
		if back, _ := priorityCode(priorityOf(code)); back != code {
			t.Errorf("code %s reads back as %s, whose code is %s", code, priorityOf(code), back)
		}
	}
	if priorityOf("9") != "" {
		t.Errorf("an unknown priority code reads as %q, want empty", priorityOf("9"))
	}
}

func TestStateMapping(t *testing.T) {
	for _, tc := range []struct{ status, code string }{
		{"New", "1"}, {"in progress", "2"}, {"In Progress", "2"}, {"ON HOLD", "3"}, {"Resolved", "6"}, {"Closed", "7"},
		{"Canceled", "8"}, {"Cancelled", "8"}, {"open", "1"}, {"10", "10"},
	} {
		if got, ok := stateCode(tc.status); !ok || got != tc.code {
			t.Errorf("stateCode(%q) = %q, %v; want %q", tc.status, got, ok, tc.code)
		}
	}
	for _, bad := range []string{"", "Done", "12345", "-1", "6 "} {
		if _, ok := stateCode(bad); ok {
			t.Errorf("stateCode(%q) is accepted", bad)
		}
	}
	for code, label := range map[string]string{"1": "New", "2": "In Progress", "3": "On Hold", "6": "Resolved", "7": "Closed", "8": "Canceled", "10": "10"} {
		if got := stateLabel(code); got != label {
			t.Errorf("stateLabel(%s) = %q, want %q", code, got, label)
		}
		if back, _ := stateCode(label); back != code {
			t.Errorf("stateCode(stateLabel(%s)) = %s", code, back)
		}
	}
}

func TestResolveSendsResolutionFields(t *testing.T) {
	f := newFake(t)
	ctx := t.Context()
	for _, tc := range []struct {
		name        string
		code, notes string
	}{
		{"defaults", DefaultResolutionCode, DefaultResolutionNotes},
		{"configured", "Workaround provided", "Closed by the SOAR playbook."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(f)
			if tc.name == "configured" {
				cfg.ResolutionCode, cfg.ResolutionNotes = tc.code, tc.notes
			}
			c := connector(openWith(t, fakeRequest(f, cfg, credentialFor(modeBasic))))
			tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "to resolve"})
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "Resolved"}})
			if err != nil {
				t.Fatalf("PatchTicket to Resolved: %v", err)
			}
			if res.Status != "Resolved" || res.CompletionDate == nil {
				t.Errorf("resolved ticket has status %q, completion_date %v", res.Status, res.CompletionDate)
			}
			inc, _ := f.Incident(tk.ID)
			if inc["state"] != "6" || inc["close_code"] != tc.code || inc["close_notes"] != tc.notes {
				t.Errorf("incident has state %q close_code %q close_notes %q", inc["state"], inc["close_code"], inc["close_notes"])
			}
			// Reopening clears the completion date.
			res, err = c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "replace", Path: "/status", Value: "In Progress"}})
			if err != nil || res.Status != "In Progress" || res.CompletionDate != nil {
				t.Errorf("reopened: status %q completion %v err %v", res.Status, res.CompletionDate, err)
			}
		})
	}
	// Without the resolution fields the instance refuses: the fake's data
	// policy is real.
	id := f.AddIncident(map[string]string{"short_description": "x"})
	d := openDriver(t, f, modeBasic)
	_, err := d.c.Do(ctx, patchRequest(id, map[string]any{"state": "6"}))
	if !errors.Is(err, errs.ErrForbidden) {
		t.Errorf("resolving without close_code: want ErrForbidden from the data policy, got %v", err)
	}
}

func TestStatusErrors(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	_, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "x", Status: "Done"})
	if !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("status Done: want ErrInvalidInput, got %v", err)
	}
	tk, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "x", Status: "Closed"})
	if err != nil || tk.Status != "Closed" {
		t.Fatalf("create Closed: %v %+v", err, tk)
	}
	for _, op := range []patch.Operation{{Op: "remove", Path: "/status"}, {Op: "remove", Path: "/priority"}, {Op: "replace", Path: "/name", Value: "INC1"}} {
		if _, err := c.PatchTicket(t.Context(), tk.ID, []patch.Operation{op}); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("patch %s %s: want ErrInvalidInput, got %v", op.Op, op.Path, err)
		}
	}
}

func TestTicketFields(t *testing.T) {
	f := newFake(t)
	d := openDriver(t, f, modeBasic)
	c := connector(d)
	ctx := t.Context()
	due := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	done := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	beth, _ := f.UserSysID(snowfake.UserBeth)
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{
		Summary: "fields", Description: "d", Priority: ticketing.PriorityLow, Project: snowfake.GroupNetwork,
		IssueType: snowfake.CategoryNetwork, Assignee: beth, Creator: snowfake.UserDavid, Contact: snowfake.UserAbel + "@example.com",
		DueDate: &due, CompletionDate: &done, Tags: []string{"ignored"},
		CustomFields: map[string]any{"synqly_conformance": "CVE-2026-0001", "risk": 7.5},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := ticketing.Ticket{Summary: "fields", Description: "d", Priority: ticketing.PriorityLow, Status: "New",
		Project: snowfake.GroupNetwork, IssueType: snowfake.CategoryNetwork, Assignee: snowfake.UserBeth, Creator: snowfake.UserDavid,
		Contact: snowfake.UserAbel}
	if tk.Summary != want.Summary || tk.Description != want.Description || tk.Priority != want.Priority || tk.Status != want.Status ||
		tk.Project != want.Project || tk.IssueType != want.IssueType || tk.Assignee != want.Assignee || tk.Creator != want.Creator ||
		tk.Contact != want.Contact {
		t.Errorf("created ticket %+v, want %+v", tk, want)
	}
	if tk.Name == "" || tk.Name[:3] != "INC" {
		t.Errorf("name = %q, want an incident number", tk.Name)
	}
	if tk.DueDate == nil || !tk.DueDate.Equal(due) || tk.CompletionDate == nil || !tk.CompletionDate.Equal(done) {
		t.Errorf("due %v completion %v", tk.DueDate, tk.CompletionDate)
	}
	if tk.CustomFields["synqly_conformance"] != "CVE-2026-0001" || tk.CustomFields["risk"] != "7.5" {
		t.Errorf("custom fields = %v", tk.CustomFields)
	}
	if len(tk.Tags) != 0 {
		t.Errorf("tags = %v: tags are read-only", tk.Tags)
	}
	for _, k := range []string{"impact", "urgency", "opened_at", "sys_created_by", "assigned_to", "caller_id"} {
		if tk.Unmapped[k] == nil {
			t.Errorf("unmapped lacks %s: %v", k, tk.Unmapped)
		}
	}
	if tk.Unmapped["assigned_to"] != beth {
		t.Errorf("unmapped assigned_to = %v, want the sys_id %s", tk.Unmapped["assigned_to"], beth)
	}

	// Clearing fields writes empty columns; the project-scoped mapping no
	// longer applies once the project changes.
	res, err := c.PatchTicket(ctx, tk.ID, []patch.Operation{
		{Op: "remove", Path: "/assignee"}, {Op: "remove", Path: "/due_date"}, {Op: "remove", Path: "/description"},
		{Op: "remove", Path: "/custom_fields/synqly_conformance"}, {Op: "replace", Path: "/issue_type", Value: "hardware"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Assignee != "" || res.DueDate != nil || res.Description != "" || res.CustomFields["synqly_conformance"] != nil || res.IssueType != "hardware" {
		t.Errorf("after clearing: %+v", res)
	}
	inc, _ := f.Incident(tk.ID)
	if inc["assigned_to"] != "" || inc["u_cve"] != "" || inc["due_date"] != "" {
		t.Errorf("incident after clearing: %v", inc)
	}

	// Tags are read from sys_tags.
	id := f.AddIncident(map[string]string{"short_description": "tagged", "sys_tags": "phishing, vip"})
	got, err := c.GetTicket(ctx, id)
	if err != nil || len(got.Tags) != 2 || got.Tags[0] != "phishing" || got.Tags[1] != "vip" {
		t.Errorf("tags of a tagged incident = %v, %v", got.Tags, err)
	}
}

func TestUsersAndCustomFieldErrors(t *testing.T) {
	f := newFake(t)
	cfg := testConfig(f)
	cfg.CustomFieldMappings = append(cfg.CustomFieldMappings,
		providers.CustomFieldMapping{Name: "state", ProjectID: "*", ProviderFieldPath: "state"},
		providers.CustomFieldMapping{Name: "caller_email", ProjectID: "*", ProviderFieldPath: "caller_id.email"})
	d := openWith(t, fakeRequest(f, cfg, credentialFor(modeBasic)))
	c := connector(d)
	ctx := t.Context()
	for _, bad := range []ticketing.CreateTicketRequest{
		{Summary: "x", Assignee: "nobody.here"},
		{Summary: "x", Assignee: "a^ORuser_name=admin"},
		{Summary: "x", Creator: "javascript:gs.getUserID()"},
		{Summary: "x", Project: "Service Desk"},
		{Summary: "x", CustomFields: map[string]any{"unknown": "v"}},
		{Summary: "x", CustomFields: map[string]any{"risk": 1}}, // mapped for the Network group only
		{Summary: "x", Project: snowfake.GroupNetwork, CustomFields: map[string]any{"risk": map[string]any{"a": 1}}},
		{Summary: "x", CustomFields: map[string]any{"state": "7"}},
		{Summary: "x", CustomFields: map[string]any{"caller_email": "a@b.c"}},
	} {
		if _, err := c.CreateTicket(ctx, bad); !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("CreateTicket(%+v): want ErrInvalidInput, got %v", bad, err)
		}
	}
	// Read-only mappings still read.
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x", Contact: snowfake.UserAbel})
	if err != nil {
		t.Fatal(err)
	}
	if tk.CustomFields["state"] != "1" || tk.CustomFields["caller_email"] != snowfake.UserAbel+"@example.com" {
		t.Errorf("read-only mappings read %v", tk.CustomFields)
	}
	// A user name is looked up once, then cached.
	f.ResetRequests()
	for range 3 {
		if _, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "x", Assignee: snowfake.UserDavid}); err != nil {
			t.Fatal(err)
		}
	}
	lookups := 0
	for _, r := range f.Requests() {
		if r.Path == "/api/now/table/sys_user" {
			lookups++
		}
	}
	if lookups != 1 {
		t.Errorf("%d sys_user lookups for three tickets assigned to the same user, want 1", lookups)
	}
}

func TestNotes(t *testing.T) {
	for _, tc := range []struct {
		value, title, content string
	}{
		{"Triage\n\nLikely benign.", "Triage", "Likely benign."},
		{"no title", "", "no title"},
		{"two\nlines\n\nthen", "", "two\nlines\n\nthen"},
		{"\n\nleading blank", "", "\n\nleading blank"},
	} {
		n := note("t", journalEntry{id: "n", value: tc.value})
		if n.Title != tc.title || n.Content != tc.content {
			t.Errorf("note(%q) = title %q content %q, want %q %q", tc.value, n.Title, n.Content, tc.title, tc.content)
		}
	}
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	tk, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateNote(t.Context(), tk.ID, ticketing.CreateNoteRequest{Title: "two\nlines", Content: "c"}); !errors.Is(err, errs.ErrInvalidInput) {
		t.Errorf("a two-line title: want ErrInvalidInput, got %v", err)
	}
	n, err := c.CreateNote(t.Context(), tk.ID, ticketing.CreateNoteRequest{Content: "untitled"})
	if err != nil || n.Title != "" || n.Content != "untitled" || n.Creator != snowfake.BasicUsername {
		t.Errorf("untitled note = %+v, %v", n, err)
	}
	// Comments and work notes are separate journals.
	if _, err := c.CreateComment(t.Context(), tk.ID, ticketing.CreateCommentRequest{Content: "for the caller"}); err != nil {
		t.Fatal(err)
	}
	notes, err := c.ListNotes(t.Context(), tk.ID, ticketing.ListRequest{})
	if err != nil || len(notes.Result) != 1 {
		t.Errorf("notes = %+v, %v; want the one work note", notes, err)
	}
	comments, err := c.ListComments(t.Context(), tk.ID, ticketing.ListRequest{})
	if err != nil || len(comments.Result) != 1 || comments.Result[0].Content != "for the caller" {
		t.Errorf("comments = %+v, %v; want the one comment", comments, err)
	}
	// Journal entries are immutable.
	for _, err := range []error{
		c.DeleteComment(t.Context(), tk.ID, comments.Result[0].ID),
		c.DeleteNote(t.Context(), tk.ID, n.ID),
		func() error {
			_, err := c.PatchNote(t.Context(), tk.ID, n.ID, []patch.Operation{{Op: "replace", Path: "/content", Value: "x"}})
			return err
		}(),
	} {
		if !errors.Is(err, errs.ErrUnsupported) {
			t.Errorf("changing a journal entry: want ErrUnsupported, got %v", err)
		}
	}
}

func TestAttachmentOwnership(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	ctx := t.Context()
	a, _ := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "a"})
	b, _ := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "b"})
	md, err := c.CreateAttachment(ctx, a.ID, ticketing.CreateAttachmentRequest{FileName: "report.json", Content: []byte(`{"x":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if md.FileType != "application/json" || md.FileSize == nil || *md.FileSize != 7 || md.Creator != snowfake.BasicUsername {
		t.Errorf("metadata = %+v", md)
	}
	if _, err := c.DownloadAttachment(ctx, b.ID, md.ID); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("downloading a's attachment through b: want ErrNotFound, got %v", err)
	}
	if err := c.DeleteAttachment(ctx, b.ID, md.ID); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("deleting a's attachment through b: want ErrNotFound, got %v", err)
	}
	got, err := c.DownloadAttachment(ctx, a.ID, md.ID)
	if err != nil || string(got.Content) != `{"x":1}` || got.FileType != "application/json" {
		t.Errorf("download = %+v, %v", got, err)
	}
	empty, err := c.CreateAttachment(ctx, a.ID, ticketing.CreateAttachmentRequest{FileName: "empty.bin"})
	if err != nil || empty.FileSize == nil || *empty.FileSize != 0 {
		t.Errorf("empty attachment = %+v, %v", empty, err)
	}
	list, err := c.ListAttachmentsMetadata(ctx, b.ID)
	if err != nil || len(list) != 0 {
		t.Errorf("b's attachments = %v, %v", list, err)
	}
}

func TestCatalog(t *testing.T) {
	f := newFake(t)
	c := connector(openDriver(t, f, modeBasic))
	ctx := t.Context()
	var names []string
	for p, err := range c.AllProjects(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
	}
	if len(names) != 4 || names[0] != "Database" || names[3] != "Software" {
		t.Errorf("projects = %v, want the four active groups by name", names)
	}
	its, err := c.ListIssueTypes(ctx, snowfake.GroupNetwork)
	if err != nil || len(its) != 5 || its[0].ID != snowfake.CategoryInquiry || its[0].Name != "Inquiry / Help" || its[0].Project != snowfake.GroupNetwork {
		t.Errorf("issue types = %+v, %v", its, err)
	}
	fields, err := c.ListRemoteFields(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]ticketing.RemoteField{}
	for _, fl := range fields {
		byID[fl.FieldID] = fl
	}
	if s := byID["state"].Schema; s == nil || s.FieldTypeID != ticketing.FieldEnum || len(s.EnumOptionValues) != 6 {
		t.Errorf("state field = %+v", byID["state"])
	}
	if fl := byID["u_risk_score"]; fl.FieldScope != ticketing.ScopeIntegrationCustom || fl.Schema.FieldTypeID != ticketing.FieldNumber || fl.ProviderFieldName != "Risk score" {
		t.Errorf("u_risk_score = %+v", fl)
	}
	if fl := byID["short_description"]; fl.Schema.FieldTypeID != ticketing.FieldString || fl.FieldScope != ticketing.ScopeStandard {
		t.Errorf("short_description = %+v", fl)
	}
	if fl := byID["assigned_to"]; fl.Schema.FieldTypeID != ticketing.FieldOther || fl.Schema.FieldType != "reference" {
		t.Errorf("assigned_to = %+v", fl)
	}
}

func TestOpenErrors(t *testing.T) {
	f := newFake(t)
	good := testConfig(f)
	for _, tc := range []struct {
		name string
		mod  func(*TicketingConfig)
		cred credential.Config
	}{
		{"no url", func(c *TicketingConfig) { c.URL = "" }, credentialFor(modeBasic)},
		{"url with user", func(c *TicketingConfig) { c.URL = "https://u:p@example.service-now.com" }, credentialFor(modeBasic)},
		{"mapping path with a comma", func(c *TicketingConfig) { c.CustomFieldMappings[0].ProviderFieldPath = "u_cve,sys_id" }, credentialFor(modeBasic)},
		{"mapping path upper case", func(c *TicketingConfig) { c.CustomFieldMappings[0].ProviderFieldPath = "U_CVE" }, credentialFor(modeBasic)},
		{"mapping project not a sys_id", func(c *TicketingConfig) { c.CustomFieldMappings[0].ProjectID = "Network" }, credentialFor(modeBasic)},
		{"default project not a sys_id", func(c *TicketingConfig) { c.DefaultProject = "Service Desk" }, credentialFor(modeBasic)},
		{"scope with a space", func(c *TicketingConfig) { c.OAuthScopes = []string{"a b"} }, credentialFor(modeBasic)},
		{"resolution code on two lines", func(c *TicketingConfig) { c.ResolutionCode = "a\nb" }, credentialFor(modeBasic)},
		{"no credential", func(*TicketingConfig) {}, nil},
		{"secret credential", func(*TicketingConfig) {}, &credential.SecretCredential{Secret: "s"}},
		{"blank basic secret", func(*TicketingConfig) {}, &credential.BasicCredential{Username: "u"}},
	} {
		cfg := *good
		cfg.CustomFieldMappings = append(cfg.CustomFieldMappings[:0:0], good.CustomFieldMappings...)
		tc.mod(&cfg)
		_, err := Ticketing.Open(t.Context(), providersRequest(&cfg, tc.cred))
		if !errors.Is(err, errs.ErrInvalidInput) {
			t.Errorf("%s: want ErrInvalidInput, got %v", tc.name, err)
		}
	}
	if _, err := Ticketing.Open(t.Context(), providersRequest(nil, credentialFor(modeBasic))); !errors.Is(err, errs.ErrInternal) {
		t.Errorf("Open with a nil *TicketingConfig: want ErrInternal, got %v", err)
	}
	noConfig := providersRequest(nil, credentialFor(modeBasic))
	noConfig.Config = nil
	if _, err := Ticketing.Open(t.Context(), noConfig); !errors.Is(err, errs.ErrInternal) {
		t.Errorf("Open without a configuration: want ErrInternal, got %v", err)
	}
}
