package elastic_test

import (
	"encoding/base64"
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/elastic"
	"github.com/seed-e6251c81/synqly/providers/elastic/bulkfake"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
)

// The credentials the fakes refuse.
const (
	wrongPassword = "bulkfake-wrong-password-0123456789"
	wrongAPIKey   = "d3Jvbmcta2V5LWlkOndyb25nLWFwaS1rZXktbm90LXJlYWw="
)

// basicSecrets are the forms of a basic credential an error could leak:
// the password and the Authorization header's base64 of user:password.
func basicSecrets(password string) []string {
	return []string{password, base64.StdEncoding.EncodeToString([]byte(bulkfake.Username + ":" + password))}
}

// faultHarness is the shared fault suite's view of a provider over a fake
// of the flavor, with the credential (and its refused twin) the harness
// gives. The bulk API is the sink's one call (no vendor read). A bulk
// request of creates with the events' own ids is safe to send again, so
// the drivers mark it so and the shared plumbing retries it after a
// 5xx or a lost answer (IdempotentCreate). Neither vendor sends its own
// rate-limit headers.
func faultHarness(r sink.Registration, flavor bulkfake.Flavor, good, bad credential.Config, secrets, badSecrets []string) sinktest.FaultHarness {
	openWith := func(cred credential.Config) func(*testing.T, providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
			srv := fake(t, flavor)
			if flavor == bulkfake.OpenSearch {
				req = osRequest(t, srv, cred.(*credential.BasicCredential), req)
			} else {
				req = esRequest(t, srv, cred, req)
			}
			return open(t, r, req), srv.Kit
		}
	}
	return sinktest.FaultHarness{
		Registration:        r,
		Open:                openWith(good),
		OpenUnauthorized:    openWith(bad),
		Secrets:             secrets,
		UnauthorizedSecrets: badSecrets,
		IdempotentCreate:    true,
	}
}

func TestFaults(t *testing.T) {
	t.Run("Basic", func(t *testing.T) {
		sinktest.RunFaults(t, faultHarness(elastic.Elasticsearch, bulkfake.Elasticsearch, basic(""), basic(wrongPassword),
			basicSecrets(bulkfake.Password), basicSecrets(wrongPassword)))
	})
	t.Run("APIKey", func(t *testing.T) {
		sinktest.RunFaults(t, faultHarness(elastic.Elasticsearch, bulkfake.Elasticsearch, apiKey(""), apiKey(wrongAPIKey),
			[]string{bulkfake.APIKey, bulkfake.APIKeySecret}, []string{wrongAPIKey}))
	})
}

func TestFaultsOpenSearch(t *testing.T) {
	sinktest.RunFaults(t, faultHarness(elastic.OpenSearch, bulkfake.OpenSearch, basic(""), basic(wrongPassword),
		basicSecrets(bulkfake.Password), basicSecrets(wrongPassword)))
}
