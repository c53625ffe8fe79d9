package gcsfake

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2/jws"
)

func TestListPage(t *testing.T) {
	names := []string{"a.txt", "docs/1", "docs/2", "docs/sub/3", "z/1", "zz"}
	keys := func(es []entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.key)
		}
		return out
	}
	page, next := listPage(names, "", "/", "", 2)
	assert.Equal(t, []string{"a.txt", "docs/"}, keys(page))
	assert.Equal(t, "docs/", next)
	page, next = listPage(names, "", "/", next, 2)
	assert.Equal(t, []string{"z/", "zz"}, keys(page), "the prefix's objects are past")
	assert.Empty(t, next)
	page, _ = listPage(names, "docs/", "/", "", 10)
	assert.Equal(t, []string{"docs/1", "docs/2", "docs/sub/"}, keys(page))
	page, _ = listPage(names, "", "", "docs/2", 10)
	assert.Equal(t, []string{"docs/sub/3", "z/1", "zz"}, keys(page))
}

// post sends a form to the fake's token endpoint.
func postToken(t *testing.T, srv *Server, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := srv.Client().PostForm("https://oauth2.googleapis.com/token", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func assertion(t *testing.T, k *Key, claims jws.ClaimSet) string {
	t.Helper()
	b, _ := pem.Decode([]byte(k.PrivateKey))
	pk, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	require.NoError(t, err)
	s, err := jws.Encode(&jws.Header{Algorithm: "RS256", Typ: "JWT", KeyID: k.PrivateKeyID}, &claims, pk.(*rsa.PrivateKey))
	require.NoError(t, err)
	return s
}

func TestTokenEndpoint(t *testing.T) {
	srv := NewJSON()
	defer srv.Close()
	k := ServiceAccountKey()
	now := time.Now().Unix()
	good := jws.ClaimSet{Iss: k.ClientEmail, Aud: "https://oauth2.googleapis.com/token", Scope: "https://www.googleapis.com/auth/devstorage.read_write", Iat: now, Exp: now + 3600}
	status, body := postToken(t, srv, url.Values{"grant_type": {jwtBearer}, "assertion": {assertion(t, k, good)}})
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, AccessToken, body["access_token"])

	for name, c := range map[string]jws.ClaimSet{
		"wrong audience": {Iss: k.ClientEmail, Aud: "https://example.com/token", Scope: good.Scope, Iat: now, Exp: now + 3600},
		"expired":        {Iss: k.ClientEmail, Aud: good.Aud, Scope: good.Scope, Iat: now - 7200, Exp: now - 3600},
		"no scope":       {Iss: k.ClientEmail, Aud: good.Aud, Iat: now, Exp: now + 3600},
		"too long":       {Iss: k.ClientEmail, Aud: good.Aud, Scope: good.Scope, Iat: now, Exp: now + 7200},
	} {
		status, body := postToken(t, srv, url.Values{"grant_type": {jwtBearer}, "assertion": {assertion(t, k, c)}})
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Equal(t, "invalid_grant", body["error"], name)
	}
	status, body = postToken(t, srv, url.Values{"grant_type": {jwtBearer}, "assertion": {assertion(t, UnknownKey(), good)}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_grant", body["error"])
	// A valid assertion with its signature of another key.
	parts := strings.Split(assertion(t, k, good), ".")
	other := strings.Split(assertion(t, UnknownKey(), good), ".")
	status, body = postToken(t, srv, url.Values{"grant_type": {jwtBearer}, "assertion": {parts[0] + "." + parts[1] + "." + other[2]}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "Invalid JWT Signature.", body["error_description"])
	status, body = postToken(t, srv, url.Values{"grant_type": {"client_credentials"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "unsupported_grant_type", body["error"])
	assert.Equal(t, 8, srv.TokenRequests())
	assert.Empty(t, srv.Requests(), "token requests are not the kit's")
}

func TestJSONBearer(t *testing.T) {
	srv := NewJSON("b1")
	defer srv.Close()
	get := func(auth string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodGet, "https://storage.googleapis.com/storage/v1/b/b1/o", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := get("Bearer " + AccessToken)
	assert.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.NotEmpty(t, resp.Header.Get(RequestIDHeader))
	for _, auth := range []string{"", "Bearer ya29.other", "Basic " + AccessToken} {
		resp, body = get(auth)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, auth)
		var e struct {
			Error struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
				Errors  []struct {
					Reason string `json:"reason"`
				} `json:"errors"`
			} `json:"error"`
		}
		require.NoError(t, json.Unmarshal(body, &e))
		assert.Equal(t, 401, e.Error.Code)
		assert.Equal(t, "Invalid Credentials", e.Error.Message)
		assert.Equal(t, "authError", e.Error.Errors[0].Reason)
	}
	_, err := srv.Client().Get("https://example.com/")
	assert.ErrorContains(t, err, "not a Google host")
}

func TestXMLSignature(t *testing.T) {
	srv := NewXML("b1")
	defer srv.Close()
	put := func(secret, body, sent string) int {
		req, _ := http.NewRequest(http.MethodPut, "https://storage.googleapis.com/b1/k.txt", strings.NewReader(sent))
		sum := sha256.Sum256([]byte(body))
		hash := hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", hash)
		require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: HMACAccessID, SecretAccessKey: secret},
			req, hash, "s3", "auto", time.Now(), func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }))
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, put(HMACSecret, "hello", "hello"))
	got, err := srv.Object(context.Background(), "b1", "k.txt")
	require.NoError(t, err)
	assert.Equal(t, "hello", string(got))
	assert.Equal(t, http.StatusUnauthorized, put("wrong-secret", "hello", "hello"))
	assert.Equal(t, http.StatusUnauthorized, put(HMACSecret, "hello", "tampered"), "the payload's hash")
}
