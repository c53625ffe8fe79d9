package snowfake

import (
	"fmt"
	"net/http"
	"strconv"
)

// Incident state codes of a stock instance.
const (
	stateNew        = "1"
	stateResolved   = "6"
	stateClosed     = "7"
	stateCanceled   = "8"
	defaultImpact   = "3"
	defaultUrgency  = "3"
	lowestPriority  = "5"
	incidentNumbers = "INC%07d"
)

// newIncident returns a new incident record with the defaults the instance
// sets on insert. Call with s.mu held.
func (s *Server) newIncident(user string) record {
	r := record{}
	for c := range s.tables["incident"].cols {
		r[c] = ""
	}
	for c, col := range s.tables["incident"].cols {
		if col.typ == colJournal {
			delete(r, c)
		}
	}
	s.number++
	now := s.stamp()
	uid := s.userID(user)
	for k, v := range map[string]string{
		"sys_id": s.newID(), "number": fmt.Sprintf(incidentNumbers, s.number), "state": stateNew,
		"impact": defaultImpact, "urgency": defaultUrgency, "opened_by": uid, "opened_at": now,
		"sys_created_on": now, "sys_created_by": user, "sys_updated_on": now, "sys_updated_by": user,
		"sys_mod_count": "0", "sys_class_name": "incident", "active": "true",
	} {
		r[k] = v
	}
	return r
}

// userID returns the sys_id of the user with the given user_name ("" if
// none). Call with s.mu held.
func (s *Server) userID(userName string) string {
	for _, r := range s.tables["sys_user"].rows {
		if r["user_name"] == userName {
			return r["sys_id"]
		}
	}
	return ""
}

// priorityMatrix is the stock priority lookup: priority by impact and
// urgency (both 1 High .. 3 Low).
var priorityMatrix = map[[2]string]string{
	{"1", "1"}: "1", {"1", "2"}: "2", {"1", "3"}: "3",
	{"2", "1"}: "2", {"2", "2"}: "3", {"2", "3"}: "4",
	{"3", "1"}: "3", {"3", "2"}: "4", {"3", "3"}: "5",
}

// policyError is a data policy violation.
type policyError struct {
	status          int
	message, detail string
}

// incidentRules runs the incident business rules and data policies on r,
// the record after a write; before is the record before it (nil on
// insert). Call with s.mu held.
func (s *Server) incidentRules(r, before record) *policyError {
	if p, ok := priorityMatrix[[2]string{r["impact"], r["urgency"]}]; ok {
		r["priority"] = p
	} else {
		r["priority"] = lowestPriority
	}
	state := r["state"]
	done := state == stateResolved || state == stateClosed
	if done && (r["close_code"] == "" || r["close_notes"] == "") {
		return &policyError{status: http.StatusForbidden, message: "Operation Failed",
			detail: "Data Policy Exception: \n\tThe following fields are mandatory: Resolution code, Resolution notes\n"}
	}
	now := s.stamp()
	who := s.userID(r["sys_updated_by"])
	if done && r["resolved_at"] == "" {
		r["resolved_at"], r["resolved_by"] = now, who
	}
	if state == stateClosed && r["closed_at"] == "" {
		r["closed_at"], r["closed_by"] = now, who
	}
	if before != nil && !done && state != stateCanceled {
		if b := before["state"]; b == stateResolved || b == stateClosed {
			// Reopened: the resolution stamps go.
			r["resolved_at"], r["resolved_by"], r["closed_at"], r["closed_by"] = "", "", "", ""
		}
	}
	r["active"] = strconv.FormatBool(!done && state != stateCanceled)
	return nil
}
