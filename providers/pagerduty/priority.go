package pagerduty

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/errs"
)

// PagerDuty priorities are defined per account (P1 to P5 by default) and
// listed most severe first. The driver maps them by rank:
//
//	rank  default name  reads as   written from
//	1     P1            URGENT     URGENT, CRITICAL
//	2     P2            HIGH       HIGH
//	3     P3            MEDIUM     MEDIUM, MODERATE
//	4     P4            LOW        LOW
//	5     P5            PLANNING   PLANNING
//	6...  -             PLANNING   -
//
// An account with fewer priorities writes the missing levels as its least
// severe one. An account without priorities reads tickets without one and
// refuses to set one.

// scale is the portable priority of each rank.
var scale = []ticketing.Priority{ticketing.PriorityUrgent, ticketing.PriorityHigh, ticketing.PriorityMedium,
	ticketing.PriorityLow, ticketing.PriorityPlanning}

// rankOf returns the rank (0-based) a portable priority is written as.
func rankOf(p ticketing.Priority) (int, bool) {
	switch p {
	case ticketing.PriorityUrgent, ticketing.PriorityCritical:
		return 0, true
	case ticketing.PriorityHigh:
		return 1, true
	case ticketing.PriorityMedium, ticketing.PriorityModerate:
		return 2, true
	case ticketing.PriorityLow:
		return 3, true
	case ticketing.PriorityPlanning:
		return 4, true
	}
	return 0, false
}

// priorityCache holds the account's priorities, read once per driver.
type priorityCache struct {
	mu     sync.Mutex
	loaded bool
	list   []pdPriority
}

// priorities returns the account's priorities, most severe first (empty
// when the account has none). A failed read is retried on the next call.
func (d *driver) priorities(ctx context.Context) ([]pdPriority, error) {
	d.prio.mu.Lock()
	defer d.prio.mu.Unlock()
	if d.prio.loaded {
		return d.prio.list, nil
	}
	list, _, _, err := listPage[pdPriority](ctx, d, "/priorities", "priorities", nil, 0, 0)
	if err != nil {
		var e *errs.Error
		// 402: the account's plan lacks priorities.
		if !errors.As(err, &e) || e.Status != http.StatusPaymentRequired {
			return nil, err
		}
		list = nil
	}
	d.prio.list, d.prio.loaded = list, true
	return list, nil
}

// readPriority maps an incident's priority to the portable one; "" when
// the incident has none or the account no longer lists it.
func readPriority(list []pdPriority, p *pdPriority) ticketing.Priority {
	if p == nil || (p.ID == "" && p.label() == "") {
		return ""
	}
	for i, q := range list {
		if (p.ID != "" && q.ID == p.ID) || (p.ID == "" && strings.EqualFold(q.label(), p.label())) {
			return scale[min(i, len(scale)-1)]
		}
	}
	return ""
}

// writePriority returns the PagerDuty priority a portable one is written
// as.
func (d *driver) writePriority(ctx context.Context, p ticketing.Priority) (*pdPriority, error) {
	r, ok := rankOf(p)
	if !ok {
		return nil, errs.Invalid("priority", "priority %q is not valid", clip(string(p)))
	}
	list, err := d.priorities(ctx)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, &errs.Error{Code: errs.Unsupported, Field: "priority",
			Message: "this PagerDuty account has no incident priorities; leave priority empty"}
	}
	q := list[min(r, len(list)-1)]
	return &q, nil
}
