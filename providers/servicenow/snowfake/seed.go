package snowfake

import "strconv"

// Seeded users, by sys_user.user_name. BasicUsername is seeded too: it is
// the user every accepted credential authenticates as.
const (
	UserAdmin = "admin"
	UserBeth  = "beth.anglin"
	UserDavid = "david.loo"
	UserAbel  = "abel.tuter"
)

// Seeded assignment groups (sys_user_group), by sys_id. GroupRetired is
// inactive.
const (
	GroupServiceDesk = "c3e5a7b9d1f2a4c6e8b0d2f4a6c8e0b1"
	GroupNetwork     = "5a3b1c9e0f2d4e6a8b7c6d5e4f3a2b10"
	GroupSoftware    = "8f6e5d4c3b2a19081726354453627180"
	GroupDatabase    = "1b2c3d4e5f60718293a4b5c6d7e8f901"
	GroupRetired     = "0e1d2c3b4a5968778695a4b3c2d1e0f0"
)

// Seeded incident categories (sys_choice values of incident.category).
const (
	CategoryInquiry  = "inquiry"
	CategorySoftware = "software"
	CategoryHardware = "hardware"
	CategoryNetwork  = "network"
	CategoryDatabase = "database"
)

// seedUsers are the seeded users: user_name, name, sys_id.
var seedUsers = [][3]string{
	{BasicUsername, "Synqly Integration", "3f1a5c7e9b2d4f60a1c3e5f7092b4d6e"},
	{UserAdmin, "System Administrator", "7c2e4a6081a3c5e7f9b1d3f5a7c9e1b2"},
	{UserBeth, "Beth Anglin", "b4d6f8a0c2e4061828a4c6e8f0b2d4f6"},
	{UserDavid, "David Loo", "e9c7a5b3d1f0e2c4a6b8d0f2e4c6a8b0"},
	{UserAbel, "Abel Tuter", "2a4c6e8091b3d5f7193b5d7f9a1c3e5f"},
}

