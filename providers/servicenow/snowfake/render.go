package snowfake

import (
	"net/url"
	"strings"
)

// view says how records render: the sysparm_fields, sysparm_display_value
// and sysparm_exclude_reference_link parameters.
type view struct {
	fields      []string // nil: every column
	display     string   // "false", "true" or "all"
	excludeLink bool
}

// parseView reads the rendering parameters of a request.
func parseView(q url.Values) view {
	v := view{display: strings.ToLower(q.Get("sysparm_display_value")), excludeLink: q.Get("sysparm_exclude_reference_link") == "true"}
	if v.display != "true" && v.display != "all" {
		v.display = "false"
	}
	if f := q.Get("sysparm_fields"); f != "" {
		for _, name := range strings.Split(f, ",") {
			if name = strings.TrimSpace(name); name != "" {
				v.fields = append(v.fields, name)
			}
		}
	}
	return v
}

// render returns r as the Table API shows it. Unknown fields are left out,
// as ServiceNow does. Call with s.mu held.
func (s *Server) render(t *table, r record, v view) map[string]any {
	fields := v.fields
	if fields == nil {
		fields = t.columnNames()
	}
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		col, err := s.resolveField(t, f)
		if err != nil {
			continue
		}
		val := s.value(t, r, f)
		if strings.Contains(f, ".") || col.typ == colJournal {
			if col.typ == colJournal {
				val = ""
			}
			out[f] = val
			continue
		}
		out[f] = s.renderValue(t, f, col, val, v)
	}
	return out
}

// renderValue renders one column value.
func (s *Server) renderValue(t *table, name string, col column, val string, v view) any {
	if col.typ == colRef {
		link := ""
		if val != "" {
			link = s.URL + "/api/now/table/" + col.ref + "/" + val
		}
		dv := s.displayValue(t, name, col, val)
		switch {
		case v.display == "false" && (v.excludeLink || val == ""):
			return val
		case v.display == "false":
			return map[string]string{"link": link, "value": val}
		case v.display == "true" && (v.excludeLink || val == ""):
			return dv
		case v.display == "true":
			return map[string]string{"display_value": dv, "link": link}
		case v.excludeLink || val == "":
			return map[string]string{"display_value": dv, "value": val}
		default:
			return map[string]string{"display_value": dv, "link": link, "value": val}
		}
	}
	switch v.display {
	case "true":
		return s.displayValue(t, name, col, val)
	case "all":
		return map[string]string{"display_value": s.displayValue(t, name, col, val), "value": val}
	}
	return val
}

// displayValue returns the display value of a column value: a referenced
// record's display column, a choice's label, or the value itself.
func (s *Server) displayValue(t *table, name string, col column, val string) string {
	if val == "" {
		return ""
	}
	switch col.typ {
	case colRef:
		if rt, ok := s.tables[col.ref]; ok {
			if rec, ok := rt.byID[val]; ok {
				return rec[rt.display]
			}
		}
		return ""
	case colChoice:
		for _, c := range s.tables["sys_choice"].rows {
			if c["name"] == t.name && c["element"] == name && c["value"] == val {
				return c["label"]
			}
		}
	}
	return val
}
