package synqly_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/errs"
)

var hostileJSON = []string{
	``, `null`, `{}`, `[]`, `"x"`, `1e999999`, `{"type":""}`, `{"type":null}`, `{"type":1}`,
	`{"type":"ticketing_jira","url":1e400}`, `{"type":"ticketing_jira","type":"ticketing_mock_ticketing"}`,
	`{"type":"ticketing_jira","credential":{"type":"basic","username":"u","secret":"robust-Secret-4f1e9c-do-not-leak","secret":1}}`,
	`{"type":"ticketing_jira","credential":[]}`, `{"type":"ticketing_jira","url":"https://x","credential":{"type":"basic_id","value":"\u0000"}}`,
	`{"type":"ticketing_mock_ticketing","custom_field_mappings":{"a":1}}`, `{"type":"ticketing_nope","x":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`,
	`{"config":null}`, `{"config":{"type":""}}`, `{"config":{"type":"token","secret":123456789012345678901234567890}}`,
	`{"config":{"type":"token","secret":"robust-Secret-4f1e9c-do-not-leak"},"expires":"yesterday"}`,
	`{"name":{"a":1},"config":{"type":"token","secret":"s"}}`, `{"owner_type":["x"]}`,
	`{"config":` + strings.Repeat(`{"config":`, 20000) + `1` + strings.Repeat(`}`, 20001),
	`{"type":"ticketing_jira","type":"ticketing_jira","url":"\xff\xfe"}`, `{"type":"ticketing_jira"`, "\xff",
}

func checkJSONErr(t *testing.T, in string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Errorf("input %.80q: want *errs.Error, got %T: %.200v", in, err, err)
		return
	}
	if !errors.Is(err, synqly.ErrInvalidInput) {
		t.Errorf("input %.80q: want invalid_input, got %v", in, e.Code)
	}
	if strings.Contains(err.Error(), robustSecret) {
		t.Errorf("input %.80q: the error holds the secret", in)
	}
}

func TestRobustJSONDecoding(t *testing.T) {
	for _, in := range hostileJSON {
		var p synqly.ProviderConfig
		checkJSONErr(t, in, p.UnmarshalJSON([]byte(in)))
		var r synqly.CreateCredentialRequest
		checkJSONErr(t, in, r.UnmarshalJSON([]byte(in)))
		var u synqly.UpdateCredentialRequest
		checkJSONErr(t, in, u.UnmarshalJSON([]byte(in)))
	}
}

func FuzzProviderConfig(f *testing.F) {
	for _, s := range hostileJSON {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"type":"ticketing_jira","url":"https://acme.atlassian.net","credential":{"type":"basic","username":"u","secret":"p"}}`))
	f.Add([]byte(`{"type":"ticketing_mock_ticketing"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p synqly.ProviderConfig
		err := p.UnmarshalJSON(b)
		checkJSONErr(t, string(b), err)
		if err == nil {
			if _, err := p.MarshalJSON(); err != nil {
				t.Errorf("decoded but cannot encode: %v", err)
			}
		}
	})
}

func FuzzCreateCredentialRequest(f *testing.F) {
	for _, s := range hostileJSON {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"name":"tok","config":{"type":"token","secret":"s"},"owner_type":"account"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r synqly.CreateCredentialRequest
		checkJSONErr(t, string(b), r.UnmarshalJSON(b))
	})
}
