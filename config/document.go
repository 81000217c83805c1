package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Document is a config file held as a YAML node tree, for programs that
// change it: the admin API and "wirefeed import". Edits keep the comments,
// key order and quoting of everything they do not touch; Bytes writes the
// file back with its blank lines.
//
// A Document is not safe for concurrent use.
type Document struct {
	path string
	orig []byte
	doc  *yaml.Node // the document node; Content[0] is the root mapping
}

// Fields is one section or source as a set of config keys and values, as
// decoded from JSON: strings, float64 or json.Number, bools, []any and
// map[string]any. A nil value removes the key.
type Fields map[string]any

// ErrNoSuchEntry is returned when an edit names a section or source the
// document does not hold.
var ErrNoSuchEntry = errors.New("no such entry")

// ErrDuplicateEntry is returned when an added section or source takes an id
// already in use.
var ErrDuplicateEntry = errors.New("id already in use")

// List names a list of entries in a config document.
type List string

// The lists a Document edits.
const (
	Sections List = "sections"
	Sources  List = "sources"
)

// ReadDocument reads the config file at path for editing.
func ReadDocument(path string) (*Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParseDocument(data, path)
}

// ParseDocument parses data, the contents of the config file path, for
// editing. It checks only the YAML syntax; Check validates the config.
func ParseDocument(data []byte, path string) (*Document, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, ErrorList{syntaxError(path, err)}
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode}
	}
	if len(doc.Content) == 0 {
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode}}
	}
	if doc.Content[0].Kind != yaml.MappingNode {
		return nil, ErrorList{{File: path, Line: doc.Content[0].Line, Msg: "the config must be a mapping of keys to values"}}
	}
	return &Document{path: path, orig: data, doc: &doc}, nil
}

// Path is the file the document was read from.
func (d *Document) Path() string { return d.path }

// IDs returns the ids of the entries in list, in order.
func (d *Document) IDs(list List) []string {
	seq := d.list(list, false)
	if seq == nil {
		return nil
	}
	ids := make([]string, 0, len(seq.Content))
	for _, item := range seq.Content {
		if v := mappingValue(item, "id"); v != nil {
			ids = append(ids, v.Value)
		}
	}
	return ids
}

// Entry returns the entry of list with the given id as the file holds it
// (defaults are not filled in), decoded as YAML decodes into Go values.
func (d *Document) Entry(list List, id string) (Fields, error) {
	entry := d.find(list, id)
	if entry == nil {
		return nil, fmt.Errorf("%s %q: %w", strings.TrimSuffix(string(list), "s"), id, ErrNoSuchEntry)
	}
	var out Fields
	if err := entry.Decode(&out); err != nil {
		return nil, fmt.Errorf("config: %s %q: %w", list, id, err)
	}
	return out, nil
}

// Add appends an entry to list. fields must hold its "id".
func (d *Document) Add(list List, fields Fields) error {
	id, _ := fields["id"].(string)
	if id == "" {
		return fmt.Errorf("%s: an entry needs an \"id\"", list)
	}
	if d.find(list, id) != nil {
		return fmt.Errorf("%s %q: %w", strings.TrimSuffix(string(list), "s"), id, ErrDuplicateEntry)
	}
	entry := &yaml.Node{Kind: yaml.MappingNode}
	if err := d.setFields(entry, fields, list, false); err != nil {
		return err
	}
	seq := d.list(list, true)
	// "sources: []" or a one-line list grows into a block list, one key a
	// line, as the rest of the file is written.
	seq.Style &^= yaml.FlowStyle
	seq.Content = append(seq.Content, entry)
	return nil
}

// Replace sets every key of the entry with the given id to fields: keys
// left out are removed, comments on keys kept are kept. An "id" in fields
// renames the entry.
func (d *Document) Replace(list List, id string, fields Fields) error {
	entry := d.find(list, id)
	if entry == nil {
		return fmt.Errorf("%s %q: %w", strings.TrimSuffix(string(list), "s"), id, ErrNoSuchEntry)
	}
	if _, ok := fields["id"]; !ok {
		fields = cloneFields(fields)
		fields["id"] = id
	}
	d.unshare(entry)
	materializeMerges(entry) // what is not given goes, merged keys too
	for i := 0; i+1 < len(entry.Content); {
		if _, keep := fields[entry.Content[i].Value]; keep {
			i += 2
			continue
		}
		d.detach(entry.Content[i+1])
		entry.Content = slices.Delete(entry.Content, i, i+2)
	}
	return d.setFields(entry, fields, list, false)
}

