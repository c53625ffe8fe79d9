// Package hecfake is an in-memory fake of Splunk's HTTP Event Collector
// (HEC), for the tests and benchmarks of the Splunk sink provider, served
// over a local httptest.Server the way Splunk's public documentation
// ("Format events for HTTP Event Collector", "HTTP Event Collector REST
// API endpoints", "About HTTP Event Collector Indexer Acknowledgment",
// "Troubleshoot HTTP Event Collector") says it behaves:
//
//   - POST /services/collector/event (and /event/1.0, /services/collector,
//     /services/collector/1.0) takes a body of JSON
//     event objects one after another, {"time": <epoch seconds, maybe
//     fractional, or a numeric string>, "host"?, "source"?, "sourcetype"?,
//     "index"?, "fields"?, "event": <any JSON but null, false or a blank
//     string>}, and answers {"text":"Success","code":0} (with "ackId" when
//     the token has indexer acknowledgement);
//   - the objects are taken in order up to the first one HEC refuses: the
//     ones before it stay taken, it and the ones after are not, and the
//     answer names it with "invalid-event-number", its position from 0 —
//     400 code 6 "Invalid data format" (not JSON, not an object, a bad
//     member type, an event of null or false), 12 "Event field is
//     required", 13 "Event field cannot be blank", 15 "Error in handling
//     indexed fields", 7 "Incorrect index" (an index the token may not
//     write to; as Splunk 10.4 was seen doing, it then names the object
//     after the refused one), and 503 code 9 "Server is busy" (BusyAfter);
//     a body without any object is 400 code 5 "No data";
//   - authentication with "Authorization: Splunk <token>": none is 401
//     code 2 "Token is required", another scheme 401 code 3 "Invalid
//     authorization", an unknown token 403 code 4 "Invalid token", a
//     disabled one 403 code 1 "Token disabled";
//   - data channels in the X-Splunk-Request-Channel header (or the channel
//     query parameter), GUIDs (another form is 400 code 11 "Invalid data
//     channel"); with indexer acknowledgement on (WithAck) an event request
//     without one is 400 code 10 "Data channel is missing", ackIds count
//     from 0 per channel, and POST /services/collector/ack with
//     {"acks":[0,1]} answers {"acks":{"0":true,"1":false}}, forgetting an
//     id once it has answered true for it; without it, /ack is 400 code 14
//     "ACK is disabled";
//   - GET /services/collector/health answers {"text":"HEC is healthy",
//     "code":17} without a token; an unknown path is 404 {"text":"The
//     requested URL was not found on this server.","code":404}, a wrong
//     method 405 with the same body;
//   - a body over the max_content_length (DefaultMaxContentLength, Splunk
//     Cloud Platform's 1 MB, unless WithMaxContentLength) is answered 413.
//
// The Server embeds a *fakekit.Kit, the pipeline every fake of this module
// shares: tests inject faults through it and read the requests it
// received. Injected statuses are answered with HEC's text and code for
// them (400 code 6, 401 code 3, 403 code 4, 500 code 8 "Internal server
// error", 503 code 9 "Server is busy", others the status as the code), the
// fault's message as the text when it has one. Events are kept per index
// (Events, EventsIn); RefuseIndex, RejectUIDPrefix, DisableToken,
// BusyAfter, HoldAcks and AckAfter make it refuse what a test needs.
//
// Where it differs from HEC: an envelope member HEC does not know is
// refused with code 6 (HEC answers 200 and silently drops the rest of the
// request); /services/collector/raw, query-string and basic
// authentication, gzip bodies and HEC's per-token source and sourcetype
// defaults are not implemented; events are "indexed" the moment they are
// taken.
package hecfake
