package main

// This file resolves an OCSF schema checkout into flat classes and objects,
// the way the reference compiler (github.com/ocsf/ocsf-schema-compiler) does
// for the base schema without extensions:
//
//   - "$include" of profiles and attribute includes are merged under the
//     including item's own attribute details, and profile attributes are
//     marked with the profile's name ("profiles");
//   - "extends" chains are flattened (the child's details win; enums merge);
//   - classes without a uid and objects whose name starts with "_" are
//     hidden (they exist only to be extended);
//   - class_uid = category_uid*1000 + uid;
//   - every timestamp_t attribute gets a datetime_t sibling named <name>_dt
//     in the "datetime" profile;
//   - the observable object's type_id enum is gathered from every
//     "observable" annotation;
//   - each attribute is finally the dictionary's definition with the item's
//     details deep-merged over it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

type jobj = map[string]any

// schema is a resolved schema.
type schema struct {
	version    string
	categories map[string]category // by name
	classes    map[string]*item    // visible classes, by name
	objects    map[string]*item    // visible objects, by name
	rawClasses map[string]jobj     // every class as read, for "extends" chains
	rawObjects map[string]jobj
	dictionary jobj // dictionary attributes (enriched)
	types      jobj // dictionary types
}

type category struct {
	Name    string
	UID     int
	Caption string
}

// item is a resolved class or object.
type item struct {
	Name        string
	Caption     string
	Description string
	Extends     string
	UID         int // class: category-scoped class_uid
	CategoryUID int
	Category    string // category name, for classes
	Deprecated  jobj
	Constraints map[string][]string
	Attributes  map[string]*attribute
}

// attribute is one resolved attribute of a class or object.
type attribute struct {
	Name        string
	Caption     string
	Description string
	Type        string // a dictionary type (string_t, ...) or "object_t"
	ObjectType  string // for object_t
	IsArray     bool
	Requirement string   // required, recommended, optional
	Profiles    []string // nil: not gated by a profile
	Enum        map[string]enumValue
	Sibling     string
	Deprecated  jobj
}

type enumValue struct {
	Caption     string
	Description string
}

type compiler struct {
	dir          string
	version      string
	categories   jobj
	dict         jobj
	types        jobj
	classes      map[string]jobj
	objects      map[string]jobj
	profiles     map[string]jobj
	includeCache map[string]jobj
	observables  map[string]jobj
	rawClasses   map[string]jobj
	rawObjects   map[string]jobj
}

func compileSchema(dir string) (*schema, error) {
	c := &compiler{dir: dir, includeCache: map[string]jobj{}, observables: map[string]jobj{}}
	if err := c.read(); err != nil {
		return nil, err
	}
	if err := c.run(); err != nil {
		return nil, err
	}
	return c.result()
}

func readJSONFile(path string) (jobj, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v jobj
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if v == nil {
		return nil, fmt.Errorf("%s: not a JSON object", path)
	}
	return v, nil
}

func (c *compiler) read() error {
	v, err := readJSONFile(filepath.Join(c.dir, "version.json"))
	if err != nil {
		return fmt.Errorf("reading the schema version (is %s a schema checkout?): %w", c.dir, err)
	}
	c.version, _ = v["version"].(string)
	cats, err := readJSONFile(filepath.Join(c.dir, "categories.json"))
	if err != nil {
		return err
	}
	c.categories = asObj(cats["attributes"])
	dict, err := readJSONFile(filepath.Join(c.dir, "dictionary.json"))
	if err != nil {
		return err
	}
	c.dict = asObj(dict["attributes"])
	c.types = asObj(asObj(dict["types"])["attributes"])
	if c.classes, err = c.readItems("events", true); err != nil {
		return err
	}
	if c.objects, err = c.readItems("objects", true); err != nil {
		return err
	}
	if c.profiles, err = c.readItems("profiles", false); err != nil {
		return err
	}
	// Keep the unresolved items for their "extends" chains.
	c.rawClasses = map[string]jobj{}
	for n, it := range c.classes {
		c.rawClasses[n] = deepCopy(it).(jobj)
	}
	c.rawObjects = map[string]jobj{}
	for n, it := range c.objects {
		c.rawObjects[n] = deepCopy(it).(jobj)
	}
	return nil
}

