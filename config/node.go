package config

import (
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Where several daemons share a PostgreSQL database, the site's config
// (sources, sections, rules, schedules, fetch and retention settings, the
// site's URL) is one document kept in the database, and each daemon's own
// file holds only what is its own: where it listens, its database, its
// admin API token and address, its logging. nodeKeys are those keys.
var nodeKeys = []string{"server.listen", "server.max_connections", "storage", "admin", "log"}

// isNodeKey reports whether a key path belongs to the daemon's own file.
func isNodeKey(key string) bool {
	for _, k := range nodeKeys {
		if key == k || strings.HasPrefix(key, k+".") || strings.HasPrefix(key, k+"[") {
			return true
		}
	}
	return false
}

// ParseNode parses a daemon's own config file where the site's config
// lives in the database: only its node keys (server.listen,
// server.max_connections, storage, admin, log) are validated, and the rest
// may be absent. (A complete config file also parses, as the seed of the
// site's config.)
func ParseNode(data []byte, filename string) (*Config, error) {
	return parse(data, filename, isNodeKey)
}

// WithNode returns the config a daemon runs on: c, the site's config, with
// node's own keys (see ParseNode) in place of c's.
func (c *Config) WithNode(node *Config) *Config {
	out := *c
	out.Server.Listen = node.Server.Listen
	out.Server.MaxConnections = node.Server.MaxConnections
	out.Storage = node.Storage
	out.Admin = node.Admin
	out.Log = node.Log
	return &out
}

// LoadNode reads a daemon's own config file (see ParseNode).
func LoadNode(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParseNode(data, path)
}

// DropNodeKeys removes the daemon's own keys (see ParseNode) from the
// document, leaving what the daemons of a site share: a file pushed to the
// database as the site's config keeps its listen address, database and
// secrets to itself.
func (d *Document) DropNodeKeys() {
	root := d.doc.Content[0]
	for _, key := range nodeKeys {
		parent, name := root, key
		if dot := strings.IndexByte(key, '.'); dot >= 0 {
			parent, name = mappingValue(root, key[:dot]), key[dot+1:]
		}
		removeKey(parent, name)
	}
	// A section left empty ("server:" with base_url gone too) goes.
	for _, key := range []string{"server"} {
		if m := mappingValue(root, key); m != nil && m.Kind == yaml.MappingNode && len(m.Content) == 0 {
			removeKey(root, key)
		}
	}
}

// removeKey deletes key and its value from mapping m, if there.
func removeKey(m *yaml.Node, key string) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}
