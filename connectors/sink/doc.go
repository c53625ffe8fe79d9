// Package sink is the portable Sink connector: it writes OCSF events
// (package ocsf) to a customer's SIEM, search cluster, bucket or queue —
// Splunk's HTTP Event Collector, Elasticsearch and OpenSearch bulk
// indexing, time-partitioned NDJSON objects in S3, Azure Blob Storage or
// Google Cloud Storage, SQS messages, or any HTTP receiver — with the one
// operation of the Synqly Connector API, post_events.
//
//	sk, err := sink.Open(ctx, client.Account(accountID), integrationID)
//	res, err := sk.PostEvents(ctx, events, sink.PostOptions{})
//
// PostEvents validates every event first and sends nothing if one is
// invalid. It then cuts the events into batches within the provider's
// limits (events, bytes, bytes per event: see Limits), sends them one at a
// time in order, re-sends the events a vendor refused in a way that is safe
// to retry (an Elasticsearch item answered 429, an SQS entry failed on the
// server's side), and reports every event that was not written, by its
// index, with the reason (Result.Failed, and a *PostError).
//
// For a stream of events, a Writer holds at most one batch being filled and
// one being sent: Write blocks while the vendor is slow, so memory stays
// bounded whatever the stream's length.
//
// Providers implement the Driver interface (a batch at a time) and declare
// what they support once, in their Registration; every provider runs the
// conformance suite of package sinktest.
package sink