// readItems reads the *.json files under kind, recursively, keyed by name.
func (c *compiler) readItems(kind string, upgrade bool) (map[string]jobj, error) {
	items := map[string]jobj{}
	root := filepath.Join(c.dir, kind)
	err := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() || !strings.HasSuffix(path, ".json") {
			return nil
		}
		it, err := readJSONFile(path)
		if err != nil {
			return err
		}
		name, _ := it["name"].(string)
		if name == "" {
			return fmt.Errorf("%s: no name", path)
		}
		if _, dup := items[name]; dup {
			return fmt.Errorf("%s: a second %s named %q", path, kind, name)
		}
		items[name] = it
		rel, _ := filepath.Rel(c.dir, path)
		if upgrade {
			// "profile": x becomes "profiles": [x]; "profile": null
			// becomes "profiles": null (not gated by any profile).
			for _, a := range asObj(it["attributes"]) {
				ad, ok := a.(jobj)
				if !ok {
					continue
				}
				if p, ok := ad["profile"]; ok {
					if p == nil {
						ad["profiles"] = nil
					} else {
						ad["profiles"] = []any{p}
					}
					delete(ad, "profile")
				}
			}
		} else {
			c.includeCache[filepath.ToSlash(rel)] = it
		}
		return nil
	})
	return items, err
}

func (c *compiler) run() error {
	for _, name := range sortedKeys(c.classes) {
		if err := c.resolveIncludes(c.classes[name]); err != nil {
			return fmt.Errorf("class %s: %w", name, err)
		}
	}
	for _, name := range sortedKeys(c.objects) {
		if err := c.resolveIncludes(c.objects[name]); err != nil {
			return fmt.Errorf("object %s: %w", name, err)
		}
	}
	// Dictionary attributes whose type is not a dictionary type are objects.
	for name, a := range c.dict {
		ad := asObj(a)
		t, _ := ad["type"].(string)
		if _, ok := c.types[t]; !ok {
			if _, ok := c.objects[t]; !ok {
				return fmt.Errorf("dictionary attribute %s: undefined type %q", name, t)
			}
			ad["type"] = "object_t"
			ad["object_type"] = t
		}
	}
	if err := c.gatherObservables(); err != nil {
		return err
	}
	if err := c.resolveExtends(c.classes); err != nil {
		return err
	}
	for name, cl := range c.classes {
		if _, ok := cl["uid"]; !ok && name != "base_event" {
			delete(c.classes, name)
		}
	}
	if err := c.enrichClasses(); err != nil {
		return err
	}
	if err := c.resolveExtends(c.objects); err != nil {
		return err
	}
	for name := range c.objects {
		if strings.HasPrefix(name, "_") {
			delete(c.objects, name)
		}
	}
	// datetime_t siblings of timestamp_t dictionary attributes.
	_, hasDT := c.types["datetime_t"]
	_, hasDTProfile := c.profiles["datetime"]
	addDT := hasDT && hasDTProfile
	if addDT {
		add := jobj{}
		for name, a := range c.dict {
			ad := asObj(a)
			if ad["type"] == "timestamp_t" {
				s := deepCopy(ad).(jobj)
				s["type"] = "datetime_t"
				add[name+"_dt"] = s
			}
		}
		for k, v := range add {
			c.dict[k] = v
		}
	}
	if obs, ok := c.objects["observable"]; ok {
		e := asObj(asObj(asObj(obs["attributes"])["type_id"])["enum"])
		for k, v := range c.observables {
			if _, dup := e[k]; dup {
				return fmt.Errorf("observable type_id %s defined twice", k)
			}
			e[k] = v
		}
	}
	for _, items := range []map[string]jobj{c.objects, c.classes} {
		for name, it := range items {
			attrs := asObj(it["attributes"])
			add := jobj{}
			for an, a := range attrs {
				ad := asObj(a)
				if _, ok := c.dict[an]; !ok {
					return fmt.Errorf("%s: attribute %s is not in the dictionary", name, an)
				}
				t, ok := ad["type"].(string)
				if !ok {
					t, _ = asObj(c.dict[an])["type"].(string)
				}
				if addDT && t == "timestamp_t" {
					s := deepCopy(ad).(jobj)
					s["profiles"] = []any{"datetime"}
					s["requirement"] = "optional"
					add[an+"_dt"] = s
				}
			}
			for k, v := range add {
				attrs[k] = v
			}
			for an, a := range attrs {
				ad := asObj(a)
				if ad["requirement"] == nil {
					ad["requirement"] = "optional"
				}
				n := deepCopy(c.dict[an]).(jobj)
				deepMerge(n, ad)
				attrs[an] = n
			}
		}
	}
	return nil
}