// Patch merges fields into the entry with the given id, as a JSON merge
// patch (RFC 7396) would: given keys are set, keys given as nil removed,
// the rest left alone; a mapping given for a mapping is merged the same
// way, key by key.
func (d *Document) Patch(list List, id string, fields Fields) error {
	entry := d.find(list, id)
	if entry == nil {
		return fmt.Errorf("%s %q: %w", strings.TrimSuffix(string(list), "s"), id, ErrNoSuchEntry)
	}
	return d.setFields(entry, fields, list, true)
}

// Delete removes the entry with the given id from list.
func (d *Document) Delete(list List, id string) error {
	seq := d.list(list, false)
	if seq != nil {
		for i, item := range seq.Content {
			if v := mappingValue(item, "id"); v != nil && v.Value == id {
				d.detach(item)
				seq.Content = slices.Delete(seq.Content, i, i+1)
				return nil
			}
		}
	}
	return fmt.Errorf("%s %q: %w", strings.TrimSuffix(string(list), "s"), id, ErrNoSuchEntry)
}

// Bytes encodes the document as YAML, with the blank lines of the file it
// was read from put back where they were.
func (d *Document) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(d.doc); err != nil {
		return nil, fmt.Errorf("config: encode %s: %w", d.path, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("config: encode %s: %w", d.path, err)
	}
	return restoreBlankLines(d.orig, buf.Bytes()), nil
}

// Check validates the document as Parse would validate the file, and
// returns the config it describes.
func (d *Document) Check() (*Config, []byte, error) {
	data, err := d.Bytes()
	if err != nil {
		return nil, nil, err
	}
	cfg, err := Parse(data, d.path)
	if err != nil {
		return nil, nil, err
	}
	return cfg, data, nil
}

// ErrChangedMeanwhile is returned by Save when the file no longer holds what
// the document was read from: someone else saved it in between. Read it
// again and redo the edit.
var ErrChangedMeanwhile = errors.New("the config file changed since it was read")

// Save validates the document and, if it is valid, replaces the file with
// it atomically: a reader, or a crash, sees the old file or the new one,
// never part of either. The file keeps its permissions. It returns the new
// config; a refused document leaves the file untouched, and so does a file
// changed since the document was read (ErrChangedMeanwhile), so that an
// editor's hand edit is never overwritten.
func (d *Document) Save() (*Config, error) {
	cfg, data, err := d.Check()
	if err != nil {
		return nil, err
	}
	// Other wirefeed processes saving the same file (a daemon's admin API,
	// `wirefeed import`) wait for this save; an editor's save is caught by
	// the check just before the rename.
	unlock, err := lockDir(filepath.Dir(d.path))
	if err != nil {
		return nil, fmt.Errorf("config: %s: %w", d.path, err)
	}
	defer unlock()
	unchanged := func() error {
		if current, err := os.ReadFile(d.path); err == nil && !bytes.Equal(current, d.orig) {
			return fmt.Errorf("config: %s: %w", d.path, ErrChangedMeanwhile)
		}
		return nil
	}
	if err := unchanged(); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(d.path, data, unchanged); err != nil {
		return nil, err
	}
	d.orig = data
	return cfg, nil
}

// writeFileAtomic writes data to a temporary file beside path, flushes it
// to disk and renames it over path, unless check, called last thing before
// the rename, refuses.
func writeFileAtomic(path string, data []byte, check func() error) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if err := check(); err != nil {
			return err
		}
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		dir.Sync() // make the rename itself durable; not every file system can
		dir.Close()
	}
	return nil
}

// list returns the sequence node of list, creating it if create is set.
func (d *Document) list(list List, create bool) *yaml.Node {
	root := d.doc.Content[0]
	if v := mappingValue(root, string(list)); v != nil {
		if r := resolve(v); r.Kind == yaml.SequenceNode {
			return r
		}
		if !create {
			return nil
		}
		// "sources:" with nothing after it is null: make it a list.
		*v = yaml.Node{Kind: yaml.SequenceNode, HeadComment: v.HeadComment, LineComment: v.LineComment}
		return v
	}
	if !create {
		return nil
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: string(list)}, seq)
	return seq
}

