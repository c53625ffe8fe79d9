package destination

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// maxRowsPerStatement bounds the rows of one INSERT; the engine's
// bind-parameter limit bounds them further for objects of many columns.
// Larger statements gain little and cost the engine more memory to
// prepare and keep.
const maxRowsPerStatement = 1000

// batchParams are the parameters a statement's rows share: the
// integration, account, provider, emission time and run. They come first
// ($1 to $5), each row's own parameters after them.
const batchParams = 5

// rowParams is the number of a row's own parameters: its id, its model
// values, its raw data and its modification time.
func rowParams(obj Object) int { return 3 + len(obj.Columns) }

// Write upserts b's rows in one transaction; see Writer. The rows go in
// multi-row INSERT ... ON CONFLICT statements of up to 1,000 rows (fewer
// for objects of many columns, to stay under the engine's bind-parameter
// limit), prepared once per table and size and kept.
func (s *SQL) Write(ctx context.Context, b Batch) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := checkBatch(&b, s.pg); err != nil {
		return err
	}
	if len(b.Rows) == 0 {
		return nil
	}
	op := "write to table " + b.Object.TableName()
	rows := b.Rows
	if s.pg {
		rows = pgOrder(rows)
	}
	perRow := rowParams(b.Object)
	chunk := min(maxRowsPerStatement, (s.maxParams()-batchParams)/perRow)
	sig := s.signature(b.Object)

	// Prepared before the transaction begins: a pool of one connection
	// (SQLite's) has none to spare for it later.
	var full, tail *sql.Stmt
	var err error
	if len(rows) >= chunk {
		if full, err = s.upsertStmt(ctx, sig, b.Object, chunk); err != nil {
			return fail(ctx, err, op)
		}
	}
	if n := len(rows) % chunk; n > 0 {
		if tail, err = s.upsertStmt(ctx, sig, b.Object, n); err != nil {
			return fail(ctx, err, op)
		}
	}

	emitted := b.EmittedAt
	if emitted.IsZero() {
		emitted = time.Now()
	}
	ap := getArgs(batchParams + min(chunk, len(rows))*perRow)
	defer putArgs(ap)
	args := append((*ap)[:0], b.IntegrationID, b.AccountID, b.Provider, s.timeArg(emitted), b.RunID)

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(ctx, err, op)
	}
	var txFull, txTail *sql.Stmt
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		var st *sql.Stmt
		if len(part) == chunk {
			if txFull == nil {
				txFull = tx.StmtContext(ctx, full)
			}
			st = txFull
		} else {
			if txTail == nil {
				txTail = tx.StmtContext(ctx, tail)
			}
			st = txTail
		}
		args = args[:batchParams]
		for i := range part {
			args = s.appendRow(args, b.Object.Columns, &part[i])
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			_ = tx.Rollback()
			return fail(ctx, err, op)
		}
	}
	*ap = args
	return fail(ctx, tx.Commit(), op)
}

// pgOrder returns rows sorted by id, without the rows a later row of the
// same id replaces: PostgreSQL refuses a statement that updates a row
// twice (SQLite applies a statement's rows in order, with the result of
// the last), and writers that lock rows in the same order cannot deadlock
// each other. rows itself is not changed.
func pgOrder(rows []Row) []Row {
	if len(rows) < 2 {
		return rows
	}
	sorted := true
	for i := 1; i < len(rows); i++ {
		if rows[i-1].ID >= rows[i].ID {
			sorted = false
			break
		}
	}
	if sorted {
		return rows // in order and without repeats, as a vendor's pages often are
	}
	out := slices.Clone(rows)
	// Stable: of the rows of one id, the last one stays last.
	slices.SortStableFunc(out, func(a, b Row) int { return strings.Compare(a.ID, b.ID) })
	n := 0
	for i := range out {
		if i+1 < len(out) && out[i+1].ID == out[i].ID {
			continue
		}
		out[n] = out[i]
		n++
	}
	clear(out[n:])
	return out[:n]
}

// argsPool recycles the argument slices of Write: one holds every
// parameter of a statement, up to 65,535 of them.
var argsPool sync.Pool

func getArgs(n int) *[]any {
	if p, ok := argsPool.Get().(*[]any); ok && cap(*p) >= n {
		return p
	}
	a := make([]any, 0, n)
	return &a
}

// putArgs returns a slice to the pool, emptied first so that it keeps no
// caller's value alive.
func putArgs(p *[]any) {
	clear((*p)[:cap(*p)])
	*p = (*p)[:0]
	argsPool.Put(p)
}

// appendRow appends a checked row's own parameters.
func (s *SQL) appendRow(args []any, cols []Column, r *Row) []any {
	args = append(args, r.ID)
	for j, v := range r.Values {
		args = append(args, s.valueArg(cols[j].Type, v))
	}
	var raw, mod any
	if r.Raw != nil {
		raw = s.jsonArg(r.Raw)
	}
	if !r.LastModified.IsZero() {
		mod = s.timeArg(r.LastModified)
	}
	return append(args, raw, mod)
}

