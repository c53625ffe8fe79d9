package jira

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// createdIssue is the answer to POST /rest/api/3/issue.
type createdIssue struct {
	ID   string `json:"id"`
	Key  string `json:"key"`
	Self string `json:"self"`
}

// CreateTicket implements ticketing.Driver: POST /rest/api/3/issue, then a
// read of the new issue (Jira answers with its key only), and, when the
// request names a status other than the workflow's initial one, a
// transition to it. The create is not retried on a 5xx answer, since Jira
// may have created the issue.
func (d *driver) CreateTicket(ctx context.Context, req ticketing.CreateTicketRequest) (*ticketing.Ticket, error) {
	fields, err := d.createFields(ctx, req)
	if err != nil {
		return nil, err
	}
	var created createdIssue
	resp, err := d.hc.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: pathIssue, JSON: map[string]any{"fields": fields}}, &created)
	if err != nil {
		return nil, d.withField(err)
	}
	if created.Key == "" {
		return nil, resp.Malformed("has no issue key")
	}
	t, err := d.GetTicket(ctx, created.Key)
	if err != nil {
		return nil, afterCreate(created.Key, "reading it back", err)
	}
	if req.Status != "" && !strings.EqualFold(t.Status, req.Status) {
		if err := d.moveTo(ctx, created.Key, req.Status); err != nil {
			return nil, afterCreate(created.Key, "moving it to status "+clip(req.Status), err)
		}
		if t, err = d.GetTicket(ctx, created.Key); err != nil {
			return nil, afterCreate(created.Key, "reading it back", err)
		}
	}
	return t, nil
}

// afterCreate reports a failure after Jira created the issue, naming it so
// the caller does not create it again.
func afterCreate(key, what string, err error) error {
	code := errs.Provider
	if c := errs.CodeOf(err); c != "" {
		code = c
	}
	out := &errs.Error{Code: code, Message: fmt.Sprintf("jira created issue %s but failed %s", key, what), Cause: err}
	var e *errs.Error
	if errors.As(err, &e) {
		out.Field, out.Status, out.RetryAfter = e.Field, e.Status, e.RetryAfter
	}
	return out
}

// UpdateTicket implements ticketing.Driver: the changed fields are written
// with PUT /rest/api/3/issue/{key}, a status change is made with the
// transition whose target status has the requested name (compared
// case-insensitively), and the issue is read back. The transition is looked
// up before anything is written, so an unreachable status changes nothing.
func (d *driver) UpdateTicket(ctx context.Context, id string, u ticketing.TicketUpdate) (*ticketing.Ticket, error) {
	if u.After == nil || u.Before == nil {
		return nil, errs.New(errs.Internal, "jira: UpdateTicket needs the ticket before and after")
	}
	fields, err := d.editFields(ctx, u)
	if err != nil {
		return nil, err
	}
	var tr *transition
	if u.Has("status") && !strings.EqualFold(u.Before.Status, u.After.Status) {
		if tr, err = d.findTransition(ctx, id, u.After.Status); err != nil {
			return nil, err
		}
	}
	if len(fields) > 0 {
		if _, err := d.hc.Do(ctx, httpx.Request{Method: http.MethodPut, Path: issuePath(id), JSON: map[string]any{"fields": fields}}); err != nil {
			return nil, d.withField(err)
		}
	}
	if tr != nil {
		if err := d.doTransition(ctx, id, tr.ID); err != nil {
			return nil, err
		}
	}
	return d.GetTicket(ctx, id)
}

// transition is one of an issue's available transitions.
type transition struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	To   named  `json:"to"`
}

// findTransition returns the transition of the issue whose target status
// is named target (case-insensitively), or an errs.InvalidInput error
// listing the statuses the issue can move to.
func (d *driver) findTransition(ctx context.Context, key, target string) (*transition, error) {
	var out struct {
		Transitions []transition `json:"transitions"`
	}
	if _, err := d.hc.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: issuePath(key) + "/transitions"}, &out); err != nil {
		return nil, err
	}
	var names []string
	for i, t := range out.Transitions {
		if strings.EqualFold(t.To.Name, target) {
			return &out.Transitions[i], nil
		}
		if t.To.Name != "" && !slices.Contains(names, t.To.Name) {
			names = append(names, t.To.Name)
		}
	}
	slices.Sort(names)
	avail := "none"
	if len(names) > 0 {
		avail = strings.Join(names, ", ")
	}
	return nil, errs.Invalid("status", "jira offers no transition of %s to status %q; from its current status it can move to: %s", clip(key), clip(target), avail)
}

// doTransition performs a transition.
func (d *driver) doTransition(ctx context.Context, key, id string) error {
	body := map[string]any{"transition": map[string]any{"id": id}}
	_, err := d.hc.Do(ctx, httpx.Request{Method: http.MethodPost, Path: issuePath(key) + "/transitions", JSON: body})
	return d.withField(err)
}

// moveTo moves an issue to the status named target.
func (d *driver) moveTo(ctx context.Context, key, target string) error {
	tr, err := d.findTransition(ctx, key, target)
	if err != nil {
		return err
	}
	return d.doTransition(ctx, key, tr.ID)
}
