package azure_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/azure"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/internal/blobstore"
)

// TestCredentialForms: every form of the token reaches the container —
// the connection strings of the setup guide, a SAS URL, a bare SAS with
// the url setting, and UseDevelopmentStorage=true with the url setting
// pointing at this run's Azurite — and no debug line shows the SAS.
func TestCredentialForms(t *testing.T) {
	name := newContainer(t)
	f := newFake(t)
	tok := containerSAS(t, name, "racwdl", azure.EmulatorKey)
	for form, cfg := range map[string]*azure.StorageConfig{
		"SAS connection string": {Credential: tokenRef("BlobEndpoint=" + f.URL + ";SharedAccessSignature=" + tok)},
		"key connection string": {Credential: tokenRef("DefaultEndpointsProtocol=http;AccountName=" + azure.EmulatorAccount +
			";AccountKey=" + azure.EmulatorKey + ";BlobEndpoint=" + f.URL)},
		"container SAS URL":          {Credential: tokenRef(f.URL + "/" + name + "?" + tok)},
		"bare SAS and url":           {Credential: tokenRef(tok), URL: f.URL},
		"development storage id url": {Credential: tokenRef("UseDevelopmentStorage=true"), URL: f.URL},
	} {
		t.Run(form, func(t *testing.T) {
			var logs fakekit.Logs
			cfg.Bucket = name
			d, err := azure.Storage.Open(t.Context(), providers.OpenRequest{Config: cfg, Logger: logs.Logger()})
			require.NoError(t, err)
			defer d.Close()
			c := storage.NewConnector(azure.Storage, d)
			path := "forms/" + strings.ReplaceAll(form, " ", "-") + ".txt"
			_, err = c.UploadFile(t.Context(), path, strings.NewReader(form), storage.UploadOptions{ContentType: "text/plain"})
			require.NoError(t, err)
			dl, err := c.DownloadFile(t.Context(), path)
			require.NoError(t, err)
			b, err := io.ReadAll(dl)
			dl.Close()
			require.NoError(t, err)
			assert.Equal(t, form, string(b))
			assert.Equal(t, "text/plain", dl.File.ContentType)
			require.NoError(t, c.DeleteFile(t.Context(), path))
			assert.Contains(t, logs.String(), "provider call")
			assert.NotContains(t, logs.String(), "sig=")
			assert.NotContains(t, logs.String(), sasSignature(t, tok))
		})
	}
}

// TestSinkWriteOnlySAS: the sink needs no more than a SAS that may
// create and write blobs (sp=cw), as the setup guide's least privilege;
// the storage provider's listing with it is refused, Forbidden.
func TestSinkWriteOnlySAS(t *testing.T) {
	name := newContainer(t)
	tok := containerSAS(t, name, "cw", azure.EmulatorKey)
	cfg := &azure.SinkConfig{Bucket: name, Credential: tokenRef(tok), URL: emu.endpoint, Path: "synqly/events"}
	d, err := azure.Sink.Open(t.Context(), providers.OpenRequest{Config: cfg})
	require.NoError(t, err)
	defer d.Close()
	res, err := sink.NewConnector(azure.Sink, d).PostEvents(t.Context(), []ocsf.Event{sinktest.Event("a"), sinktest.Event("b")}, sink.PostOptions{Location: "eu"})
	require.NoError(t, err)
	assert.Equal(t, 2, res.Written)
	recs, err := blobstore.ReadSink(t.Context(), readerBucket(t, name), "synqly/events")
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, "eu", recs[0].Location)
	assert.True(t, strings.HasPrefix(recs[0].Key, "synqly/events/eu/"+time.Now().UTC().Format("2006/01/02")), recs[0].Key)

	st, err := azure.Storage.Open(t.Context(), providers.OpenRequest{Config: &azure.StorageConfig{Bucket: name, Credential: tokenRef(tok), URL: emu.endpoint}})
	require.NoError(t, err)
	defer st.Close()
	_, err = storage.NewConnector(azure.Storage, st).ListFiles(t.Context(), "", storage.ListRequest{Limit: 10})
	assert.Equal(t, errs.Forbidden, errs.CodeOf(err), "%v", err)
}

// TestExpiredSAS: a SAS past its expiry is refused by the service (403
// AuthenticationFailed) and reported as errs.CredentialExpired, saying
// when it expired.
func TestExpiredSAS(t *testing.T) {
	name := newContainer(t)
	f := newFake(t)
	cred, err := azblob.NewSharedKeyCredential(azure.EmulatorAccount, azure.EmulatorKey)
	require.NoError(t, err)
	expiry := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	qp, err := sas.BlobSignatureValues{Protocol: sas.ProtocolHTTPSandHTTP, StartTime: expiry.Add(-time.Hour), ExpiryTime: expiry,
		Permissions: (&sas.ContainerPermissions{Read: true, List: true}).String(), ContainerName: name}.SignWithSharedKey(cred)
	require.NoError(t, err)
	d, err := azure.Storage.Open(t.Context(), providers.OpenRequest{Config: &azure.StorageConfig{Bucket: name, Credential: tokenRef(qp.Encode()), URL: f.URL}})
	require.NoError(t, err)
	defer d.Close()
	_, err = storage.NewConnector(azure.Storage, d).ListFiles(t.Context(), "", storage.ListRequest{Limit: 10})
	var e *errs.Error
	require.True(t, errors.As(err, &e), "%v", err)
	assert.Equal(t, errs.CredentialExpired, e.Code, "%v", err)
	assert.Equal(t, 403, e.Status)
	assert.Contains(t, err.Error(), "expired at "+expiry.Format(time.RFC3339))
	assert.NotContains(t, err.Error(), qp.Signature())
}

// TestMissingContainer: a container that does not exist is NotFound,
// with the service's code.
func TestMissingContainer(t *testing.T) {
	ep := needAzurite(t)
	conn := "DefaultEndpointsProtocol=http;AccountName=" + azure.EmulatorAccount + ";AccountKey=" + azure.EmulatorKey + ";BlobEndpoint=" + ep
	d, err := azure.Storage.Open(t.Context(), providers.OpenRequest{Config: &azure.StorageConfig{Bucket: "no-such-container", Credential: tokenRef(conn)}})
	require.NoError(t, err)
	defer d.Close()
	_, err = storage.NewConnector(azure.Storage, d).ListFiles(t.Context(), "", storage.ListRequest{Limit: 10})
	assert.Equal(t, errs.NotFound, errs.CodeOf(err), "%v", err)
	var pe *errs.ProviderError
	require.True(t, errors.As(err, &pe), "%v", err)
	assert.Equal(t, "ContainerNotFound", pe.Code)
	assert.NotEmpty(t, pe.RequestID)
}