// valueArg is the parameter of a checked model value. Both drivers take
// strings, int64s, ints, float64s and bools as they are.
func (s *SQL) valueArg(t ColumnType, v any) any {
	switch t {
	case Time:
		if tv, ok := v.(time.Time); ok {
			return s.timeArg(tv)
		}
	case JSON:
		if raw, ok := v.(json.RawMessage); ok {
			if raw == nil {
				return nil
			}
			return s.jsonArg(raw)
		}
	}
	return v
}

// timeArg is the parameter of a time: itself for PostgreSQL's TIMESTAMPTZ,
// fixed-width UTC text for SQLite.
func (s *SQL) timeArg(t time.Time) any {
	if s.pg {
		return t
	}
	var buf [len(sqliteTime)]byte
	return string(appendSQLiteTime(buf[:0], t))
}

// jsonArg is the parameter of JSON: the bytes for pgx, which sends them as
// JSON, and text for SQLite (bytes would be stored as a BLOB). The text
// shares raw's memory instead of copying it: the driver copies it while
// it binds, and Write does not return before.
func (s *SQL) jsonArg(raw json.RawMessage) any {
	if s.pg {
		return raw
	}
	if len(raw) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(raw), len(raw))
}

// appendSQLiteTime appends t in UTC as sqliteTime lays it out, for years 1
// to 9999 (checkTime): the same text as t.UTC().Format(sqliteTime), in a
// fraction of its time.
func appendSQLiteTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond(), 9)
	return append(b, 'Z')
}

// appendDigits appends v, non-negative, in exactly width decimal digits.
func appendDigits(b []byte, v, width int) []byte {
	n := len(b) + width
	for len(b) < n {
		b = append(b, '0')
	}
	for i := n - 1; i >= n-width; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// signature identifies a table and its column list in the statement cache.
func (s *SQL) signature(obj Object) string {
	var b strings.Builder
	b.WriteString(s.table(obj))
	for _, c := range obj.Columns {
		b.WriteByte(' ')
		b.WriteString(c.Name)
		b.WriteByte(byte('0' + c.Type))
	}
	return b.String()
}

// upsertStmt returns the prepared statement that upserts n rows of obj,
// from the cache or prepared now.
func (s *SQL) upsertStmt(ctx context.Context, sig string, obj Object, n int) (*sql.Stmt, error) {
	k := stmtKey{table: sig, rows: n}
	if st := s.stmts.get(k); st != nil {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, s.upsertSQL(obj, n))
	if err != nil {
		return nil, err
	}
	return s.stmts.put(k, st), nil
}

// upsertSQL is the INSERT ... ON CONFLICT DO UPDATE statement of n rows of
// obj. Every value is a numbered bind parameter; the rows share the
// batch's ($1 to $5).
func (s *SQL) upsertSQL(obj Object, n int) string {
	perRow := rowParams(obj)
	names := make([]string, 0, len(leading)+len(obj.Columns)+len(trailing))
	for _, c := range leading {
		names = append(names, quote(c.name))
	}
	for _, c := range obj.Columns {
		names = append(names, quote(c.Name))
	}
	for _, c := range trailing {
		names = append(names, quote(c.name))
	}
	notDeleted := "0"
	if s.pg {
		notDeleted = "false"
	}
	b := make([]byte, 0, 64+len(obj.Columns)*40+n*perRow*7)
	b = append(b, "INSERT INTO "...)
	b = append(b, s.table(obj)...)
	b = append(b, " ("...)
	b = append(b, strings.Join(names, ", ")...)
	b = append(b, ") VALUES "...)
	for r := range n {
		if r > 0 {
			b = append(b, ',')
		}
		own := batchParams + r*perRow // the row's parameters follow
		b = append(b, '(')
		b = s.param(b, 1) // _synqly_integration_id
		b = append(b, ',')
		b = s.param(b, 2) // _synqly_account_id
		b = append(b, ',')
		b = s.param(b, 3) // _synqly_provider
		for p := 1; p <= perRow; p++ {
			b = append(b, ',')
			b = s.param(b, own+p) // id, the model values, raw data, last modified
		}
		b = append(b, ',')
		b = s.param(b, 4) // _synqly_emitted_at
		b = append(b, ',')
		b = append(b, notDeleted...)
		b = append(b, ',')
		b = s.param(b, 5) // _synqly_run_id
		b = append(b, ')')
	}
	b = append(b, ` ON CONFLICT ("_synqly_integration_id", "id") DO UPDATE SET `...)
	first := true
	for _, name := range names {
		if name == `"_synqly_integration_id"` || name == `"id"` {
			continue
		}
		if !first {
			b = append(b, ", "...)
		}
		first = false
		b = append(b, name...)
		b = append(b, " = excluded."...)
		b = append(b, name...)
	}
	return string(b)
}
