package ocsf

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
)

// A codec decodes, encodes, validates and fills the captions of one
// generated type T, from a table of its fields built once at init. Nothing
// here uses reflection: each field carries closures made by the generic
// constructors below (fStr, fObj, ...) around a getter of the field.
type codec[T any] struct {
	name   string // the schema's name of the class or object
	fields []field[T]
	index  map[string]int
	// meta returns T's Extra map and presence bits.
	meta func(*T) (*map[string]json.RawMessage, []uint64)
	// checked lists the fields that validation looks at.
	checked     []int
	atLeastOne  [][]int
	justOne     [][]int
	class       *classInfo
	initialized bool
	// fast, generated, opens the object and writes T's modeled members as
	// the tables do, as straight-line code.
	fast func(e *encoder, x *T)
}

// tableOnly turns the generated encoders off (tests compare the two).
var tableOnly bool

// field is one attribute of T.
type field[T any] struct {
	name     string
	key      string   // the quoted name and ':'
	required bool     // the schema's "requirement" is "required"
	profiles []string // when not empty, required only with one of these profiles
	scalar   bool     // a number or boolean: written even when zero if required
	zeroOK   bool     // the zero value is a value (false; an enum's 0 = Unknown)
	enum     *enumTable
	dec      func(d *decoder, x *T) error
	enc      func(e *encoder, x *T, always bool)
	zero     func(x *T) bool
	check    func(v *validator, x *T) error
	fill     func(x *T, set bool)
}

// classInfo is what an event class adds to its codec.
type classInfo struct {
	uid, category int32
	name          string
	categoryName  string
	activity      *enumTable
}

// rules is the generated validation metadata of a type.
type rules struct {
	// required lists the required attributes; an entry's further strings
	// are the profiles that make it required (none: always).
	required   [][]string
	atLeastOne [][]string
	justOne    [][]string
}

func (c *codec[T]) init(name string, meta func(*T) (*map[string]json.RawMessage, []uint64), r rules, fields ...field[T]) {
	c.name, c.meta, c.fields = name, meta, fields
	sort.SliceStable(c.fields, func(i, j int) bool { return c.fields[i].name < c.fields[j].name })
	c.index = make(map[string]int, len(c.fields))
	for i := range c.fields {
		f := &c.fields[i]
		f.key = quoteKey(f.name)
		if _, dup := c.index[f.name]; dup {
			panic("ocsf: " + name + ": two fields " + f.name)
		}
		c.index[f.name] = i
	}
	for _, req := range r.required {
		f := &c.fields[c.mustIndex(req[0])]
		f.required, f.profiles = true, req[1:]
	}
	for i := range c.fields {
		f := &c.fields[i]
		if f.enum != nil && f.scalar && f.enum.has(0) {
			f.zeroOK = true
		}
		if f.required || f.check != nil {
			c.checked = append(c.checked, i)
		}
	}
	for _, names := range r.atLeastOne {
		c.atLeastOne = append(c.atLeastOne, c.indexes(names))
	}
	for _, names := range r.justOne {
		c.justOne = append(c.justOne, c.indexes(names))
	}
	if len(c.fields) > 64*len(c.presence(new(T))) {
		panic("ocsf: " + name + ": presence bits too few")
	}
	c.initialized = true
}

func (c *codec[T]) presence(x *T) []uint64 { _, p := c.meta(x); return p }

func (c *codec[T]) mustIndex(name string) int {
	i, ok := c.index[name]
	if !ok {
		panic("ocsf: " + c.name + ": no field " + name)
	}
	return i
}

func (c *codec[T]) indexes(names []string) []int {
	var l []int
	for _, n := range names {
		l = append(l, c.mustIndex(n))
	}
	return l
}

// initClass adds the computed classification members of an event class.
func (c *codec[T]) initClass(ci *classInfo, name string, meta func(*T) (*map[string]json.RawMessage, []uint64), r rules, fields ...field[T]) {
	c.class = ci
	fields = append(fields,
		fClassUID[T](ci), fCategoryUID[T](ci), fTypeUID[T](), fCaption[T]("class_name", ci.name), fCaption[T]("category_name", ci.categoryName))
	c.init(name, meta, r, fields...)
	// type_name is written as the caption of type_uid when it is empty.
	tn := &c.fields[c.mustIndex("type_name")]
	key := tn.key
	tn.enc = func(e *encoder, x *T, always bool) {
		s := any(x).(Event).EventBase().TypeName
		if s == "" {
			s = c.typeName(x)
		}
		if s != "" || always {
			e.key(key)
			e.str(s)
		}
	}
}

