package slack

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// TestErrorCodes: every group of Slack's error codes, and the rest.
func TestErrorCodes(t *testing.T) {
	for want, slackCodes := range map[errs.Code][]string{
		errs.NotFound: {"channel_not_found", "not_in_channel", "message_not_found", "thread_not_found"},
		errs.Unauthorized: {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
			"invalid_token", "no_service"},
		errs.Forbidden: {"missing_scope", "restricted_action", "not_allowed_token_type", "ekm_access_denied",
			"cant_update_message", "is_archived", "channel_is_archived", "action_prohibited"},
		errs.RateLimited: {"ratelimited", "rate_limited"},
		errs.InvalidInput: {"invalid_arguments", "invalid_blocks", "msg_too_long", "no_text", "too_many_attachments",
			"invalid_metadata_format", "invalid_payload", "invalid_ts_latest", "invalid_json"},
		errs.Conflict:    {"already_reacted"},
		errs.Unsupported: {"unknown_method"},
		errs.Provider:    {"internal_error", "fatal_error", "rollup_error", "service_unavailable", "something_new", ""},
	} {
		for _, c := range slackCodes {
			assert.Equal(t, want, codeFor(c), c)
		}
	}
}

func TestErrorDetail(t *testing.T) {
	code, msg := apiErrorDetail(200, []byte(`{"ok":false,"error":"invalid_blocks","response_metadata":{"messages":["[ERROR] a","[ERROR] b"]}}`))
	assert.Equal(t, "invalid_blocks", code)
	assert.Equal(t, "[ERROR] a; [ERROR] b", msg)
	code, msg = apiErrorDetail(200, []byte(`{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"channels:read"}`))
	assert.Equal(t, "missing_scope", code)
	assert.Equal(t, "the token needs the scope chat:write (it has channels:read)", msg)
	code, msg = apiErrorDetail(502, []byte(`<html>bad gateway</html>`))
	assert.Empty(t, code+msg)

	code, msg = hookErrorDetail(404, []byte("channel_not_found"))
	assert.Equal(t, "channel_not_found", code)
	assert.Empty(t, msg)
	code, msg = hookErrorDetail(400, []byte("invalid_payload\nthe JSON is cut"))
	assert.Equal(t, "invalid_payload", code)
	assert.Equal(t, "the JSON is cut", msg)
	code, msg = hookErrorDetail(502, []byte("<html>Bad Gateway</html>"))
	assert.Empty(t, code)
	assert.Equal(t, "<html>Bad Gateway</html>", msg)
}

// TestAPIError: an "ok": false answer is an error coded from Slack's code
// whose cause is the vendor's answer; a rate limit keeps Slack's wait.
func TestAPIError(t *testing.T) {
	c, err := httpx.New("https://slack.example", httpx.Bearer("xoxb-secret-token-for-tests"), httpx.Options{Vendor: "slack", ErrorDetail: apiErrorDetail})
	require.NoError(t, err)
	d := &webDriver{http: c}
	h := http.Header{"Retry-After": {"7"}, "X-Slack-Req-Id": {"req-1"}}
	body := []byte(`{"ok":false,"error":"ratelimited","response_metadata":{"messages":["[ERROR] slow down, xoxb-secret-token-for-tests"]}}`)
	err = d.apiError(&httpx.Request{Method: http.MethodPost, Path: "/api/chat.postMessage"}, &httpx.Response{Status: 200, Header: h, Body: body}, "ratelimited")
	var e *errs.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, errs.RateLimited, e.Code)
	assert.Equal(t, 7*time.Second, e.RetryAfter)
	assert.Equal(t, 200, e.Status)
	var pe *errs.ProviderError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, errs.ProviderError{Method: "POST", Path: "/api/chat.postMessage", Status: 200, Code: "ratelimited",
		Message: "[ERROR] slow down, [REDACTED]", RequestID: "req-1", Body: pe.Body}, *pe)
	assert.NotContains(t, pe.Body, "xoxb-secret")
	assert.Equal(t, "rate_limited: slack: POST /api/chat.postMessage: HTTP 200: ratelimited: [ERROR] slow down, [REDACTED] (request req-1)", err.Error())
}

func TestRecode(t *testing.T) {
	pe := &errs.ProviderError{Status: 403, Code: "invalid_token"}
	err := recode(&errs.Error{Code: errs.Forbidden, Status: 403, Cause: pe})
	assert.True(t, errors.Is(err, errs.ErrUnauthorized), "%v", err)
	err = recode(&errs.Error{Code: errs.NotFound, Status: 410, Cause: &errs.ProviderError{Status: 410, Code: "channel_is_archived"}})
	assert.True(t, errors.Is(err, errs.ErrForbidden), "%v", err)
	err = recode(&errs.Error{Code: errs.RateLimited, Status: 429, RetryAfter: time.Second, Cause: &errs.ProviderError{Status: 429, Code: "rate_limited"}})
	var e *errs.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, time.Second, e.RetryAfter)
	err = recode(&errs.Error{Code: errs.InvalidInput, Status: 400, Cause: &errs.ProviderError{Status: 400, Code: "something_new"}})
	assert.True(t, errors.Is(err, errs.ErrInvalidInput), "an unknown code keeps the status's: %v", err)
	plain := errors.New("x")
	assert.Same(t, plain, recode(plain))
}
