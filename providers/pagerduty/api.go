package pagerduty

import (
	"context"
	"encoding/json"
	"github.com/seed-e6251c81/synqly/internal/textcheck"
	"net/http"
	"net/url"
	"strconv"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// accept is the versioned media type of the REST API v2.
const accept = "application/vnd.pagerduty+json;version=2"

// Paging limits of the REST API: at most 100 records per page; lists the
// driver reads in full stop after maxListAll records.
const (
	pageMax    = 100
	maxListAll = 10000
)

// call sends one API request; from, when not empty, goes in the From
// header. The response body is decoded into out (when not nil); a
// response that lacks what the API documents is reported with
// Response.Malformed, as every driver reports one.
func (d *driver) call(ctx context.Context, method, path string, q url.Values, from string, body, out any) (*httpx.Response, error) {
	return d.send(ctx, httpx.Request{Method: method, Path: path, Query: q, JSON: body}, from, out)
}

// send is call for a prepared request (one marked Idempotent, say).
func (d *driver) send(ctx context.Context, r httpx.Request, from string, out any) (*httpx.Response, error) {
	r.Header = http.Header{"Accept": {accept}, "Content-Type": {"application/json"}}
	if from != "" {
		r.Header.Set("From", from)
	}
	return d.http.JSON(ctx, r, out)
}

// listPage reads records of a paged list from offset on: pages of at most
// 100 until want records are read (0: all, up to maxListAll) or the list
// ends. It returns the records, the offset after them, and whether more
// follow. A short page ends a bounded read early (the cursor continues
// it), so one call sends at most want/100 requests (rounded up), and an
// unbounded one at most maxListAll/100.
func listPage[T any](ctx context.Context, d *driver, path, key string, q url.Values, offset, want int) ([]T, int, bool, error) {
	var out []T
	all := want <= 0
	if all {
		want = maxListAll
	}
	for pages := 0; len(out) < want; pages++ {
		if pages >= maxListAll/pageMax {
			break
		}
		limit := min(pageMax, want-len(out))
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("limit", strconv.Itoa(limit))
		pq.Set("offset", strconv.Itoa(offset))
		var raw map[string]json.RawMessage
		resp, err := d.call(ctx, http.MethodGet, path, pq, "", nil, &raw)
		if err != nil {
			return nil, 0, false, err
		}
		var items []T
		if raw[key] == nil || json.Unmarshal(raw[key], &items) != nil {
			return nil, 0, false, resp.Malformed("has no " + key + " list")
		}
		more, echoed := false, offset
		if m, ok := raw["more"]; ok && json.Unmarshal(m, &more) != nil {
			return nil, 0, false, resp.Malformed("has no valid pagination")
		}
		if o, ok := raw["offset"]; ok && (json.Unmarshal(o, &echoed) != nil || echoed != offset) {
			return nil, 0, false, resp.Malformed("has no pagination matching the request")
		}
		out = append(out, items...)
		offset += len(items)
		if !more || len(items) == 0 {
			return out, offset, false, nil
		}
		if !all && len(items) < limit {
			return out, offset, true, nil
		}
	}
	if all {
		return nil, 0, false, errs.New(errs.Provider, "pagerduty: GET %s: the list has more than %d records", path, maxListAll)
	}
	return out, offset, true, nil
}

// parseCursor reads a list cursor: the decimal offset of the next page.
func parseCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(c)
	if err != nil || n < 0 || n > 10_000_000 {
		return 0, errs.New(errs.InvalidQuery, "cursor %q is not a PagerDuty cursor; pass the cursor of the previous page", clip(c))
	}
	return n, nil
}

// cursor returns the cursor of the page after offset, "" when there is
// none.
func cursor(offset int, more bool) string {
	if !more {
		return ""
	}
	return strconv.Itoa(offset)
}

// clip shortens s for an error message.
func clip(s string) string { return textcheck.Clip(s) }

// escape escapes an id for a URL path segment.
func escape(id string) string { return url.PathEscape(id) }