// find returns the mapping of the entry of list with the given id.
func (d *Document) find(list List, id string) *yaml.Node {
	seq := d.list(list, false)
	if seq == nil {
		return nil
	}
	for _, item := range seq.Content {
		if v := mappingValue(item, "id"); v != nil && v.Value == id {
			return item
		}
	}
	return nil
}

// mappingValue returns the value of key in mapping m, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setFields sets each of fields in mapping m: an existing key keeps its
// place and comments, a new key goes where the config reference lists it,
// a nil value removes the key. What m shares with other entries through
// anchors, aliases and merge keys is un-shared first (see unshare.go), so
// that no other entry changes.
func (d *Document) setFields(m *yaml.Node, fields Fields, list List, merge bool) error {
	d.unshare(m)
	for k := range fields {
		if hasMergedKey(m, k) {
			materializeMerges(m)
			break
		}
	}
	order := keyOrder(list)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return rank(order, a) - rank(order, b) })
	for _, k := range keys {
		v := fields[k]
		at := -1
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == k {
				at = i
				break
			}
		}
		if v == nil {
			if at >= 0 {
				d.detach(m.Content[at+1])
				m.Content = slices.Delete(m.Content, at, at+2)
			}
			continue
		}
		if nested, ok := v.(map[string]any); ok && merge && at >= 0 && resolve(m.Content[at+1]).Kind == yaml.MappingNode {
			// A merge patch merges mappings key by key ("categories":
			// {"Sports": null} removes one category), in a mapping of
			// this entry's own.
			own := ownCopy(m.Content[at+1])
			m.Content[at+1] = own
			if err := d.setFields(own, Fields(nested), "", true); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			continue
		}
		value, err := valueNode(v)
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		if at >= 0 {
			old := m.Content[at+1]
			d.detach(old)
			value.LineComment, value.FootComment = old.LineComment, old.FootComment
			m.Content[at+1] = value
			continue
		}
		pos := len(m.Content)
		for i := 0; i+1 < len(m.Content); i += 2 {
			if rank(order, m.Content[i].Value) > rank(order, k) {
				pos = i
				break
			}
		}
		m.Content = slices.Insert(m.Content, pos, keyNode(k), value)
	}
	return nil
}

// valueNode encodes a JSON-decoded value as a YAML node: lists of plain
// values in flow style ("[nation, politics]"), mappings in block style.
func valueNode(v any) (*yaml.Node, error) {
	switch v := v.(type) {
	case json.Number:
		n := &yaml.Node{}
		if _, err := v.Int64(); err != nil {
			if err := n.Encode(v.String()); err != nil {
				return nil, err
			}
			return n, nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: v.String()}, nil
	case float64:
		if v == float64(int64(v)) {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(int64(v))}, nil
		}
	case []any:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, item := range v {
			n, err := valueNode(item)
			if err != nil {
				return nil, err
			}
			if n.Kind != yaml.ScalarNode {
				seq.Style = 0
			}
			seq.Content = append(seq.Content, n)
		}
		return seq, nil
	case map[string]any:
		m := &yaml.Node{Kind: yaml.MappingNode}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			n, err := valueNode(v[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			m.Content = append(m.Content, keyNode(k), n)
		}
		return m, nil
	}
	n := &yaml.Node{}
	if err := n.Encode(v); err != nil {
		return nil, fmt.Errorf("cannot write %T in a config file", v)
	}
	return n, nil
}

// keyNode is a mapping key holding k exactly: quoted where YAML would read
// it otherwise, and in double quotes when it holds a line break (a block
// scalar cannot be a key).
func keyNode(k string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}
	if strings.ContainsAny(k, "\r\n\u0085\u2028\u2029") {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// keyOrder lists the keys of an entry of list in the order the config
// reference gives them, which is the order of the struct's fields.
func keyOrder(list List) []string {
	var t reflect.Type
	switch list {
	case Sections:
		t = reflect.TypeFor[Section]()
	case Sources:
		t = reflect.TypeFor[Source]()
	default:
		return nil
	}
	var keys []string
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// rank is the place of key in order; unknown keys go last.
func rank(order []string, key string) int {
	if i := slices.Index(order, key); i >= 0 {
		return i
	}
	return len(order)
}

func cloneFields(f Fields) Fields {
	out := make(Fields, len(f)+1)
	for k, v := range f {
		out[k] = v
	}
	return out
}