// seed creates the tables and their reference data. Call before serving.
func (s *Server) seed() {
	user := column{typ: colRef, ref: "sys_user"}
	s.tables["sys_user"] = newTable("sys_user", "name", map[string]column{
		"user_name": {}, "name": {}, "email": {}, "active": {typ: colBool},
	})
	s.tables["sys_user_group"] = newTable("sys_user_group", "name", map[string]column{
		"name": {}, "description": {}, "email": {}, "active": {typ: colBool}, "manager": user,
	})
	s.tables["sys_choice"] = newTable("sys_choice", "label", map[string]column{
		"name": {}, "element": {}, "value": {}, "label": {}, "sequence": {typ: colInt},
		"inactive": {typ: colBool}, "language": {},
	})
	s.tables["sys_dictionary"] = newTable("sys_dictionary", "column_label", map[string]column{
		"name": {}, "element": {}, "column_label": {}, "internal_type": {typ: colRef, ref: "sys_glide_object"},
		"max_length": {typ: colInt}, "mandatory": {typ: colBool}, "reference": {}, "choice": {typ: colInt},
		"active": {typ: colBool}, "read_only": {typ: colBool},
	})
	s.tables["incident"] = newTable("incident", "number", map[string]column{
		"number":            {readOnly: true},
		"short_description": {},
		"description":       {},
		"state":             {typ: colChoice},
		"priority":          {typ: colChoice, readOnly: true}, // computed from impact and urgency
		"impact":            {typ: colChoice},
		"urgency":           {typ: colChoice},
		"category":          {typ: colChoice},
		"subcategory":       {},
		"assignment_group":  {typ: colRef, ref: "sys_user_group"},
		"assigned_to":       user,
		"opened_by":         user,
		"caller_id":         user,
		"resolved_by":       user,
		"closed_by":         user,
		"opened_at":         {typ: colDateTime},
		"resolved_at":       {typ: colDateTime},
		"closed_at":         {typ: colDateTime},
		"due_date":          {typ: colDateTime},
		"close_code":        {typ: colChoice},
		"close_notes":       {},
		"hold_reason":       {typ: colChoice},
		"contact_type":      {typ: colChoice},
		"active":            {typ: colBool, readOnly: true},
		"sys_class_name":    {readOnly: true},
		"comments":          {typ: colJournal},
		"work_notes":        {typ: colJournal},
		"u_cve":             {},
		"u_risk_score":      {typ: colDecimal},
	})
	s.tables["sys_journal_field"] = newTable("sys_journal_field", "value", map[string]column{
		"name": {}, "element": {}, "element_id": {}, "value": {},
	})
	s.tables["sys_attachment"] = newTable("sys_attachment", "file_name", map[string]column{
		"file_name": {}, "content_type": {}, "size_bytes": {typ: colInt}, "size_compressed": {typ: colInt},
		"table_name": {}, "table_sys_id": {}, "hash": {}, "state": {},
	})

	for _, u := range seedUsers {
		s.seedRecord("sys_user", u[2], record{"user_name": u[0], "name": u[1], "email": u[0] + "@example.com", "active": "true"})
	}
	admin := seedUsers[1][2]
	for _, g := range [][4]string{
		{GroupServiceDesk, "Service Desk", "First line support", "true"},
		{GroupNetwork, "Network", "Network operations", "true"},
		{GroupSoftware, "Software", "Application support", "true"},
		{GroupDatabase, "Database", "Database administration", "true"},
		{GroupRetired, "Retired Team", "No longer in use", "false"},
	} {
		s.seedRecord("sys_user_group", g[0], record{"name": g[1], "description": g[2], "active": g[3], "manager": admin, "email": ""})
	}
	choices := map[string][][2]string{
		"state":        {{"1", "New"}, {"2", "In Progress"}, {"3", "On Hold"}, {"6", "Resolved"}, {"7", "Closed"}, {"8", "Canceled"}},
		"priority":     {{"1", "1 - Critical"}, {"2", "2 - High"}, {"3", "3 - Moderate"}, {"4", "4 - Low"}, {"5", "5 - Planning"}},
		"impact":       {{"1", "1 - High"}, {"2", "2 - Medium"}, {"3", "3 - Low"}},
		"urgency":      {{"1", "1 - High"}, {"2", "2 - Medium"}, {"3", "3 - Low"}},
		"category":     {{CategoryInquiry, "Inquiry / Help"}, {CategorySoftware, "Software"}, {CategoryHardware, "Hardware"}, {CategoryNetwork, "Network"}, {CategoryDatabase, "Database"}},
		"hold_reason":  {{"1", "Awaiting Caller"}, {"3", "Awaiting Problem"}, {"4", "Awaiting Vendor"}, {"5", "Awaiting Change"}},
		"contact_type": {{"email", "Email"}, {"phone", "Phone"}, {"self-service", "Self-service"}, {"virtual_agent", "Virtual Agent"}, {"walk-in", "Walk-in"}},
		"close_code": {{"Duplicate", "Duplicate"}, {"Known error", "Known error"}, {"No resolution provided", "No resolution provided"},
			{"Resolved by caller", "Resolved by caller"}, {"Resolved by change", "Resolved by change"}, {"Resolved by problem", "Resolved by problem"},
			{"Solution provided", "Solution provided"}, {"Workaround provided", "Workaround provided"}, {"User error", "User error"}},
	}
	for _, el := range []string{"state", "priority", "impact", "urgency", "category", "hold_reason", "contact_type", "close_code"} {
		for i, c := range choices[el] {
			s.seedRecord("sys_choice", "", record{"name": "incident", "element": el, "value": c[0], "label": c[1],
				"sequence": strconv.Itoa(i + 1), "inactive": "false", "language": "en"})
		}
	}
	// A retired category, inactive, that lists must leave out.
	s.seedRecord("sys_choice", "", record{"name": "incident", "element": "category", "value": "retired",
		"label": "Retired", "sequence": "99", "inactive": "true", "language": "en"})

	for _, d := range seedDictionary {
		s.seedRecord("sys_dictionary", "", record{"name": d[0], "element": d[1], "column_label": d[2], "internal_type": d[3],
			"max_length": d[4], "reference": d[5], "choice": d[6], "mandatory": "false", "active": "true", "read_only": "false"})
	}
}

