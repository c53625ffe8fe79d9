package pdfake

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"
)

// GET /services: query, name, sort_by=name[:asc|:desc], paged.
func (s *Server) listServices(w http.ResponseWriter, r *http.Request) {
	offset, limit, ok := pageParams(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	desc := false
	switch q.Get("sort_by") {
	case "", "name", "name:asc":
	case "name:desc":
		desc = true
	default:
		invalid(w, "sort_by must be name, name:asc or name:desc")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*service
	for _, v := range s.services {
		if (q.Get("query") == "" || containsFold(v.Name, q.Get("query"))) && (q.Get("name") == "" || v.Name == q.Get("name")) {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b *service) int {
		c := cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
		if desc {
			return -c
		}
		return c
	})
	writePage(w, r, "services", out, offset, limit, s.renderService)
}

// GET /services/{id}.
func (s *Server) getService(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.serviceByID(r.PathValue("id"))
	if v == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, obj{"service": s.renderService(v)})
}

// GET /priorities, most severe first, paged.
func (s *Server) listPriorities(w http.ResponseWriter, r *http.Request) {
	offset, limit, ok := pageParams(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writePage(w, r, "priorities", s.priorities, offset, limit, s.renderPriority)
}

// GET /users: query matches names and e-mails; paged.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	offset, limit, ok := pageParams(w, r)
	if !ok {
		return
	}
	query := r.URL.Query().Get("query")
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*user
	for _, u := range s.users {
		if query == "" || containsFold(u.Name, query) || containsFold(u.Email, query) {
			out = append(out, u)
		}
	}
	writePage(w, r, "users", out, offset, limit, s.renderUser)
}

// GET /users/{id}.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByID(r.PathValue("id"))
	if u == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, obj{"user": s.renderUser(u)})
}

// GET /incidents/types: filter=enabled (default), disabled or all; not
// paged.
func (s *Server) listIncidentTypes(w http.ResponseWriter, r *http.Request) {
	f := r.URL.Query().Get("filter")
	if f != "" && f != "enabled" && f != "disabled" && f != "all" {
		invalid(w, "filter must be enabled, disabled or all")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []any{}
	for _, t := range s.incidentTypes {
		if f == "all" || (f == "disabled") == !t.Enabled {
			o := obj{"id": t.ID, "type": "incident_type", "name": t.Name, "display_name": t.DisplayName,
				"enabled": t.Enabled, "description": nil, "created_at": ts(time.Unix(1685540447, 0)),
				"updated_at": ts(time.Unix(1690810847, 0))}
			if t.Parent != "" {
				if p := s.incidentTypeByName(t.Parent); p != nil {
					o["parent"] = obj{"id": p.ID, "type": "incident_type_reference"}
				}
			}
			out = append(out, o)
		}
	}
	writeJSON(w, http.StatusOK, obj{"incident_types": out})
}

// GET /escalation_policies: query, user_ids[], sort_by=name; paged.
func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request) {
	offset, limit, ok := pageParams(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	desc := false
	switch q.Get("sort_by") {
	case "", "name", "name:asc":
	case "name:desc":
		desc = true
	default:
		invalid(w, "sort_by must be name, name:asc or name:desc")
		return
	}
	users := q["user_ids[]"]
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*policy
	for _, p := range s.policies {
		if q.Get("query") != "" && !containsFold(p.Name, q.Get("query")) {
			continue
		}
		if len(users) > 0 && !slices.ContainsFunc(p.Rules, func(r rule) bool {
			return slices.ContainsFunc(r.Targets, func(t target) bool {
				return t.Type == "user_reference" && slices.Contains(users, t.ID)
			})
		}) {
			continue
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b *policy) int {
		c := cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		if desc {
			return -c
		}
		return c
	})
	writePage(w, r, "escalation_policies", out, offset, limit, s.renderPolicy)
}

// GET /escalation_policies/{id}.
func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.policyByID(r.PathValue("id"))
	if p == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, obj{"escalation_policy": s.renderPolicy(p)})
}

// oncall is one computed on-call entry.
type oncall struct {
	policy   *policy
	level    int
	userID   string
	schedule *schedule
}

// GET /oncalls: escalation_policy_ids[], user_ids[], schedule_ids[],
// include[]=users; paged. Entries are computed from the policies' rules: a
// user target is on call permanently, a schedule target through the
// schedule's current on-call user.
func (s *Server) listOnCalls(w http.ResponseWriter, r *http.Request) {
	offset, limit, ok := pageParams(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	pols, users, scheds := q["escalation_policy_ids[]"], q["user_ids[]"], q["schedule_ids[]"]
	expandUsers := slices.Contains(q["include[]"], "users")
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []oncall
	for _, p := range s.policies {
		if len(pols) > 0 && !slices.Contains(pols, p.ID) {
			continue
		}
		for i, rl := range p.Rules {
			for _, t := range rl.Targets {
				oc := oncall{policy: p, level: i + 1, userID: t.ID}
				if t.Type == "schedule_reference" {
					oc.schedule = s.scheduleByID(t.ID)
					if oc.schedule == nil {
						continue
					}
					oc.userID = oc.schedule.OnCall
				}
				if len(users) > 0 && !slices.Contains(users, oc.userID) {
					continue
				}
				if len(scheds) > 0 && (oc.schedule == nil || !slices.Contains(scheds, oc.schedule.ID)) {
					continue
				}
				out = append(out, oc)
			}
		}
	}
	writePage(w, r, "oncalls", out, offset, limit, func(oc oncall) obj {
		o := obj{"escalation_policy": s.ref("escalation_policy", oc.policy.ID, oc.policy.Name, "/escalation_policies"),
			"escalation_level": oc.level, "user": s.userRef(oc.userID), "schedule": nil, "start": nil, "end": nil}
		if u := s.userByID(oc.userID); expandUsers && u != nil {
			o["user"] = s.renderUser(u)
		}
		if oc.schedule != nil {
			o["schedule"] = s.ref("schedule", oc.schedule.ID, oc.schedule.Name, "/schedules")
			o["start"], o["end"] = ts(oc.schedule.Start), ts(oc.schedule.End)
		}
		return o
	})
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
