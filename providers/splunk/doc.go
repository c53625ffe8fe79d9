// Package splunk is the Splunk sink provider, sink_splunk: it writes OCSF
// events to a Splunk HTTP Event Collector (HEC), in Splunk Enterprise or
// Splunk Cloud Platform, with a HEC token. Import it for its side effect
// (it registers Sink) or use Sink.Open directly:
//
//	import _ "github.com/seed-e6251c81/synqly/providers/splunk"
//
// # What it sends
//
// Each batch the sink connector cuts is one POST /services/collector/event
// with "Authorization: Splunk <token>", its body the batch's events one
// per line, each in HEC's envelope:
//
//	{"time":1764650000.000,"index":"security","source":"synqly","sourcetype":"ocsf","event":{...the OCSF event...}}
//
// "time" is the OCSF event's time (epoch milliseconds) in seconds with
// three decimals; "index" is the post's Location (checked as a Splunk
// index name) or the configured index, left out for neither (the token's
// default index); "source" is left out unless configured, "sourcetype" is
// "ocsf" unless configured. Every request carries the driver's data
// channel, a random GUID, in X-Splunk-Request-Channel.
//
// # Configuration
//
//	{
//	  "type": "sink_splunk",
//	  "hec_url": "https://splunk.example.com:8088",
//	  "hec_credential": {"type": "token", "secret": "<HEC token>"},
//	  "index": "security",
//	  "source": "synqly",
//	  "source_type": "ocsf",
//	  "skip_tls_verify": false,
//	  "use_ack": true,
//	  "ack_timeout_seconds": 120
//	}
//
// hec_url and hec_credential are required; see SinkConfig for each field.
// skip_tls_verify turns certificate verification off: whoever is on the
// path can then read the token and the events. use_ack needs the token to
// have indexer acknowledgement on: after HEC takes a batch the driver
// polls POST /services/collector/ack with {"acks":[<ackId>]} (waits of
// 100 ms doubling to 2 s) until HEC reports it indexed; a batch not
// acknowledged within ack_timeout_seconds fails as a whole, and its error
// says the events may or may not be indexed. With acknowledgement on, a
// post waits for each batch to be indexed (about a second on a healthy
// Splunk) before it sends the next.
//
// # Limits
//
// A request holds at most MaxBatchEvents (1,000) events and a body of at
// most MaxRequestBytes (1,000,000 bytes) with the envelopes: Splunk Cloud
// Platform's 1 MB max_content_length, the smallest a collector has by
// default (Splunk Enterprise's is 838,860,800 bytes since 7.0,
// [http_input] max_content_length in limits.conf; it was 1,000,000
// before). Limits().MaxBytes, the events' own JSON, is MaxRequestBytes
// less room for 1,000 envelopes of the longest index name (MaxIndexLen,
// 80) and the configured source and sourcetype: 850,000 bytes with the
// defaults. One event may be as large (MaxEventBytes = MaxBytes), but
// Splunk cuts an event's text at its sourcetype's TRUNCATE, 10,000 bytes
// unless props.conf says otherwise: give the sourcetype a larger TRUNCATE
// for large OCSF events.
//
// # Errors and what is sent again
//
// HEC takes a request's events in order and stops at the first it
// refuses, naming it ("invalid-event-number", from 0). Splunk documents
// the member but not what became of the other events; Splunk Enterprise
// 10.4 was seen indexing the events before the refused one and dropping
// it and the ones after it. The batch's error is then a *sink.BatchError:
// the events before it are written, it failed for good, the ones after it
// are Retryable and the connector sends them again. (With use_ack, the
// events before it are counted written although HEC gives no ackId with
// an error answer to confirm them.) An incorrect index (code
// 7) fails the batch as a whole, as errs.InvalidInput naming "location" or
// "index". HEC's 401s and its 403 for an unknown or disabled token are
// errs.Unauthorized; 429 is errs.RateLimited and retried by the shared
// HTTP client; 503 "Server is busy" is errs.RateLimited, not retried (the
// shared client does not resend a POST after a 5xx), and when HEC says it
// took some events first, those are written and the rest Retryable. A
// request is never sent again after a 5xx or a lost answer, with
// acknowledgement on or off: HEC has no idempotency key, and the events
// may have been taken. Every error carries HEC's answer as an
// *errs.ProviderError: its Code is HEC's numeric code ("6"), its Message
// HEC's text.
//
// # Not supported
//
// The raw endpoint (/services/collector/raw), metrics events, indexed
// "fields", a per-event host, gzip-compressed bodies, query-string and
// basic authentication, and reading events back (Splunk's search API is
// the siem connector's business). A load balancer in front of several
// collectors must keep a channel's acknowledgement polls on the indexer
// that took its events (sticky sessions), as Splunk documents.
package splunk