// seedDictionary holds name, element, column_label, internal_type,
// max_length, reference, choice of the seeded sys_dictionary entries. An
// empty element is the table's collection entry.
var seedDictionary = [][7]string{
	{"task", "", "Task", "collection", "40", "", "0"},
	{"task", "number", "Number", "string", "40", "", "0"},
	{"task", "short_description", "Short description", "string", "160", "", "0"},
	{"task", "description", "Description", "string", "4000", "", "0"},
	{"task", "state", "State", "integer", "40", "", "3"},
	{"task", "priority", "Priority", "integer", "40", "", "1"},
	{"task", "impact", "Impact", "integer", "40", "", "1"},
	{"task", "urgency", "Urgency", "integer", "40", "", "1"},
	{"task", "assignment_group", "Assignment group", "reference", "32", "sys_user_group", "0"},
	{"task", "assigned_to", "Assigned to", "reference", "32", "sys_user", "0"},
	{"task", "opened_by", "Opened by", "reference", "32", "sys_user", "0"},
	{"task", "opened_at", "Opened", "glide_date_time", "40", "", "0"},
	{"task", "closed_at", "Closed", "glide_date_time", "40", "", "0"},
	{"task", "due_date", "Due date", "glide_date_time", "40", "", "0"},
	{"task", "active", "Active", "boolean", "40", "", "0"},
	{"task", "comments", "Additional comments", "journal_input", "4000", "", "0"},
	{"task", "work_notes", "Work notes", "journal_input", "4000", "", "0"},
	{"incident", "", "Incident", "collection", "40", "", "0"},
	{"incident", "state", "State", "integer", "40", "", "3"},
	{"incident", "category", "Category", "string", "40", "", "1"},
	{"incident", "subcategory", "Subcategory", "string", "40", "", "1"},
	{"incident", "caller_id", "Caller", "reference", "32", "sys_user", "0"},
	{"incident", "resolved_at", "Resolved", "glide_date_time", "40", "", "0"},
	{"incident", "close_code", "Resolution code", "string", "40", "", "1"},
	{"incident", "close_notes", "Resolution notes", "string", "4000", "", "0"},
	{"incident", "hold_reason", "On hold reason", "integer", "40", "", "1"},
	{"incident", "u_cve", "CVE", "string", "40", "", "0"},
	{"incident", "u_risk_score", "Risk score", "decimal", "15", "", "0"},
}

// seedRecord inserts a reference record with a fixed or new sys_id. Call
// with s.mu held or before serving.
func (s *Server) seedRecord(tbl, id string, r record) {
	if id == "" {
		id = s.newID()
	}
	r["sys_id"] = id
	now := s.stamp()
	for k, v := range map[string]string{"sys_created_on": now, "sys_updated_on": now, "sys_created_by": "admin",
		"sys_updated_by": "admin", "sys_mod_count": "0", "sys_tags": ""} {
		if _, ok := r[k]; !ok {
			r[k] = v
		}
	}
	s.tables[tbl].insert(r)
}

// UserSysID returns the sys_id of the user with the given user_name.
func (s *Server) UserSysID(userName string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.tables["sys_user"].rows {
		if r["user_name"] == userName {
			return r["sys_id"], true
		}
	}
	return "", false
}

// AddUser adds an active user and returns its sys_id.
func (s *Server) AddUser(userName, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID()
	s.seedRecord("sys_user", id, record{"user_name": userName, "name": name, "email": userName + "@example.com", "active": "true"})
	return id
}

// AddIncident inserts an incident as the instance would on a POST by
// BasicUsername (number, defaults, computed priority), with fields given as
// column values; read-only columns such as sys_tags may be set too. It
// returns the new sys_id.
func (s *Server) AddIncident(fields map[string]string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.newIncident(BasicUsername)
	for k, v := range fields {
		if k != "sys_id" && s.tables["incident"].validColumn(k) {
			r[k] = v
		}
	}
	s.incidentRules(r, nil)
	s.tables["incident"].insert(r)
	return r["sys_id"]
}

// Incident returns a copy of the incident's column values.
func (s *Server) Incident(sysID string) (map[string]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.tables["incident"].byID[sysID]
	if !ok {
		return nil, false
	}
	out := make(map[string]string, len(r))
	for k, v := range r {
		out[k] = v
	}
	return out, true
}
