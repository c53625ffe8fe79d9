// Package filter implements the query language of synqly's list calls: the
// filter, order, limit, start_after and expand parameters of the Synqly
// filtering guide.
//
// One query runs on every back end. Parse checks the syntax of the raw
// parameters; Query.Bind checks the result against the FieldSet of a
// resource (the fields it may be filtered and ordered by, their types, its
// relations) and returns a Bound query, which compiles to parameterized SQL
// for SQLite and PostgreSQL (Bound.SQL, Bound.KeysetSQL) and matches and
// sorts records in memory with the same semantics (Bound.Match,
// Bound.Compare), for connectors whose providers cannot filter themselves.
//
// # Filter
//
// A filter term is field[op]value; several terms are ANDed:
//
//	name[eq]Bob
//	created_at[gte]2024-08-23T20:41:41.398051Z
//	status[in]open,pending
//	account.name[like]Acme*
//
// A field name is identifiers (letters, digits, _) joined by dots; a field of
// a related resource is prefixed by the relation's name or one of its
// aliases ("account.name", "accounts.name"). The value is everything after
// the first "]" and may be empty or hold any character but NUL. The
// operators, in any letter case, are:
//
//	eq        equal
//	ne        not equal (also neq)
//	gt, lt    greater than, less than
//	gte, lte  greater than or equal, less than or equal
//	in        in the comma-separated set
//	not in    not in the comma-separated set (also not_in)
//	like      matches the pattern
//	not like  does not match the pattern (also not_like)
//
// A like pattern matches the whole value; '*' matches any run of characters
// (including none) and '%' exactly one character, as the guide says. Every
// other character matches itself: there is no escape, so '_' and '\' are
// plain characters, and a literal '*' or '%' can only be matched by '%'.
// like and not like ignore the case of ASCII letters (and only those, as
// SQLite's LIKE; PostgreSQL's ILIKE may fold other letters too), and apply to
// text fields only; eq, ne, in and not in are case-sensitive.
//
// Values are typed by their field: text compares bytewise; times (see
// Times) compare as instants; numbers are decimal and compare numerically;
// booleans are true or false (gt, lt, gte and lte do not apply to them). A
// field with an enumeration accepts only its values in eq, ne, in and not
// in.
//
// An absent value (NULL) satisfies no condition but ne, not in and not like,
// which it satisfies when the field is nullable.
//
// # Times
//
// A time is an RFC 3339 date and time, written exactly as
//
//	YYYY-MM-DDTHH:MM:SS[.fraction]Z
//	YYYY-MM-DDTHH:MM:SS[.fraction]±HH:MM
//
// with a year from 0000 to 9999, a month and day that exist (February 29 in
// leap years only), hours 00 to 23, minutes and seconds 00 to 59 (no leap
// second), a fraction of 1 to 9 digits after a '.', and Z or an offset of
// at most 23:59. T and Z are uppercase. Anything else is refused: a ',' as
// decimal separator, a tenth fraction digit, an offset of +24:00, a lowercase
// t or z, a space between date and time. The same syntax holds for times in
// Map records given as text.
//
// Every such time compares correctly in memory (Match, Compare, After). A
// SQL back end keeps times as int64 Unix nanoseconds, from
// 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z; a
// filter on a time outside that range is still accepted: it equals no
// stored time and is before or after all of them, and SQL compiles its
// comparison to that constant result (gt of a time after the range matches
// no row; lt of it, every row whose value is present; ne and not in, every
// row, or every row with a value for a field that is not nullable), which
// is what Match gives for the same rows.
//
// # Order
//
// An order term is field, field[asc] or field[desc] (the guide's dsc is
// accepted too); several terms sort by the first, then the second, and so
// on:
//
//	order=created_at[desc]&order=name
//
// Without order terms the resource's default order applies (usually name).
// The resource's tiebreak field (usually id) is always appended, so that
// the order is total. Absent values sort as the zero of their type: the
// empty text, -1 for times and numbers, false.
//
// # Limit, start_after, expand
//
// limit is the page size: 0 means the resource's default (DefaultLimit,
// 100) and no more than its maximum (MaxLimit, 1000) is accepted.
//
// start_after resumes a listing. It is either the Next cursor of the
// previous page (a token starting "c1."; see Bound.Encode), which resumes
// exactly after the last row of that page under any order, or a name, which
// the store resolves to that object's sort key. A cursor made for another
// order is refused. A cursor may hold any time, also outside the range of
// SQL times (from a listing matched in memory): KeysetSQL folds its
// comparisons as it does a filter's.
//
// expand names related resources to fill in, by name or alias ("account",
// "accounts"), or "all" for every relation. Filtering or ordering on a
// related field joins the relation whether or not it is expanded.
//
// # Limits
//
// A query may hold at most MaxTerms filter and order terms together, filter
// values of at most MaxValueLen bytes, at most MaxInValues values in a set,
// field names of at most 128 bytes and a start_after of at most 64 KiB. All
// text must be valid UTF-8 without NUL bytes.
//
// # Errors
//
// Every error a query can cause is an *errs.Error of code errs.InvalidQuery
// (errors.Is(err, errs.ErrInvalidQuery)), whose Field names the bad part
// ("filter[2]", "order[0]", "limit", "start_after", "expand[1]") and whose
// Message quotes it and says what is allowed.
//
// # Security
//
// The SQL text is made of the FieldSet's column expressions and join
// clauses, operators and placeholders only; every value of the query is an
// argument. A field that is not in the FieldSet is refused before any SQL is
// written.
package filter
