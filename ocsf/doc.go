// Package ocsf holds Go types for the OCSF (Open Cybersecurity Schema
// Framework) event classes that security connectors read and write: the
// classes of the hosted system's Event union that the public OCSF schema
// defines, at schema version 1.8.0, and every object they use.
//
// Each class (DetectionFinding, Authentication, ...) is a struct that
// embeds Base, the attributes every class shares, and implements Event.
// Enum attributes are typed (SeverityID, DetectionFindingActivityID, ...),
// with constants for their values and the schema's captions (String,
// Caption). The discriminators are computed: class_uid and category_uid
// come from the type and type_uid from class_uid and activity_id, so they
// cannot disagree; Decode picks the class from class_uid and checks the
// rest against it.
//
// Nothing a vendor sends is dropped: members the schema does not define
// are kept, at every level, in the Extra maps and written back after the
// modeled members. JSON round-trips: decoding and encoding again gives the
// same members and values, and encoding is canonical (members by name,
// then the Extra ones by name), so equal events encode to equal bytes.
//
// Validate checks the required attributes (those of a profile only when
// metadata.profiles names it), the enum values of the *_id attributes and
// the schema's at-least-one / just-one constraints. Its errors, like
// Decode's, are errs.InvalidInput whose Field is the JSON path of the
// problem ("finding_info.uid", "resources[2].type_id").
//
// The codec is generated, not reflection: tables that drive a small JSON
// reader and writer of the package, and straight-line encoders for every
// type (checked against the tables by the tests and the fuzzer): events
// are the hot path of the Sink and SIEM connectors (see bench_test.go).
//
// # Not included
//
// The Synqly extension classes (Note Activity, Application Inventory
// Info, Chat Message Activity, Conversation Activity) and the SDK's
// "Software Info" 5090 have no public schema; string attributes the schema
// gives suggested values (http_method, tlp, cvss depth) are plain strings,
// not validated.
//
// # Regenerating
//
// The zz_*.go files are written by ocsf/internal/gen from a checkout of
// github.com/ocsf/ocsf-schema at tag 1.8.0:
//
//	git clone --depth 1 --branch 1.8.0 https://github.com/ocsf/ocsf-schema /tmp/ocsf-schema
//	OCSF_SCHEMA_DIR=/tmp/ocsf-schema go generate ./ocsf
//
// With OCSF_SCHEMA_DIR set, go test ./ocsf also checks that the committed
// files are what the generator writes.
package ocsf

//go:generate go run ./internal/gen -out .
