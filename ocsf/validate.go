package ocsf

import (
	"slices"

	"github.com/seed-e6251c81/synqly/errs"
)

// validator carries what validation needs below the event: the profiles
// the event declares in metadata.profiles.
type validator struct {
	profiles []string
}

// applies reports whether an attribute required by one of profiles (none:
// by the class or object itself) is required in this event.
func (v *validator) applies(profiles []string) bool {
	if len(profiles) == 0 {
		return true
	}
	for _, p := range profiles {
		if slices.Contains(v.profiles, p) {
			return true
		}
	}
	return false
}

// toError turns a decoding, encoding or validation problem into the
// library's error: errs.InvalidInput, with the JSON path of the problem as
// its Field (for example "finding_info.uid" or "resources[2].type"). root
// names the whole document in the message when the path is empty.
func toError(err error, root string) error {
	if err == nil {
		return nil
	}
	pe, ok := err.(*pathError)
	if !ok {
		return errs.Wrap(errs.InvalidInput, err, "%s", root)
	}
	p := pe.path()
	if p == "" {
		return errs.Invalid("", "%s: %s", root, pe.msg)
	}
	return errs.Invalid(p, "%s: %s", p, pe.msg)
}
