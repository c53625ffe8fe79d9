package main

// This file writes the Go code of package ocsf from a resolved schema: one
// struct per class and per object the classes reach, typed enums with their
// captions, and the codec tables (codec.go in package ocsf) that decode,
// encode and validate them without reflection.

import (
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Classes are the OCSF classes of the hosted system's Event union that the
// public schema defines (its Synqly extension classes and "Software Info"
// 5090 have no public schema).
var Classes = []string{
	"account_change", "api_activity", "application_lifecycle", "application_security_posture_finding",
	"authentication", "authorize_session", "base_event", "cloud_resources_inventory_info",
	"compliance_finding", "config_state", "detection_finding", "dns_activity", "email_activity",
	"entity_management", "file_activity", "file_hosting", "group_management", "http_activity",
	"incident_finding", "inventory_info", "module_activity", "network_activity", "process_activity",
	"scan_activity", "scheduled_job_activity", "security_finding", "software_info", "user_access",
	"vulnerability_finding", "web_resource_access_activity",
}

// computed are the members of an event class that the codec writes from the
// class itself (codec.initClass), so they are not struct fields.
var computed = map[string]bool{"class_uid": true, "category_uid": true, "type_uid": true, "class_name": true, "category_name": true}

type emitter struct {
	s       *schema
	classes []*item
	objects []*item // reached from the classes, by name
	base    map[string]bool
	enums   map[string]*enumType // by owner + "." + attribute
	enumSeq []*enumType
	names   map[string]string // Go type name by schema item name
}

type enumType struct {
	Go     string // Go type name
	Attr   string
	Values []int32
	Caps   []string
	Descs  []string
	Consts []string
	sig    string
}

func emit(s *schema, out string) error {
	e := &emitter{s: s, enums: map[string]*enumType{}, names: map[string]string{}}
	if err := e.plan(); err != nil {
		return err
	}
	files := map[string]string{
		"zz_enums.go":   e.enumsFile(),
		"zz_objects.go": e.objectsFile(),
		"zz_classes.go": e.classesFile(),
	}
	for name, src := range files {
		b, err := format.Source([]byte(src))
		if err != nil {
			os.WriteFile(filepath.Join(out, name+".broken"), []byte(src), 0o644)
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (e *emitter) plan() error {
	for _, n := range Classes {
		c, ok := e.s.classes[n]
		if !ok {
			return fmt.Errorf("schema %s has no class %s", e.s.version, n)
		}
		e.classes = append(e.classes, c)
	}
	seen := map[string]bool{}
	var visit func(it *item) error
	visit = func(it *item) error {
		for _, a := range it.Attributes {
			if a.Type != "object_t" || a.ObjectType == "object" || seen[a.ObjectType] {
				continue
			}
			o, ok := e.s.objects[a.ObjectType]
			if !ok {
				return fmt.Errorf("%s.%s: undefined object %s", it.Name, a.Name, a.ObjectType)
			}
			seen[a.ObjectType] = true
			e.objects = append(e.objects, o)
			if err := visit(o); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range e.classes {
		if err := visit(c); err != nil {
			return err
		}
	}
	sort.Slice(e.objects, func(i, j int) bool { return e.objects[i].Name < e.objects[j].Name })
	used := map[string]bool{"Base": true, "Event": true, "Events": true, "Timestamp": true}
	for _, it := range append(slices.Clone(e.classes), e.objects...) {
		g := goName(it.Name)
		if used[g] {
			return fmt.Errorf("two types named %s", g)
		}
		used[g] = true
		e.names[it.Name] = g
	}

	// Base holds the base_event attributes that every class defines the
	// same way; the rest (activity_id always) are the classes' own.
	e.base = map[string]bool{}
	for name, a := range e.s.classes["base_event"].Attributes {
		if computed[name] || name == "activity_id" {
			continue
		}
		same := true
		for _, c := range e.classes {
			b, ok := c.Attributes[name]
			if !ok || b.Type != a.Type || b.ObjectType != a.ObjectType || b.IsArray != a.IsArray || enumSig(b) != enumSig(a) || b.Sibling != a.Sibling {
				same = false
				break
			}
		}
		e.base[name] = same
	}

	// Enums: an attribute name whose enum is the same everywhere gets one
	// type named for it (SeverityID); otherwise base_event's variant keeps
	// the bare name and each other variant is named for the first item, by
	// name, that has it (DeviceTypeID, OSTypeID).
	type use struct {
		owner string
		a     *attribute
	}
	byAttr := map[string][]use{}
	add := func(owner string, it *item) {
		for _, a := range it.Attributes {
			if a.Type == "integer_t" && len(a.Enum) > 0 && !computed[a.Name] {
				if owner != "Base" && e.base[a.Name] && isClass(it) {
					continue
				}
				byAttr[a.Name] = append(byAttr[a.Name], use{owner, a})
			}
		}
	}
	add("Base", e.s.classes["base_event"])
	for _, it := range append(slices.Clone(e.classes), e.objects...) {
		add(e.names[it.Name], it)
	}
	for _, attr := range sortedKeys(byAttr) {
		uses := byAttr[attr]
		if !e.base[attr] {
			uses = slices.DeleteFunc(uses, func(u use) bool { return u.owner == "Base" })
		}
		if attr == "activity_id" {
			// Every class has its own activities, named for it.
			for _, u := range uses {
				name := u.owner + "ActivityID"
				used[name] = true
				t := newEnumType(name, attr, u.a)
				e.enums[u.owner+"."+attr] = t
				e.enumSeq = append(e.enumSeq, t)
			}
			continue
		}
		count := map[string]int{}
		first := map[string]string{}
		for _, u := range uses {
			sig := enumSig(u.a)
			count[sig]++
			if f, ok := first[sig]; !ok || u.owner < f {
				first[sig] = u.owner
			}
		}
		sigs := sortedKeys(count)
		sort.SliceStable(sigs, func(i, j int) bool {
			if count[sigs[i]] != count[sigs[j]] {
				return count[sigs[i]] > count[sigs[j]]
			}
			return first[sigs[i]] < first[sigs[j]]
		})
		// The variant of base_event, where it has one, is the canonical one
		// and keeps the bare name (StatusID: Unknown, Success, Failure).
		baseSig := "-"
		if a, ok := e.s.classes["base_event"].Attributes[attr]; ok {
			baseSig = enumSig(a)
		}
		bySig := map[string]*enumType{}
		for _, sig := range sigs {
			name := goName(attr)
			if len(sigs) > 1 && sig != baseSig {
				name = first[sig] + name
			}
			for used[name] {
				name += "Enum"
			}
			used[name] = true
			var a *attribute
			for _, u := range uses {
				if enumSig(u.a) == sig {
					a = u.a
					break
				}
			}
			t := newEnumType(name, attr, a)
			bySig[sig] = t
			e.enumSeq = append(e.enumSeq, t)
		}
		for _, u := range uses {
			e.enums[u.owner+"."+attr] = bySig[enumSig(u.a)]
		}
		if e.base[attr] {
			e.enums["Base."+attr] = bySig[enumSig(e.s.classes["base_event"].Attributes[attr])]
		}
	}
	return nil
}

func isClass(it *item) bool { return it.Category != "" || it.Name == "base_event" }

func enumSig(a *attribute) string {
	if a.Type != "integer_t" || len(a.Enum) == 0 {
		return ""
	}
	var b strings.Builder
	for _, k := range sortedEnumKeys(a.Enum) {
		fmt.Fprintf(&b, "%d=%s;", k, a.Enum[strconv.Itoa(int(k))].Caption)
	}
	return b.String()
}

func sortedEnumKeys(m map[string]enumValue) []int32 {
	var ks []int32
	for k := range m {
		v, err := strconv.ParseInt(k, 10, 32)
		if err != nil {
			panic(fmt.Sprintf("enum key %q is not an int32", k))
		}
		ks = append(ks, int32(v))
	}
	slices.Sort(ks)
	return ks
}

func newEnumType(name, attr string, a *attribute) *enumType {
	t := &enumType{Go: name, Attr: attr}
	used := map[string]bool{}
	for _, k := range sortedEnumKeys(a.Enum) {
		ev := a.Enum[strconv.Itoa(int(k))]
		t.Values = append(t.Values, k)
		t.Caps = append(t.Caps, ev.Caption)
		t.Descs = append(t.Descs, ev.Description)
		c := name + camel(ev.Caption)
		if c == name || used[c] {
			c = name + camel(ev.Caption) + strconv.Itoa(int(k))
		}
		used[c] = true
		t.Consts = append(t.Consts, c)
	}
	return t
}

// enumOf returns the enum type of attribute a of the item whose Go name is
// owner (or of Base).
func (e *emitter) enumOf(owner string, a *attribute) *enumType {
	if a.Type != "integer_t" || len(a.Enum) == 0 || computed[a.Name] {
		return nil
	}
	t := e.enums[owner+"."+a.Name]
	if t == nil {
		panic("no enum for " + owner + "." + a.Name)
	}
	return t
}

func (e *emitter) header() string {
	return "// Code generated by ocsf/internal/gen from OCSF schema " + e.s.version + "; DO NOT EDIT.\n\npackage ocsf\n\n"
}

func (e *emitter) enumsFile() string {
	var b strings.Builder
	b.WriteString(e.header())
	for _, t := range e.enumSeq {
		fmt.Fprintf(&b, "// %s is the enum of the OCSF attribute %s.\ntype %s int32\n\n", t.Go, t.Attr, t.Go)
		fmt.Fprintf(&b, "// The values of %s.\nconst (\n", t.Go)
		for i, c := range t.Consts {
			if d := docText(t.Descs[i], 160); d != "" {
				fmt.Fprintf(&b, "\t// %s: %s\n", c, d)
			}
			fmt.Fprintf(&b, "\t%s %s = %d\n", c, t.Go, t.Values[i])
		}
		b.WriteString(")\n\n")
		tv := "enum" + t.Go
		fmt.Fprintf(&b, "var %s = newEnum(%q, []int32{", tv, t.Attr)
		for i, v := range t.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%d", v)
		}
		b.WriteString("}, []string{")
		for i, c := range t.Caps {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", c)
		}
		b.WriteString("})\n\n")
		fmt.Fprintf(&b, "// Caption returns the schema's caption of v, or \"\" if v is not one of its values.\nfunc (v %s) Caption() string { return %s.caption(int32(v)) }\n\n", t.Go, tv)
		fmt.Fprintf(&b, "// String returns the caption of v, or v as a number if it has none.\nfunc (v %s) String() string { return %s.str(int32(v)) }\n\n", t.Go, tv)
		fmt.Fprintf(&b, "// Valid reports whether v is one of the values of the enum.\nfunc (v %s) Valid() bool { return %s.has(int32(v)) }\n\n", t.Go, tv)
	}
	return b.String()
}

// field is one generated struct field and its codec entry.
type genField struct {
	attr   *attribute
	goName string
	goType string
	ctor   string // the codec constructor call, with %s for the receiver type
}

func (e *emitter) fields(owner string, it *item, skip func(string) bool) []genField {
	var fs []genField
	for _, name := range sortedKeys(it.Attributes) {
		if skip(name) {
			continue
		}
		a := it.Attributes[name]
		f := genField{attr: a, goName: goName(name)}
		get := func(t string) string { return fmt.Sprintf("func(x *%%[1]s) *%s { return &x.%s }", t, f.goName) }
		q := strconv.Quote(name)
		var sib func(string) string
		if s, ok := it.Attributes[a.Sibling]; ok && a.Sibling != "" && s.Type == "string_t" && s.IsArray == a.IsArray && !computed[a.Sibling] {
			sib = func(t string) string {
				return fmt.Sprintf("func(x *%%[1]s) *%s { return &x.%s }", t, goName(a.Sibling))
			}
		}
		if et := e.enumOf(owner, a); et != nil {
			if a.IsArray {
				f.goType = "[]" + et.Go
				s := "nil"
				if sib != nil {
					s = sib("[]string")
				}
				f.ctor = fmt.Sprintf("fEnums(%s, %s, &enum%s, %s)", q, get(f.goType), et.Go, s)
			} else {
				f.goType = et.Go
				s := "nil"
				if sib != nil {
					s = sib("string")
				}
				f.ctor = fmt.Sprintf("fEnum(%s, %s, &enum%s, %s)", q, get(f.goType), et.Go, s)
			}
			fs = append(fs, f)
			continue
		}
		base := e.baseType(a.Type)
		switch {
		case a.Type == "object_t" && a.ObjectType == "object", base == "json_t":
			if a.IsArray {
				f.goType, f.ctor = "[]json.RawMessage", fmt.Sprintf("fRaws(%s, %s)", q, get("[]json.RawMessage"))
			} else {
				f.goType, f.ctor = "json.RawMessage", fmt.Sprintf("fRaw(%s, %s)", q, get("json.RawMessage"))
			}
		case a.Type == "object_t":
			o := e.names[a.ObjectType]
			if a.IsArray {
				f.goType, f.ctor = "[]"+o, fmt.Sprintf("fObjs(%s, %s, &codec%s)", q, get("[]"+o), o)
			} else {
				f.goType, f.ctor = "*"+o, fmt.Sprintf("fObj(%s, %s, &codec%s)", q, get("*"+o), o)
			}
		default:
			var t, c string
			switch {
			case a.Type == "timestamp_t":
				t, c = "Timestamp", "fTime"
			case base == "string_t":
				t, c = "string", "fStr"
			case base == "integer_t":
				t, c = "int", "fInt"
			case base == "long_t":
				t, c = "int64", "fLong"
			case base == "float_t":
				t, c = "float64", "fFloat"
			case base == "boolean_t":
				t, c = "bool", "fBool"
			default:
				panic(fmt.Sprintf("%s.%s: type %s", it.Name, name, a.Type))
			}
			if a.IsArray {
				arr := map[string]string{"fStr": "fStrs", "fInt": "fInts", "fFloat": "fFloats"}[c]
				if arr == "" {
					panic(fmt.Sprintf("%s.%s: array of %s", it.Name, name, a.Type))
				}
				t, c = "[]"+t, arr
			}
			f.goType, f.ctor = t, fmt.Sprintf("%s(%s, %s)", c, q, get(t))
		}
		fs = append(fs, f)
	}
	return fs
}

// baseType follows a dictionary type to its primitive (port_t → integer_t).
func (e *emitter) baseType(t string) string {
	for range 8 {
		d, ok := e.s.types[t].(jobj)
		if !ok {
			return t
		}
		p, _ := d["type"].(string)
		if p == "" {
			return t
		}
		t = p
	}
	return t
}

func (e *emitter) structFields(b *strings.Builder, fs []genField) {
	for _, f := range fs {
		a := f.attr
		doc := a.Caption
		if d := docText(a.Description, 200); d != "" {
			doc += ": " + d
		}
		req := a.Requirement
		if len(a.Profiles) > 0 {
			req += ", profile " + strings.Join(a.Profiles, " or ")
		}
		fmt.Fprintf(b, "\t// %s (%s; %s)\n", doc, a.Name, req)
		if a.Deprecated != nil {
			msg, _ := a.Deprecated["message"].(string)
			fmt.Fprintf(b, "\t//\n\t// Deprecated: %s\n", docText(msg, 200))
		}
		fmt.Fprintf(b, "\t%s %s\n", f.goName, f.goType)
	}
}

func (e *emitter) rules(it *item, fs []genField, extra []*attribute) string {
	var b strings.Builder
	b.WriteString("rules{")
	var req []string
	for _, a := range extra {
		if a.Requirement == "required" {
			req = append(req, reqEntry(a))
		}
	}
	for _, f := range fs {
		if f.attr.Requirement == "required" {
			req = append(req, reqEntry(f.attr))
		}
	}
	sort.Strings(req)
	if len(req) > 0 {
		b.WriteString("required: [][]string{" + strings.Join(req, ", ") + "}, ")
	}
	for _, k := range []string{"at_least_one", "just_one"} {
		if l := it.Constraints[k]; len(l) > 0 {
			q := make([]string, len(l))
			for i, n := range l {
				q[i] = strconv.Quote(n)
			}
			fmt.Fprintf(&b, "%s: [][]string{{%s}}, ", map[string]string{"at_least_one": "atLeastOne", "just_one": "justOne"}[k], strings.Join(q, ", "))
		}
	}
	b.WriteString("}")
	return b.String()
}

func reqEntry(a *attribute) string {
	parts := []string{strconv.Quote(a.Name)}
	for _, p := range a.Profiles {
		parts = append(parts, strconv.Quote(p))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func words(n int) int { return (n + 63) / 64 }

func (e *emitter) objectsFile() string {
	var b strings.Builder
	b.WriteString(e.header())
	b.WriteString("import \"encoding/json\"\n\n")
	for _, o := range e.objects {
		g := e.names[o.Name]
		fs := e.fields(g, o, func(string) bool { return false })
		fmt.Fprintf(&b, "// %s is the OCSF object %s (%s).", g, o.Name, o.Caption)
		if d := docText(o.Description, 400); d != "" {
			fmt.Fprintf(&b, " %s", d)
		}
		b.WriteString("\n")
		if o.Deprecated != nil {
			msg, _ := o.Deprecated["message"].(string)
			fmt.Fprintf(&b, "//\n// Deprecated: %s\n", docText(msg, 200))
		}
		fmt.Fprintf(&b, "type %s struct {\n", g)
		e.structFields(&b, fs)
		b.WriteString("\t// Extra holds the members the schema does not define, as they were decoded.\n\tExtra map[string]json.RawMessage\n")
		fmt.Fprintf(&b, "\tpresent [%d]uint64\n}\n\n", words(len(fs)))
		fmt.Fprintf(&b, "var codec%s codec[%s]\n\n", g, g)
		fmt.Fprintf(&b, "// MarshalJSON encodes the object as OCSF JSON.\nfunc (x *%s) MarshalJSON() ([]byte, error) { return codec%s.marshal(x) }\n\n", g, g)
		fmt.Fprintf(&b, "// UnmarshalJSON decodes OCSF JSON into x, replacing its contents.\nfunc (x *%s) UnmarshalJSON(b []byte) error { *x = %s{}; return codec%s.unmarshal(b, x) }\n\n", g, g, g)
		fmt.Fprintf(&b, "// Validate checks the required attributes and enum values of the object and of the objects in it.\nfunc (x *%s) Validate() error { return codec%s.validateTop(x) }\n\n", g, g)
	}
	for _, o := range e.objects {
		g := e.names[o.Name]
		fs := e.fields(g, o, func(string) bool { return false })
		b.WriteString(e.fastEncoder(g, fs, func(f genField) bool { return f.attr.Requirement == "required" }, nil))
	}
	b.WriteString("func init() {\n")
	for _, o := range e.objects {
		g := e.names[o.Name]
		fs := e.fields(g, o, func(string) bool { return false })
		fmt.Fprintf(&b, "\tcodec%s.fast = fast%s\n", g, g)
		fmt.Fprintf(&b, "\tcodec%s.init(%q, func(x *%s) (*map[string]json.RawMessage, []uint64) { return &x.Extra, x.present[:] }, %s,\n", g, o.Name, g, e.rules(o, fs, nil))
		for _, f := range fs {
			fmt.Fprintf(&b, "\t\t"+f.ctor+",\n", g)
		}
		b.WriteString("\t)\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func (e *emitter) classesFile() string {
	var b strings.Builder
	b.WriteString(e.header())
	b.WriteString("import \"encoding/json\"\n\n")
	be := e.s.classes["base_event"]
	baseFields := e.fields("Base", be, func(n string) bool { return !e.base[n] })
	b.WriteString("// Base holds the attributes that every event class of this package defines the same way (those of OCSF's base_event). Each class embeds it.\ntype Base struct {\n")
	e.structFields(&b, baseFields)
	b.WriteString("}\n\n")
	for _, c := range e.classes {
		g := e.names[c.Name]
		own := e.fields(g, c, func(n string) bool { return computed[n] || e.base[n] })
		cat := e.s.categories[c.Category]
		catCaption := cat.Caption
		if c.Name == "base_event" {
			catCaption = "Uncategorized"
		}
		fmt.Fprintf(&b, "// %s is the OCSF event class %s (%s, class_uid %d, category %s).", g, c.Name, c.Caption, c.UID, catCaption)
		if d := docText(c.Description, 400); d != "" {
			fmt.Fprintf(&b, " %s", d)
		}
		b.WriteString("\n")
		if c.Deprecated != nil {
			msg, _ := c.Deprecated["message"].(string)
			fmt.Fprintf(&b, "//\n// Deprecated: %s\n", docText(msg, 200))
		}
		fmt.Fprintf(&b, "type %s struct {\n\tBase\n", g)
		e.structFields(&b, own)
		b.WriteString("\t// Extra holds the members the schema does not define, as they were decoded.\n\tExtra map[string]json.RawMessage\n")
		fmt.Fprintf(&b, "\tpresent [%d]uint64\n}\n\n", words(len(own)+len(baseFields)+len(computed)))
		ci := "class" + g
		act := e.enums[g+".activity_id"]
		fmt.Fprintf(&b, "var %s = classInfo{uid: %d, category: %d, name: %q, categoryName: %q, activity: &enum%s}\n\n", ci, c.UID, c.CategoryUID, c.Caption, catCaption, act.Go)
		fmt.Fprintf(&b, "var codec%s codec[%s]\n\n", g, g)
		fmt.Fprintf(&b, "// ClassUID returns %d.\nfunc (x *%s) ClassUID() int32 { return %d }\n\n", c.UID, g, c.UID)
		fmt.Fprintf(&b, "// CategoryUID returns %d.\nfunc (x *%s) CategoryUID() int32 { return %d }\n\n", c.CategoryUID, g, c.CategoryUID)
		fmt.Fprintf(&b, "// TypeUID returns class_uid*100 + activity_id.\nfunc (x *%s) TypeUID() int64 { return %d*100 + int64(x.ActivityID) }\n\n", g, c.UID)
		fmt.Fprintf(&b, "// ClassName returns %q.\nfunc (x *%s) ClassName() string { return %q }\n\n", c.Caption, g, c.Caption)
		fmt.Fprintf(&b, "// CategoryName returns %q.\nfunc (x *%s) CategoryName() string { return %q }\n\n", catCaption, g, catCaption)
		fmt.Fprintf(&b, "// EventBase returns the attributes x shares with every class.\nfunc (x *%s) EventBase() *Base { return &x.Base }\n\n", g)
		fmt.Fprintf(&b, "// Validate checks the required attributes and enum values of the event and of every object in it.\nfunc (x *%s) Validate() error { return codec%s.validateTop(x) }\n\n", g, g)
		fmt.Fprintf(&b, "// FillCaptions sets the empty captions of the enum attributes that have a value, here and below.\nfunc (x *%s) FillCaptions() { codec%s.fill(x) }\n\n", g, g)
		fmt.Fprintf(&b, "// MarshalJSON encodes the event as OCSF JSON, with its class_uid, category_uid and type_uid.\nfunc (x *%s) MarshalJSON() ([]byte, error) { return codec%s.marshal(x) }\n\n", g, g)
		fmt.Fprintf(&b, "// UnmarshalJSON decodes OCSF JSON into x, replacing its contents. Its class_uid must be %d.\nfunc (x *%s) UnmarshalJSON(b []byte) error { *x = %s{}; return codec%s.unmarshal(b, x) }\n\n", c.UID, g, g, g)
		fmt.Fprintf(&b, "func (x *%s) encodeTo(e *encoder) { codec%s.encode(e, x) }\n\n", g, g)
		fmt.Fprintf(&b, "func (x *%s) decodeFrom(d *decoder) error { return codec%s.decodeEvent(d, x) }\n\n", g, g)
	}
	b.WriteString("// newEvent returns a new event of the class with this class_uid, or nil.\nfunc newEvent(uid int64) codecEvent {\n\tswitch uid {\n")
	for _, c := range e.classes {
		fmt.Fprintf(&b, "\tcase %d:\n\t\treturn new(%s)\n", c.UID, e.names[c.Name])
	}
	b.WriteString("\t}\n\treturn nil\n}\n\n")
	b.WriteString("// ClassUIDs lists the class_uid of every event class of the package, in order.\nvar ClassUIDs = []int32{")
	uids := []int{}
	for _, c := range e.classes {
		uids = append(uids, c.UID)
	}
	slices.Sort(uids)
	for i, u := range uids {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", u)
	}
	b.WriteString("}\n\n")
	for _, c := range e.classes {
		g := e.names[c.Name]
		own := e.fields(g, c, func(n string) bool { return computed[n] || e.base[n] })
		all := append(slices.Clone(baseFields), own...)
		b.WriteString(e.fastEncoder(g, all, func(f genField) bool { return c.Attributes[f.attr.Name].Requirement == "required" }, c))
	}
	b.WriteString("func init() {\n")
	for _, c := range e.classes {
		g := e.names[c.Name]
		own := e.fields(g, c, func(n string) bool { return computed[n] || e.base[n] })
		fmt.Fprintf(&b, "\tcodec%s.fast = fast%s\n", g, g)
		// The rules of a class see its own definition of the Base attributes
		// (a class may require what base_event recommends).
		var baseAttrs []*attribute
		for _, f := range baseFields {
			baseAttrs = append(baseAttrs, c.Attributes[f.attr.Name])
		}
		fmt.Fprintf(&b, "\tcodec%s.initClass(&class%s, %q, func(x *%s) (*map[string]json.RawMessage, []uint64) { return &x.Extra, x.present[:] }, %s,\n", g, g, c.Name, g, e.rules(c, own, baseAttrs))
		for _, f := range baseFields {
			fmt.Fprintf(&b, "\t\t"+f.ctor+",\n", g)
		}
		for _, f := range own {
			fmt.Fprintf(&b, "\t\t"+f.ctor+",\n", g)
		}
		b.WriteString("\t)\n")
	}
	b.WriteString("}\n")
	return b.String()
}

var (
	tagRE   = regexp.MustCompile(`<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// docText makes a schema description fit a Go comment: no HTML, one line,
// at most about max bytes, cut at a sentence or word.
func docText(s string, max int) string {
	s = tagRE.ReplaceAllString(s, "")
	for _, r := range [][2]string{{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", `"`}, {"&nbsp;", " "}} {
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	s = strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
	if len(s) <= max {
		return s
	}
	if i := strings.Index(s, ". "); i > 0 && i < max {
		return s[:i+1]
	}
	cut := strings.LastIndexByte(s[:max], ' ')
	if cut <= 0 {
		cut = max
	}
	return strings.TrimRight(s[:cut], ",;:") + "…"
}

var initialisms = map[string]string{
	"id": "ID", "uid": "UID", "url": "URL", "uri": "URI", "ip": "IP", "dns": "DNS", "http": "HTTP", "https": "HTTPS",
	"api": "API", "os": "OS", "cve": "CVE", "cwe": "CWE", "cvss": "CVSS", "tls": "TLS", "ssl": "SSL", "mac": "MAC",
	"uuid": "UUID", "json": "JSON", "xml": "XML", "html": "HTML", "cpu": "CPU", "ram": "RAM", "pid": "PID",
	"tid": "TID", "ttl": "TTL", "sql": "SQL", "smb": "SMB", "rdp": "RDP", "ssh": "SSH", "ftp": "FTP", "ntp": "NTP",
	"dhcp": "DHCP", "ldap": "LDAP", "sid": "SID", "iam": "IAM", "vpc": "VPC", "imei": "IMEI", "bios": "BIOS",
	"cpe": "CPE", "epss": "EPSS", "kev": "KEV", "ocsf": "OCSF", "sha": "SHA", "md5": "MD5", "vm": "VM", "sbom": "SBOM",
	"ja4": "JA4", "mfa": "MFA", "saml": "SAML", "oauth": "OAuth", "ssid": "SSID", "vlan": "VLAN", "asn": "ASN",
	"isp": "ISP", "tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "guid": "GUID", "hw": "HW", "ou": "OU", "dn": "DN",
	"crn": "CRN", "arn": "ARN", "lat": "Lat", "sso": "SSO", "kb": "KB", "spf": "SPF", "dkim": "DKIM", "dmarc": "DMARC",
	"smtp": "SMTP", "cname": "CNAME", "sni": "SNI", "x509": "X509", "ec2": "EC2", "mitre": "MITRE", "cis": "CIS",
	"ioc": "IOC", "tlp": "TLP", "edr": "EDR", "av": "AV", "dlp": "DLP", "cpes": "CPEs", "ids": "IDs", "uids": "UIDs",
	"ips": "IPs", "urls": "URLs", "src": "Src", "dst": "Dst", "dt": "DT", "osint": "OSINT", "ai": "AI", "llm": "LLM",
}

// goName turns a snake_case schema name into an exported Go name.
func goName(s string) string {
	var b strings.Builder
	for _, w := range strings.Split(s, "_") {
		if w == "" {
			continue
		}
		if i, ok := initialisms[w]; ok {
			b.WriteString(i)
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// camel turns an enum caption ("In Progress", "AMBER STRICT", "N/A") into
// the suffix of a Go constant.
func camel(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if r > unicode.MaxASCII {
				continue
			}
			if up {
				b.WriteRune(unicode.ToUpper(r))
			} else {
				b.WriteRune(r)
			}
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// encField is one member of a type's fast encoder: its JSON name and the
// statement that writes it, given its presence bit (word, mask).
type encField struct {
	name string
	code func(word int, mask uint64) string
}

// fastEncoder returns the source of fast<T>, which opens the object and
// writes its modeled members as codec.encode does, in the codec's order
// (by name), as straight-line code without the tables' per-field calls;
// codec.encode then adds the Extra members and closes it. required
// says which fields the codec writes even when zero (required scalars).
// class, when not nil, adds the class's computed members.
func (e *emitter) fastEncoder(g string, fs []genField, required func(genField) bool, class *item) string {
	var list []encField
	for _, f := range fs {
		f := f
		kind := f.ctor[:strings.IndexByte(f.ctor, '(')]
		key := fmt.Sprintf("%q", strconv.Quote(f.attr.Name)+":")
		fld := "x." + f.goName
		req := required(f)
		if class != nil && f.attr.Name == "type_name" {
			list = append(list, encField{f.attr.Name, func(w int, m uint64) string {
				return fmt.Sprintf("if s := x.TypeName; true {\n\tif s == \"\" {\n\t\ts = codec%s.typeName(x)\n\t}\n\tif s != \"\" || p[%d]&%#x != 0 {\n\t\te.key(%s)\n\t\te.str(s)\n\t}\n}\n", g, w, m, key)
			}})
			continue
		}
		scalar := map[string][2]string{
			"fInt": {"0", "e.int(v)"}, "fLong": {"0", "e.int64(v)"}, "fTime": {"0", "e.timestamp(v)"},
			"fFloat": {"0", "e.float64(v)"}, "fBool": {"false", "e.bool(v)"}, "fEnum": {"0", "e.int32(int32(v))"},
		}
		lists := map[string]string{"fStrs": "e.str(v)", "fInts": "e.int(v)", "fFloats": "e.float64(v)", "fEnums": "e.int32(int32(v))", "fRaws": "e.raw(v)"}
		switch {
		case kind == "fStr":
			list = append(list, encField{f.attr.Name, func(w int, m uint64) string {
				return fmt.Sprintf("if v := %s; v != \"\" || p[%d]&%#x != 0 {\n\te.key(%s)\n\te.str(v)\n}\n", fld, w, m, key)
			}})
		case scalar[kind] != [2]string{}:
			s := scalar[kind]
			list = append(list, encField{f.attr.Name, func(w int, m uint64) string {
				always := fmt.Sprintf("p[%d]&%#x != 0", w, m)
				if req {
					always = "true"
				}
				return fmt.Sprintf("if v := %s; v != %s || %s {\n\te.key(%s)\n\t%s\n}\n", fld, s[0], always, key, s[1])
			}})
		case lists[kind] != "":
			wr := lists[kind]
			list = append(list, encField{f.attr.Name, func(int, uint64) string {
				return fmt.Sprintf("if s := %s; s != nil {\n\te.key(%s)\n\te.beginArray()\n\tfor _, v := range s {\n\t\te.elem()\n\t\t%s\n\t}\n\te.endArray()\n}\n", fld, key, wr)
			}})
		case kind == "fRaw":
			list = append(list, encField{f.attr.Name, func(int, uint64) string {
				return fmt.Sprintf("if v := %s; v != nil {\n\te.key(%s)\n\te.raw(v)\n}\n", fld, key)
			}})
		case kind == "fObj":
			o := strings.TrimPrefix(f.goType, "*")
			list = append(list, encField{f.attr.Name, func(int, uint64) string {
				return fmt.Sprintf("if o := %s; o != nil {\n\te.key(%s)\n\tcodec%s.encode(e, o)\n}\n", fld, key, o)
			}})
		case kind == "fObjs":
			o := strings.TrimPrefix(f.goType, "[]")
			list = append(list, encField{f.attr.Name, func(int, uint64) string {
				return fmt.Sprintf("if s := %s; s != nil {\n\te.key(%s)\n\te.beginArray()\n\tfor i := range s {\n\t\te.elem()\n\t\tcodec%s.encode(e, &s[i])\n\t}\n\te.endArray()\n}\n", fld, key, o)
			}})
		default:
			panic("fastEncoder: field kind " + kind)
		}
	}
	if class != nil {
		k := func(n string) string { return fmt.Sprintf("%q", strconv.Quote(n)+":") }
		list = append(list,
			encField{"class_uid", func(int, uint64) string { return fmt.Sprintf("e.key(%s)\ne.int32(%d)\n", k("class_uid"), class.UID) }},
			encField{"category_uid", func(int, uint64) string {
				return fmt.Sprintf("e.key(%s)\ne.int32(%d)\n", k("category_uid"), class.CategoryUID)
			}},
			encField{"type_uid", func(int, uint64) string { return fmt.Sprintf("e.key(%s)\ne.int64(x.TypeUID())\n", k("type_uid")) }},
			encField{"class_name", func(int, uint64) string {
				return fmt.Sprintf("e.key(%s)\ne.str(class%s.name)\n", k("class_name"), g)
			}},
			encField{"category_name", func(int, uint64) string {
				return fmt.Sprintf("e.key(%s)\ne.str(class%s.categoryName)\n", k("category_name"), g)
			}},
		)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	var b strings.Builder
	fmt.Fprintf(&b, "func fast%s(e *encoder, x *%s) {\n\tp := &x.present\n\t_ = p\n\te.beginObject()\n", g, g)
	for i, f := range list {
		b.WriteString(f.code(i>>6, 1<<(i&63)))
	}
	b.WriteString("}\n\n")
	return b.String()
}
