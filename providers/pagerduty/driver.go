package pagerduty

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/seed-e6251c81/synqly/connectors/ticketing"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
	"github.com/seed-e6251c81/synqly/internal/httpx"
	"github.com/seed-e6251c81/synqly/providers"
)

// driver is the PagerDuty ticketing driver: a ticketing.Driver over the
// PagerDuty REST API v2 for one integration. It is safe for concurrent use.
// Ticketing.Open builds it.
type driver struct {
	ticketing.Unimplemented // attachments: PagerDuty incidents have none

	cfg  TicketingConfig
	http *httpx.Client

	prio  priorityCache
	users userCache
}

var _ ticketing.Driver = (*driver)(nil)

// openTicketing is Ticketing.Open: it builds the driver of an integration
// for the PagerDuty account that the request's token credential (a REST
// API key) gives access to. The configuration must be a *TicketingConfig.
func openTicketing(_ context.Context, req providers.OpenRequest) (ticketing.Driver, error) {
	cfg, err := providers.ConfigAs[*TicketingConfig](req)
	if err != nil {
		return nil, err
	}
	tok, ok := req.Credential("credential").(*credential.TokenCredential)
	if !ok || tok == nil {
		return nil, errs.Invalid("credential", "pagerduty: the credential must be a token credential holding a REST API key")
	}
	key := tok.Secret.Reveal()
	if key == "" {
		return nil, errs.Invalid("credential", "pagerduty: the REST API key is empty")
	}
	d := &driver{cfg: *cfg}
	opts := httpx.OptionsFor(req, "pagerduty")
	opts.ErrorDetail = errorDetail
	c, err := httpx.New(cfg.URL, httpx.Header("Authorization", "Token token="+key, key), opts)
	if err != nil {
		return nil, err
	}
	d.http = c
	return d, nil
}

// Close implements ticketing.Driver: it closes the idle connections of the
// driver's own connection pool (never those of an application's client).
func (d *driver) Close() error {
	d.http.Close()
	return nil
}

// errorDetail reads PagerDuty's error object for errs.ProviderError:
// {"error": {"message": "...", "code": 2001, "errors": ["..."]}}.
func errorDetail(_ int, body []byte) (code, message string) {
	var e struct {
		Error struct {
			Message string          `json:"message"`
			Code    json.RawMessage `json:"code"`
			Errors  []string        `json:"errors"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	message = e.Error.Message
	if len(e.Error.Errors) > 0 {
		message = strings.TrimPrefix(message+": "+strings.Join(e.Error.Errors, "; "), ": ")
	}
	return strings.Trim(string(e.Error.Code), `"`), message
}
