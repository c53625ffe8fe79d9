// Package slack provides two notifications providers for Slack:
// notifications_slack, which posts as a bot through the Slack Web API and
// can read its messages back and update them, and
// notifications_slack_webhook, which posts through an incoming webhook and
// keeps what it sent in the integration's State. Importing the package
// registers both (notifications.Register); programs and tests build a
// driver with Notifications.Open or Webhook.Open and use it through a
// notifications.Connector. Both are tested against slackfake, an
// in-memory Slack built on the module's shared fake kit, with the
// notifications conformance suite and the shared fault and secret-leak
// suite.
//
// # notifications_slack
//
//	{
//	  "type": "notifications_slack",
//	  "channel": "C0123ABCD",
//	  "credential": {"type": "token", "secret": "xoxb-..."},
//	  "url": "https://slack.com/api"
//	}
//
// channel (required) is a conversation id (C..., G... for a private
// channel; Slack's defs_channel) or a channel name, "#security" or
// "security" (up to 80 lowercase letters, digits, hyphens and
// underscores). chat.postMessage takes either; Slack answers with the
// channel's id, and the driver addresses everything after the post by that
// id (chat.update and conversations.history take ids only), so a name
// works but an id survives the channel's renaming. credential (required)
// is a token credential holding the bot token, with the chat:write scope
// and channels:history (groups:history for a private channel); the bot
// must be a member of the channel. url is the Web API's base, by default
// https://slack.com/api.
//
// CreateMessage sends chat.postMessage (POST, a JSON body with
// "Content-Type: application/json; charset=utf-8", "Authorization: Bearer
// <token>") with
//
//   - blocks: the summary as a header block (plain text, at most 150
//     characters); the description as a section (mrkdwn, at most 3,000
//     characters, see Rendering); a context line with the priority (an
//     emoji and the enum: 🚨 URGENT, 🔴 CRITICAL, 🟠 HIGH, 🟡 MEDIUM and
//     MODERATE, 🟢 LOW, 🔵 PLANNING), the status, project, issue type,
//     assignee, creator, contact and tags that are set;
//   - text: the fallback notifications and screen readers show, "<emoji>
//     [PRIORITY] <summary>";
//   - metadata: {"event_type": "synqly_notification", "event_payload":
//     <the notification>} — Slack's message metadata, which carries the
//     notification whole (its description up to 8 KiB), so that
//     GetMessage returns it as it was sent rather than parsing it back out
//     of the rendering;
//   - unfurl_links and unfurl_media false: Slack does not fetch the links
//     of a notification to preview them.
//
// The notification's id is "<channel id>:<ts>", the channel id and the
// message timestamp Slack answered with, e.g.
// "C0123ABCD:1700000000.000100": everything GetMessage and ClearMessage
// need, and no "/", "?" or "#". An id of another shape names no message
// (errs.ErrNotFound, without a call). chat.postMessage is not
// idempotent: it is retried after a 429 (Slack did not run it), never
// after a 5xx or an answer lost on the way.
//
// GetMessage reads the one message at ts: conversations.history with
// channel, latest=ts, inclusive=true, limit=1 and include_all_metadata=true
// (GET, so the plumbing retries it like any read). A message that is not
// there, or that carries no synqly_notification metadata (one this
// package did not send), is errs.ErrNotFound. notification_status is the
// metadata's: OPEN, or CLOSED once cleared.
//
// ClearMessage reads the message the same way and, unless it is already
// CLOSED, sends chat.update with its metadata's status CLOSED, the blocks
// "✅ *Cleared* ~<summary>~" (struck through) and the context line, and
// the text "✅ Cleared: <summary>". Clearing twice is not an error and
// updates once. chat.update is retried like a read: setting the same
// content twice is harmless.
//
// # notifications_slack_webhook
//
//	{
//	  "type": "notifications_slack_webhook",
//	  "webhook_url": {"type": "secret", "secret": "https://hooks.slack.com/services/T.../B.../..."}
//	}
//
// webhook_url (required) is a secret credential holding the incoming
// webhook's URL: https (http only to a loopback host, for local fakes),
// path /services/<team>/<bot>/<secret>, no query. The whole URL is a
// secret (Slack: "your webhook URL contains a secret"): the driver
// registers it, its path and its secret segment with the shared HTTP
// plumbing, which redacts them, in every encoding, from every error, log
// line and span — a request shows as "slack: POST [REDACTED]" — and
// configuration errors never quote it.
//
// CreateMessage POSTs {"text", "blocks"} (rendered as above; webhooks take
// no metadata) to the URL. Slack answers 200 with the body "ok"; any other
// successful body is a malformed answer (errs.ErrProvider). A webhook can
// neither read nor change what it posted, so the driver keeps each
// notification it sent in the integration's State (OpenRequest.State; a
// fresh providers.MemoryState when there is none) under
// "notification/<id>", its id "WH-" and 32 random hex digits (random, so
// that clients sharing the State never pick the same one). The post comes
// first: the State only holds notifications Slack accepted.
//
// GetMessage reads the notification from the State. ClearMessage posts a
// follow-up "✅ Cleared: <summary>" message and then marks the
// notification CLOSED in one State.Update; a CLOSED one is left as it is,
// and a failed follow-up leaves it OPEN. Two clients clearing the same
// notification at once may both post the follow-up.
//
// # Rendering
//
// The description is the connector's Markdown subset, converted to Slack's
// mrkdwn ("Formatting text for app surfaces"): *bold* and **bold**
// become *bold*, _italic_ and __italic__ _italic_, `code` stays,
// [text](https://link) becomes <https://link|text> (http and https links
// only; & in the URL as &amp;, |, < and > percent-encoded), and lines
// starting with "- " or "* " become "• " bullets. Everything else is user
// text, escaped as Slack requires: & as &amp;, < as &lt;, > as &gt;, so
// user text can format but never mention or link — "<!channel>" or
// "<@U123>" is shown, not acted on, and "&amp;" shows as typed. Text
// objects are sent with verbatim: true, so Slack does not turn bare
// names or URLs into mentions and links either. A marker without its pair,
// a marker inside a word, a span longer than 1 KiB and a run of three
// markers stay literal (mrkdwn has no escape for *, _, ~ and `).
//
// Slack caps a header's text at 150 characters, a section's at 3,000 and
// messages at 50 blocks. Limits are measured in UTF-16 code units, never
// less than Slack's count of characters; a text over its limit is cut on
// a character boundary, never inside an entity or a link, its open
// markers closed, and ends with "…". Only the first 4×3,000 bytes of a
// description are read for rendering; the metadata keeps it whole up to
// 8 KiB.
//
// # Errors
//
// The Web API answers HTTP 200 with {"ok": false, "error": "<code>"} (and
// sometimes "warning", "needed"/"provided" and
// response_metadata.messages); incoming webhooks answer 4xx and 5xx with
// a plain-text code. Both are coded from Slack's code:
//
//   - errs.ErrNotFound: channel_not_found, not_in_channel,
//     message_not_found, thread_not_found, user_not_found;
//   - errs.ErrUnauthorized: invalid_auth, not_authed, token_revoked,
//     token_expired, account_inactive, and the webhook's invalid_token and
//     no_service (a URL that no longer names a webhook);
//   - errs.ErrForbidden: missing_scope, restricted_action,
//     not_allowed_token_type, ekm_access_denied, no_permission,
//     cant_update_message, edit_window_closed, is_archived,
//     channel_is_archived, action_prohibited, ...;
//   - errs.ErrRateLimited: ratelimited, rate_limited (with Slack's
//     Retry-After);
//   - errs.ErrInvalidInput: invalid_arguments, invalid_blocks,
//     invalid_blocks_format, msg_too_long, msg_blocks_too_long, no_text,
//     too_many_attachments, invalid_metadata_format, metadata_too_large,
//     invalid_payload, invalid_json, invalid_ts_latest, ...;
//   - errs.ErrConflict: already_reacted and the like;
//     errs.ErrUnsupported: unknown_method, method_deprecated;
//   - errs.ErrProvider: internal_error, fatal_error, rollup_error,
//     service_unavailable and any code not listed.
//
// The error's cause is an *errs.ProviderError (errors.As) with Slack's
// code, its response_metadata messages (and the scope a missing_scope
// needs) as Message, the X-Slack-Req-Id as RequestID and the HTTP status
// (200 for the Web API), all redacted of the token or the webhook URL. HTTP
// 429 with Retry-After, 5xx, timeouts, oversized and malformed answers are
// the shared plumbing's (internal/httpx): reads and chat.update are
// retried after a 429, a 5xx or a dropped connection, posts only after a
// 429.
//
// # Sources
//
//   - The Slack Web API description (slackapi/slack-api-specs,
//     web-api/slack_web_openapi_v2_without_examples.json): chat.postMessage,
//     chat.update, conversations.history and conversations.info, their
//     arguments and error enums, defs_channel and defs_ts. It predates
//     message metadata, which the method reference documents.
//   - Slack's method reference, https://docs.slack.dev/reference/methods/chat.postMessage
//     and https://api.slack.com/methods/chat.update (Bearer token, JSON
//     bodies, the metadata argument), https://api.slack.com/methods/conversations.history
//     (include_all_metadata).
//   - "Using message metadata", https://docs.slack.dev/messaging/message-metadata
//     (event_type, event_payload), and the metadata payload types of
//     Slack's SDKs (strings, numbers, booleans, objects, arrays of objects).
//   - "Formatting text for app surfaces", https://api.slack.com/reference/surfaces/formatting
//     (&, < and > are control characters; <url|text>).
//   - The Block Kit reference (a header's text at most 150 characters, a
//     section's 3,000).
//   - "Rate limits", https://api.slack.com/docs/rate-limits (HTTP 429 with
//     Retry-After).
//   - "Truncating really long messages", https://api.slack.com/changelog/2018-04-truncating-really-long-messages
//     (40,000 characters, the message_truncated warning).
//   - "Improving error conditions for Incoming Webhooks", https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks
//     (invalid_payload 400, action_prohibited 403, channel_not_found 404,
//     channel_is_archived 410, rollup_error 500).
package slack
