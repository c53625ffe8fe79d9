package splunk

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed-e6251c81/synqly/connectors/sink"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/providers"
)

// SinkID is the provider config id of the Splunk sink provider.
const SinkID = "sink_splunk"

// DefaultSourceType is the sourcetype of the events when the
// configuration sets none.
const DefaultSourceType = "ocsf"

// Bounds of the configuration's fields.
const (
	// MaxIndexLen bounds an index name (the configuration's index, a
	// post's Location) in bytes. Splunk states no length; this bound is
	// ours, and keeps room for the envelope in a request (see Limits).
	MaxIndexLen = 80
	// MaxFieldLen bounds source and source_type in bytes.
	MaxFieldLen = 128
	// DefaultAckTimeout is how long, in seconds, an accepted batch waits
	// for its indexer acknowledgement unless ack_timeout_seconds says
	// otherwise; MaxAckTimeout is the most it may say.
	DefaultAckTimeout = 120
	MaxAckTimeout     = 3600
)

// SinkConfig is the sink_splunk provider configuration: events are sent to
// a Splunk HTTP Event Collector (HEC) with a HEC token.
//
//	{
//	  "type": "sink_splunk",
//	  "hec_url": "https://splunk.example.com:8088",
//	  "hec_credential": {"type": "token", "secret": "<HEC token>"},
//	  "index": "security",
//	  "source_type": "ocsf"
//	}
type SinkConfig struct {
	// HECURL is the collector's base URL, scheme, host and HEC port
	// (https://splunk.example.com:8088, or Splunk Cloud Platform's
	// https://http-inputs-<stack>.splunkcloud.com), maybe with a path
	// prefix for a proxy in front of it. A URL ending in HEC's own path
	// (/services/collector, /services/collector/event) is taken too, as
	// the hosted system's siem_splunk takes it: that path is dropped.
	HECURL string `json:"hec_url" schema:"required"`
	// HECCredential is a token credential holding the HEC token.
	HECCredential *credential.Ref `json:"hec_credential" schema:"required"`
	// Index is the index events go to when a post names no Location; ""
	// leaves it to the token's default index.
	Index string `json:"index,omitempty"`
	// Source is the events' source; "" leaves it to the token's default.
	Source string `json:"source,omitempty"`
	// SourceType is the events' sourcetype, DefaultSourceType ("ocsf")
	// unless set. Splunk cuts an event's text at the sourcetype's
	// TRUNCATE, 10,000 bytes unless props.conf says otherwise: give the
	// sourcetype a larger TRUNCATE (or 0) for large events.
	SourceType string `json:"source_type,omitempty"`
	// SkipTLSVerify turns off the verification of the collector's TLS
	// certificate (Splunk's default self-signed certificate). Anyone on
	// the path can then impersonate the collector and read the token and
	// the events: use it only for tests, or give the collector a
	// certificate the application trusts instead.
	SkipTLSVerify bool `json:"skip_tls_verify,omitempty"`
	// UseACK turns on indexer acknowledgement, which the token must have
	// too: after HEC accepts a batch, the driver asks HEC
	// (/services/collector/ack) until the batch is indexed, and a batch not
	// acknowledged within AckTimeoutSeconds fails, its events maybe
	// indexed, maybe not.
	UseACK bool `json:"use_ack,omitempty"`
	// AckTimeoutSeconds bounds the wait for an acknowledgement
	// (DefaultAckTimeout, 120, unless set; at most MaxAckTimeout). Only
	// with UseACK.
	AckTimeoutSeconds int `json:"ack_timeout_seconds,omitempty"`
}

// Validate implements providers.Config.
func (c *SinkConfig) Validate() error {
	if _, _, err := hecBase(c.HECURL); err != nil {
		return err
	}
	if err := providers.RequireRef("hec_credential", c.HECCredential); err != nil {
		return err
	}
	if err := c.HECCredential.Validate(credential.TypeToken); err != nil {
		return renameField(err, "credential", "hec_credential")
	}
	if c.Index != "" {
		if err := ValidateIndex("index", c.Index); err != nil {
			return err
		}
	}
	if err := validateText("source", c.Source); err != nil {
		return err
	}
	if err := validateText("source_type", c.SourceType); err != nil {
		return err
	}
	switch {
	case c.AckTimeoutSeconds < 0 || c.AckTimeoutSeconds > MaxAckTimeout:
		return errs.Invalid("ack_timeout_seconds", "ack_timeout_seconds must be from 1 to %d, or omitted for %d", MaxAckTimeout, DefaultAckTimeout)
	case c.AckTimeoutSeconds > 0 && !c.UseACK:
		return errs.Invalid("ack_timeout_seconds", "ack_timeout_seconds applies only with use_ack")
	}
	return nil
}

