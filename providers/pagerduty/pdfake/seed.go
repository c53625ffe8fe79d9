package pdfake

import "time"

// Token is the REST API key the server accepts, sent as
// "Authorization: Token token=<Token>".
const Token = "pdfake-u+7QmZ2xK9vTn4wR"

// The seeded users: ids, and e-mails valid in the From header.
const (
	UserAlice  = "PALICE1"
	EmailAlice = "alice@example.com"
	UserBob    = "PBOBBY2"
	EmailBob   = "bob@example.com"
	UserCarol  = "PCAROL3"
	EmailCarol = "carol@example.com"
)

// The seeded services (PagerDuty's projects).
const (
	ServiceWeb      = "PSVCWEB"
	ServicePayments = "PSVCPAY"
	ServiceDatabase = "PSVCDBS"
)

// The seeded priorities, most severe first, named P1 to P5.
const (
	PriorityP1 = "PPRIO01"
	PriorityP2 = "PPRIO02"
	PriorityP3 = "PPRIO03"
	PriorityP4 = "PPRIO04"
	PriorityP5 = "PPRIO05"
)

// The seeded escalation policies, their rules and the schedule they use.
//
// PolicyWeb (used by ServiceWeb and ServiceDatabase) has two rules:
// RuleWeb1 (30 minutes) targets Alice and ScheduleWeb, on which Carol is on
// call; RuleWeb2 (15 minutes) targets Bob. PolicyPayments (used by
// ServicePayments) has one rule, RulePayments1 (10 minutes), targeting Bob.
const (
	PolicyWeb      = "PEPWEB1"
	PolicyPayments = "PEPPAY1"
	RuleWeb1       = "PRWEB01"
	RuleWeb2       = "PRWEB02"
	RulePayments1  = "PRPAY01"
	ScheduleWeb    = "PSCHWEB"
)

// The seeded incident types. IncidentTypeSecurity is disabled.
const (
	IncidentTypeDefault  = "incident_default"
	IncidentTypeMajor    = "major_incident"
	IncidentTypeSecurity = "security_incident"
)

// seed fills a new server's account.
func (s *Server) seed() {
	now := s.clock()
	s.users = []*user{
		{ID: UserAlice, Name: "Alice Admin", Email: EmailAlice, TimeZone: "Europe/Berlin", Role: "admin", JobTitle: "SRE Lead"},
		{ID: UserBob, Name: "Bob Builder", Email: EmailBob, TimeZone: "America/New_York", Role: "user", JobTitle: "Engineer"},
		{ID: UserCarol, Name: "Carol Oncall", Email: EmailCarol, TimeZone: "Asia/Tokyo", Role: "limited_user"},
	}
	s.services = []*service{
		{ID: ServiceWeb, Name: "Web Platform", Description: "The public web site", PolicyID: PolicyWeb, CreatedAt: now},
		{ID: ServicePayments, Name: "Payments", Description: "Card payments", PolicyID: PolicyPayments, CreatedAt: now},
		{ID: ServiceDatabase, Name: "Database", Description: "Primary PostgreSQL cluster", PolicyID: PolicyWeb, CreatedAt: now},
	}
	s.SetPriorities("P1", "P2", "P3", "P4", "P5")
	s.schedules = []*schedule{{ID: ScheduleWeb, Name: "Web Primary Rotation", OnCall: UserCarol,
		Start: now.Truncate(24 * time.Hour), End: now.Truncate(24 * time.Hour).Add(7 * 24 * time.Hour)}}
	s.policies = []*policy{
		{ID: PolicyWeb, Name: "Web On-Call", Description: "Web and database responders", NumLoops: 1, Rules: []rule{
			{ID: RuleWeb1, DelayMinutes: 30, Targets: []target{{Type: "user_reference", ID: UserAlice}, {Type: "schedule_reference", ID: ScheduleWeb}}},
			{ID: RuleWeb2, DelayMinutes: 15, Targets: []target{{Type: "user_reference", ID: UserBob}}},
		}},
		{ID: PolicyPayments, Name: "Payments On-Call", Rules: []rule{
			{ID: RulePayments1, DelayMinutes: 10, Targets: []target{{Type: "user_reference", ID: UserBob}}},
		}},
	}
	s.incidentTypes = []*incidentType{
		{ID: "PITDEF1", Name: IncidentTypeDefault, DisplayName: "Incident", Enabled: true},
		{ID: "PITMAJ1", Name: IncidentTypeMajor, DisplayName: "Major Incident", Enabled: true, Parent: IncidentTypeDefault},
		{ID: "PITSEC1", Name: IncidentTypeSecurity, DisplayName: "Security Incident", Enabled: false, Parent: IncidentTypeDefault},
	}
}
