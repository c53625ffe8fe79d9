package azure

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/errs"
)

// The SAS of these tests: a container SAS as the portal writes one.
const (
	testSig = "aBBKDWQvyuVcTPH9EBp/XTI9E/mq171+ZU178wcwqU="
	testSAS = "sp=racwdl&st=2026-01-01T00:00:00Z&se=2030-01-01T00:00:00Z&spr=https&sv=2022-11-02&sr=c&sig=aBBKDWQvyuVcTPH9EBp%2FXTI9E%2Fmq171%2BZU178wcwqU%3D"
	testKey = "c2VjcmV0LWFjY291bnQta2V5LWZvci10ZXN0cy0wMTIzNDU2Nzg5"
)

func TestParseTokenForms(t *testing.T) {
	for _, tc := range []struct {
		name, token      string
		endpoint, sas    string
		accountName, key string
	}{
		{"SAS connection string", "BlobEndpoint=https://acme.blob.core.windows.net/;SharedAccessSignature=" + testSAS,
			"https://acme.blob.core.windows.net", testSAS, "", ""},
		{"SAS connection string, any case, spaces and a trailing ;", " blobendpoint=https://acme.blob.core.windows.net ; sharedaccesssignature=?" + testSAS + ";",
			"https://acme.blob.core.windows.net", testSAS, "", ""},
		{"account-key connection string", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + testKey + ";EndpointSuffix=core.windows.net",
			"https://acme.blob.core.windows.net", "", "acme", testKey},
		{"account-key connection string, sovereign cloud", "AccountName=acme;AccountKey=" + testKey + ";EndpointSuffix=core.chinacloudapi.cn",
			"https://acme.blob.core.chinacloudapi.cn", "", "acme", testKey},
		{"account key and SAS: the key wins, as in the SDK", "BlobEndpoint=https://acme.blob.core.windows.net;AccountName=acme;AccountKey=" + testKey + ";SharedAccessSignature=" + testSAS,
			"https://acme.blob.core.windows.net", "", "acme", testKey},
		{"emulator", "UseDevelopmentStorage=true", EmulatorEndpoint, "", EmulatorAccount, EmulatorKey},
		{"emulator connection string", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + EmulatorKey + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
			EmulatorEndpoint, "", EmulatorAccount, EmulatorKey},
		{"SAS URL of the account", "https://acme.blob.core.windows.net/?" + testSAS, "https://acme.blob.core.windows.net", testSAS, "", ""},
		{"SAS URL of a container", "https://acme.blob.core.windows.net/reports?" + testSAS, "https://acme.blob.core.windows.net/reports", testSAS, "", ""},
		{"bare SAS", testSAS, "", testSAS, "", ""},
		{"bare SAS with its ?", "?" + testSAS, "", testSAS, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := parseToken(tc.token)
			require.NoError(t, err)
			ep := ""
			if a.endpoint != nil {
				ep = a.endpoint.String()
			}
			assert.Equal(t, tc.endpoint, ep)
			assert.Equal(t, tc.sas, a.sas)
			assert.Equal(t, tc.accountName, a.name)
			assert.Equal(t, tc.key, a.key)
			if tc.sas != "" {
				assert.Equal(t, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), a.expiry.UTC())
				assert.Contains(t, a.secrets, testSig)
			}
		})
	}
}

