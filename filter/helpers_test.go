package filter

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/errs"
)

// testFS is the field set most tests bind against: every type, nullable and
// not, an enum, and two relations with aliases.
func testFS() *FieldSet {
	return &FieldSet{
		Resource: "integrations",
		Fields: []Field{
			{Name: "id", Type: String, Column: "t.id", Orderable: true},
			{Name: "name", Type: String, Column: "t.name", Orderable: true},
			{Name: "fullname", Type: String, Column: "t.fullname", Nullable: true, Orderable: true},
			{Name: "created_at", Type: Time, Column: "t.created_at", Orderable: true},
			{Name: "updated_at", Type: Time, Column: "t.updated_at", Nullable: true, Orderable: true},
			{Name: "score", Type: Number, Column: "t.score", Nullable: true, Orderable: true},
			{Name: "enabled", Type: Bool, Column: "t.enabled", Nullable: true, Orderable: true},
			{Name: "status", Type: String, Enum: []string{"open", "pending", "closed"}, Column: "t.status", Orderable: true},
			{Name: "account.name", Type: String, Column: "account.name", Join: "account", Orderable: true},
			{Name: "integration_point.name", Type: String, Column: "ip.name", Join: "integration_point"},
		},
		Relations: []Relation{
			{Name: "account", Aliases: []string{"accounts"}, Join: "LEFT JOIN accounts account ON account.id = t.account_id"},
			{Name: "integration_point", Aliases: []string{"integration_points"}, Join: "LEFT JOIN integration_points ip ON ip.id = t.integration_point_id"},
		},
		Tiebreak: "id",
	}
}

// requireInvalid asserts that err is an invalid-query *errs.Error naming
// part, whose message holds every one of contains.
func requireInvalid(t testing.TB, err error, part string, contains ...string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, errs.ErrInvalidQuery, "%v", err)
	var e *errs.Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, part, e.Field, "Field of %q", e.Message)
	assert.NotEmpty(t, e.Message)
	for _, c := range contains {
		assert.Contains(t, e.Message, c)
	}
}

// bind parses and binds p against fs, failing the test on error.
func bind(t testing.TB, fs *FieldSet, p Params) *Bound {
	t.Helper()
	q, err := Parse(p)
	require.NoError(t, err)
	b, err := q.Bind(fs)
	require.NoError(t, err)
	return b
}

// bindErr parses and binds p against fs and returns the first error.
func bindErr(fs *FieldSet, p Params) error {
	q, err := Parse(p)
	if err != nil {
		return err
	}
	_, err = q.Bind(fs)
	return err
}
