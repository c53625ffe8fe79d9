package aws_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/connectors/sink/sinktest"
	"github.com/seed-e6251c81/synqly/connectors/storage"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/ocsf"
	"github.com/seed-e6251c81/synqly/providers"
	awsp "github.com/seed-e6251c81/synqly/providers/aws"
	"github.com/seed-e6251c81/synqly/providers/aws/sqsfake"
)

// The application's own AWS identity in the role tests (the environment's
// credentials), the role and its external id.
const (
	sourceKeyID  = "AKIASOURCEIDENTITY01"
	sourceSecret = "source/Identity+Secret/0123456789abcdef"
	testRoleARN  = "arn:aws:iam::123456789012:role/synqly-integration"
	testExternal = "external-id-0123456789-secret"
)

// stsFake answers STS's AssumeRole (the query API, POST / with a form,
// answered in XML) for one role, called with the source identity and the
// external id, with roleKeyID's temporary credentials.
type stsFake struct {
	*httptest.Server
	mu    sync.Mutex
	calls []map[string]string // the forms of the AssumeRole calls
}

func newSTS(t *testing.T) *stsFake {
	f := &stsFake{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *stsFake) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.URL.Path != "/" {
		stsError(w, http.StatusBadRequest, "InvalidAction", "not an STS query request")
		return
	}
	form := map[string]string{}
	for k := range r.PostForm {
		form[k] = r.PostForm.Get(k)
	}
	f.mu.Lock()
	f.calls = append(f.calls, form)
	f.mu.Unlock()
	m := sigV4Credential.FindStringSubmatch(r.Header.Get("Authorization"))
	switch {
	case m == nil || m[1] != sourceKeyID || m[2] != "sts":
		stsError(w, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
	case form["Action"] != "AssumeRole" || form["Version"] != "2011-06-15":
		stsError(w, http.StatusBadRequest, "InvalidAction", "Could not find operation "+form["Action"])
	case form["RoleArn"] != testRoleARN || form["ExternalId"] != testExternal:
		// STS echoes the request's parts in some messages: this one
		// quotes the external id, which must never show.
		stsError(w, http.StatusForbidden, "AccessDenied", fmt.Sprintf("User: arn:aws:iam::000000000000:user/app is not authorized to perform: sts:AssumeRole on resource: %s (external id %s)", form["RoleArn"], form["ExternalId"]))
	default:
		type creds struct {
			AccessKeyID     string `xml:"AccessKeyId"`
			SecretAccessKey string `xml:"SecretAccessKey"`
			SessionToken    string `xml:"SessionToken"`
			Expiration      string `xml:"Expiration"`
		}
		type result struct {
			XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleResponse"`
			Result  struct {
				Credentials creds `xml:"Credentials"`
				User        struct {
					Arn string `xml:"Arn"`
					ID  string `xml:"AssumedRoleId"`
				} `xml:"AssumedRoleUser"`
			} `xml:"AssumeRoleResult"`
			RequestID string `xml:"ResponseMetadata>RequestId"`
		}
		var out result
		out.Result.Credentials = creds{roleKeyID, roleSecret, roleToken, time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}
		out.Result.User.Arn = "arn:aws:sts::123456789012:assumed-role/synqly-integration/" + form["RoleSessionName"]
		out.Result.User.ID = "AROAEXAMPLEROLEID:" + form["RoleSessionName"]
		out.RequestID = "sts-req-1"
		body, _ := xml.Marshal(out)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(body)
	}
}

func (f *stsFake) Calls() []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]string(nil), f.calls...)
}

