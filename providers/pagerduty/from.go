package pagerduty

import (
	"strings"

	"github.com/seed-e6251c81/synqly/errs"
)

// from returns the e-mail for PagerDuty's From header, which creating and
// updating incidents and notes require: the request's creator (field names
// the request field), else the integration's default_creator, else an
// errs.InvalidInput error naming both.
func (d *driver) from(field, creator string) (string, error) {
	creator = strings.TrimSpace(creator)
	switch {
	case creator != "":
		if !looksLikeEmail(creator) {
			return "", errs.Invalid(field, "%s must be the e-mail address of a PagerDuty user (sent in the From header)", field)
		}
		return creator, nil
	case d.cfg.DefaultCreator != "":
		return d.cfg.DefaultCreator, nil
	}
	return "", errs.Invalid(field, "PagerDuty needs the e-mail address of a user in the From header: set %s on the request or default_creator on the integration", field)
}

// fromOr returns default_creator, else fallback when it is an e-mail, for
// writes whose request names no creator (updates); else an
// errs.InvalidInput error.
func (d *driver) fromOr(fallback string) (string, error) {
	if d.cfg.DefaultCreator != "" {
		return d.cfg.DefaultCreator, nil
	}
	if looksLikeEmail(fallback) {
		return fallback, nil
	}
	return "", errs.Invalid("default_creator", "PagerDuty needs the e-mail address of a user in the From header to change this: set default_creator on the integration")
}
