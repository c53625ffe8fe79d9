// Package teams is the Microsoft Teams provider of the notifications
// connector, notifications_teams: a notification is an Adaptive Card in a
// Teams channel, posted through a webhook or by a bot, and shown cleared
// once it no longer needs attention.
//
// # Two modes, chosen by the credential
//
// The hosted API's configuration is channel_id, credential, team_id and
// the optional endpoint and tenant_id (see NotificationsConfig); its
// credential is a union of a webhook URL and an OAuth client.
//
// A webhook_url credential (a secret credential holding the URL:
// {"type": "webhook_url", "secret": "https://..."}) is the common path: a
// Workflows (Power Automate) webhook made in the channel with the "Send
// webhook alerts to a channel" template, or an Office 365 connector's
// incoming webhook (which Microsoft is retiring). The URL names its
// channel, so channel_id, team_id, endpoint and tenant_id are ignored. The
// flow's trigger must let anyone trigger it: the URL, with its sig
// signature, is the credential.
//
// An o_auth_client credential is an Azure Bot's Microsoft App ID
// (client_id) and a client secret of it: the driver posts as the bot
// through the Bot Framework's Bot Connector service, which needs the bot's
// Teams app installed in the team. channel_id and team_id are required;
// endpoint is the Bot Connector service URL (default
// https://smba.trafficmanager.net/teams/; government clouds have their
// own); tenant_id is the bot's tenant, the authority of a single-tenant
// bot's tokens (https://login.microsoftonline.com/<tenant_id>/oauth2/v2.0/token,
// else botframework.com's for a multi-tenant bot, which Azure has not
// created since 31 July 2025), also sent as the conversation's tenant. The
// credential's token_url, if set, replaces the token endpoint and its
// extra "scope" the scope (https://api.botframework.com/.default).
//
// # Why the Bot Framework, not Microsoft Graph
//
// Microsoft Graph posts channel messages (POST
// /teams/{team-id}/channels/{channel-id}/messages) with delegated
// permissions (ChannelMessage.Send: a signed-in user) or, with application
// permissions, only for migration (Teamwork.Migrate.All, into a channel in
// migration mode; anything else is answered 401 "Message POST is allowed in
// application-only context only for import purposes"), and an application
// may PATCH a chatMessage's policyViolation only. A client-credentials
// credential can give neither a user nor a migration: the way for an app
// to post with its own credentials is a bot, whose client-credentials
// token (from the Microsoft identity platform, for the Bot Framework's
// scope) the Bot Connector takes.
//
// # What each operation does
//
// Webhook. CreateMessage posts {"type": "message", "attachments":
// [{"contentType": "application/vnd.microsoft.card.adaptive", "content":
// <card>}]} to the URL. Any 2xx is success: Workflows answers 202 Accepted
// without a body (the flow posts afterwards, and its failures are not
// reported back), connectors 200 "1" — except that a connector reports
// throttling with a 200 whose body says "Microsoft Teams endpoint returned
// HTTP error 429", which is errs.ErrRateLimited. A webhook cannot read or
// change what it posted, so the notification is kept in the integration's
// State (OpenRequest.State; a fresh MemoryState without one) under a
// generated id; GetMessage reads it there; ClearMessage posts a follow-up
// card saying the notification was cleared, then records it CLOSED in one
// State.Update.
//
// Bot Framework. The bot gets a token from the identity platform with the
// client-credentials grant (cached, refreshed before it expires, and
// fetched anew when the Bot Connector answers 401). CreateMessage starts a
// thread in the channel: POST {endpoint}/v3/conversations with isGroup,
// channelData.channel.id (and the tenant), and the card as the thread's
// first activity; Teams answers the conversation id
// ("<channel id>;messageid=<n>") and the activity id. The Bot Connector
// cannot read an activity back, so the notification is kept in the State
// too, and GetMessage reads it there. ClearMessage replaces the card with
// its cleared version: PUT
// {endpoint}/v3/conversations/{conversationId}/activities/{activityId},
// then records it CLOSED. When Teams refuses a conversation (400, 403 or
// 404), the driver lists the team's channels (GET
// {endpoint}/v3/teams/{team_id}/conversations) and says in the error
// whether the bot is in the team and channel_id one of its channels.
//
// In both modes clearing a cleared notification does nothing, and an id
// the driver did not make, or the State does not hold, is
// errs.ErrNotFound. Open makes no network call.
//
// # Notification ids
//
// A webhook's message: "wh-" and a random UUID. A bot's: "bf-" and the
// unpadded base64url encoding of "<conversation id>\n<activity id>" (a
// conversation id holds ":", "@" and ";"), or "bh-" and their SHA-256 should
// that exceed the connector's 256 bytes. Ids hold letters, digits, "-" and
// "_" only. The State keeps each notification under notification/<id>.
//
// # The card
//
// An Adaptive Card of version 1.4, full width: a status line (the
// priority with an emoji and a color: 🚨 and 🔴 Attention for URGENT and
// CRITICAL, 🟠 and 🟡 Warning for HIGH, MEDIUM and MODERATE, 🟢 Good for
// LOW, ⚪ for PLANNING; "✅ Cleared" in green once cleared), the summary as
// a large bold heading, the description, and the project, status, assignee
// and tags as a FactSet; a cleared card dims the text and says when it was
// cleared with the card's {{DATE()}} and {{TIME()}} functions, which Teams
// shows in the reader's time zone.
//
// The description's Markdown subset becomes the Markdown Teams renders in
// TextBlocks: *bold* becomes **bold**, _italic_ stays, `code` stays a code
// span, [text](url) stays a link for http, https and mailto URLs (others
// are shown as text), "- " lines become a bulleted list (items separated
// by "\r", other lines by "\n\n", as Teams documents). Everything else —
// the summary, the facts, the description outside its markup — is
// literal: Markdown characters are backslash-escaped, a "<" that would
// start a tag (<at> mentions, HTML) and "{{" (a date function) are split
// by a zero width space, control characters and bidirectional overrides
// are dropped. Teams refuses a message over about 28 KB through Workflows
// and connectors, and a bot message over 40 KB of UTF-16 (later
// documentation says about 100 KB): a card is at most MaxCardBytes (16 KiB
// of UTF-8), facts are cut to 256 bytes and tags to 512, and a description
// that does not fit is shortened, the card saying so.
//
// # Errors, secrets, retries
//
// Every call goes through the shared HTTP plumbing (internal/httpx):
// retries of 429 (Retry-After honoured) and of idempotent calls after 5xx
// and dropped connections; creates are not retried after a 5xx or a lost
// answer, since neither Teams nor Workflows deduplicates messages. The
// error bodies of the Bot Connector and Logic Apps ({"error": {"code",
// "message"}}), of the identity platform ({"error", "error_description"
// with its AADSTS code, "trace_id", "correlation_id"}) and the Bot
// Connector's 401 ({"message": ...}) are read into errs.ProviderError,
// with Teams' request id, the MS-CV header. The webhook URL is a secret: the URL,
// its query and its signature (and, for a URL without a secret query
// parameter such as a connector's, its path) are registered with the
// plumbing, which redacts them, in every encoding, from errors, log lines
// and spans; errors and logs name a Workflows URL's path, which holds no
// secret. The bot's client secret and tokens are redacted likewise.
//
// # Limits
//
//   - A message whose post succeeded but whose State write failed is in
//     Teams without an id: the error says so.
//   - Two concurrent ClearMessage calls of one webhook notification may
//     both post the follow-up (the State records it CLOSED once).
//   - The bot posts only where its app is installed; Workflows' bot cannot
//     post in private channels.
//   - Teams throttles: connectors allow 4 requests a second per webhook;
//     the Bot Connector limits each thread and bot.
//   - A conversation id is sent in the update's path percent-escaped, as
//     Microsoft's SDKs send it ("...;messageid=1" as "...%3Bmessageid=1").
//
// # Documentation followed
//
//   - Microsoft Graph, Send chatMessage in a channel (permissions:
//     application only for migration) and Import messages:
//     https://learn.microsoft.com/graph/api/channel-post-messages,
//     https://learn.microsoft.com/graph/teams-import-messages
//   - Bot Connector REST API reference (create conversation, update
//     activity, ErrorResponse) and authentication (client credentials at
//     login.microsoftonline.com/botframework.com, scope
//     https://api.botframework.com/.default):
//     https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference,
//     https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
//   - Teams proactive messages (service URL
//     https://smba.trafficmanager.net/teams/, government clouds' URLs, the
//     app installed in the team) and team context (GET
//     /v3/teams/{teamId}/conversations):
//     https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages,
//     https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context
//   - Microsoft's record of POST /v3/conversations in Teams (channel
//     threads: isGroup, channelData.channel.id, the activity required, the
//     answer's id and activityId, MS-CV):
//     https://github.com/microsoft/teams.net docs/CreateConversation-API-Behavior.md
//   - Workflows and incoming webhooks, Adaptive Cards through them, the
//     "1" answer, connectors' rate limits and their 200 answers carrying
//     HTTP 429:
//     https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook,
//     https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
//   - Card formatting in Teams (the Markdown of TextBlocks and facts, no
//     HTML, \r and \n\n line breaks) and Adaptive Card text features
//     (DATE and TIME):
//     https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format,
//     https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features
//   - Message size limits: bot messages (413 MessageSizeTooBig),
//     https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages;
//     the Teams connector's 28 KB, https://learn.microsoft.com/connectors/teams/
//   - Azure Bot identities (single-tenant, user-assigned managed identity;
//     no new multi-tenant bots after 31 July 2025):
//     https://learn.microsoft.com/azure/bot-service/abs-quickstart
//   - Identity platform errors (AADSTS codes, error_description with trace
//     and correlation ids):
//     https://learn.microsoft.com/troubleshoot/entra/entra-id/app-integration/confidential-client-application-authentication-error-aadsts7000218
//
// The package teamsfake fakes the three services for tests.
package teams
