package snowfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxBody bounds request bodies the fake reads (ServiceNow's default
// attachment limit is far larger; this keeps a fake in a test small).
const maxBody = 64 << 20

// defaultLimit is the Table API's default sysparm_limit.
const defaultLimit = 10000

// tableAPI serves /api/now/table/{table} and /api/now/table/{table}/{sys_id}.
func (s *Server) tableAPI(w http.ResponseWriter, r *http.Request, user, rest string) {
	name, id, hasID := strings.Cut(rest, "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tables[name]
	if !ok || name == "" {
		writeError(w, http.StatusBadRequest, "Invalid table "+name, "")
		return
	}
	if hasID && (id == "" || strings.Contains(id, "/")) {
		writeError(w, http.StatusBadRequest, "Requested URI does not represent any resource", r.URL.Path)
		return
	}
	v := parseView(r.URL.Query())
	switch {
	case !hasID && r.Method == http.MethodGet:
		s.list(w, r, t, v, func(rec record) any { return s.render(t, rec, v) })
	case !hasID && r.Method == http.MethodPost:
		s.insert(w, r, t, user, v)
	case hasID && r.Method == http.MethodGet:
		rec, ok := t.byID[id]
		if !ok {
			notFound(w)
			return
		}
		writeResult(w, http.StatusOK, s.render(t, rec, v))
	case hasID && (r.Method == http.MethodPatch || r.Method == http.MethodPut):
		s.update(w, r, t, id, user, v)
	case hasID && r.Method == http.MethodDelete:
		if !t.remove(id) {
			notFound(w)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, http.StatusMethodNotAllowed, "Method not Supported", "The "+r.Method+" method is not supported for this resource")
	}
}

func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")
}

// list answers a list request on t: sysparm_query, sysparm_limit,
// sysparm_offset, with the X-Total-Count and Link headers. Call with s.mu
// held.
func (s *Server) list(w http.ResponseWriter, r *http.Request, t *table, v view, show func(record) any) {
	q := r.URL.Query()
	eq, err := s.parseQuery(t, q.Get("sysparm_query"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid query", err.Error())
		return
	}
	limit, ok1 := intParam(q, "sysparm_limit", defaultLimit)
	offset, ok2 := intParam(q, "sysparm_offset", 0)
	if !ok1 || !ok2 {
		writeError(w, http.StatusBadRequest, "Invalid parameter", "sysparm_limit and sysparm_offset must be non-negative integers")
		return
	}
	var rows []record
	for _, rec := range t.rows {
		if s.matches(t, eq, rec) {
			rows = append(rows, rec)
		}
	}
	s.sortRows(t, eq, rows)
	total := len(rows)
	start := min(offset, total)
	page := rows[start : start+min(limit, total-start)]
	out := make([]any, len(page))
	for i, rec := range page {
		out[i] = show(rec)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	if link := s.linkHeader(r, limit, offset, total); link != "" {
		w.Header().Set("Link", link)
	}
	writeResult(w, http.StatusOK, out)
}

// intParam reads a non-negative integer parameter.
func intParam(q url.Values, name string, def int) (int, bool) {
	s := q.Get(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// linkHeader builds the first, prev, next and last links.
func (s *Server) linkHeader(r *http.Request, limit, offset, total int) string {
	if limit == 0 {
		return ""
	}
	at := func(off int, rel string) string {
		q := r.URL.Query()
		q.Set("sysparm_limit", strconv.Itoa(limit))
		q.Set("sysparm_offset", strconv.Itoa(off))
		return fmt.Sprintf("<%s%s?%s>;rel=%q", s.URL, r.URL.Path, q.Encode(), rel)
	}
	links := []string{at(0, "first")}
	if offset > 0 {
		links = append(links, at(max(offset-limit, 0), "prev"))
	}
	if offset+limit < total {
		links = append(links, at(offset+limit, "next"))
	}
	links = append(links, at(max((total-1)/limit*limit, 0), "last"))
	return strings.Join(links, ",")
}

// readFields decodes a JSON object body into column values, ignoring
// unknown and read-only columns as ServiceNow does, and collecting journal
// entries apart.
func readFields(r *http.Request, t *table) (record, map[string]string, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil || body == nil {
		return nil, nil, errors.New("the request body is not a JSON object")
	}
	fields, journal := record{}, map[string]string{}
	for k, raw := range body {
		col, ok := t.cols[k]
		if !ok || col.readOnly {
			continue
		}
		var val string
		switch x := raw.(type) {
		case nil:
		case string:
			val = x
		case json.Number:
			val = x.String()
		case bool:
			val = strconv.FormatBool(x)
		default:
			return nil, nil, fmt.Errorf("the value of %s must be a string", k)
		}
		if col.typ == colJournal {
			if strings.TrimSpace(val) != "" {
				journal[k] = val
			}
			continue
		}
		fields[k] = val
	}
	return fields, journal, nil
}

// insert serves POST /api/now/table/{table}. Call with s.mu held.
func (s *Server) insert(w http.ResponseWriter, r *http.Request, t *table, user string, v view) {
	fields, journal, err := readFields(r, t)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Exception while reading request", err.Error())
		return
	}
	var rec record
	if t.name == "incident" {
		rec = s.newIncident(user)
	} else {
		rec = record{"sys_id": s.newID()}
		now := s.stamp()
		for k, v := range map[string]string{"sys_created_on": now, "sys_updated_on": now, "sys_created_by": user,
			"sys_updated_by": user, "sys_mod_count": "0", "sys_tags": ""} {
			rec[k] = v
		}
	}
	for k, val := range fields {
		rec[k] = val
	}
	if t.name == "incident" {
		if pe := s.incidentRules(rec, nil); pe != nil {
			writeError(w, pe.status, pe.message, pe.detail)
			return
		}
	}
	t.insert(rec)
	s.journal(t, rec["sys_id"], user, journal)
	w.Header().Set("Location", s.URL+"/api/now/table/"+t.name+"/"+rec["sys_id"])
	writeResult(w, http.StatusCreated, s.render(t, rec, v))
}

// update serves PATCH and PUT /api/now/table/{table}/{sys_id}. Call with
// s.mu held.
func (s *Server) update(w http.ResponseWriter, r *http.Request, t *table, id, user string, v view) {
	before, ok := t.byID[id]
	if !ok {
		notFound(w)
		return
	}
	fields, journal, err := readFields(r, t)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Exception while reading request", err.Error())
		return
	}
	after := make(record, len(before))
	for k, val := range before {
		after[k] = val
	}
	for k, val := range fields {
		after[k] = val
	}
	after["sys_updated_on"], after["sys_updated_by"] = s.stamp(), user
	n, _ := strconv.Atoi(before["sys_mod_count"])
	after["sys_mod_count"] = strconv.Itoa(n + 1)
	if t.name == "incident" {
		if pe := s.incidentRules(after, before); pe != nil {
			writeError(w, pe.status, pe.message, pe.detail)
			return
		}
	}
	// Replace in place so the insertion order stays.
	for k := range before {
		delete(before, k)
	}
	for k, val := range after {
		before[k] = val
	}
	s.journal(t, id, user, journal)
	writeResult(w, http.StatusOK, s.render(t, before, v))
}

// journal writes journal field entries to sys_journal_field, comments
// before work_notes. Call with s.mu held.
func (s *Server) journal(t *table, id, user string, entries map[string]string) {
	for _, el := range []string{"comments", "work_notes"} {
		val, ok := entries[el]
		if !ok {
			continue
		}
		s.seedRecord("sys_journal_field", "", record{"name": t.name, "element": el, "element_id": id, "value": val,
			"sys_created_by": user, "sys_updated_by": user})
	}
}
