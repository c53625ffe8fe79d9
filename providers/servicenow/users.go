package servicenow

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// maxCachedUsers bounds the user cache; it is emptied when full.
const maxCachedUsers = 1024

// userCache maps user names to sys_ids. User sys_ids never change, so
// entries do not expire.
type userCache struct {
	mu  sync.Mutex
	ids map[string]string
}

func newUserCache() *userCache { return &userCache{ids: map[string]string{}} }

func (c *userCache) get(name string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.ids[name]
	return id, ok
}

func (c *userCache) put(name, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ids) >= maxCachedUsers {
		clear(c.ids)
	}
	c.ids[name] = id
}

// userRef returns the sys_id to write in a user reference column for v: v
// itself if it is a sys_id, "" for "", else the sys_id of the user whose
// user_name (or, failing that, email) is v. field names the ticket field in
// errors.
func (d *driver) userRef(ctx context.Context, field, v string) (string, error) {
	if v == "" || isSysID(v) {
		return v, nil
	}
	if !safeValue(v) || strings.Contains(v, ",") {
		return "", errs.Invalid(field, "%s %q is not a ServiceNow user name or sys_id", field, clip(v))
	}
	if id, ok := d.users.get(v); ok {
		return id, nil
	}
	q := url.Values{"sysparm_query": {"user_name=" + v + "^ORemail=" + v + "^ORDERBYsys_id"},
		"sysparm_fields": {"sys_id,user_name,email"}, "sysparm_limit": {"10"}}
	resp, err := d.c.Do(ctx, httpx.Request{Method: http.MethodGet, Path: "/api/now/table/sys_user", Query: q})
	if err != nil {
		return "", err
	}
	rows, err := resultList(resp)
	if err != nil {
		return "", err
	}
	id := pickUser(rows, v)
	if !isSysID(id) {
		return "", errs.Invalid(field, "no ServiceNow user has the user_name %q", clip(v))
	}
	d.users.put(v, id)
	return id, nil
}

// pickUser chooses the user v names among the users whose user_name or
// email equals v without regard to case: an exact user_name, else an
// exact email, else the only candidate.
func pickUser(rows []record, v string) string {
	for _, key := range []string{"user_name", "email"} {
		for _, r := range rows {
			if r.str(key) == v {
				return r.str("sys_id")
			}
		}
	}
	if len(rows) == 1 {
		return rows[0].str("sys_id")
	}
	return ""
}