func TestParseTokenRefusals(t *testing.T) {
	for name, token := range map[string]string{
		"empty":                  " ",
		"control character":      "BlobEndpoint=https://acme.blob.core.windows.net;\nSharedAccessSignature=" + testSAS,
		"no signature":           "sv=2022-11-02&sr=c&sp=r",
		"not a query":            "sv=%zz&sig=" + testSig,
		"unknown setting":        "BlobEndpoint=https://acme.blob.core.windows.net;Password=" + testKey,
		"setting twice":          "BlobEndpoint=https://a.blob.core.windows.net;BlobEndpoint=https://b.blob.core.windows.net;SharedAccessSignature=" + testSAS,
		"no credential":          "BlobEndpoint=https://acme.blob.core.windows.net",
		"key without name":       "BlobEndpoint=https://acme.blob.core.windows.net;AccountKey=" + testKey,
		"key not base64":         "AccountName=acme;AccountKey=not*base64!",
		"bad account name":       "AccountName=Acme_Corp;AccountKey=" + testKey,
		"no endpoint":            "SharedAccessSignature=" + testSAS,
		"bad protocol":           "DefaultEndpointsProtocol=ftp;AccountName=acme;AccountKey=" + testKey,
		"http to a remote host":  "BlobEndpoint=http://acme.blob.core.windows.net;SharedAccessSignature=" + testSAS,
		"user information":       "BlobEndpoint=https://u:p@acme.blob.core.windows.net;SharedAccessSignature=" + testSAS,
		"endpoint with a query":  "BlobEndpoint=https://acme.blob.core.windows.net/?" + testSAS + ";SharedAccessSignature=" + testSAS,
		"SAS URL without SAS":    "https://acme.blob.core.windows.net/reports",
		"SAS URL without sig":    "https://acme.blob.core.windows.net/reports?sv=2022-11-02",
		"SAS URL over http":      "http://acme.blob.core.windows.net/?" + testSAS,
		"emulator through proxy": "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1:9999",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseToken(token)
			var e *errs.Error
			require.True(t, errors.As(err, &e), "want an *errs.Error, got %v", err)
			assert.Equal(t, errs.InvalidInput, e.Code)
			assert.Equal(t, "credential", e.Field)
			for _, secret := range []string{testSig, testKey, url.QueryEscape(testSig), "acme.blob"} {
				assert.NotContains(t, err.Error(), secret, "the error quotes the token")
			}
		})
	}
}

func TestContainerURL(t *testing.T) {
	mustURL := func(s string) *url.URL {
		u, err := url.Parse(s)
		require.NoError(t, err)
		return u
	}
	a, err := parseToken("https://acme.blob.core.windows.net/reports?" + testSAS)
	require.NoError(t, err)
	assert.Equal(t, "https://acme.blob.core.windows.net/reports", a.containerURL(nil, "reports"), "a container's SAS URL names the container once")
	assert.Equal(t, "https://acme.blob.core.windows.net/reports/other", a.containerURL(nil, "other"))
	assert.Equal(t, "http://127.0.0.1:8080/devstoreaccount1/reports", a.containerURL(mustURL("http://127.0.0.1:8080/devstoreaccount1"), "reports"))
	a, err = parseToken("UseDevelopmentStorage=true")
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:10000/devstoreaccount1/$root", a.containerURL(nil, "$root"))
}

func TestRedactor(t *testing.T) {
	a, err := parseToken("BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=" + testSAS)
	require.NoError(t, err)
	r := newRedactor(a.secrets...)
	js, _ := json.Marshal(testSAS)
	for _, form := range []string{
		testSAS, testSig, url.QueryEscape(testSig), url.QueryEscape(testSAS), string(js), html.EscapeString(testSAS),
		base64.StdEncoding.EncodeToString([]byte(testSAS)), base64.StdEncoding.EncodeToString([]byte(testSig)),
		base64.URLEncoding.EncodeToString([]byte(testSig)),
	} {
		out := r.redact("the vendor said: " + form + " (done)")
		assert.Contains(t, out, redacted, form)
		assert.NotContains(t, out, "aBBKDWQvyuVcTPH9EBp", form)
		assert.True(t, strings.HasPrefix(out, "the vendor said: ") && strings.HasSuffix(out, " (done)"), out)
	}
	// A signature the redactor was not given, in any of the ways a text
	// writes one, goes too; so does an account key.
	other := newRedactor()
	for _, text := range []string{
		"https://x.blob.core.windows.net/c?sv=2022-11-02&sig=c2VjcmV0c2lnbmF0dXJl&se=2030",
		"GET /c?sig%3Dc2VjcmV0c2lnbmF0dXJl%26sv%3D1",
		`{"sig":"c2VjcmV0c2lnbmF0dXJl"}`,
		"DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0c2lnbmF0dXJl;EndpointSuffix=core.windows.net",
		"BlobEndpoint=https://a;SharedAccessSignature=sv=1&sig=c2VjcmV0c2lnbmF0dXJl;",
	} {
		out := other.redact(text)
		assert.NotContains(t, out, "c2VjcmV0c2lnbmF0dXJl", text)
		assert.Equal(t, out, other.redact(out), "redacting twice changes nothing")
	}
	assert.Equal(t, "sv=2022-11-02&sp=r", other.redact("sv=2022-11-02&sp=r"), "the SAS's other parts are no secrets")
	assert.Equal(t, "/devstoreaccount1/reports/a b.txt", r.redact("/devstoreaccount1/reports/a b.txt"))
}