func stsError(w http.ResponseWriter, status int, code, message string) {
	type e struct {
		XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
		Type    string   `xml:"Error>Type"`
		Code    string   `xml:"Error>Code"`
		Message string   `xml:"Error>Message"`
		ReqID   string   `xml:"RequestId"`
	}
	body, _ := xml.Marshal(e{Type: "Sender", Code: code, Message: message, ReqID: "sts-req-err"})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// sourceIdentity makes the source identity the environment's (the SDK's
// default chain reads it), and points STS at the fake with the SDK's
// service-specific endpoint variable; nothing else of the machine's AWS
// configuration is read.
func sourceIdentity(t *testing.T, sts *stsFake) {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": sourceKeyID, "AWS_SECRET_ACCESS_KEY": sourceSecret, "AWS_ENDPOINT_URL_STS": sts.URL,
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CA_BUNDLE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func role(external string) *credential.AWSRoleCredential {
	return &credential.AWSRoleCredential{RoleARN: testRoleARN, ExternalID: credential.Secret(external), Duration: 1800}
}

// TestAssumeRole: an aws_role credential is assumed with STS, once, with
// the environment's identity; S3 is then called with the temporary
// credentials and their session token.
func TestAssumeRole(t *testing.T) {
	sts := newS3STS(t)
	srv := newS3(t)
	d := openStorage(t, srv, role(testExternal), providers.OpenRequest{IntegrationID: "int-42"})
	c := storage.NewConnector(awsp.StorageS3, d)
	_, err := c.UploadFile(t.Context(), "role/a.txt", strings.NewReader("assumed"), storage.UploadOptions{Size: 7})
	require.NoError(t, err)
	page, err := c.ListFiles(t.Context(), "role/", storage.ListRequest{})
	require.NoError(t, err)
	require.Len(t, page.Result, 1)
	calls := sts.Calls()
	require.Len(t, calls, 1, "the role's credentials are cached")
	assert.Equal(t, "synqly-int-42", calls[0]["RoleSessionName"])
	assert.Equal(t, "1800", calls[0]["DurationSeconds"])
	for _, r := range srv.Requests() {
		assert.Contains(t, r.Header.Get("Authorization"), "Credential="+roleKeyID+"/")
		assert.Equal(t, roleToken, r.Header.Get("X-Amz-Security-Token"))
	}

	// A named session.
	named := role(testExternal)
	named.RoleSessionName = "audit-session"
	d = openStorage(t, srv, named, providers.OpenRequest{})
	_, err = storage.NewConnector(awsp.StorageS3, d).ListFiles(t.Context(), "", storage.ListRequest{})
	require.NoError(t, err)
	assert.Equal(t, "audit-session", sts.Calls()[1]["RoleSessionName"])
}

// newS3STS starts the STS fake as the environment's STS.
func newS3STS(t *testing.T) *stsFake {
	sts := newSTS(t)
	sourceIdentity(t, sts)
	return sts
}

// TestAssumeRoleRefused: a role STS refuses (the wrong external id) is an
// Unauthorized error that says so, never showing the external id STS
// echoed.
func TestAssumeRoleRefused(t *testing.T) {
	newS3STS(t)
	srv := newS3(t)
	const wrong = "wrong-external-id-0123456789"
	d := openStorage(t, srv, role(wrong), providers.OpenRequest{})
	_, err := storage.NewConnector(awsp.StorageS3, d).ListFiles(t.Context(), "", storage.ListRequest{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
	assert.Contains(t, err.Error(), "the role could not be assumed")
	assert.NotContains(t, fmt.Sprintf("%v %+v", err, err), wrong)
	var pe *errs.ProviderError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "AccessDenied", pe.Code)
	assert.Equal(t, 0, len(srv.Requests()), "S3 is not called without credentials")
}

// TestAssumeRoleSQS: the SQS sink assumes its role in the queue's region.
func TestAssumeRoleSQS(t *testing.T) {
	sts := newS3STS(t)
	fake := sqsfake.New(sqsfake.Options{Keys: map[string]string{roleKeyID: roleSecret}})
	t.Cleanup(fake.Close)
	q := fake.CreateQueue("role-events")
	d := openSQSDriver(t, fake, q, role(testExternal), providers.OpenRequest{})
	_, err := sink.NewConnector(awsp.SinkSQS, d).PostEvents(t.Context(), []ocsf.Event{sinktest.Event("role-1")}, sink.PostOptions{})
	require.NoError(t, err)
	assert.Len(t, fake.Messages(q), 1)
	assert.Len(t, sts.Calls(), 1)
}
