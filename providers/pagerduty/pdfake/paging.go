package pdfake

import (
	"net/http"
	"strconv"
)

// Classic offset pagination: limit (default 25, at most 100), offset, and
// total=true to count the matches.
const (
	defaultLimit = 25
	maxLimit     = 100
)

// pageParams reads limit and offset; ok is false (and a 400 written) when
// they are not non-negative integers.
func pageParams(w http.ResponseWriter, r *http.Request) (offset, limit int, ok bool) {
	q := r.URL.Query()
	limit, offset = defaultLimit, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			invalid(w, "limit must be a non-negative integer")
			return 0, 0, false
		}
		limit = min(max(n, 1), maxLimit)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			invalid(w, "offset must be a non-negative integer")
			return 0, 0, false
		}
		offset = n
	}
	return offset, limit, true
}

// writePage writes one page of items under key with the pagination fields.
func writePage[T any](w http.ResponseWriter, r *http.Request, key string, items []T, offset, limit int,
	render func(T) obj) {
	total := len(items)
	start := min(offset, total)
	end := min(start+limit, total)
	out := make([]any, 0, end-start)
	for _, it := range items[start:end] {
		out = append(out, render(it))
	}
	body := obj{key: out, "limit": limit, "offset": offset, "more": end < total, "total": nil}
	if r.URL.Query().Get("total") == "true" {
		body["total"] = total
	}
	writeJSON(w, http.StatusOK, body)
}