// isSet reports whether field i has a value: it is not zero, or it was
// present in the decoded input.
func (c *codec[T]) isSet(x *T, p []uint64, i int) bool {
	return p[i>>6]&(1<<(i&63)) != 0 || !c.fields[i].zero(x)
}

// decode reads an object into x. Members that T does not model are kept in
// its Extra map.
func (c *codec[T]) decode(d *decoder, x *T) error {
	more, err := d.beginObject()
	if err != nil {
		return err
	}
	extra, p := c.meta(x)
	for more {
		k, err := d.key()
		if err != nil {
			return err
		}
		if i, ok := c.index[k]; ok {
			if !d.null() {
				if err := c.fields[i].dec(d, x); err != nil {
					return atKey(err, k)
				}
				p[i>>6] |= 1 << (i & 63)
			}
		} else {
			r, err := d.raw()
			if err != nil {
				return atKey(err, k)
			}
			if *extra == nil {
				*extra = make(map[string]json.RawMessage, 4)
			}
			(*extra)[k] = r
		}
		if more, err = d.nextMember(); err != nil {
			return err
		}
	}
	return nil
}

// decodeEvent reads an event class: the object, then the check of its
// type_uid against its class_uid and activity_id.
func (c *codec[T]) decodeEvent(d *decoder, x *T) error {
	d.hasTypeUID = false
	if err := c.decode(d, x); err != nil {
		return err
	}
	if d.hasTypeUID {
		if want := any(x).(Event).TypeUID(); d.typeUID != want {
			return atKey(newPathError("type_uid %d does not match class_uid %d and activity_id %d (want %d)",
				d.typeUID, c.class.uid, want-int64(c.class.uid)*100, want), "type_uid")
		}
	}
	return nil
}

func (c *codec[T]) unmarshal(b []byte, x *T) error {
	d := decoder{s: string(b)}
	var err error
	if c.class != nil {
		err = c.decodeEvent(&d, x)
	} else {
		err = c.decode(&d, x)
	}
	if err == nil {
		err = d.end()
	}
	return toError(err, c.name)
}

