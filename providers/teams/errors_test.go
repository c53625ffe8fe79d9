package teams

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seed-e6251c81/synqly/errs"
)

// TestErrorDetail reads the error bodies of the Microsoft services.
func TestErrorDetail(t *testing.T) {
	for name, tc := range map[string]struct{ body, code, message string }{
		"bot connector": {`{"error":{"code":"BadSyntax","message":"Incorrect conversation creation parameters"}}`,
			"BadSyntax", "Incorrect conversation creation parameters"},
		"bot connector 401": {`{"message":"Authorization has been denied for this request."}`,
			"", "Authorization has been denied for this request."},
		"logic apps": {`{"error":{"code":"DirectApiAuthorizationRequired","message":"The request must be authenticated only by Shared Access scheme."}}`,
			"DirectApiAuthorizationRequired", "The request must be authenticated only by Shared Access scheme."},
		"identity platform": {`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 11111111-2222-3333-4444-555555555555\r\nCorrelation ID: 66666666-7777-8888-9999-000000000000\r\nTimestamp: 2026-01-02 03:04:05Z","error_codes":[7000215],"timestamp":"2026-01-02 03:04:05Z","trace_id":"11111111-2222-3333-4444-555555555555","correlation_id":"66666666-7777-8888-9999-000000000000","error_uri":"https://login.microsoftonline.com/error?code=7000215"}`,
			"invalid_client", "AADSTS7000215: Invalid client secret provided. (trace ID 11111111-2222-3333-4444-555555555555, correlation ID 66666666-7777-8888-9999-000000000000)"},
		"identity platform, codes only": {`{"error":"temporarily_unavailable","error_codes":[90033]}`, "temporarily_unavailable", "AADSTS90033"},
		"graph-like":                    {`{"error":{"code":"Forbidden","message":"Forbidden","innerError":{"request-id":"x"}}}`, "Forbidden", "Forbidden"},
		"plain text":                    {"Summary or Text is required.", "", ""},
		"html":                          {"<html><body>502 Bad Gateway</body></html>", "", ""},
		"empty object":                  {`{}`, "", ""},
		"empty error":                   {`{"error":{}}`, "", ""},
	} {
		code, msg := errorDetail(400, []byte(tc.body))
		assert.Equal(t, tc.code, code, name)
		assert.Equal(t, tc.message, msg, name)
	}
}

// TestHint: a hint extends an *errs.Error's message and keeps the rest.
func TestHint(t *testing.T) {
	cause := &errs.ProviderError{Status: 403}
	e := &errs.Error{Code: errs.Forbidden, Message: "teams: POST /x", Status: 403, Cause: cause}
	got := hint(e, "check this")
	var ge *errs.Error
	assert.True(t, errors.As(got, &ge))
	assert.Equal(t, "teams: POST /x (check this)", ge.Message)
	assert.Equal(t, "teams: POST /x", e.Message, "the original is left alone")
	var pe *errs.ProviderError
	assert.True(t, errors.As(got, &pe))
	assert.Same(t, cause, pe)
	plain := errors.New("plain")
	assert.Same(t, plain, hint(plain, "x"))
}
