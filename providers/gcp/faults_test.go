package gcp_test

import (
	"testing"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/connectors/storage/storagetest"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/gcp"
	"github.com/seed-e6251c81/synqly/providers/gcp/gcsfake"
)

// wrongToken is an access token the JSON fake refuses (401 authError).
const wrongToken = "ya29.gcsfake-wrong-token-0123456789"

// wrongHMACSecret signs requests the XML fake refuses.
const wrongHMACSecret = "gcsfake+wrong/hmac+secret/0000000000000"

// keySecrets are the secrets of the fake's service account key and the
// token issued for it.
func keySecrets() []string {
	k := gcsfake.ServiceAccountKey()
	return []string{k.PrivateKey, k.JSON, gcsfake.AccessToken}
}

// TestSinkFaults runs the shared fault and secret-leak suite over the
// sink: the upload of the batch's object (a multipart POST of the JSON
// API, which Cloud Storage does not deduplicate) is its write; the
// service account's token comes from the fake's token endpoint, outside
// the kit. OpenUnauthorized gives an access token the API refuses.
func TestSinkFaults(t *testing.T) {
	open := func(cred credential.Config) func(*testing.T, providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (sink.Driver, *fakekit.Kit) {
			srv := jsonFake(t)
			return openSink(t, sinkRequest(srv, cred, req)), srv.Kit
		}
	}
	sinktest.RunFaults(t, sinktest.FaultHarness{
		Registration:        gcp.Sink,
		Open:                open(keyCredential()),
		OpenUnauthorized:    open(tokenCredential(wrongToken)),
		Secrets:             keySecrets(),
		UnauthorizedSecrets: []string{wrongToken},
	})
}

// TestStorageFaults runs the suite over the XML API with an HMAC key:
// ListFiles (ListObjectsV2) is the read, a small UploadFile (PutObject, a
// PUT that replaces the object whole, so safe to send again) the write.
func TestStorageFaults(t *testing.T) {
	open := func(secret string) func(*testing.T, providers.OpenRequest) (storage.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (storage.Driver, *fakekit.Kit) {
			srv := xmlFake(t)
			return openStorage(t, storageRequest(srv, hmacCredential(gcsfake.HMACAccessID, secret), req)), srv.Kit
		}
	}
	storagetest.RunFaults(t, storagetest.FaultHarness{
		Registration:        gcp.Storage,
		Open:                open(gcsfake.HMACSecret),
		OpenUnauthorized:    open(wrongHMACSecret),
		Secrets:             []string{gcsfake.HMACSecret},
		UnauthorizedSecrets: []string{wrongHMACSecret},
		IdempotentCreate:    true,
	})
}

// TestStorageFaultsJSON runs the suite over the JSON API with a service
// account key: objects.list is the read, a multipart upload (a POST) the
// write.
func TestStorageFaultsJSON(t *testing.T) {
	open := func(cred credential.Config) func(*testing.T, providers.OpenRequest) (storage.Driver, *fakekit.Kit) {
		return func(t *testing.T, req providers.OpenRequest) (storage.Driver, *fakekit.Kit) {
			srv := jsonFake(t)
			return openStorage(t, storageRequest(srv, cred, req)), srv.Kit
		}
	}
	storagetest.RunFaults(t, storagetest.FaultHarness{
		Registration:        gcp.Storage,
		Open:                open(keyCredential()),
		OpenUnauthorized:    open(tokenCredential(wrongToken)),
		Secrets:             keySecrets(),
		UnauthorizedSecrets: []string{wrongToken},
	})
}