// encode writes x as an object: its modeled members by name, then its
// Extra members by name (one whose name is modeled is not written: the
// field wins). The generated encoder, when there is one, writes the
// modeled members.
func (c *codec[T]) encode(e *encoder, x *T) {
	extra, p := c.meta(x)
	if c.fast != nil && !tableOnly {
		c.fast(e, x)
	} else {
		e.beginObject()
		for i := range c.fields {
			f := &c.fields[i]
			f.enc(e, x, p[i>>6]&(1<<(i&63)) != 0 || (f.required && f.scalar))
		}
	}
	if len(*extra) > 0 {
		keys := make([]string, 0, len(*extra))
		for k := range *extra {
			if _, modeled := c.index[k]; !modeled {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			c.encodeExtra(e, k, (*extra)[k])
		}
	}
	e.endObject()
}

func (c *codec[T]) encodeExtra(e *encoder, k string, v json.RawMessage) {
	if e.comma {
		e.buf = append(e.buf, ',')
	}
	e.str(k)
	e.buf = append(e.buf, ':')
	e.comma = true
	mark := e.err
	e.raw(v)
	if mark == nil && e.err != nil {
		e.err = atKey(e.err, k)
	}
}

func (c *codec[T]) marshal(x *T) ([]byte, error) {
	e := encoder{buf: make([]byte, 0, 1024)}
	c.encode(&e, x)
	if e.err != nil {
		return nil, toError(e.err, c.name)
	}
	return e.buf, nil
}

// validate checks x: required attributes, enum values, constraints, and
// the same of every object below, in order of attribute name. The first
// problem found is returned.
func (c *codec[T]) validate(v *validator, x *T) error {
	_, p := c.meta(x)
	for _, i := range c.checked {
		f := &c.fields[i]
		if !c.isSet(x, p, i) {
			if f.required && !f.zeroOK && v.applies(f.profiles) {
				return atKey(newPathError("required attribute is missing"), f.name)
			}
			continue
		}
		if f.check != nil {
			if err := f.check(v, x); err != nil {
				return atKey(err, f.name)
			}
		}
	}
	for _, set := range c.atLeastOne {
		if c.countSet(x, p, set) == 0 {
			return c.constraintError(set, "at least one of %s is required")
		}
	}
	for _, set := range c.justOne {
		if c.countSet(x, p, set) != 1 {
			return c.constraintError(set, "exactly one of %s is required")
		}
	}
	return nil
}

func (c *codec[T]) countSet(x *T, p []uint64, set []int) int {
	n := 0
	for _, i := range set {
		if c.isSet(x, p, i) {
			n++
		}
	}
	return n
}

func (c *codec[T]) constraintError(set []int, format string) error {
	names := make([]string, len(set))
	for k, i := range set {
		names[k] = c.fields[i].name
	}
	return atKey(newPathError(format, strings.Join(names, ", ")), names[0])
}

func (c *codec[T]) validateTop(x *T) error {
	v := validator{}
	if c.class != nil {
		if m := any(x).(Event).EventBase().Metadata; m != nil {
			v.profiles = m.Profiles
		}
	}
	return toError(c.validate(&v, x), c.name)
}

// fill sets the empty caption siblings of the enum attributes that have a
// value, here and below.
func (c *codec[T]) fill(x *T) {
	_, p := c.meta(x)
	for i := range c.fields {
		if f := &c.fields[i]; f.fill != nil {
			f.fill(x, c.isSet(x, p, i) || (f.required && f.scalar))
		}
	}
	if c.class != nil {
		b := any(x).(Event).EventBase()
		if b.TypeName == "" {
			b.TypeName = c.typeName(x)
		}
	}
}

// typeName is the caption of the type_uid of event x: "<class>: <activity>".
func (c *codec[T]) typeName(x *T) string {
	a := int32(any(x).(Event).TypeUID() - int64(c.class.uid)*100)
	if cp := c.class.activity.caption(a); cp != "" {
		return c.class.name + ": " + cp
	}
	return ""
}

// The field constructors. Each takes the member's name and a getter of the
// field in T.

func scalar[T any, V comparable](name string, p func(*T) *V, rd func(*decoder) (V, error), wr func(*encoder, V), isScalar bool) field[T] {
	var zero V
	f := field[T]{name: name, scalar: isScalar}
	key := quoteKey(name)
	f.dec = func(d *decoder, x *T) error {
		v, err := rd(d)
		if err == nil {
			*p(x) = v
		}
		return err
	}
	f.enc = func(e *encoder, x *T, always bool) {
		if v := *p(x); v != zero || always {
			e.key(key)
			wr(e, v)
		}
	}
	f.zero = func(x *T) bool { return *p(x) == zero }
	return f
}

func list[T any, V any](name string, p func(*T) *[]V, rd func(*decoder) (V, error), wr func(*encoder, V)) field[T] {
	f := field[T]{name: name}
	key := quoteKey(name)
	f.dec = func(d *decoder, x *T) error {
		more, err := d.beginArray()
		if err != nil {
			return err
		}
		s := []V{}
		for n := 0; more; n++ {
			var v V
			if !d.null() {
				if v, err = rd(d); err != nil {
					return atIndex(err, n)
				}
			}
			s = append(s, v)
			if more, err = d.nextElement(); err != nil {
				return err
			}
		}
		*p(x) = s
		return nil
	}
	f.enc = func(e *encoder, x *T, always bool) {
		s := *p(x)
		if s == nil {
			return
		}
		e.key(key)
		e.beginArray()
		for _, v := range s {
			e.elem()
			wr(e, v)
		}
		e.endArray()
	}
	f.zero = func(x *T) bool { return *p(x) == nil }
	return f
}

func fStr[T any](name string, p func(*T) *string) field[T] {
	return scalar(name, p, (*decoder).str, (*encoder).str, false)
}

func fInt[T any](name string, p func(*T) *int) field[T] {
	return scalar(name, p, (*decoder).int, (*encoder).int, true)
}

func fLong[T any](name string, p func(*T) *int64) field[T] {
	return scalar(name, p, (*decoder).int64, (*encoder).int64, true)
}

func fTime[T any](name string, p func(*T) *Timestamp) field[T] {
	return scalar(name, p, (*decoder).timestamp, (*encoder).timestamp, true)
}

func fFloat[T any](name string, p func(*T) *float64) field[T] {
	return scalar(name, p, (*decoder).float64, (*encoder).float64, true)
}

func fBool[T any](name string, p func(*T) *bool) field[T] {
	f := scalar(name, p, (*decoder).bool, (*encoder).bool, true)
	f.zeroOK = true
	return f
}

func fStrs[T any](name string, p func(*T) *[]string) field[T] {
	return list(name, p, (*decoder).str, (*encoder).str)
}

func fInts[T any](name string, p func(*T) *[]int) field[T] {
	return list(name, p, (*decoder).int, (*encoder).int)
}

func fFloats[T any](name string, p func(*T) *[]float64) field[T] {
	return list(name, p, (*decoder).float64, (*encoder).float64)
}

// fRaw is a json_t attribute (or one of the schema's free-form "object"
// type): any JSON value, kept as compact JSON.
func fRaw[T any](name string, p func(*T) *json.RawMessage) field[T] {
	f := field[T]{name: name}
	key := quoteKey(name)
	f.dec = func(d *decoder, x *T) (err error) { *p(x), err = d.raw(); return }
	f.enc = func(e *encoder, x *T, always bool) {
		if v := *p(x); v != nil {
			e.key(key)
			e.raw(v)
		}
	}
	f.zero = func(x *T) bool { return *p(x) == nil }
	return f
}

func fRaws[T any](name string, p func(*T) *[]json.RawMessage) field[T] {
	f := list(name, p, (*decoder).raw, (*encoder).raw)
	f.dec = func(d *decoder, x *T) error {
		more, err := d.beginArray()
		if err != nil {
			return err
		}
		s := []json.RawMessage{}
		for n := 0; more; n++ {
			v, err := d.raw() // null elements stay null
			if err != nil {
				return atIndex(err, n)
			}
			s = append(s, v)
			if more, err = d.nextElement(); err != nil {
				return err
			}
		}
		*p(x) = s
		return nil
	}
	return f
}

func readEnum[E ~int32](d *decoder) (E, error) {
	v, err := d.int32()
	return E(v), err
}

func writeEnum[E ~int32](e *encoder, v E) { e.int32(int32(v)) }

// fEnum is an integer attribute with an enum; sib, if not nil, gets its
// caption sibling (severity for severity_id).
func fEnum[T any, E ~int32](name string, p func(*T) *E, t *enumTable, sib func(*T) *string) field[T] {
	f := scalar(name, p, readEnum[E], writeEnum[E], true)
	f.enum = t
	f.check = func(v *validator, x *T) error {
		if val := int32(*p(x)); !t.has(val) {
			return enumError(val)
		}
		return nil
	}
	if sib != nil {
		f.fill = func(x *T, set bool) {
			if s := sib(x); set && *s == "" {
				if val := int32(*p(x)); val != enumOther {
					*s = t.caption(val)
				}
			}
		}
	}
	return f
}

func enumError(v int32) error {
	return newPathError("%d is not a value of the attribute's enum", v)
}

// fEnums is an array of integers with an enum; sib, if not nil, gets the
// captions.
func fEnums[T any, E ~int32](name string, p func(*T) *[]E, t *enumTable, sib func(*T) *[]string) field[T] {
	f := list(name, p, readEnum[E], writeEnum[E])
	f.enum = t
	f.check = func(v *validator, x *T) error {
		for i, val := range *p(x) {
			if !t.has(int32(val)) {
				return atIndex(enumError(int32(val)), i)
			}
		}
		return nil
	}
	if sib != nil {
		f.fill = func(x *T, set bool) {
			if s := sib(x); *s == nil && len(*p(x)) > 0 {
				caps := make([]string, len(*p(x)))
				for i, val := range *p(x) {
					if val != enumOther {
						caps[i] = t.caption(int32(val))
					}
				}
				*s = caps
			}
		}
	}
	return f
}

// fObj is an object attribute.
func fObj[T, O any](name string, p func(*T) **O, c *codec[O]) field[T] {
	f := field[T]{name: name}
	key := quoteKey(name)
	f.dec = func(d *decoder, x *T) error {
		o := p(x)
		if *o == nil {
			*o = new(O)
		}
		return c.decode(d, *o)
	}
	f.enc = func(e *encoder, x *T, always bool) {
		if o := *p(x); o != nil {
			e.key(key)
			c.encode(e, o)
		}
	}
	f.zero = func(x *T) bool { return *p(x) == nil }
	f.check = func(v *validator, x *T) error { return c.validate(v, *p(x)) }
	f.fill = func(x *T, set bool) {
		if o := *p(x); o != nil {
			c.fill(o)
		}
	}
	return f
}

// fObjs is an array of objects.
func fObjs[T, O any](name string, p func(*T) *[]O, c *codec[O]) field[T] {
	f := field[T]{name: name}
	key := quoteKey(name)
	f.dec = func(d *decoder, x *T) error {
		more, err := d.beginArray()
		if err != nil {
			return err
		}
		s := []O{}
		for n := 0; more; n++ {
			var zero O
			s = append(s, zero)
			if !d.null() {
				if err := c.decode(d, &s[n]); err != nil {
					return atIndex(err, n)
				}
			}
			if more, err = d.nextElement(); err != nil {
				return err
			}
		}
		*p(x) = s
		return nil
	}
	f.enc = func(e *encoder, x *T, always bool) {
		s := *p(x)
		if s == nil {
			return
		}
		e.key(key)
		e.beginArray()
		for i := range s {
			e.elem()
			c.encode(e, &s[i])
		}
		e.endArray()
	}
	f.zero = func(x *T) bool { return *p(x) == nil }
	f.check = func(v *validator, x *T) error {
		s := *p(x)
		for i := range s {
			if err := c.validate(v, &s[i]); err != nil {
				return atIndex(err, i)
			}
		}
		return nil
	}
	f.fill = func(x *T, set bool) {
		s := *p(x)
		for i := range s {
			c.fill(&s[i])
		}
	}
	return f
}

// The computed members of an event class.

func fClassUID[T any](ci *classInfo) field[T] {
	return computed[T]("class_uid", func(d *decoder) error {
		v, err := d.int64()
		if err == nil && v != int64(ci.uid) {
			err = newPathError("class_uid %d is not %d, the class_uid of %s", v, ci.uid, ci.name)
		}
		return err
	}, func(e *encoder, x *T) { e.int32(ci.uid) })
}

func fCategoryUID[T any](ci *classInfo) field[T] {
	return computed[T]("category_uid", func(d *decoder) error {
		v, err := d.int64()
		if err == nil && v != int64(ci.category) {
			err = newPathError("category_uid %d is not %d, the category_uid of %s", v, ci.category, ci.name)
		}
		return err
	}, func(e *encoder, x *T) { e.int32(ci.category) })
}

func fTypeUID[T any]() field[T] {
	return computed[T]("type_uid", func(d *decoder) error {
		v, err := d.int64()
		d.typeUID, d.hasTypeUID = v, err == nil
		return err
	}, func(e *encoder, x *T) { e.int64(any(x).(Event).TypeUID()) })
}

func fCaption[T any](name, caption string) field[T] {
	return computed[T](name, func(d *decoder) error {
		_, err := d.str()
		return err
	}, func(e *encoder, x *T) { e.str(caption) })
}

func computed[T any](name string, dec func(*decoder) error, enc func(*encoder, *T)) field[T] {
	key := quoteKey(name)
	return field[T]{
		name: name,
		dec:  func(d *decoder, x *T) error { return dec(d) },
		enc: func(e *encoder, x *T, always bool) {
			e.key(key)
			enc(e, x)
		},
		zero: func(x *T) bool { return false },
	}
}
