package slack

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
)

// codes maps Slack's error codes — the Web API's "error" of an "ok": false
// answer, an incoming webhook's plain-text body — to errs codes. A code it
// does not list is errs.Provider.
var codes = map[string]errs.Code{}

func init() {
	for code, names := range map[errs.Code][]string{
		// The channel or message does not exist, or is not the bot's to see.
		errs.NotFound: {"channel_not_found", "not_in_channel", "message_not_found", "thread_not_found", "user_not_found"},
		// The token or the webhook URL is refused.
		errs.Unauthorized: {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
			"invalid_token", "no_service", "no_team", "org_login_required", "two_factor_setup_required"},
		// The token may not do this, or the channel does not allow it.
		errs.Forbidden: {"missing_scope", "restricted_action", "not_allowed_token_type", "ekm_access_denied",
			"no_permission", "access_denied", "accesslimited", "cant_update_message", "edit_window_closed",
			"is_archived", "channel_is_archived", "action_prohibited", "team_access_not_granted", "team_disabled",
			"enterprise_is_restricted", "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
			"restricted_action_non_threadable_channel", "posting_to_general_channel_denied"},
		errs.RateLimited: {"ratelimited", "rate_limited", "message_limit_exceeded"},
		// The request is malformed or exceeds Slack's limits.
		errs.InvalidInput: {"invalid_arguments", "invalid_arg_name", "invalid_array_arg", "invalid_charset",
			"invalid_form_data", "invalid_post_type", "missing_post_type", "invalid_json", "json_not_object",
			"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long", "no_text",
			"too_many_attachments", "invalid_attachments", "invalid_metadata_format", "invalid_metadata_schema",
			"metadata_too_large", "metadata_must_be_sent_from_app", "invalid_ts_latest", "invalid_ts_oldest",
			"invalid_limit", "invalid_cursor", "invalid_payload", "missing_text_or_fallback_or_attachments",
			"invalid_channel", "as_user_not_supported", "request_too_large"},
		errs.Conflict:    {"already_reacted", "already_pinned", "already_in_channel", "already_archived", "name_taken"},
		errs.Unsupported: {"unknown_method", "method_deprecated", "deprecated_endpoint"},
		// Slack's own failures, and the rest: errs.Provider.
		errs.Provider: {"internal_error", "fatal_error", "request_timeout", "service_unavailable", "upgrade_required",
			"rollup_error"},
	} {
		for _, n := range names {
			codes[n] = code
		}
	}
}

// codeFor returns the errs code of a Slack error code.
func codeFor(slackCode string) errs.Code {
	if c, ok := codes[slackCode]; ok {
		return c
	}
	return errs.Provider
}

// apiErrorDetail reads a Web API error answer for errs.ProviderError: the
// code is "error"; the message is response_metadata.messages, and, for a
// missing scope, the scope needed.
func apiErrorDetail(_ int, body []byte) (code, message string) {
	var e struct {
		Error    string `json:"error"`
		Warning  string `json:"warning"`
		Needed   string `json:"needed"`
		Provided string `json:"provided"`
		Meta     struct {
			Messages []string `json:"messages"`
		} `json:"response_metadata"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	parts := e.Meta.Messages
	if e.Needed != "" {
		parts = append(parts, "the token needs the scope "+e.Needed+" (it has "+e.Provided+")")
	}
	return e.Error, strings.Join(parts, "; ")
}

// hookErrorDetail reads an incoming webhook's error answer: a plain-text
// code, sometimes followed by an explanation on the next lines.
func hookErrorDetail(_ int, body []byte) (code, message string) {
	first, rest, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	first = strings.TrimSpace(first)
	if first != "" && strings.Trim(first, "abcdefghijklmnopqrstuvwxyz_") == "" {
		return first, strings.TrimSpace(rest)
	}
	return "", strings.TrimSpace(string(body))
}

// apiError is the error of a Web API answer with "ok": false: coded from
// Slack's error code, its cause the vendor's answer (Slack's code, the
// response_metadata messages, the request id, HTTP 200).
func (d *webDriver) apiError(r *httpx.Request, resp *httpx.Response, slackCode string) error {
	pe := d.http.VendorError(r.Method, r.Path, resp.Status, resp.Header, resp.Body)
	e := &errs.Error{Code: codeFor(slackCode), Status: resp.Status, Message: "slack: " + r.Method + " " + pe.Path, Cause: pe}
	if e.Code == errs.RateLimited {
		e.RetryAfter = retryAfter(resp.Header)
	}
	return e
}

// retryAfter reads a Retry-After of seconds (Slack's form).
func retryAfter(h http.Header) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// recode gives an error the plumbing coded from an HTTP status the code of
// Slack's own error code, when Slack sent one it knows: a webhook's 403
// invalid_token is a refused credential, not a forbidden action; a 404
// no_service a webhook that is gone.
func recode(err error) error {
	var e *errs.Error
	var pe *errs.ProviderError
	if !errors.As(err, &e) || !errors.As(err, &pe) || pe.Code == "" {
		return err
	}
	if c, ok := codes[pe.Code]; ok && c != e.Code {
		e.Code = c
	}
	return err
}
