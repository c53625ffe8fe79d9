package pagerduty

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/seed-e6251c81/synqly/errs"
)

// userCache keeps the users the driver looked up, by id and by e-mail, for
// the life of the driver (an integration's driver is rebuilt when its
// configuration changes). Failed lookups are not cached.
type userCache struct {
	mu      sync.Mutex
	byID    map[string]pdUser
	byEmail map[string]string // lower-case e-mail -> id
}

// maxCachedUsers bounds the cache; past it the cache starts over.
const maxCachedUsers = 10000

func (c *userCache) get(id string) (pdUser, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.byID[id]
	return u, ok
}

func (c *userCache) getByEmail(email string) (pdUser, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.byEmail[strings.ToLower(email)]
	if !ok {
		return pdUser{}, false
	}
	u, ok := c.byID[id]
	return u, ok
}

func (c *userCache) put(u pdUser) {
	if u.ID == "" || u.Email == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID == nil || len(c.byID) >= maxCachedUsers {
		c.byID, c.byEmail = map[string]pdUser{}, map[string]string{}
	}
	c.byID[u.ID] = u
	c.byEmail[strings.ToLower(u.Email)] = u.ID
}

// user returns the user with the given id (GET /users/{id}, cached).
func (d *driver) user(ctx context.Context, id string) (pdUser, error) {
	if u, ok := d.users.get(id); ok {
		return u, nil
	}
	var out struct {
		User *pdUser `json:"user"`
	}
	path := "/users/" + escape(id)
	resp, err := d.call(ctx, http.MethodGet, path, nil, "", nil, &out)
	if err != nil {
		return pdUser{}, err
	}
	if out.User == nil || out.User.ID == "" {
		return pdUser{}, resp.Malformed("has no user")
	}
	d.users.put(*out.User)
	return *out.User, nil
}

// userByEmail returns the user with the given e-mail (GET /users?query=,
// matched exactly, cached).
func (d *driver) userByEmail(ctx context.Context, email string) (pdUser, error) {
	if u, ok := d.users.getByEmail(email); ok {
		return u, nil
	}
	users, _, _, err := listPage[pdUser](ctx, d, "/users", "users", url.Values{"query": {email}}, 0, pageMax)
	if err != nil {
		return pdUser{}, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, email) {
			d.users.put(u)
			return u, nil
		}
	}
	return pdUser{}, errs.New(errs.NotFound, "pagerduty: no user has the e-mail address %q", clip(email))
}

// emailOf returns the e-mail of a user reference, looking the user up when
// the reference does not carry it; it falls back to the user's name, then
// its id, when the lookup fails (a deleted user, a bot).
func (d *driver) emailOf(ctx context.Context, u *pdUser) string {
	if u == nil {
		return ""
	}
	if u.Email != "" {
		d.users.put(*u)
		return u.Email
	}
	if u.ID != "" && (u.Type == "" || u.Type == "user" || u.Type == "user_reference") {
		if full, err := d.user(ctx, u.ID); err == nil && full.Email != "" {
			return full.Email
		}
	}
	if n := u.displayName(); n != "" {
		return n
	}
	return u.ID
}

// userID resolves who (a user id or e-mail) to a user id, for assignments.
func (d *driver) userID(ctx context.Context, field, who string) (string, error) {
	who = strings.TrimSpace(who)
	if strings.Contains(who, "@") {
		u, err := d.userByEmail(ctx, who)
		if errs.CodeOf(err) == errs.NotFound {
			return "", errs.Invalid(field, "no PagerDuty user has the e-mail address %q", clip(who))
		}
		return u.ID, err
	}
	if !validID(who) {
		return "", errs.Invalid(field, "%s must be a PagerDuty user id or e-mail address", field)
	}
	return who, nil
}