// CredentialRefs implements providers.Config.
func (c *SinkConfig) CredentialRefs() map[string]*credential.Ref {
	return providers.Refs("hec_credential", c.HECCredential)
}

// sourceType returns the configured sourcetype or the default.
func (c *SinkConfig) sourceType() string {
	if c.SourceType == "" {
		return DefaultSourceType
	}
	return c.SourceType
}

// indexPattern is a Splunk index name as indexes.conf defines it: numbers,
// lowercase letters, underscores and hyphens, not beginning with an
// underscore (Splunk's internal indexes) or a hyphen, without the word
// "kvstore".
var indexPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// ValidateIndex checks that name is a Splunk index name (see indexPattern),
// of at most MaxIndexLen bytes; field names it in the error ("index",
// "location").
func ValidateIndex(field, name string) error {
	if name == "" || len(name) > MaxIndexLen || !indexPattern.MatchString(name) || strings.Contains(name, "kvstore") {
		return errs.Invalid(field, "%s must be a Splunk index name: up to %d lowercase letters, digits, "+
			"underscores and hyphens, beginning with a letter or a digit, without \"kvstore\"", field, MaxIndexLen)
	}
	return nil
}

// validateText checks an optional one-line text field.
func validateText(field, s string) error {
	switch {
	case s == "":
		return nil
	case len(s) > MaxFieldLen:
		return errs.Invalid(field, "%s is %d bytes long; the limit is %d", field, len(s), MaxFieldLen)
	case !utf8.ValidString(s) || strings.TrimSpace(s) == "" || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	}):
		return errs.Invalid(field, "%s must be one line of printable text", field)
	}
	return nil
}

// hecPaths are HEC's own paths, dropped from the end of a hec_url that
// carries one.
var hecPaths = []string{"/services/collector/event/1.0", "/services/collector/event", "/services/collector"}

// hecBase splits a hec_url into the origin (scheme://host[:port]) and the
// path prefix the collector's paths go under ("" or "/proxy").
func hecBase(raw string) (origin, prefix string, err error) {
	if err := providers.ValidateURL("hec_url", raw); err != nil {
		return "", "", err
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", "", errs.Invalid("hec_url", "hec_url must be an absolute http(s) URL such as https://splunk.example.com:8088")
	case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(raw, "?#"):
		return "", "", errs.Invalid("hec_url", "hec_url must not have a query or a fragment")
	case u.Opaque != "":
		return "", "", errs.Invalid("hec_url", "hec_url must be an absolute http(s) URL such as https://splunk.example.com:8088")
	}
	prefix = strings.TrimRight(u.EscapedPath(), "/")
	for _, p := range hecPaths {
		if strings.HasSuffix(prefix, p) {
			prefix = strings.TrimSuffix(prefix, p)
			break
		}
	}
	return u.Scheme + "://" + u.Host, prefix, nil
}

// renameField moves an error's Field from under old to under name: the
// credential package names its fields "credential...".
func renameField(err error, old, name string) error {
	var e *errs.Error
	if errors.As(err, &e) {
		if rest, ok := strings.CutPrefix(e.Field, old); ok {
			c := *e
			c.Field = name + rest
			if msg, ok := strings.CutPrefix(c.Message, old); ok {
				c.Message = name + msg
			}
			return &c
		}
	}
	return err
}

// Sink is the registration of the Splunk sink provider, and its one
// constructor: Sink.Open builds the driver of an integration from a
// providers.OpenRequest whose Config is a *SinkConfig and whose
// Credentials["hec_credential"] is a token credential holding the HEC
// token. See the package documentation.
var Sink = sink.Registration{
	ID:              SinkID,
	Fullname:        "Splunk",
	NewConfig:       func() providers.Config { return new(SinkConfig) },
	CredentialTypes: []credential.Type{credential.TypeToken},
	Capabilities:    sink.Capabilities{Operations: sink.Operations},
	Open:            openSink,
}

func init() { sink.Register(Sink) }
