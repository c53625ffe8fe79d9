package jirafake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// searchResult caches the sorted matches of one JQL query until the site
// changes, so paging through a large result costs one evaluation.
type searchResult struct {
	issues []*issueRec
}

// maxCachedSearches bounds the search cache.
const maxCachedSearches = 32

// msgUnbounded is Jira Cloud's answer to a query without a restriction.
const msgUnbounded = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."

// searchParams are the parameters of a search, from the query string (GET)
// or the body (POST, SearchAndReconcileRequestBean).
type searchParams struct {
	JQL             string   `json:"jql"`
	NextPageToken   string   `json:"nextPageToken"`
	MaxResults      *int     `json:"maxResults"`
	Fields          []string `json:"fields"`
	Expand          string   `json:"expand"`
	Properties      []string `json:"properties"`
	FieldsByKeys    bool     `json:"fieldsByKeys"`
	FailFast        bool     `json:"failFast"`
	ReconcileIssues []int64  `json:"reconcileIssues"`
}

// pageToken is the fake's nextPageToken: the offset of the next page and a
// hash of the query it belongs to.
type pageToken struct {
	Offset int    `json:"o"`
	Query  string `json:"q"`
}

func queryHash(jql string, fields []string) string {
	sum := sha256.Sum256([]byte(jql + "\x00" + strings.Join(fields, ",")))
	return hex.EncodeToString(sum[:8])
}

// search is GET and POST /rest/api/3/search/jql.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	var p searchParams
	if r.Method == http.MethodPost {
		if !decodeJSON(w, r, &p, true) {
			return
		}
	} else {
		q := r.URL.Query()
		p.JQL, p.NextPageToken, p.Fields = q.Get("jql"), q.Get("nextPageToken"), q["fields"]
		if v := q.Get("maxResults"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				writeError(w, http.StatusBadRequest, []string{"maxResults must be an integer."}, nil)
				return
			}
			p.MaxResults = &n
		}
	}
	maxResults := 50
	if p.MaxResults != nil {
		maxResults = *p.MaxResults
	}
	if maxResults < 0 {
		writeError(w, http.StatusBadRequest, []string{"maxResults must not be negative."}, nil)
		return
	}
	sel := parseFields(p.Fields, "id")
	hash := queryHash(p.JQL, p.Fields)
	offset := 0
	if p.NextPageToken != "" {
		var tok pageToken
		b, err := base64.RawURLEncoding.DecodeString(p.NextPageToken)
		if err != nil || json.Unmarshal(b, &tok) != nil || tok.Query != hash || tok.Offset < 0 {
			writeError(w, http.StatusBadRequest, []string{"The provided next page token is invalid or expired."}, nil)
			return
		}
		offset = tok.Offset
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	matches, msgs := st.run(p.JQL)
	if len(msgs) > 0 {
		writeError(w, http.StatusBadRequest, msgs, nil)
		return
	}
	limit := st.maxPage
	if sel.onlyKeys() {
		limit = 5000
	}
	maxResults = min(maxResults, limit)
	issues := make([]any, 0, min(maxResults, max(0, len(matches)-offset)))
	end := offset
	for ; end < len(matches) && len(issues) < maxResults; end++ {
		issues = append(issues, st.renderIssue(matches[end], sel))
	}
	out := map[string]any{"issues": issues, "isLast": end >= len(matches)}
	if end < len(matches) {
		b, _ := json.Marshal(pageToken{Offset: end, Query: hash})
		out["nextPageToken"] = base64.RawURLEncoding.EncodeToString(b)
	}
	writeJSON(w, http.StatusOK, out)
}

// run evaluates a query (or takes it from the cache): its matches in
// order, or Jira's error messages.
func (st *state) run(jql string) ([]*issueRec, []string) {
	if res, ok := st.searches[jql]; ok {
		return res.issues, nil
	}
	q, err := parseJQL(jql)
	if err != nil {
		return nil, []string{err.Error()}
	}
	if q.where == nil {
		return nil, []string{msgUnbounded}
	}
	match, msgs := st.compile(q.where)
	less, err := st.sorter(q.order)
	if err != nil {
		var je *jqlError
		if errors.As(err, &je) {
			msgs = append(msgs, je.msg)
		}
	}
	if len(msgs) > 0 {
		return nil, msgs
	}
	var out []*issueRec
	for _, is := range st.order {
		if match(is) {
			out = append(out, is)
		}
	}
	slices.SortStableFunc(out, less)
	if len(st.searches) >= maxCachedSearches {
		clear(st.searches)
	}
	st.searches[jql] = &searchResult{issues: out}
	return out, nil
}
