// Package azure is the Microsoft Azure Blob Storage providers: the
// storage connector's storage_azure_blob (files are the blobs of one
// container) and the sink connector's sink_azure_blob (each batch of
// events is one blob of gzip-compressed NDJSON). Both are the
// providers/internal/blobstore layer over gocloud.dev/blob/azureblob,
// which drives Azure's own SDK (azblob).
//
// # Configuration
//
// The fields are the hosted system's (bucket, credential, and the sink's
// path), plus an optional url:
//
//	{
//	  "type": "storage_azure_blob",
//	  "bucket": "reports",
//	  "credential": {"type": "token", "secret": "BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=sv=2022-11-02&sr=c&sp=racwdl&se=2027-01-01T00:00:00Z&sig=..."}
//	}
//
//	{
//	  "type": "sink_azure_blob",
//	  "bucket": "security-lake",
//	  "path": "synqly/events",
//	  "credential": {"type": "token", "secret": "BlobEndpoint=https://acme.blob.core.windows.net;SharedAccessSignature=sv=2022-11-02&sr=c&sp=cw&se=2027-01-01T00:00:00Z&sig=..."}
//	}
//
// bucket is the blob container's name; the container must exist (the
// providers never create one). A file's path is its blob's name under
// the container; the sink's blobs are named
//
//	<path>/<location>/2026/12/02/14/1764684000123456789-9f86d081884c7d65.ndjson.gz
//
// (UTC date and hour of the write, the time in nanoseconds and 8 random
// bytes), with Content-Type application/x-ndjson and Content-Encoding
// gzip.
//
// # The credential
//
// The credential is a token credential, as in the hosted system, whose
// setup guide has the integration authenticate with an Azure Storage
// connection string. The token may be:
//
//   - a SAS connection string (recommended: the signature can be scoped
//     to the container, its permissions and an expiry), as the portal's
//     "Shared access signature" page writes it:
//     BlobEndpoint=https://<account>.blob.core.windows.net;SharedAccessSignature=sv=...&sig=...
//   - an account-key connection string (the key opens the whole account):
//     DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=...;EndpointSuffix=core.windows.net
//   - a SAS URL, of the account or of the container:
//     https://<account>.blob.core.windows.net/<container>?sv=...&sig=...
//   - a bare SAS token (sv=...&sig=...), which names no account: the url
//     setting must then give the account's blob endpoint.
//
// UseDevelopmentStorage=true names Azurite's development account on
// http://127.0.0.1:10000 (set url for another port). The storage provider
// needs the read, write, delete and list permissions (sp=rwdl; add and
// create are harmless); the sink only creates blobs, so create and write
// (sp=cw) are enough. A user-delegation SAS is a SAS like another.
//
// url is this library's addition: the hosted system's connection strings
// always name the endpoint, but a bare SAS token does not, and a private
// endpoint, a proxy or an emulator may need another than the token's.
// When set, it replaces the endpoint the token names. It must be https;
// http is accepted only to a loopback address (an emulator on the same
// machine), since a SAS travels in every request's URL.
//
// The token is checked when the configuration is validated (an inline
// one) or the driver is built (a stored one); neither makes a request,
// and no error quotes it. A SAS is a secret that travels in the URL's
// query: the driver never puts a URL in an error or a log line (its
// debug lines carry the method, the path and the status), reads the
// vendor's answer only for its status, x-ms-error-code, x-ms-request-id
// and message (the SDK's own error text quotes the answer's body), and
// redacts every text it reports — the token, its signature and account
// key as they are, percent-, JSON-, XML- and base64-encoded, and any
// sig=, AccountKey= or SharedAccessSignature= value, known or not.
//
// # Retries, timeouts and errors
//
// The SDK's own retries are off (azcore's RetryOptions.MaxRetries -1);
// its requests go through internal/httpx's Transport, which retries as
// every provider of the library does: a 429 always, a 5xx or a dropped
// connection for idempotent methods — every request these providers make
// is a GET, PUT or DELETE, and each is safe to resend: a file's Put Blob
// writes the same bytes again, and a sink batch's blob has a name of its
// own, so a resend cannot write an event twice. HTTPOptions.Timeout bounds
// a call whose context has no deadline: the time to an answer, retries
// included, and then each read of a download, so that a large file
// streams as long as it makes progress. HTTPOptions.MaxResponseBytes caps
// the service's answers (listings, errors), not a downloaded file.
//
// Errors are the blobstore layer's (errs.NotFound for a missing blob or
// container, errs.RateLimited, errs.Provider with the vendor's answer as
// an *errs.ProviderError), and:
//
//   - 403 AuthenticationFailed (a SAS or key the service refuses) is
//     errs.Unauthorized, errs.CredentialExpired when the SAS's expiry has
//     passed; 403 for a credential it accepts but that lacks a permission
//     (AuthorizationPermissionMismatch, AuthorizationFailure) stays
//     errs.Forbidden;
//   - a 429's or 503's Retry-After is Error.RetryAfter;
//   - an answer cut short, over the cap, or (a success) not XML is
//     errs.Provider saying so; a call that got no answer in time says so.
//
// Uploads go through gocloud's Bucket.Upload, never its azureblob Writer,
// whose Close dereferences a nil pipe when an upload fails (gocloud
// v0.47.0; see bucket.go). A file (or batch) up to 8 MiB is one Put Blob,
// a larger one staged blocks committed by a Put Block List: a failed
// upload leaves no blob, or the previous one.
//
// # Testing, and Azurite's limits
//
// The tests run against Azurite, the Azure Storage emulator (npm install
// -g azurite; the tests find azurite-blob through $AZURITE_BLOB, PATH or
// /work/tools/azurite), started once per test binary with
//
//	azurite-blob --inMemoryPersistence --silent --blobHost 127.0.0.1 --blobPort <free port> \
//	  --skipApiVersionCheck --loose --disableTelemetry --disableProductStyleUrl --extentMemoryLimit 1024
//
// Without it they skip, saying how to install it, except under CI=true,
// where they fail. The fault suites reach Azurite through a fakekit.Kit
// (a reverse proxy as its API), which injects the faults. What Azurite
// does not show of Azure:
//
//   - it answers a signature that does not match with 403
//     AuthorizationFailure (and AuthenticationFailed's message), where
//     Azure answers AuthenticationFailed: the tests' proxy answers as
//     Azure does;
//   - its URLs are path-style (http://127.0.0.1:10000/devstoreaccount1),
//     Azure's host-style (https://<account>.blob.core.windows.net), and
//     the tests speak http, so a SAS's spr=https is not exercised;
//   - it never throttles (Azure answers 503 ServerBusy or 500
//     OperationTimedOut): the kit's faults stand in;
//   - it accepts any x-ms-version only with --skipApiVersionCheck (the
//     SDK's is newer than Azurite's), and has no firewall, private
//     endpoints, Entra ID roles, soft delete or versioning.
//
// # Not supported
//
// Microsoft Entra ID credentials (OAuth client secrets, managed
// identities) — the hosted system's Azure Blob providers take a token
// only; DevelopmentStorageProxyUri and secondary (RA-GRS) endpoints;
// creating containers; append and page blobs, access tiers, blob metadata
// and tags, customer-provided keys; signed URLs.
package azure