func TestWellFormedXML(t *testing.T) {
	for _, ok := range []string{
		`<?xml version="1.0" encoding="utf-8"?><EnumerationResults><Blobs/></EnumerationResults>`,
		"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<BlockList></BlockList>",
		"  <Error><Code>X</Code></Error>\n",
	} {
		assert.True(t, wellFormedXML([]byte(ok)), ok)
	}
	for _, bad := range []string{
		`{"id":"1","name":"half a<html><body>502 Bad Gateway</body></html>`,
		`<?xml version="1.0"?><EnumerationResults><Blobs>`,
		`<?xml version="1.0"?>`,
		"plain text",
	} {
		assert.False(t, wellFormedXML([]byte(bad)), bad)
	}
}

func TestErrorBody(t *testing.T) {
	code, msg := errorBody([]byte("\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed</Code>" +
		"<Message>Server failed to authenticate the request.\nRequestId:1\nTime:2026</Message>" +
		"<AuthenticationErrorDetail>Signed expiry time [Wed, 01 Jan 2025] must be after signed start time</AuthenticationErrorDetail></Error>"))
	assert.Equal(t, "AuthenticationFailed", code)
	assert.Equal(t, "Server failed to authenticate the request. Signed expiry time [Wed, 01 Jan 2025] must be after signed start time", msg)
	code, msg = errorBody([]byte("not xml"))
	assert.Empty(t, code+msg)
}

func TestFixCodes(t *testing.T) {
	expired, err := parseToken(strings.Replace(testSAS, "se=2030", "se=2020", 1))
	require.NoError(t, err)
	valid, err := parseToken(testSAS)
	require.NoError(t, err)
	refused := func() error {
		return &errs.Error{Code: errs.Forbidden, Status: 403, Message: "azblob: listing",
			Cause: &errs.ProviderError{Status: 403, Code: "AuthenticationFailed"}}
	}
	assert.Equal(t, errs.Unauthorized, errs.CodeOf(valid.fix(&call{}, refused())))
	err = expired.fix(&call{}, refused())
	assert.Equal(t, errs.CredentialExpired, errs.CodeOf(err))
	assert.Contains(t, err.Error(), "expired at 2020-01-01T00:00:00Z")
	// A credential the service takes but that lacks a permission stays
	// Forbidden.
	perm := &errs.Error{Code: errs.Forbidden, Status: 403, Cause: &errs.ProviderError{Status: 403, Code: "AuthorizationPermissionMismatch"}}
	assert.Equal(t, errs.Forbidden, errs.CodeOf(valid.fix(&call{}, perm)))
	// The wait a 429 announced.
	c := &call{retryAfter: 7 * time.Second, hasWait: true}
	err = valid.fix(c, &errs.Error{Code: errs.RateLimited, Status: 429})
	var e *errs.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, 7*time.Second, e.RetryAfter)
	// A request without an answer: its reason becomes the cause.
	c = &call{failure: &noAnswerError{msg: "no answer within the 1s timeout"}}
	err = valid.fix(c, &errs.Error{Code: errs.Provider, Message: "azblob: listing : Unknown"})
	assert.Equal(t, "provider_error: azblob: listing : no answer within the 1s timeout", err.Error())
	assert.Nil(t, valid.fix(&call{}, nil))
}
