package pdfake

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The date range of GET /incidents: at most about six months, one month by
// default.
const (
	maxDateRange     = 183 * 24 * time.Hour
	defaultDateRange = 30 * 24 * time.Hour
)

// sortKey is one sort_by term.
type sortKey struct {
	field string
	desc  bool
}

// GET /incidents: statuses[], service_ids[], urgencies[], user_ids[],
// incident_key, since/until or date_range=all, sort_by, include[]; paged.
func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request) {
	offset, limit, ok := pageParams(w, r)
	if !ok {
		return
	}
	inc, ok := parseIncludes(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	for _, v := range q["statuses[]"] {
		if !slices.Contains(statuses, v) {
			invalid(w, "statuses[] must be triggered, acknowledged or resolved")
			return
		}
	}
	for _, v := range q["urgencies[]"] {
		if !slices.Contains(urgencies, v) {
			invalid(w, "urgencies[] must be high or low")
			return
		}
	}
	keys, ok := sortKeys(w, q["sort_by"])
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	since, until, ok := s.dateRange(w, r)
	if !ok {
		return
	}
	var out []*incident
	for _, in := range s.incidents {
		if !since.IsZero() && (in.CreatedAt.Before(since) || !in.CreatedAt.Before(until)) {
			continue
		}
		if !matchAny(q["statuses[]"], in.Status) || !matchAny(q["service_ids[]"], in.ServiceID) ||
			!matchAny(q["urgencies[]"], in.Urgency) {
			continue
		}
		if k := q.Get("incident_key"); k != "" && in.IncidentKey != k {
			continue
		}
		if users := q["user_ids[]"]; len(users) > 0 && !slices.ContainsFunc(in.Assignments, func(a assignment) bool {
			return slices.Contains(users, a.UserID)
		}) {
			continue
		}
		out = append(out, in)
	}
	slices.SortStableFunc(out, func(a, b *incident) int { return compareIncidents(a, b, keys) })
	writePage(w, r, "incidents", out, offset, limit, func(in *incident) obj { return s.renderIncident(in, inc) })
}

func matchAny(set []string, v string) bool { return len(set) == 0 || slices.Contains(set, v) }

// dateRange returns the created_at range [since, until) of a list, zero
// for date_range=all; ok is false (and a 400 written) when since or until
// is malformed or the range is longer than PagerDuty allows. Call it under
// the lock.
func (s *Server) dateRange(w http.ResponseWriter, r *http.Request) (since, until time.Time, ok bool) {
	q := r.URL.Query()
	switch q.Get("date_range") {
	case "all":
		return time.Time{}, time.Time{}, true
	case "":
	default:
		invalid(w, "date_range must be all")
		return since, until, false
	}
	parse := func(name string) (time.Time, bool) {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, true
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				return t, true
			}
		}
		writeError(w, http.StatusBadRequest, codeInvalidDateRange, "Invalid 'since' or 'until' parameter values")
		return time.Time{}, false
	}
	if since, ok = parse("since"); !ok {
		return since, until, false
	}
	if until, ok = parse("until"); !ok {
		return since, until, false
	}
	switch {
	case since.IsZero() && until.IsZero():
		until = s.clock().Add(time.Second)
		since = until.Add(-defaultDateRange)
	case until.IsZero():
		until = s.clock().Add(time.Second)
	case since.IsZero():
		since = until.Add(-defaultDateRange)
	}
	if until.Before(since) || until.Sub(since) > maxDateRange {
		writeError(w, http.StatusBadRequest, codeInvalidDateRange, "Invalid Query Date Range",
			"The date range must not be longer than 6 months and until must not be before since")
		return since, until, false
	}
	return since, until, true
}

// sortKeys parses sort_by: at most two terms, given as repeated parameters
// or separated by commas, each field[:asc|:desc] with field
// incident_number, created_at, resolved_at or urgency.
func sortKeys(w http.ResponseWriter, raw []string) ([]sortKey, bool) {
	var keys []sortKey
	for _, v := range raw {
		for term := range strings.SplitSeq(v, ",") {
			field, dir, _ := strings.Cut(strings.TrimSpace(term), ":")
			if !slices.Contains([]string{"incident_number", "created_at", "resolved_at", "urgency"}, field) ||
				(dir != "" && dir != "asc" && dir != "desc") {
				invalid(w, "sort_by must be incident_number, created_at, resolved_at or urgency, optionally followed by :asc or :desc")
				return nil, false
			}
			keys = append(keys, sortKey{field: field, desc: dir == "desc"})
		}
	}
	if len(keys) > 2 {
		invalid(w, "sort_by takes at most two fields")
		return nil, false
	}
	return keys, true
}

// compareIncidents orders incidents by keys, then by incident number in
// the direction of the last key. An unresolved incident's resolved_at
// sorts first in ascending order.
func compareIncidents(a, b *incident, keys []sortKey) int {
	for _, k := range keys {
		var c int
		switch k.field {
		case "incident_number":
			c = cmp.Compare(a.Number, b.Number)
		case "created_at":
			c = a.CreatedAt.Compare(b.CreatedAt)
		case "resolved_at":
			c = compareTimes(a.ResolvedAt, b.ResolvedAt)
		case "urgency":
			c = cmp.Compare(a.Urgency, b.Urgency)
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	c := cmp.Compare(a.Number, b.Number)
	if len(keys) > 0 && keys[len(keys)-1].desc {
		c = -c
	}
	return c
}

func compareTimes(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}
