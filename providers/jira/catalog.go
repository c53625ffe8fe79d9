package jira

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// Paths of the site-wide name lists the catalog caches.
const (
	pathStatuses   = "/rest/api/3/status"
	pathIssueTypes = "/rest/api/3/issuetype"
	pathPriorities = "/rest/api/3/priority"
)

// defaultCatalogTTL is how long the site's name lists are cached.
const defaultCatalogTTL = 5 * time.Minute

// catalog caches the site's status, issue type and priority names. Query
// pushdown needs them to translate model priorities into the site's Jira
// priorities, and to push a "not equal" down only for a name spelled
// exactly as Jira spells it (JQL compares names case-insensitively, the
// model does not).
type catalog struct {
	ttl   time.Duration
	mu    sync.Mutex
	lists map[string]catalogList
	// projects maps project keys and ids to both.
	projects map[string][2]string
}

type catalogList struct {
	names []string
	at    time.Time
}

func newCatalog() *catalog {
	return &catalog{ttl: defaultCatalogTTL, lists: map[string]catalogList{}, projects: map[string][2]string{}}
}

// names returns the names the list at path holds, from the cache while it
// is fresh. Concurrent misses may fetch twice; both results are the same.
func (d *driver) names(ctx context.Context, path string) ([]string, error) {
	c := d.catalog
	c.mu.Lock()
	l, ok := c.lists[path]
	c.mu.Unlock()
	if ok && time.Since(l.at) < c.ttl {
		return l.names, nil
	}
	resp, err := d.hc.Do(ctx, httpx.Request{Method: http.MethodGet, Path: path})
	if err != nil {
		return nil, err
	}
	var items []named
	if err := resp.Decode(&items); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it.Name != "" {
			out = append(out, it.Name)
		}
	}
	c.mu.Lock()
	c.lists[path] = catalogList{names: out, at: time.Now()}
	c.mu.Unlock()
	return out, nil
}

// projectIdentity returns a project's key and id, given either; they never
// change, so they are cached for the driver's life.
func (d *driver) projectIdentity(ctx context.Context, project string) (string, string, error) {
	c := d.catalog
	c.mu.Lock()
	ki, ok := c.projects[project]
	c.mu.Unlock()
	if ok {
		return ki[0], ki[1], nil
	}
	var p projectBean
	if _, err := d.hc.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: pathProject + "/" + url.PathEscape(project)}, &p); err != nil {
		return "", "", err
	}
	c.mu.Lock()
	c.projects[p.Key] = [2]string{p.Key, p.ID}
	c.projects[p.ID] = [2]string{p.Key, p.ID}
	c.mu.Unlock()
	return p.Key, p.ID, nil
}
