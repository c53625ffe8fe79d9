// Package slackfake is an in-memory fake of the parts of Slack the Slack
// notifications drivers use, for tests and benchmarks: the Web API methods
// chat.postMessage, chat.update, conversations.history and
// conversations.info under /api/<method>, and incoming webhooks under
// /services/<team>/<bot>/<secret>, served over a local httptest.Server the
// way Slack's Web API description (slackapi/slack-api-specs) and its public
// documentation say they behave:
//
//   - Web API answers are HTTP 200 with {"ok": true, ...} or {"ok": false,
//     "error": "<code>"} — errors too, with the code Slack documents for the
//     method (channel_not_found, not_in_channel, is_archived,
//     message_not_found, cant_update_message, no_text, invalid_blocks,
//     invalid_metadata_format, invalid_ts_latest, ...) and, where Slack
//     explains itself, "[ERROR] ..." lines in response_metadata.messages;
//   - authentication with "Authorization: Bearer <token>" (or a token POST
//     parameter): none is "not_authed", an unknown one "invalid_auth";
//   - POST bodies as JSON (application/json; a JSON body without a charset
//     gets Slack's "missing_charset" warning) or form-encoded (blocks and
//     metadata then as JSON strings), GET for the read methods with query
//     parameters;
//   - messages kept per channel with Slack's "ts" ids (ten digits, a dot,
//     six digits, increasing), their text, blocks and metadata
//     ({event_type, event_payload}, returned by conversations.history only
//     with include_all_metadata); text beyond 40,000 characters is cut with
//     the "message_truncated" warning; blocks are checked against Block
//     Kit's limits (50 blocks, a header's 150 and a section's 3,000
//     characters, 10 context elements);
//   - incoming webhooks: a JSON body (or a form "payload"), answered 200
//     with the body "ok", and errors as plain-text codes with their HTTP
//     statuses (invalid_payload 400, invalid_token 403, action_prohibited
//     403, channel_not_found 404, no_service 404, channel_is_archived 410,
//     rollup_error 500).
//
// New seeds a workspace with channels (#security, #general, #outside where
// the bot is not a member, #archived) and one incoming webhook posting to
// #security; the exported constants name them. The Server embeds a
// *fakekit.Kit, the pipeline every fake of this module shares: tests inject
// faults through it, read the requests it received, and every answer
// carries an X-Slack-Req-Id. Injected statuses are answered the way Slack
// answers them: 429 and 5xx as such (429 with Retry-After and
// {"ok":false,"error":"ratelimited"}), other Web API faults as HTTP 200
// with "ok": false (401 invalid_auth, 403 missing_scope, 404
// channel_not_found or message_not_found, 400 invalid_arguments, 409
// already_reacted) and the fault's message in response_metadata.messages,
// webhook faults as the webhook's status and plain-text code. A Server is
// safe for concurrent use.
package slackfake
