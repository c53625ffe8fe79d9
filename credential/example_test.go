package credential_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

func ExampleSecret() {
	s := credential.Secret("hunter2")
	fmt.Println(s)
	fmt.Printf("%v %q %#v\n", s, s, s)
	js, _ := json.Marshal(struct {
		Password credential.Secret `json:"password"`
	}{s})
	fmt.Println(string(js))
	fmt.Println(len(s.Reveal()))
	// Output:
	// [REDACTED]
	// [REDACTED] "[REDACTED]" [REDACTED]
	// {"password":"[REDACTED]"}
	// 7
}

func ExampleUnmarshalConfig() {
	cfg, err := credential.UnmarshalConfig([]byte(`{"type":"basic","username":"alice","secret":"hunter2"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := cfg.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	switch c := cfg.(type) {
	case *credential.BasicCredential:
		fmt.Println(c.Type(), c.Username, c.Secret)
	case *credential.TokenCredential:
		fmt.Println(c.Type(), c.Secret)
	}
	fmt.Printf("%+v\n", cfg)

	// Errors name the offending field.
	_, err = credential.UnmarshalConfig([]byte(`{"type":"basic","username":"alice","password":"hunter2"}`))
	var e *errs.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.Field)
	}
	// Output:
	// basic alice [REDACTED]
	// &{Username:alice Secret:[REDACTED]}
	// invalid_input config.password
}

func ExampleMarshalConfig() {
	cfg := &credential.TokenCredential{Secret: "tok-123"}

	// json.Marshal redacts: safe to log or return.
	safe, _ := json.Marshal(cfg)
	fmt.Println(string(safe))

	// MarshalConfig reveals: only for sealing.
	plain, _ := credential.MarshalConfig(cfg)
	fmt.Println(string(plain))
	// Output:
	// {"secret":"[REDACTED]"}
	// {"type":"token","secret":"tok-123"}
}

func ExampleRef() {
	var jira struct {
		URL        string         `json:"url"`
		Credential credential.Ref `json:"credential"`
	}
	_ = json.Unmarshal([]byte(`{"url":"https://example.atlassian.net","credential":{"type":"basic_id","value":"cred-1"}}`), &jira)
	fmt.Println(jira.Credential.ID, jira.Credential.Type, jira.Credential.IsInline())
	fmt.Println(jira.Credential.Validate(credential.TypeBasic))

	_ = json.Unmarshal([]byte(`{"url":"https://example.atlassian.net","credential":{"type":"basic","username":"bot","secret":"hunter2"}}`), &jira)
	fmt.Println(jira.Credential.Type, jira.Credential.IsInline())
	out, _ := json.Marshal(jira.Credential)
	fmt.Println(string(out))
	// Output:
	// cred-1 basic false
	// <nil>
	// basic true
	// {"type":"basic","username":"bot","secret":"[REDACTED]"}
}
