package gcp_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	"github.com/seed-e6251c81/synqly/providers/fakekit"
	"github.com/seed-e6251c81/synqly/providers/gcp"
	"github.com/seed-e6251c81/synqly/providers/gcp/gcsfake"
)

// post writes one event through a connector over d.
func post(t *testing.T, d sink.Driver) error {
	t.Helper()
	_, err := sink.NewConnector(gcp.Sink, d).PostEvents(t.Context(), []ocsf.Event{sinktest.Event("cred")}, sink.PostOptions{})
	return err
}

// uploads returns the JSON API uploads the fake received.
func uploads(srv *gcsfake.Server) []fakekit.Request {
	var out []fakekit.Request
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/upload/storage/v1/b/") {
			out = append(out, r)
		}
	}
	return out
}

// TestServiceAccountKey: the key's token is fetched once from Google's
// token endpoint (the JWT bearer grant), cached, and sent as a Bearer
// token with each upload, a multipart upload of the gzip NDJSON object.
func TestServiceAccountKey(t *testing.T) {
	srv := jsonFake(t)
	d := openSink(t, sinkRequest(srv, nil, providers.OpenRequest{}))
	defer d.Close()
	require.NoError(t, post(t, d))
	require.NoError(t, post(t, d))
	assert.Equal(t, 1, srv.TokenRequests(), "the token is cached")
	ups := uploads(srv)
	require.Len(t, ups, 2)
	up := ups[0]
	assert.Equal(t, "/upload/storage/v1/b/"+bucket+"/o", up.Path)
	assert.Equal(t, "multipart", up.Query.Get("uploadType"))
	assert.Equal(t, "Bearer "+gcsfake.AccessToken, up.Header.Get("Authorization"))
	assert.Contains(t, string(up.Body), `"contentEncoding":"gzip"`)
	assert.Contains(t, string(up.Body), `"contentType":"application/x-ndjson"`)
	assert.Contains(t, string(up.Body), `"name":"`+sinkPath+`/`)
}

// TestAccessToken: an OAuth access token is sent as it is; no token is
// fetched.
func TestAccessToken(t *testing.T) {
	const tok = "ya29.gcsfake-static-access-token-0001"
	srv := jsonFake(t)
	srv.AcceptToken(tok)
	d := openSink(t, sinkRequest(srv, tokenCredential(tok), providers.OpenRequest{}))
	defer d.Close()
	require.NoError(t, post(t, d))
	assert.Zero(t, srv.TokenRequests())
	require.Len(t, uploads(srv), 1)
	assert.Equal(t, "Bearer "+tok, uploads(srv)[0].Header.Get("Authorization"))
}

// TestRefusedKey: a key the token endpoint refuses (a deleted one) is
// Unauthorized, naming the token endpoint's answer, never the key; the
// storage API is not called.
func TestRefusedKey(t *testing.T) {
	srv := jsonFake(t)
	k := gcsfake.UnknownKey()
	d := openSink(t, sinkRequest(srv, tokenCredential(k.JSON), providers.OpenRequest{}))
	defer d.Close()
	err := post(t, d)
	require.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
	assert.Contains(t, err.Error(), "token endpoint refused the service account key")
	assert.Contains(t, err.Error(), "invalid_grant")
	text := fmt.Sprintf("%v %+v", err, err)
	for _, sec := range []string{k.PrivateKey[40:100], k.PrivateKeyID} {
		assert.NotContains(t, text, sec)
	}
	assert.Empty(t, uploads(srv))
	var e *errs.Error
	require.True(t, errors.As(err, &e))
}

// TestTokenEndpointDown: a token endpoint failing is a provider error
// (its POST is not sent again after a 5xx); the next call fetches a token.
func TestTokenEndpointDown(t *testing.T) {
	srv := jsonFake(t)
	d := openSink(t, sinkRequest(srv, nil, providers.OpenRequest{}))
	defer d.Close()
	srv.FailTokens(1, http.StatusServiceUnavailable)
	err := post(t, d)
	require.True(t, errors.Is(err, errs.ErrProvider), "%v", err)
	assert.Contains(t, err.Error(), "token endpoint answered HTTP 503")
	assert.Equal(t, 1, srv.TokenRequests())
	require.NoError(t, post(t, d))
	assert.Equal(t, 2, srv.TokenRequests())
}

