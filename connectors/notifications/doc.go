// Package notifications is the portable Notifications connector: one typed
// API for sending a notification to a team — a Slack or Microsoft Teams
// channel, a Jira issue — and for clearing it once it no longer needs
// attention, with the operations and the Notification model of the Synqly
// Connector API (create_message, get_message, clear_message).
//
// Applications hold a *Connector bound to one integration:
//
//	nc, err := notifications.Open(ctx, client.Account(accountID), integrationID)
//	n, err := nc.CreateMessage(ctx, notifications.CreateMessageRequest{
//		Summary:  "CVE-2026-1234 on web-01",
//		Priority: ticketing.PriorityHigh,
//		Description: "Patch *openssl* on web-01 before Friday.",
//	})
//	err = nc.ClearMessage(ctx, n.ID) // resolved: the message shows it
//
// Providers implement the narrow Driver interface and declare what they
// support once, in their Registration; the Connector checks input and
// refuses an operation the provider lacks before any network call. Every
// provider runs the conformance suite and the shared fault suite of
// package notificationstest.
package notifications
