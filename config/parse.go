package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"wirefeed/netguard"
)

// Load reads the config file at path and parses it with Parse.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(data, path)
}

// Parse decodes a YAML config, applies the defaults and validates it.
// filename is used in error messages and kept as Config.Path.
//
// A refused config yields a nil *Config and an ErrorList naming every
// problem found, each with its file, line and key.
func Parse(data []byte, filename string) (*Config, error) {
	return parse(data, filename, func(string) bool { return true })
}

// parse is Parse reporting only the validation problems of keys keep
// accepts.
func parse(data []byte, filename string, keep func(key string) bool) (*Config, error) {
	d := &decoder{file: filename, lines: map[string]int{}, budget: maxNodes}
	root, err := parseYAML(data)
	if err != nil {
		return nil, ErrorList{syntaxError(filename, err)}
	}
	var cfg Config
	if root != nil {
		d.decode(root, reflect.ValueOf(&cfg).Elem(), "")
		d.lines[""] = root.Line
	}
	cfg.applyDefaults(d.isSet)
	// Validation errors about values that failed to decode are noise.
	for _, e := range cfg.validate(filename, d.lines) {
		if !d.failedAt(e.Key) && keep(e.Key) {
			d.errs = append(d.errs, e)
		}
	}
	if len(d.errs) > 0 {
		return nil, d.errs.sorted()
	}
	cfg.Path = filename
	cfg.prepare(d.lines)
	return &cfg, nil
}

// parseYAML returns the root node of the single document in data, or nil for
// an empty document.
func parseYAML(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, fmt.Errorf("yaml: line %d: a config file holds one YAML document, found a second", next.Line)
	case !errors.Is(err, io.EOF):
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// syntaxError turns yaml.v3's "yaml: line N: msg" into an *Error.
func syntaxError(file string, err error) *Error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Msg: msg[len(m[0]):]}
	}
	return &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// maxNodes bounds how many nodes one config may expand to, so that aliases
// referring to aliases cannot blow up decoding.
const maxNodes = 100_000

// decoder fills a Config from a yaml.Node tree, much as yaml.v3 would with
// KnownFields(true), but it records the line of every key path it sees and
// collects every error instead of stopping or losing the key's path.
//
// Key paths look like "fetch.timeout", "sources[1].sections[0]" and
// `sources[0].categories["Politics"]`; "" is the whole document.
type decoder struct {
	file   string
	lines  map[string]int // key path -> line of its value; null values are left out
	errs   ErrorList
	failed []string // key paths whose value could not be decoded
	budget int      // nodes left to decode before giving up
}

// isSet reports whether the key path had a non-null value.
func (d *decoder) isSet(key string) bool {
	_, ok := d.lines[key]
	return ok
}

func (d *decoder) errorf(line int, key, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// fail records an error about a value that could not be decoded.
func (d *decoder) fail(line int, key, format string, args ...any) {
	d.errorf(line, key, format, args...)
	d.failed = append(d.failed, key)
}

// failedAt reports whether key is, or is inside, a value that failed to decode.
func (d *decoder) failedAt(key string) bool {
	for _, f := range d.failed {
		if f == "" || key == f || strings.HasPrefix(key, f+".") || strings.HasPrefix(key, f+"[") {
			return true
		}
	}
	return false
}

// spend counts one more node and reports whether the budget allows it.
func (d *decoder) spend(line int) bool {
	d.budget--
	if d.budget == -1 {
		d.fail(line, "", "document too large (more than %d values once aliases are expanded)", maxNodes)
	}
	return d.budget >= 0
}

// decode stores node n into v, which must be addressable.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, key string) {
	n = resolve(n)
	if !d.spend(n.Line) || isNull(n) {
		return
	}
	d.lines[key] = n.Line
	if u, ok := v.Addr().Interface().(yaml.Unmarshaler); ok {
		if err := u.UnmarshalYAML(n); err != nil {
			d.fail(n.Line, key, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, key)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n.Line, key, "want a list, got %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", key, i))
		}
		v.Set(s)
	case reflect.Map:
		d.decodeMap(n, v, key)
	case reflect.Bool:
		// yaml.v3 reads YAML 1.1's yes/no/on/off, even quoted, as
		// booleans; a reader of the file may not, so only true and false
		// are taken.
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || (n.Value != "true" && n.Value != "false") {
			d.fail(n.Line, key, "want true or false (unquoted), got %s", describe(n))
			return
		}
		v.SetBool(n.Value == "true")
	default:
		// yaml.v3 would truncate 1.5 to 1 in an int; refuse it instead.
		wrongInt := v.CanInt() && n.ShortTag() != "!!int"
		if n.Kind != yaml.ScalarNode || wrongInt || n.Decode(v.Addr().Interface()) != nil {
			d.fail(n.Line, key, "want %s, got %s", kindName(v.Kind()), describe(n))
		}
	}
}

// decodeStruct decodes a mapping into a struct by the fields' yaml tags.
func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, key string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n.Line, key, "want a mapping, got %s", describe(n))
		return
	}
	fields := map[string]int{}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.IsExported() && name != "" && name != "-" {
			fields[name] = i
		}
	}
	for _, p := range d.pairs(n, key, func(k string) string { return joinKey(key, k) }) {
		i, ok := fields[p.key.Value]
		if !ok {
			d.errorf(p.key.Line, key, "unknown key %q", p.key.Value)
			continue
		}
		d.decode(p.value, v.Field(i), joinKey(key, p.key.Value))
	}
}