func (c *compiler) resolveIncludes(it jobj) error {
	attrs, ok := it["attributes"].(jobj)
	if !ok {
		attrs = jobj{}
		it["attributes"] = attrs
	}
	if inc, ok := attrs["$include"]; ok {
		delete(attrs, "$include")
		var paths []string
		switch v := inc.(type) {
		case string:
			paths = []string{v}
		case []any:
			for _, p := range v {
				s, ok := p.(string)
				if !ok {
					return fmt.Errorf("$include: not a string")
				}
				paths = append(paths, s)
			}
		default:
			return fmt.Errorf("$include: not a string or array")
		}
		for _, p := range paths {
			if err := c.mergeAttributesInclude(it, p); err != nil {
				return err
			}
		}
	}
	attrs = it["attributes"].(jobj)
	for _, name := range sortedKeys(attrs) {
		ad, ok := attrs[name].(jobj)
		if !ok {
			continue
		}
		inc, ok := ad["$include"]
		if !ok {
			continue
		}
		delete(ad, "$include")
		p, ok := inc.(string)
		if !ok {
			return fmt.Errorf("attribute %s: $include: not a string", name)
		}
		incl, err := c.include(p)
		if err != nil {
			return err
		}
		n := deepCopy(incl).(jobj)
		deepMerge(n, ad)
		attrs[name] = n
	}
	return nil
}

func (c *compiler) include(p string) (jobj, error) {
	p = filepath.ToSlash(filepath.Clean(p))
	if v, ok := c.includeCache[p]; ok {
		return v, nil
	}
	v, err := readJSONFile(filepath.Join(c.dir, filepath.FromSlash(p)))
	if err != nil {
		return nil, err
	}
	c.includeCache[p] = v
	return v, nil
}

func (c *compiler) mergeAttributesInclude(it jobj, p string) error {
	inc, err := c.include(p)
	if err != nil {
		return err
	}
	ia, ok := inc["attributes"].(jobj)
	if !ok {
		return nil
	}
	attrs := deepCopy(ia).(jobj)
	if inc["meta"] == "profile" {
		pname, _ := inc["name"].(string)
		for _, a := range attrs {
			asObj(a)["profiles"] = []any{pname}
		}
	}
	if ann, ok := inc["annotations"].(jobj); ok {
		for _, a := range attrs {
			ad := asObj(a)
			for k, v := range ann {
				if _, ok := ad[k]; !ok {
					ad[k] = deepCopy(v)
				}
			}
		}
	}
	mergeAttributes(attrs, asObj(it["attributes"]))
	it["attributes"] = attrs
	return nil
}

// mergeAttributes merges src's attributes over dst's.
func mergeAttributes(dst, src jobj) {
	for _, name := range sortedKeys(src) {
		sa := src[name]
		if da, ok := dst[name]; ok {
			mergeAttributeDetail(asObj(da), asObj(sa))
		} else {
			dst[name] = sa
		}
	}
}

// mergeAttributeDetail merges one attribute's details over another's. The
// reference compiler walks the keys in file order, in which "profiles"
// (added by the compiler) always comes last; so do we.
func mergeAttributeDetail(dst, src jobj) {
	keys := sortedKeys(src)
	sort.SliceStable(keys, func(i, j int) bool { return keys[i] != "profiles" && keys[j] == "profiles" })
	for _, k := range keys {
		sv := src[k]
		dv, ok := dst[k]
		switch {
		case !ok:
			dst[k] = sv
		case jsonEqual(sv, dv):
		case k == "profiles":
			if sv == nil {
				dst[k] = nil
			} else {
				set := map[string]bool{}
				for _, p := range asList(dv) {
					set[p.(string)] = true
				}
				for _, p := range asList(sv) {
					set[p.(string)] = true
				}
				var l []any
				for _, p := range sortedKeys(set) {
					l = append(l, p)
				}
				dst[k] = l
			}
		case k == "requirement" && src["profiles"] != nil && hasKey(dst, "profiles"):
			dst[k] = rankRequirement(max(requirementRank(dv), requirementRank(sv)))
		default:
			dm, ok1 := dv.(jobj)
			sm, ok2 := sv.(jobj)
			if ok1 && ok2 {
				deepMerge(dm, sm)
			} else {
				dst[k] = sv
			}
		}
	}
}

