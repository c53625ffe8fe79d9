package jirafake

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The fake's JQL: clauses "field op value" joined with AND and OR, NOT and
// parentheses, then an optional ORDER BY. Operators: = != > >= < <= ~ !~
// IN, NOT IN, IS [NOT] EMPTY|NULL. Values are words or quoted strings ("..."
// or '...', with \" \' \\ \n \r \t \uXXXX and "\ " escapes). Functions and
// history operators (WAS, CHANGED) are not supported: such queries get
// Jira's 400 error body, like any query the fake cannot read.

// tokKind is a lexical token's kind.
type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tString
	tOp
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	text string
	pos  int // 1-based character position
}

// jqlError is a JQL error Jira reports with a 400.
type jqlError struct{ msg string }

// Error implements error.
func (e *jqlError) Error() string { return e.msg }

func syntaxError(pos int, format string, args ...any) error {
	return &jqlError{fmt.Sprintf("Error in the JQL Query: "+format+" (line 1, character %d)", append(args, pos)...)}
}

// lex splits a JQL query into tokens.
func lex(q string) ([]token, error) {
	var toks []token
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		pos := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			toks = append(toks, token{tLParen, "(", pos})
			i++
		case r == ')':
			toks = append(toks, token{tRParen, ")", pos})
			i++
		case r == ',':
			toks = append(toks, token{tComma, ",", pos})
			i++
		case r == '"' || r == '\'':
			s, n, err := lexString(rs[i:], pos)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tString, s, pos})
			i += n
		case r == '=' || r == '~':
			toks = append(toks, token{tOp, string(r), pos})
			i++
		case r == '!' || r == '<' || r == '>':
			if i+1 < len(rs) && (rs[i+1] == '=' || (r == '!' && rs[i+1] == '~')) {
				toks = append(toks, token{tOp, string(rs[i : i+2]), pos})
				i += 2
			} else if r == '!' {
				return nil, syntaxError(pos, "The character '!' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0021' instead.")
			} else {
				toks = append(toks, token{tOp, string(r), pos})
				i++
			}
		case isWordRune(r):
			j := i
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			toks = append(toks, token{tWord, string(rs[i:j]), pos})
			i = j
		default:
			return nil, syntaxError(pos, "The character '%c' is a reserved JQL character. You must enclose it in a string or use the escape '\\u%04x' instead.", r, r)
		}
	}
	return append(toks, token{tEOF, "", len(rs) + 1}), nil
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_.-:[]", r)
}

// lexString reads a quoted string at the start of rs; it returns the value
// and the runes consumed.
func lexString(rs []rune, pos int) (string, int, error) {
	quote := rs[0]
	var b strings.Builder
	for i := 1; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == quote:
			return b.String(), i + 1, nil
		case r == '\\':
			if i+1 >= len(rs) {
				return "", 0, syntaxError(pos, "The quoted string starting at character %d is not terminated.", pos)
			}
			i++
			switch rs[i] {
			case '"', '\'', '\\', ' ':
				b.WriteRune(rs[i])
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if i+4 >= len(rs) {
					return "", 0, syntaxError(pos+i, "Illegal Unicode escape.")
				}
				n, err := strconv.ParseUint(string(rs[i+1:i+5]), 16, 32)
				if err != nil {
					return "", 0, syntaxError(pos+i, "Illegal Unicode escape '\\u%s'.", string(rs[i+1:i+5]))
				}
				b.WriteRune(rune(n))
				i += 4
			default:
				return "", 0, syntaxError(pos+i, "Illegal escape sequence '\\%c' in a quoted string.", rs[i])
			}
		default:
			b.WriteRune(r)
		}
	}
	return "", 0, syntaxError(pos, "The quoted string starting at character %d is not terminated.", pos)
}

// AST of a JQL query.
type (
	node    interface{ isNode() }
	andNode struct{ l, r node }
	orNode  struct{ l, r node }
	notNode struct{ e node }
	clause  struct {
		field string // as written
		op    string // = != > >= < <= ~ !~ in "not in" is "is not"
		vals  []string
		pos   int
	}
	orderTerm struct {
		field string
		desc  bool
		pos   int
	}
	jqlQuery struct {
		where node
		order []orderTerm
	}
)

func (andNode) isNode() {}
func (orNode) isNode()  {}
func (notNode) isNode() {}
func (*clause) isNode() {}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// keyword reports whether t is the (case-insensitive) keyword kw.
func keyword(t token, kw string) bool { return t.kind == tWord && strings.EqualFold(t.text, kw) }

// reserved are words that cannot be bare values or fields.
var reserved = map[string]bool{"and": true, "or": true, "not": true, "in": true, "is": true, "order": true,
	"by": true, "empty": true, "null": true, "asc": true, "desc": true, "was": true, "changed": true}

