package teamsfake

import (
	"crypto/rand"
	"encoding/base64"
	"mime"
	"net/http"
	"strings"
)

// token serves POST /{tenant}/oauth2/v2.0/token with the client_credentials
// grant, as the Microsoft identity platform does for a bot: the client
// authenticates with client_id and client_secret form parameters (or HTTP
// basic), asks for Scope, and gets a bearer token. Errors are the
// platform's, with their AADSTS codes.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	tenant := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/oauth2/v2.0/token")
	if r.Method != http.MethodPost {
		s.writeIdentityError(w, http.StatusMethodNotAllowed, "invalid_request", 900561,
			"The endpoint only accepts POST requests. Received a "+r.Method+" request.")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		s.writeIdentityError(w, http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'grant_type'.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.writeIdentityError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body is malformed.")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	s.mu.Lock()
	single := s.singleTenant
	s.tenants = append(s.tenants, tenant)
	s.mu.Unlock()
	switch {
	case tenant != TenantID && tenant != BotDirectory:
		s.writeIdentityError(w, http.StatusBadRequest, "invalid_request", 90002,
			"Tenant '"+tenant+"' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")
	case r.PostForm.Get("grant_type") != "client_credentials":
		s.writeIdentityError(w, http.StatusBadRequest, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type '"+r.PostForm.Get("grant_type")+"'.")
	case id == "":
		s.writeIdentityError(w, http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'client_id'.")
	case id != ClientID || (single && tenant == BotDirectory):
		dir := "'" + tenant + "'"
		if tenant == BotDirectory {
			dir = "'Bot Framework'"
		}
		s.writeIdentityError(w, http.StatusBadRequest, "unauthorized_client", 700016,
			"Application with identifier '"+id+"' was not found in the directory "+dir+".")
	case secret == "":
		s.writeIdentityError(w, http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	case secret != ClientSecret:
		s.writeIdentityError(w, http.StatusUnauthorized, "invalid_client", 7000215,
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"+ClientID+"'.")
	case r.PostForm.Get("scope") != Scope:
		s.writeIdentityError(w, http.StatusBadRequest, "invalid_scope", 1002012,
			"The provided value for scope "+r.PostForm.Get("scope")+" is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
	default:
		var b [32]byte
		_, _ = rand.Read(b[:])
		tok := "eyJ0eXAiOiJKV1QifQ.teamsfake." + base64.RawURLEncoding.EncodeToString(b[:])
		s.mu.Lock()
		life := s.tokenLife
		s.tokens[tok] = issued{expires: s.now().Add(life), scope: Scope}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": int(life.Seconds()),
			"ext_expires_in": int(life.Seconds()), "access_token": tok})
	}
}
