package pagerduty_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

func TestEscalationPolicies(t *testing.T) {
	c := connector(t, fake(t))
	p, err := c.QueryEscalationPolicies(t.Context(), ticketing.ListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Result) != 2 || p.Next != "" {
		t.Fatalf("got %d policies and cursor %q, want the 2 seeded ones and no cursor", len(p.Result), p.Next)
	}
	if p.Result[0].ID != pdfake.PolicyPayments || p.Result[1].ID != pdfake.PolicyWeb {
		t.Errorf("policies are not ordered by name: %s, %s", p.Result[0].ID, p.Result[1].ID)
	}
	web := p.Result[1]
	if web.Name != "Web On-Call" || web.Description != "Web and database responders" {
		t.Errorf("policy name %q, description %q", web.Name, web.Description)
	}
	wantRules := []ticketing.EscalationPolicyRule{
		{ID: pdfake.RuleWeb1, DelaySeconds: 1800, Actors: []ticketing.Actor{
			{Type: ticketing.ActorAgentSummary, ID: pdfake.UserAlice, Name: "Alice Admin"},
			{Type: ticketing.ActorScheduleSummary, ID: pdfake.ScheduleWeb, Name: "Web Primary Rotation"},
		}},
		{ID: pdfake.RuleWeb2, DelaySeconds: 900, Actors: []ticketing.Actor{
			{Type: ticketing.ActorAgentSummary, ID: pdfake.UserBob, Name: "Bob Builder"},
		}},
	}
	if !reflect.DeepEqual(web.Rules, wantRules) {
		t.Errorf("rules:\n got %+v\nwant %+v", web.Rules, wantRules)
	}
	if got := web.Unmapped["service_ids"]; !reflect.DeepEqual(got, []any{pdfake.ServiceWeb, pdfake.ServiceDatabase}) {
		t.Errorf("unmapped service_ids = %v", got)
	}
	if web.Unmapped["num_loops"] != 1 {
		t.Errorf("unmapped num_loops = %v", web.Unmapped["num_loops"])
	}

	first, err := c.QueryEscalationPolicies(t.Context(), ticketing.ListRequest{Limit: 1})
	if err != nil || len(first.Result) != 1 || first.Next == "" {
		t.Fatalf("first page of 1: %+v, %v", first, err)
	}
	second, err := c.QueryEscalationPolicies(t.Context(), ticketing.ListRequest{Limit: 1, Cursor: first.Next})
	if err != nil || len(second.Result) != 1 || second.Result[0].ID != pdfake.PolicyWeb || second.Next != "" {
		t.Fatalf("second page of 1: %+v, %v", second, err)
	}
}

func TestListOnCall(t *testing.T) {
	c := connector(t, fake(t))
	agents, err := c.ListOnCall(t.Context(), pdfake.PolicyWeb)
	if err != nil {
		t.Fatal(err)
	}
	type who struct{ uid, name, email, tz string }
	var got []who
	for _, a := range agents {
		got = append(got, who{a.UID, a.FullName, a.EmailAddr, a.TimeZone})
	}
	want := []who{
		{pdfake.UserAlice, "Alice Admin", pdfake.EmailAlice, "Europe/Berlin"},
		{pdfake.UserCarol, "Carol Oncall", pdfake.EmailCarol, "Asia/Tokyo"},
		{pdfake.UserBob, "Bob Builder", pdfake.EmailBob, "America/New_York"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("on call:\n got %+v\nwant %+v", got, want)
	}
	if agents[0].JobTitle != "SRE Lead" || agents[0].Unmapped["escalation_level"] != 1 || agents[2].Unmapped["escalation_level"] != 2 {
		t.Errorf("agent details: %+v / %+v", agents[0], agents[2])
	}
	sched, _ := agents[1].Unmapped["schedule"].(map[string]any)
	if sched["id"] != pdfake.ScheduleWeb || agents[1].Unmapped["start"] == nil {
		t.Errorf("the schedule on-call's unmapped fields: %v", agents[1].Unmapped)
	}

	_, err = c.ListOnCall(t.Context(), "PNOSUCH")
	if !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("ListOnCall of an unknown policy: want ErrNotFound, got %v", err)
	}
}
