package pagerduty_test

import (
	"errors"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/patch"
	"github.com/seed-e6251c81/synqly/providers/pagerduty/pdfake"
)

// createdPriority creates a ticket with priority p and returns the
// PagerDuty priority id the fake stored and the priority read back.
func createdPriority(t *testing.T, c *ticketing.Connector, p ticketing.Priority) (string, ticketing.Priority) {
	t.Helper()
	tk, err := c.CreateTicket(t.Context(), ticketing.CreateTicketRequest{Summary: "priority " + string(p), Priority: p})
	if err != nil {
		t.Fatalf("CreateTicket with priority %s: %v", p, err)
	}
	got, err := c.GetTicket(t.Context(), tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	pd, _ := got.Unmapped["pagerduty_priority"].(map[string]any)
	id, _ := pd["id"].(string)
	return id, got.Priority
}

func TestPriorityMappingDefaultScheme(t *testing.T) {
	c := connector(t, fake(t))
	for _, tc := range []struct {
		write  ticketing.Priority
		pdID   string
		readAs ticketing.Priority
	}{
		{ticketing.PriorityUrgent, pdfake.PriorityP1, ticketing.PriorityUrgent},
		{ticketing.PriorityCritical, pdfake.PriorityP1, ticketing.PriorityUrgent},
		{ticketing.PriorityHigh, pdfake.PriorityP2, ticketing.PriorityHigh},
		{ticketing.PriorityMedium, pdfake.PriorityP3, ticketing.PriorityMedium},
		{ticketing.PriorityModerate, pdfake.PriorityP3, ticketing.PriorityMedium},
		{ticketing.PriorityLow, pdfake.PriorityP4, ticketing.PriorityLow},
		{ticketing.PriorityPlanning, pdfake.PriorityP5, ticketing.PriorityPlanning},
	} {
		id, read := createdPriority(t, c, tc.write)
		if id != tc.pdID || read != tc.readAs {
			t.Errorf("%s: stored %s and read back %s; want %s and %s", tc.write, id, read, tc.pdID, tc.readAs)
		}
	}
}

func TestPriorityMappingFewerPriorities(t *testing.T) {
	srv := fake(t)
	srv.SetPriorities("SEV-1", "SEV-2", "SEV-3")
	c := connector(t, srv)
	for _, tc := range []struct {
		write  ticketing.Priority
		pdID   string
		readAs ticketing.Priority
	}{
		{ticketing.PriorityUrgent, pdfake.PriorityP1, ticketing.PriorityUrgent},
		{ticketing.PriorityHigh, pdfake.PriorityP2, ticketing.PriorityHigh},
		{ticketing.PriorityMedium, pdfake.PriorityP3, ticketing.PriorityMedium},
		{ticketing.PriorityLow, pdfake.PriorityP3, ticketing.PriorityMedium},      // clamped to the least severe
		{ticketing.PriorityPlanning, pdfake.PriorityP3, ticketing.PriorityMedium}, // clamped to the least severe
	} {
		id, read := createdPriority(t, c, tc.write)
		if id != tc.pdID || read != tc.readAs {
			t.Errorf("%s: stored %s and read back %s; want %s and %s", tc.write, id, read, tc.pdID, tc.readAs)
		}
	}
}

func TestPriorityMappingMorePriorities(t *testing.T) {
	srv := fake(t)
	srv.SetPriorities("P1", "P2", "P3", "P4", "P5", "P6", "P7")
	id := srv.SeedIncident(pdfake.IncidentSeed{Title: "lowest", PriorityID: "PPRIO7"})
	got, err := connector(t, srv).GetTicket(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Priority != ticketing.PriorityPlanning {
		t.Errorf("the 7th priority reads as %q, want PLANNING", got.Priority)
	}
}

func TestPriorityReadOncePerDriver(t *testing.T) {
	srv := fake(t)
	c := connector(t, srv)
	for range 3 {
		createdPriority(t, c, ticketing.PriorityHigh)
	}
	if n := srv.Count("GET", "/priorities"); n != 1 {
		t.Errorf("GET /priorities was called %d times; the driver reads priorities once", n)
	}
}

func TestPriorityUnsupportedWithoutPriorities(t *testing.T) {
	srv := fake(t)
	srv.SetPriorities()
	c := connector(t, srv)
	ctx := t.Context()
	tk, err := c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "no priorities"})
	if err != nil {
		t.Fatalf("CreateTicket without a priority on an account without priorities: %v", err)
	}
	got, err := c.GetTicket(ctx, tk.ID)
	if err != nil || got.Priority != "" {
		t.Fatalf("GetTicket = priority %q, %v; want no priority", got.Priority, err)
	}
	_, err = c.CreateTicket(ctx, ticketing.CreateTicketRequest{Summary: "with priority", Priority: ticketing.PriorityHigh})
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Unsupported || e.Field != "priority" {
		t.Errorf("CreateTicket with a priority on an account without priorities: want unsupported on field priority, got %v", err)
	}
	_, err = c.PatchTicket(ctx, tk.ID, []patch.Operation{{Op: "add", Path: "/priority", Value: "LOW"}})
	if !errors.Is(err, errs.ErrUnsupported) {
		t.Errorf("PatchTicket of priority on an account without priorities: want ErrUnsupported, got %v", err)
	}
	if n := srv.Count("POST", "/incidents"); n != 1 {
		t.Errorf("%d incidents were posted, want 1 (refusals send nothing)", n)
	}
}
