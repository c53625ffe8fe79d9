// Package gcsfake is a fake Google Cloud Storage for the tests of the
// Cloud Storage drivers (package gcp) and of programs that use them: the
// JSON API (NewJSON, over fake-gcs-server) or the XML API, the
// S3-compatible one (NewXML, over the gofakes3 S3 emulator), and Google's
// OAuth token endpoint, served over a local httptest.Server with a
// fakekit.Kit in front of the storage API.
//
// The drivers talk to Google's real URLs (https://storage.googleapis.com,
// https://oauth2.googleapis.com/token); Server.Client returns the HTTP
// client that sends those hosts to the fake, as the application's
// providers.OpenRequest.HTTPClient:
//
//	srv := gcsfake.NewJSON("acme-events")
//	defer srv.Close()
//	d, err := gcp.Sink.Open(ctx, providers.OpenRequest{Config: cfg, HTTPClient: srv.Client(), ...})
//
// What the fakes check, as Cloud Storage does:
//
//   - the JSON API: "Authorization: Bearer <token>" with a token the
//     token endpoint issued (AccessToken) or AcceptToken added; a refusal
//     is Google's 401 {"error": {"code": 401, "message": "Invalid
//     Credentials", "errors": [{"reason": "authError", ...}]}};
//   - the token endpoint: the JWT bearer grant of a service account, an
//     RS256 assertion signed with ServiceAccountKey's private key, naming
//     the account, the endpoint and a scope, for at most an hour; any
//     other key is refused (400 invalid_grant, as for a deleted key);
//   - the XML API: AWS Signature Version 4 of the HMAC key (HMACAccessID,
//     HMACSecret), recomputed over the signed headers, and the payload's
//     SHA-256 when it is signed; a refusal is a 401 XML <Error>.
//
// The Kit injects faults (statuses with Retry-After, delays, malformed,
// truncated and oversized bodies, dropped connections, answers lost after
// the write), logs the requests, and names each answer with an
// X-GUploader-UploadID, as Cloud Storage does. Injected statuses are
// answered with the API's own error documents.
//
// Limits, against Cloud Storage: the emulators keep objects in memory;
// fake-gcs-server does not check IAM, preconditions on metadata, storage
// classes or retention, and its listings are not paged exactly as
// Google's; gofakes3 answers as S3 does where the XML API may differ in
// details (error codes of rare failures, the headers it returns, no
// x-goog-* headers); neither enforces request rate limits but the ones
// injected.
//
// EXPERIMENTAL: like fakekit, the package is for tests and may change
// between minor versions.
package gcsfake