func (c *compiler) resolveExtends(items map[string]jobj) error {
	done := map[string]bool{}
	var resolve func(name string, depth int) error
	resolve = func(name string, depth int) error {
		if done[name] {
			return nil
		}
		if depth > 64 {
			return fmt.Errorf("%s: extends loop", name)
		}
		it := items[name]
		parent, _ := it["extends"].(string)
		if parent != "" {
			if _, ok := items[parent]; !ok {
				return fmt.Errorf("%s extends undefined %s", name, parent)
			}
			if err := resolve(parent, depth+1); err != nil {
				return err
			}
			n := deepCopy(items[parent]).(jobj)
			for _, k := range sortedKeys(it) {
				v := it[k]
				switch k {
				case "attributes":
					na, ok := n["attributes"].(jobj)
					if !ok {
						na = jobj{}
					}
					mergeAttributes(na, asObj(v))
					n["attributes"] = na
				case "profiles":
					set := map[string]bool{}
					for _, p := range asList(n["profiles"]) {
						set[p.(string)] = true
					}
					for _, p := range asList(v) {
						set[p.(string)] = true
					}
					var l []any
					for _, p := range sortedKeys(set) {
						l = append(l, p)
					}
					if len(l) > 0 {
						n["profiles"] = l
					}
				default:
					n[k] = v
				}
			}
			items[name] = n
		}
		done[name] = true
		return nil
	}
	for _, name := range sortedKeys(items) {
		if err := resolve(name, 0); err != nil {
			return err
		}
	}
	return nil
}

func (c *compiler) enrichClasses() error {
	for name, cl := range c.classes {
		catName, _ := cl["category"].(string)
		catUID := 0
		if cat, ok := c.categories[catName].(jobj); ok {
			catUID = toInt(cat["uid"])
		} else if catName != "other" {
			return fmt.Errorf("class %s: undefined category %q", name, catName)
		}
		uid := catUID*1000 + toInt(cl["uid"])
		cl["uid"] = json.Number(strconv.Itoa(uid))
		cl["category_uid"] = json.Number(strconv.Itoa(catUID))
		attrs := asObj(cl["attributes"])
		act, ok := asObj(attrs["activity_id"])["enum"].(jobj)
		if !ok || len(act) == 0 {
			return fmt.Errorf("class %s: activity_id has no enum", name)
		}
	}
	return nil
}

