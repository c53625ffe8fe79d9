package synqly_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly"
	"github.com/seed-e6251c81/synqly/credential"
	"github.com/seed-e6251c81/synqly/errs"
)

func TestCredentialRequestJSON(t *testing.T) {
	var req synqly.CreateCredentialRequest
	require.NoError(t, json.Unmarshal([]byte(`{"name":"hec","owner_type":"account","config":{"type":"token","secret":"s3"}}`), &req))
	assert.Equal(t, "hec", req.Name)
	assert.Equal(t, synqly.OwnerAccount, req.OwnerType)
	tok, ok := req.Config.(*credential.TokenCredential)
	require.True(t, ok)
	assert.Equal(t, "s3", tok.Secret.Reveal())

	var upd synqly.UpdateCredentialRequest
	require.NoError(t, json.Unmarshal([]byte(`{"name":"hec","expires":"2030-01-01T00:00:00Z"}`), &upd))
	assert.Nil(t, upd.Config)
	require.NotNil(t, upd.Expires)

	for _, bad := range []string{`[]`, `{"nickname":"x"}`, `{"config":{"type":"nope"}}`, `{"config":{"type":"token","secret":"s","extra":1}}`, `{"name":1}`} {
		var r synqly.CreateCredentialRequest
		err := json.Unmarshal([]byte(bad), &r)
		require.Error(t, err, bad)
		assert.Equal(t, errs.InvalidInput, errs.CodeOf(err), bad)
	}
}