// TestRefusedTokenIsDropped: a 401 from the API drops the cached token:
// the next call fetches a new one.
func TestRefusedTokenIsDropped(t *testing.T) {
	srv := jsonFake(t)
	d := openSink(t, sinkRequest(srv, nil, providers.OpenRequest{}))
	defer d.Close()
	require.NoError(t, post(t, d))
	srv.FailNext(1, http.StatusUnauthorized)
	err := post(t, d)
	require.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
	var pe *errs.ProviderError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "authError", pe.Code)
	assert.Equal(t, "Invalid Credentials", pe.Message)
	require.NoError(t, post(t, d))
	assert.Equal(t, 2, srv.TokenRequests())
}

// TestHMACSignature: the XML API's requests are signed with SigV4 for the
// configured region with the HMAC key (the fake recomputes the
// signature), path-style, without the S3 SDK's trailing checksums.
func TestHMACSignature(t *testing.T) {
	srv := xmlFake(t)
	d := openStorage(t, storageRequest(srv, hmacCredential("", ""), providers.OpenRequest{}))
	defer d.Close()
	c := storage.NewConnector(gcp.Storage, d)
	_, err := c.UploadFile(t.Context(), "reports/q1.txt", strings.NewReader("quarterly"), storage.UploadOptions{ContentType: "text/plain", Size: 9})
	require.NoError(t, err)
	var put *fakekit.Request
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPut {
			put = &r
		}
	}
	require.NotNil(t, put)
	assert.Equal(t, "/"+bucket+"/reports/q1.txt", put.Path)
	auth := put.Header.Get("Authorization")
	assert.True(t, strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential="+gcsfake.HMACAccessID+"/"), auth)
	assert.Contains(t, auth, "/"+region+"/s3/aws4_request")
	assert.NotContains(t, auth, gcsfake.HMACSecret)
	assert.Empty(t, put.Header.Get("X-Amz-Trailer"), "no trailing checksum")
	assert.NotEqual(t, "aws-chunked", put.Header.Get("Content-Encoding"))
	got, err := srv.Object(t.Context(), bucket, "reports/q1.txt")
	require.NoError(t, err)
	assert.Equal(t, "quarterly", string(got))

	// A wrong secret: the signature does not match.
	srv.SetHMACKey(gcsfake.HMACAccessID, wrongHMACSecret)
	_, err = c.ListFiles(t.Context(), "", storage.ListRequest{})
	require.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
}

// TestSignatureRefusalIsUnauthorized: the XML API's 403 for a key it
// refuses (SignatureDoesNotMatch, InvalidAccessKeyId) is Unauthorized;
// its AccessDenied stays Forbidden.
func TestSignatureRefusalIsUnauthorized(t *testing.T) {
	srv := xmlFake(t)
	d := openStorage(t, storageRequest(srv, hmacCredential("", ""), providers.OpenRequest{}))
	defer d.Close()
	c := storage.NewConnector(gcp.Storage, d)
	for code, want := range map[string]errs.Code{"SignatureDoesNotMatch": errs.Unauthorized, "InvalidAccessKeyId": errs.Unauthorized, "": errs.Forbidden} {
		srv.Inject(fakekit.Fault{Method: http.MethodGet, Status: http.StatusForbidden, Message: code})
		if code != "" {
			// The fake's 403 says AccessDenied; a refusal of the key says
			// its own code.
			srv.ClearFaults()
			srv.Inject(fakekit.Fault{Method: http.MethodGet, Body: fakekit.BodyMalformed, Status: http.StatusForbidden,
				Message: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + code + `</Code><Message>refused</Message></Error>`})
		}
		_, err := c.ListFiles(t.Context(), "", storage.ListRequest{})
		assert.Equal(t, want, errs.CodeOf(err), "%s: %v", code, err)
	}
}
