package ticketing

import (
	"context"
	"iter"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/internal/kit"
	"github.com/seed-e6251c81/synqly/destination"
	"github.com/seed-e6251c81/synqly/providers"
)

// The sync objects of the ticketing connector: tickets and their comments
// (incremental, by updated_at), and projects (read whole on every run).
var syncObjects = []providers.SyncObject{
	kit.SyncObject("tickets", true, []kit.Col[Ticket]{
		{Name: "name", Type: destination.Text, Value: func(t *Ticket) any { return t.Name }},
		{Name: "summary", Type: destination.Text, Value: func(t *Ticket) any { return t.Summary }},
		{Name: "creator", Type: destination.Text, Value: func(t *Ticket) any { return kit.TextOrNil(t.Creator) }},
		{Name: "assignee", Type: destination.Text, Value: func(t *Ticket) any { return kit.TextOrNil(t.Assignee) }},
		{Name: "contact", Type: destination.Text, Value: func(t *Ticket) any { return kit.TextOrNil(t.Contact) }},
		{Name: "description", Type: destination.Text, Value: func(t *Ticket) any { return kit.TextOrNil(t.Description) }},
		{Name: "priority", Type: destination.Text, Value: func(t *Ticket) any { return kit.TextOrNil(string(t.Priority)) }},
		{Name: "status", Type: destination.Text, Value: func(t *Ticket) any { return kit.TextOrNil(t.Status) }},
		{Name: "project", Type: destination.Text, Value: func(t *Ticket) any { return kit.TextOrNil(t.Project) }},
		{Name: "issue_type", Type: destination.Text, Value: func(t *Ticket) any { return kit.TextOrNil(t.IssueType) }},
		{Name: "tags", Type: destination.JSON, Value: func(t *Ticket) any { return kit.JSONOrNil(t.Tags, len(t.Tags) == 0) }},
		{Name: "due_date", Type: destination.Time, Value: func(t *Ticket) any { return kit.TimeOrNil(t.DueDate) }},
		{Name: "completion_date", Type: destination.Time, Value: func(t *Ticket) any { return kit.TimeOrNil(t.CompletionDate) }},
		{Name: "created_at", Type: destination.Time, Value: func(t *Ticket) any { return t.CreatedAt }},
		{Name: "updated_at", Type: destination.Time, Value: func(t *Ticket) any { return t.UpdatedAt }},
	}, func(t *Ticket) string { return t.ID }, func(t *Ticket) time.Time { return t.UpdatedAt }, ticketsSince),

	kit.SyncObject("comments", true, []kit.Col[Comment]{
		{Name: "ticket_id", Type: destination.Text, Value: func(c *Comment) any { return c.TicketID }},
		{Name: "creator", Type: destination.Text, Value: func(c *Comment) any { return kit.TextOrNil(c.Creator) }},
		{Name: "content", Type: destination.Text, Value: func(c *Comment) any { return c.Content }},
		{Name: "created_at", Type: destination.Time, Value: func(c *Comment) any { return c.CreatedAt }},
		{Name: "updated_at", Type: destination.Time, Value: func(c *Comment) any { return kit.TimeOrNil(c.UpdatedAt) }},
	}, func(c *Comment) string { return c.TicketID + "/" + c.ID }, commentModified, commentsSince),

	kit.SyncObject("projects", false, []kit.Col[Project]{
		{Name: "name", Type: destination.Text, Value: func(p *Project) any { return p.Name }},
	}, func(p *Project) string { return p.ID }, func(*Project) time.Time { return time.Time{} }, projectsSince),
}

// since is the filter of the records modified at or after t (inclusive: a
// record at the checkpoint's instant is read again, and written again the
// same, rather than missed).
func since(t time.Time) []string {
	if t.IsZero() {
		return nil
	}
	return []string{"updated_at[gte]" + t.UTC().Format(time.RFC3339Nano)}
}

func ticketsSince(ctx context.Context, src providers.Source, id string, t time.Time) iter.Seq2[*Ticket, error] {
	return func(yield func(*Ticket, error) bool) {
		c, err := Open(ctx, src, id)
		if err != nil {
			yield(nil, err)
			return
		}
		for tk, err := range c.AllTickets(ctx, QueryTicketsRequest{Filter: since(t), Limit: MaxTicketLimit}) {
			if !yield(tk, err) || err != nil {
				return
			}
		}
	}
}

// commentModified is a comment's last change: its update, or its creation.
func commentModified(c *Comment) time.Time {
	if c.UpdatedAt != nil {
		return *c.UpdatedAt
	}
	return c.CreatedAt
}

// commentsSince reads the comments of the tickets changed since t: adding a
// comment is a change of its ticket at every provider this connector has.
func commentsSince(ctx context.Context, src providers.Source, id string, t time.Time) iter.Seq2[*Comment, error] {
	return func(yield func(*Comment, error) bool) {
		c, err := Open(ctx, src, id)
		if err != nil {
			yield(nil, err)
			return
		}
		for tk, err := range c.AllTickets(ctx, QueryTicketsRequest{Filter: since(t), Limit: MaxTicketLimit}) {
			if err != nil {
				yield(nil, err)
				return
			}
			for cm, err := range c.AllComments(ctx, tk.ID) {
				if err != nil {
					yield(nil, err)
					return
				}
				if cm.TicketID == "" {
					cm.TicketID = tk.ID
				}
				if !yield(cm, nil) {
					return
				}
			}
		}
	}
}

func projectsSince(ctx context.Context, src providers.Source, id string, _ time.Time) iter.Seq2[*Project, error] {
	return func(yield func(*Project, error) bool) {
		c, err := Open(ctx, src, id)
		if err != nil {
			yield(nil, err)
			return
		}
		for p, err := range c.AllProjects(ctx) {
			if !yield(p, err) || err != nil {
				return
			}
		}
	}
}
