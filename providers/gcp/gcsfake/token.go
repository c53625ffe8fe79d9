package gcsfake

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// jwtBearer is the grant type of a service account's token request.
const jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// serveToken is Google's OAuth token endpoint for service accounts (the
// JWT bearer grant of RFC 7523): a POST of grant_type and assertion, a JWT
// signed RS256 with the service account's key, whose claims name the
// account (iss), the endpoint (aud), the scopes and a lifetime of at most
// an hour. A valid assertion of ServiceAccountKey gets AccessToken; any
// other is refused as Google refuses it (400 invalid_grant).
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.tokenCalls++
	var fault int
	if len(s.tokenFaults) > 0 {
		fault, s.tokenFaults = s.tokenFaults[0], s.tokenFaults[1:]
	}
	s.mu.Unlock()
	if fault != 0 {
		oauthError(w, fault, "internal_failure", "The token endpoint failed (an injected fault).")
		return
	}
	if r.Method != http.MethodPost {
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "The token endpoint takes POST.")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request body is not form-encoded.")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != jwtBearer {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+gt)
		return
	}
	if why := verifyAssertion(r.PostForm.Get("assertion"), "https://"+r.Host+r.URL.Path); why != "" {
		oauthError(w, http.StatusBadRequest, "invalid_grant", why)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": AccessToken, "expires_in": 3599, "token_type": "Bearer"})
}

func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

// verifyAssertion checks a JWT assertion of ServiceAccountKey for the
// endpoint aud; it returns Google's description of what is wrong, or "".
func verifyAssertion(jwt, aud string) string {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe."
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	var claims struct {
		Iss   string `json:"iss"`
		Aud   string `json:"aud"`
		Scope string `json:"scope"`
		Iat   int64  `json:"iat"`
		Exp   int64  `json:"exp"`
	}
	if !decodePart(parts[0], &header) || !decodePart(parts[1], &claims) || header.Alg != "RS256" {
		return "Invalid JWT: the header or the claims are not what the grant takes."
	}
	key := ServiceAccountKey()
	if claims.Iss != key.ClientEmail || header.Kid != key.PrivateKeyID {
		return "Invalid grant: account not found"
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "Invalid JWT Signature."
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(key.pub, crypto.SHA256, sum[:], sig) != nil {
		return "Invalid JWT Signature."
	}
	now := time.Now().Unix()
	switch {
	case claims.Aud != aud:
		return "Invalid JWT: the audience is not this token endpoint."
	case claims.Scope == "":
		return "Invalid JWT: no scope."
	case claims.Iat > now+300 || claims.Exp < now || claims.Exp-claims.Iat > 3600:
		return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe."
	}
	return ""
}

func decodePart(p string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(p)
	return err == nil && json.Unmarshal(b, v) == nil
}
