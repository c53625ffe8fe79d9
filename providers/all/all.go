// Package all registers every provider of this module. Import it for its
// side effect:
//
//	import _ "github.com/seed-e6251c81/synqly/providers/all"
package all

import (
	// Each import registers one provider.
	_ "github.com/seed-e6251c81/synqly/providers/aws"
	_ "github.com/seed-e6251c81/synqly/providers/azure"
	_ "github.com/seed-e6251c81/synqly/providers/elastic"
	_ "github.com/seed-e6251c81/synqly/providers/gcp"
	_ "github.com/seed-e6251c81/synqly/providers/httpsink"
	_ "github.com/seed-e6251c81/synqly/providers/jira"
	_ "github.com/seed-e6251c81/synqly/providers/mock"
	_ "github.com/seed-e6251c81/synqly/providers/pagerduty"
	_ "github.com/seed-e6251c81/synqly/providers/servicenow"
	_ "github.com/seed-e6251c81/synqly/providers/slack"
	_ "github.com/seed-e6251c81/synqly/providers/splunk"
	_ "github.com/seed-e6251c81/synqly/providers/teams"
)