// decodeMap decodes a mapping into a map with string keys.
func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, key string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n.Line, key, "want a mapping, got %s", describe(n))
		return
	}
	entryKey := func(k string) string { return key + "[" + strconv.Quote(k) + "]" }
	m := reflect.MakeMap(v.Type())
	for _, p := range d.pairs(n, key, entryKey) {
		k := entryKey(p.key.Value)
		d.lines[k] = p.key.Line // kept even when the value is null
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(p.value, elem, k)
		m.SetMapIndex(reflect.ValueOf(p.key.Value).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
}

type pair struct{ key, value *yaml.Node }

// pairs returns the key/value pairs of mapping n with merge keys ("<<")
// expanded, reporting duplicate and non-string keys. keyPath names a key in
// error messages.
func (d *decoder) pairs(n *yaml.Node, parent string, keyPath func(string) string) []pair {
	var own, merged []pair
	seen := map[string]int{} // key -> line
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if !d.spend(k.Line) {
			return nil
		}
		switch {
		case isMergeKey(k):
			merged = append(merged, d.mergePairs(v, parent, keyPath)...)
		case k.Kind != yaml.ScalarNode:
			d.errorf(k.Line, parent, "keys must be strings, got %s", describe(k))
		case seen[k.Value] > 0:
			d.errorf(k.Line, keyPath(k.Value), "key given twice (first at line %d)", seen[k.Value])
		default:
			seen[k.Value] = k.Line
			own = append(own, pair{k, v})
		}
	}
	// Keys written in the mapping itself override merged ones; among merged
	// mappings the first one to give a key wins.
	var out []pair
	for _, p := range merged {
		if seen[p.key.Value] == 0 {
			seen[p.key.Value] = p.key.Line
			out = append(out, p)
		}
	}
	return append(out, own...)
}

// mergePairs returns the pairs a merge key's value ("<<: *x" or
// "<<: [*x, *y]") contributes.
func (d *decoder) mergePairs(v *yaml.Node, parent string, keyPath func(string) string) []pair {
	v = resolve(v)
	if v.Kind == yaml.MappingNode {
		return d.pairs(v, parent, keyPath)
	}
	if v.Kind == yaml.SequenceNode {
		var out []pair
		for _, item := range v.Content {
			if item = resolve(item); item.Kind == yaml.MappingNode {
				out = append(out, d.pairs(item, parent, keyPath)...)
			} else {
				d.errorf(item.Line, keyPath("<<"), "can only merge mappings, got %s", describe(item))
			}
		}
		return out
	}
	d.errorf(v.Line, keyPath("<<"), "can only merge mappings, got %s", describe(v))
	return nil
}

// UnmarshalYAML accepts one string or a list of strings.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	n = resolve(n)
	switch {
	case isNull(n):
		*l = nil
	case n.Kind == yaml.ScalarNode:
		*l = StringList{n.Value}
	case n.Kind == yaml.SequenceNode:
		list := make(StringList, 0, len(n.Content))
		for _, item := range n.Content {
			item = resolve(item)
			if item.Kind != yaml.ScalarNode || isNull(item) {
				return fmt.Errorf("want a string or a list of strings, got %s in the list", describe(item))
			}
			list = append(list, item.Value)
		}
		*l = list
	default:
		return fmt.Errorf("want a string or a list of strings, got %s", describe(n))
	}
	return nil
}

// UnmarshalYAML accepts a Go duration string such as "30s", "10m" or
// "1h30m" (and "0").
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a duration such as \"30s\", got %s", describe(n))
	}
	v, err := time.ParseDuration(strings.TrimSpace(n.Value))
	if err != nil {
		return fmt.Errorf("invalid duration %q: want a number with a unit, such as \"30s\", \"10m\" or \"1h30m\"", n.Value)
	}
	*d = Duration(v)
	return nil
}

// UnmarshalYAML accepts a CIDR prefix or a single IP address.
func (n *Network) UnmarshalYAML(node *yaml.Node) error {
	node = resolve(node)
	if node.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a network such as \"10.0.0.0/8\" or an address, got %s", describe(node))
	}
	p, err := netguard.ParseNetwork(node.Value)
	if err != nil {
		return err
	}
	*n = Network(p)
	return nil
}

// MarshalYAML writes n as "10.0.0.0/8".
func (n Network) MarshalYAML() (any, error) { return n.String(), nil }

// MarshalYAML writes d as a duration string such as "30s".
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// String formats d like time.Duration does, e.g. "1m30s".
func (d Duration) String() string { return time.Duration(d).String() }

// resolve follows aliases to the node they refer to.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func isMergeKey(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "<<" && (n.Tag == "" || n.Tag == "!" || n.ShortTag() == "!!merge")
}

func joinKey(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// describe names what a node holds, for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

// kindName names what a Go field of kind k wants, for error messages.
func kindName(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	}
	return "a " + k.String()
}

// sorted orders l by line, keeping the order of errors on one line, and
// drops exact repeats (which merged aliases can produce).
func (l ErrorList) sorted() ErrorList {
	slices.SortStableFunc(l, func(a, b *Error) int { return a.Line - b.Line })
	return slices.CompactFunc(l, func(a, b *Error) bool { return *a == *b })
}
