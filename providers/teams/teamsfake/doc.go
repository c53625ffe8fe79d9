// Package teamsfake is an in-memory fake of the Microsoft endpoints a
// Microsoft Teams integration calls, for tests of providers/teams without
// the internet and without secrets. One httptest server serves:
//
//   - the Microsoft identity platform's token endpoint,
//     POST /{tenant}/oauth2/v2.0/token, with the client_credentials grant:
//     client_id and client_secret as form parameters (or HTTP basic), scope
//     https://api.botframework.com/.default, tenant TenantID or
//     "botframework.com" (multi-tenant bots; refused after
//     RequireSingleTenant); answers {"token_type", "expires_in",
//     "ext_expires_in", "access_token"}, and errors in the platform's shape
//     ({"error", "error_description" with its AADSTS code and trace lines,
//     "error_codes", "timestamp", "trace_id", "correlation_id",
//     "error_uri"}: AADSTS7000215 for a wrong secret, 700016 for an unknown
//     client, 90002 for an unknown tenant, ...);
//   - the Bot Connector service under ServiceURL (/teams/, as
//     https://smba.trafficmanager.net/teams/): POST /v3/conversations
//     creating a thread in a channel of the team (isGroup true,
//     channelData.channel.id, an optional tenantId or channelData.tenant.id
//     that must be TenantID, a message activity with an Adaptive Card) and
//     answering 201 {"id": "<channel>;messageid=<n>", "activityId": "<n>"};
//     PUT /v3/conversations/{conversationId}/activities/{activityId}
//     replacing the card (404 ConversationNotFound or
//     ActivityNotFoundInConversation for what does not exist);
//     GET /v3/teams/{teamId}/conversations listing the team's channels;
//     every call needs a bearer token the token endpoint issued (401
//     {"message": "Authorization has been denied for this request."}
//     otherwise); activities over MaxBotMessageBytes (UTF-16) are 413
//     MessageSizeTooBig; errors are {"error": {"code", "message"}}; answers
//     carry an MS-CV header;
//   - a Workflows (Power Automate) webhook, WebhookURL: a manual trigger's
//     URL whose sig query parameter is its secret (401
//     DirectApiInvalidAuthorizationSignature otherwise), answering 202
//     Accepted with no body and then "running the flow": each Adaptive
//     Card attachment of a {"type": "message", "attachments": [...]} body
//     is posted to ChannelID; a body it cannot post (no card, a card over
//     MaxWorkflowCardBytes) fails the run after the 202 (FailedRuns), as
//     Workflows does.
//
// The identity platform's and the webhook's answers carry x-ms-request-id.
// Messages returns what each channel shows.
//
// The Server embeds a *fakekit.Kit, the pipeline every fake of this module
// shares (Inject, RateLimit, FailNext, SetDelay, Requests, Count,
// ResetRequests). Injected statuses are answered in the shape of the
// endpoint hit: the Bot Connector's error object under /teams/v3/, the
// identity platform's under the token path, Logic Apps' for the webhook. A
// Fault with Path "" hits the token endpoint too; aim at "/teams/v3/" or
// "/workflows/" to leave it alone. Every method is safe for concurrent
// use.
//
// Error codes and messages the fake uses where Microsoft documents none
// (the webhook's, most of the Bot Connector's) are modelled on what the
// services are seen to answer; drivers must not depend on their wording.
package teamsfake
