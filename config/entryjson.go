package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// EntryJSON returns the entry of list with the given id as a JSON object
// with its keys in the order the file gives them, as the file holds it
// (defaults are not filled in).
func (d *Document) EntryJSON(list List, id string) ([]byte, error) {
	entry := d.find(list, id)
	if entry == nil {
		return nil, fmt.Errorf("%s %q: %w", strings.TrimSuffix(string(list), "s"), id, ErrNoSuchEntry)
	}
	var buf bytes.Buffer
	if err := writeNodeJSON(&buf, entry, 0); err != nil {
		return nil, fmt.Errorf("config: %s %q: %w", list, id, err)
	}
	return buf.Bytes(), nil
}

// writeNodeJSON writes n as JSON, mappings with their keys in order.
func writeNodeJSON(buf *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > 64 {
		return fmt.Errorf("nested too deeply")
	}
	n = resolve(n)
	if n.Kind == yaml.MappingNode && hasMergeKeys(n) {
		// Merged keys are shown as reading the file gives them.
		n = copyNode(n, nil)
		materializeMerges(n)
	}
	switch n.Kind {
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				buf.WriteByte(',')
			}
			key, _ := json.Marshal(resolve(n.Content[i]).Value)
			buf.Write(key)
			buf.WriteByte(':')
			if err := writeNodeJSON(buf, n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, item := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeNodeJSON(buf, item, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default:
		var v any
		if err := n.Decode(&v); err != nil {
			return err
		}
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		buf.Write(data)
	}
	return nil
}
