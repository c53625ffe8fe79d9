package destination

import (
	"context"
	"time"

	"github.com/seed-e6251c81/synqly/errs"
)

// SoftDeleteUnseen marks deleted the integration's rows that another run
// than runID wrote last; see Writer. A zero at is now. A missing table has
// nothing to mark: 0, nil.
func (s *SQL) SoftDeleteUnseen(ctx context.Context, obj Object, integrationID, runID string, at time.Time) (int64, error) {
	if err := s.usable(); err != nil {
		return 0, err
	}
	if err := obj.Validate(); err != nil {
		return 0, err
	}
	if err := checkKey("integration_id", integrationID); err != nil {
		return 0, err
	}
	// An empty run id would match every row.
	if err := checkKey("run_id", runID); err != nil {
		return 0, err
	}
	if at.IsZero() {
		at = time.Now()
	} else if err := checkTime("at", at); err != nil {
		return 0, err
	}
	deleted, notDeleted := "1", "0"
	if s.pg {
		deleted, notDeleted = "true", "false"
	}
	q := "UPDATE " + s.table(obj) + ` SET "_synqly_is_deleted" = ` + deleted + `, "_synqly_emitted_at" = ` + string(s.param(nil, 1)) +
		` WHERE "_synqly_integration_id" = ` + string(s.param(nil, 2)) + ` AND "_synqly_run_id" <> ` + string(s.param(nil, 3)) +
		` AND "_synqly_is_deleted" = ` + notDeleted
	return s.execCount(ctx, obj, "mark unseen rows deleted in table "+obj.TableName(), q, s.timeArg(at), integrationID, runID)
}

// DeleteIntegration removes the integration's rows; see Writer.
func (s *SQL) DeleteIntegration(ctx context.Context, obj Object, integrationID string) (int64, error) {
	if err := s.usable(); err != nil {
		return 0, err
	}
	if err := obj.Validate(); err != nil {
		return 0, err
	}
	if err := checkKey("integration_id", integrationID); err != nil {
		return 0, err
	}
	q := "DELETE FROM " + s.table(obj) + ` WHERE "_synqly_integration_id" = ` + string(s.param(nil, 1))
	return s.execCount(ctx, obj, "delete the integration's rows from table "+obj.TableName(), q, integrationID)
}

// checkKey checks a required id argument.
func checkKey(field, v string) error {
	if v == "" {
		return errs.Invalid(field, "destination: %s is required", field)
	}
	return checkText(field, v, maxText)
}

// execCount runs one statement (atomic on its own) and returns the rows it
// changed. If it fails because the table is missing, it changed none.
func (s *SQL) execCount(ctx context.Context, obj Object, op, q string, args ...any) (int64, error) {
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		if ctx.Err() == nil {
			// Asked after the failure rather than before: the table is
			// there on every call but the odd one.
			if exists, xerr := s.tableExists(ctx, obj); xerr == nil && !exists {
				return 0, nil
			}
		}
		return 0, fail(ctx, err, op)
	}
	n, err := res.RowsAffected()
	return n, fail(ctx, err, op)
}
