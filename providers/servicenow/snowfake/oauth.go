package snowfake

import (
	"crypto/rand"
	"encoding/hex"
	"mime"
	"net/http"
	"strings"
)

// token serves POST /oauth_token.do with the client_credentials grant: the
// client authenticates with client_id and client_secret form parameters or
// with HTTP basic, and gets an expiring bearer token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "Method not Supported", "use POST")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request",
			"error_description": "the request must be application/x-www-form-urlencoded"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "malformed form"})
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type",
			"error_description": "only client_credentials is enabled for this client"})
		return
	}
	if id != ClientID || secret != ClientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "server_error", "error_description": "access_denied"})
		return
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := "snowfake_at_" + hex.EncodeToString(b[:])
	scope := r.PostForm.Get("scope")
	s.mu.Lock()
	life := s.tokenLife
	s.tokens[tok] = s.now().Add(life)
	s.scopes = strings.Fields(scope)
	s.mu.Unlock()
	if scope == "" {
		scope = "useraccount"
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "scope": scope, "token_type": "Bearer",
		"expires_in": int(life.Seconds())})
}