// gatherObservables collects the observable type_id values the schema
// annotates, before "extends" are resolved (as the reference compiler does).
func (c *compiler) gatherObservables() error {
	add := func(id any, caption, desc string) error {
		k := fmt.Sprint(id)
		if e, dup := c.observables[k]; dup {
			return fmt.Errorf("observable type_id %s: %q and %q", k, e["caption"], caption)
		}
		c.observables[k] = jobj{"caption": caption, "description": desc}
		return nil
	}
	captionOf := func(items map[string]jobj, name string) string {
		for it := items[name]; it != nil; {
			if cp, ok := it["caption"].(string); ok {
				return cp
			}
			p, _ := it["extends"].(string)
			it = items[p]
		}
		return name
	}
	for _, name := range sortedKeys(c.classes) {
		cl := c.classes[name]
		cp := captionOf(c.classes, name)
		attrs := asObj(cl["attributes"])
		for _, an := range sortedKeys(attrs) {
			if o, ok := asObj(attrs[an])["observable"]; ok {
				if err := add(o, cp+" Class: "+an, ""); err != nil {
					return err
				}
			}
		}
		obs := asObj(cl["observables"])
		for _, path := range sortedKeys(obs) {
			if err := add(obs[path], cp+" Class: "+path, ""); err != nil {
				return err
			}
		}
	}
	for _, name := range sortedKeys(c.objects) {
		ob := c.objects[name]
		cp := captionOf(c.objects, name)
		if o, ok := ob["observable"]; ok {
			d, _ := ob["description"].(string)
			if err := add(o, cp, d); err != nil {
				return err
			}
		}
		attrs := asObj(ob["attributes"])
		for _, an := range sortedKeys(attrs) {
			if o, ok := asObj(attrs[an])["observable"]; ok {
				if err := add(o, cp+" Object: "+an, ""); err != nil {
					return err
				}
			}
		}
	}
	for _, src := range []jobj{c.types, c.dict} {
		for _, name := range sortedKeys(src) {
			d := asObj(src[name])
			if o, ok := d["observable"]; ok {
				cp, _ := d["caption"].(string)
				desc, _ := d["description"].(string)
				if err := add(o, cp, desc); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (c *compiler) result() (*schema, error) {
	s := &schema{
		version:    c.version,
		categories: map[string]category{},
		classes:    map[string]*item{},
		objects:    map[string]*item{},
		rawClasses: c.rawClasses,
		rawObjects: c.rawObjects,
		dictionary: c.dict,
		types:      c.types,
	}
	for name, v := range c.categories {
		cd := asObj(v)
		cp, _ := cd["caption"].(string)
		s.categories[name] = category{Name: name, UID: toInt(cd["uid"]), Caption: cp}
	}
	for name, cl := range c.classes {
		it, err := toItem(name, cl)
		if err != nil {
			return nil, err
		}
		it.UID = toInt(cl["uid"])
		it.CategoryUID = toInt(cl["category_uid"])
		it.Category, _ = cl["category"].(string)
		s.classes[name] = it
	}
	for name, ob := range c.objects {
		it, err := toItem(name, ob)
		if err != nil {
			return nil, err
		}
		s.objects[name] = it
	}
	return s, nil
}

func toItem(name string, v jobj) (*item, error) {
	it := &item{Name: name, Attributes: map[string]*attribute{}}
	it.Caption, _ = v["caption"].(string)
	it.Description, _ = v["description"].(string)
	it.Extends, _ = v["extends"].(string)
	it.Deprecated, _ = v["@deprecated"].(jobj)
	if cs, ok := v["constraints"].(jobj); ok {
		it.Constraints = map[string][]string{}
		for k, l := range cs {
			for _, n := range asList(l) {
				it.Constraints[k] = append(it.Constraints[k], n.(string))
			}
		}
	}
	for an, a := range asObj(v["attributes"]) {
		ad := asObj(a)
		at := &attribute{Name: an}
		at.Caption, _ = ad["caption"].(string)
		at.Description, _ = ad["description"].(string)
		at.Type, _ = ad["type"].(string)
		at.ObjectType, _ = ad["object_type"].(string)
		at.IsArray, _ = ad["is_array"].(bool)
		at.Requirement, _ = ad["requirement"].(string)
		at.Sibling, _ = ad["sibling"].(string)
		at.Deprecated, _ = ad["@deprecated"].(jobj)
		if p, ok := ad["profiles"]; ok && p != nil {
			for _, x := range asList(p) {
				at.Profiles = append(at.Profiles, x.(string))
			}
			sort.Strings(at.Profiles)
		}
		if e, ok := ad["enum"].(jobj); ok {
			at.Enum = map[string]enumValue{}
			for k, ev := range e {
				evd := asObj(ev)
				cp, _ := evd["caption"].(string)
				d, _ := evd["description"].(string)
				at.Enum[k] = enumValue{Caption: cp, Description: d}
			}
		}
		if at.Type == "" {
			return nil, fmt.Errorf("%s.%s: no type", name, an)
		}
		it.Attributes[an] = at
	}
	return it, nil
}

func asObj(v any) jobj {
	m, _ := v.(jobj)
	if m == nil {
		return jobj{}
	}
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func hasKey(m jobj, k string) bool {
	_, ok := m[k]
	return ok
}

func toInt(v any) int {
	switch n := v.(type) {
	case json.Number:
		i, _ := strconv.Atoi(n.String())
		return i
	case int:
		return n
	case float64:
		return int(n)
	}
	return 0
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case jobj:
		m := make(jobj, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// deepMerge merges src into dst: objects merge, anything else is replaced.
func deepMerge(dst, src jobj) {
	for k, sv := range src {
		if dv, ok := dst[k]; ok {
			dm, ok1 := dv.(jobj)
			sm, ok2 := sv.(jobj)
			if ok1 && ok2 {
				deepMerge(dm, sm)
				continue
			}
		}
		dst[k] = deepCopy(sv)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func requirementRank(v any) int {
	switch v {
	case "required":
		return 3
	case "recommended":
		return 2
	case "optional":
		return 1
	}
	return 0
}

func rankRequirement(r int) any {
	switch r {
	case 3:
		return "required"
	case 2:
		return "recommended"
	case 1:
		return "optional"
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