// parseJQL parses a query.
func parseJQL(q string) (*jqlQuery, error) {
	if utf8.RuneCountInString(q) > 30000 {
		return nil, &jqlError{"The JQL query is too long."}
	}
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	out := &jqlQuery{}
	if !keyword(p.peek(), "order") && p.peek().kind != tEOF {
		if out.where, err = p.or(0); err != nil {
			return nil, err
		}
	}
	if keyword(p.peek(), "order") {
		p.next()
		if !keyword(p.peek(), "by") {
			return nil, syntaxError(p.peek().pos, "Expecting 'by' but got '%s'.", p.peek().text)
		}
		p.next()
		for {
			t := p.next()
			if t.kind != tWord && t.kind != tString {
				return nil, syntaxError(t.pos, "Expecting a field name but got '%s'.", t.text)
			}
			term := orderTerm{field: t.text, pos: t.pos}
			if keyword(p.peek(), "asc") {
				p.next()
			} else if keyword(p.peek(), "desc") {
				p.next()
				term.desc = true
			}
			out.order = append(out.order, term)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, syntaxError(t.pos, "Expecting either 'OR' or 'AND' but got '%s'.", t.text)
	}
	return out, nil
}

const maxNesting = 50

func (p *parser) or(depth int) (node, error) {
	l, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for keyword(p.peek(), "or") {
		p.next()
		r, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *parser) and(depth int) (node, error) {
	l, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for keyword(p.peek(), "and") {
		p.next()
		r, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

func (p *parser) unary(depth int) (node, error) {
	if depth > maxNesting {
		return nil, syntaxError(p.peek().pos, "The query is nested too deeply.")
	}
	t := p.peek()
	switch {
	case keyword(t, "not"):
		p.next()
		e, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return notNode{e}, nil
	case t.kind == tLParen:
		p.next()
		e, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, syntaxError(c.pos, "Expecting ')' but got '%s'.", c.text)
		}
		return e, nil
	}
	return p.clause()
}

func (p *parser) clause() (node, error) {
	f := p.next()
	if (f.kind != tWord && f.kind != tString) || (f.kind == tWord && reserved[strings.ToLower(f.text)]) {
		if f.kind == tEOF {
			return nil, syntaxError(f.pos, "Expecting a field name but reached the end of the query.")
		}
		return nil, syntaxError(f.pos, "Expecting a field name but got '%s'.", f.text)
	}
	c := &clause{field: f.text, pos: f.pos}
	t := p.next()
	switch {
	case t.kind == tOp:
		c.op = t.text
	case keyword(t, "in"):
		c.op = "in"
	case keyword(t, "not") && keyword(p.peek(), "in"):
		p.next()
		c.op = "not in"
	case keyword(t, "is"):
		c.op = "is"
		if keyword(p.peek(), "not") {
			p.next()
			c.op = "is not"
		}
		v := p.next()
		if !keyword(v, "empty") && !keyword(v, "null") {
			return nil, syntaxError(v.pos, "Expecting 'EMPTY' or 'NULL' after '%s' but got '%s'.", strings.ToUpper(c.op), v.text)
		}
		return c, nil
	case keyword(t, "was") || keyword(t, "changed"):
		return nil, &jqlError{fmt.Sprintf("The fake does not support the history operator '%s'.", strings.ToUpper(t.text))}
	default:
		return nil, syntaxError(t.pos, "Expecting operator but got '%s'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.", t.text)
	}
	if c.op == "in" || c.op == "not in" {
		if l := p.next(); l.kind != tLParen {
			return nil, syntaxError(l.pos, "Expecting '(' but got '%s'.", l.text)
		}
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			c.vals = append(c.vals, v)
			sep := p.next()
			if sep.kind == tRParen {
				break
			}
			if sep.kind != tComma {
				return nil, syntaxError(sep.pos, "Expecting ',' or ')' but got '%s'.", sep.text)
			}
		}
		return c, nil
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	c.vals = []string{v}
	return c, nil
}

// value reads a word or string operand; functions are not supported.
func (p *parser) value() (string, error) {
	t := p.next()
	switch {
	case t.kind == tString:
		return t.text, nil
	case t.kind == tWord && !reserved[strings.ToLower(t.text)]:
		if p.peek().kind == tLParen {
			return "", &jqlError{fmt.Sprintf("Error in the JQL Query: the fake does not support the function '%s'. (line 1, character %d)", t.text, t.pos)}
		}
		return t.text, nil
	case t.kind == tEOF:
		return "", syntaxError(t.pos, "Expecting either a value, list or function but reached the end of the query.")
	}
	return "", syntaxError(t.pos, "Expecting either a value, list or function but got '%s'.", t.text)
}
