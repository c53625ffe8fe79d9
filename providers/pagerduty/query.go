package pagerduty

import (
	"context"
	"net/url"
	"slices"
	"time"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/filter"
)

// maxPushedRange is the longest created_at range pushed down as since and
// until; PagerDuty refuses ranges over six months, and longer ones are
// read with date_range=all and filtered in memory.
const maxPushedRange = 179 * 24 * time.Hour

// listPlan is what QueryTickets asks PagerDuty for.
type listPlan struct {
	q url.Values
	// none: the filters match no incident; nothing is asked.
	none bool
	// id: one incident, read with GET /incidents/{id}.
	id string
	// needBody: the filters test the description, which the list does not
	// return; each incident's body is read.
	needBody bool
}

// QueryTickets implements ticketing.Driver: GET /incidents, pushing down
// the filters PagerDuty evaluates (status eq/in/ne/not in as statuses[],
// project eq/in as service_ids[], created_at bounds as since/until, id eq
// as a single read) and the order (sort_by created_at or resolved_at). The
// cursor is the offset of the next page.
func (d *driver) QueryTickets(ctx context.Context, q ticketing.TicketQuery) (*ticketing.Page[ticketing.Ticket], error) {
	offset, err := parseCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = ticketing.DefaultTicketLimit
	}
	plan, err := planList(q.Query, time.Now())
	if err != nil {
		return nil, err
	}
	page := &ticketing.Page[ticketing.Ticket]{Result: []*ticketing.Ticket{}}
	var incidents []pdIncident
	next, more := 0, false
	switch {
	case plan.none:
		return page, nil
	case plan.id != "":
		if offset > 0 {
			return page, nil
		}
		in, err := d.getIncident(ctx, plan.id)
		if errs.CodeOf(err) == errs.NotFound {
			return page, nil
		}
		if err != nil {
			return nil, err
		}
		incidents = []pdIncident{*in}
	default:
		incidents, next, more, err = listPage[pdIncident](ctx, d, "/incidents", "incidents", plan.q, offset, limit)
		if err != nil {
			return nil, err
		}
	}
	prios, err := d.priorities(ctx)
	if err != nil {
		return nil, err
	}
	for i := range incidents {
		in := &incidents[i]
		t := d.toTicket(ctx, in, prios)
		if plan.needBody {
			if in.Body == nil {
				full, err := d.getIncident(ctx, in.ID)
				if err != nil {
					return nil, err
				}
				in.Body = full.Body
			}
			if t.Description, err = d.description(ctx, in); err != nil {
				return nil, err
			}
		}
		page.Result = append(page.Result, &t)
	}
	page.Next = cursor(next, more)
	return page, nil
}

// planList translates a bound ticket query into PagerDuty's list
// parameters. Filters it cannot push down are left to the Connector, which
// applies every filter in memory.
func planList(b *filter.Bound, now time.Time) (listPlan, error) {
	p := listPlan{q: url.Values{"include[]": listIncludes}}
	if b == nil {
		p.q.Set("date_range", "all")
		p.q["sort_by"] = []string{"created_at:asc"}
		return p, nil
	}
	var (
		status, services []string
		statusSet        bool
		servicesSet      bool
		lower, upper     time.Time
	)
	for _, c := range b.Filters() {
		vals := c.Values
		if c.Op != filter.In && c.Op != filter.NotIn {
			vals = []string{c.Value}
		}
		switch c.Field {
		case "status":
			var keep []string
			switch c.Op {
			case filter.Eq, filter.In:
				keep = intersect(statuses, vals)
			case filter.Ne, filter.NotIn:
				keep = slices.DeleteFunc(slices.Clone(statuses), func(s string) bool { return slices.Contains(vals, s) })
			default:
				continue
			}
			if statusSet {
				keep = intersect(status, keep)
			}
			status, statusSet = keep, true
		case "project":
			if c.Op != filter.Eq && c.Op != filter.In {
				continue
			}
			keep := slices.DeleteFunc(slices.Clone(vals), func(s string) bool { return !validID(s) })
			if servicesSet {
				keep = intersect(services, keep)
			}
			services, servicesSet = keep, true
		case "id":
			if c.Op == filter.Eq || (c.Op == filter.In && len(vals) == 1) {
				if p.id != "" && p.id != vals[0] {
					p.none = true
				}
				p.id = vals[0]
			}
		case "description":
			p.needBody = true
		case "created_at":
			t, ok := filter.PushableTime(c)
			if !ok {
				continue // since/until cannot write it: matched in memory
			}
			if c.Op == filter.Gt || c.Op == filter.Gte || c.Op == filter.Eq {
				if lower.IsZero() || t.After(lower) {
					lower = t
				}
			}
			if c.Op == filter.Lt || c.Op == filter.Lte || c.Op == filter.Eq {
				if upper.IsZero() || t.Before(upper) {
					upper = t
				}
			}
		}
	}
	if (statusSet && len(status) == 0) || (servicesSet && len(services) == 0) ||
		(!lower.IsZero() && !upper.IsZero() && upper.Before(lower)) {
		p.none = true
	}
	if statusSet && len(status) < len(statuses) {
		p.q["statuses[]"] = status
	}
	if servicesSet {
		p.q["service_ids[]"] = services
	}
	setRange(p.q, lower, upper, now)
	sortBy, err := sortBy(b.Order())
	if err != nil {
		return p, err
	}
	p.q["sort_by"] = sortBy
	return p, nil
}

// setRange sets since and until, widened by a second on each side (the
// Connector filters exactly), or date_range=all when the range is open
// below or longer than PagerDuty allows.
func setRange(q url.Values, lower, upper, now time.Time) {
	if lower.IsZero() {
		q.Set("date_range", "all")
		return
	}
	since := lower.Add(-time.Second)
	until := now.Add(time.Hour)
	if !upper.IsZero() {
		until = upper.Add(time.Second)
	}
	if until.Sub(since) > maxPushedRange || !until.After(since) {
		q.Set("date_range", "all")
		return
	}
	q.Set("since", since.UTC().Format(time.RFC3339))
	q.Set("until", until.UTC().Format(time.RFC3339))
}

// sortBy translates the effective order into sort_by terms. The trailing
// id tiebreak is left to PagerDuty; an order by id (which the Connector
// always allows) is served in incident-number order; an order PagerDuty
// cannot sort by is an errs.Unsupported error.
func sortBy(order []filter.OrderTerm) ([]string, error) {
	for len(order) > 1 && order[len(order)-1].Field == "id" {
		order = order[:len(order)-1]
	}
	var out []string
	for _, t := range order {
		var field string
		switch t.Field {
		case "id":
			// PagerDuty cannot sort by id: incident numbers give a stable
			// order in which paging visits each incident once.
			field = "incident_number"
		case "created_at":
			field = "created_at"
		case "completion_date":
			field = "resolved_at"
		default:
			return nil, errs.New(errs.Unsupported, "PagerDuty cannot order incidents by %s; order by created_at or completion_date", t.Field)
		}
		dir := "asc"
		if t.Dir == filter.Desc {
			dir = "desc"
		}
		out = append(out, field+":"+dir)
	}
	if len(out) > 2 {
		return nil, errs.New(errs.Unsupported, "PagerDuty orders incidents by at most two fields")
	}
	return out, nil
}

// intersect returns the elements of a that are in b, in a's order.
func intersect(a, b []string) []string {
	var out []string
	for _, s := range a {
		if slices.Contains(b, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
