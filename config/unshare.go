package config

import "go.yaml.in/yaml/v3"

// A YAML file may share one value between entries: an anchor ("categories:
// &cats {...}") used again through an alias ("categories: *cats") or a
// merge key ("<<: *defaults"). An edit must change only the entry it
// names, so before a shared node is changed or removed, the sharing is
// undone: the entry being edited gets its own copy of what it reached
// through an alias, and the other entries get copies of what they reached
// through an alias to the node that changes.

// unshare makes n, which is about to be changed in place, used by nothing
// else: every alias to n elsewhere in the document is replaced by a copy
// of n as it is now, and n loses its anchor.
func (d *Document) unshare(n *yaml.Node) {
	if n.Anchor == "" {
		return
	}
	d.replaceAliases(map[*yaml.Node]bool{n: true}, n, nil)
	n.Anchor = ""
}

// detach prepares the removal of n from the document: every alias outside
// n to a node inside n is replaced by a copy of that node, with any alias
// inside the copy that points into n copied too.
func (d *Document) detach(n *yaml.Node) {
	targets := map[*yaml.Node]bool{}
	walk(n, func(x *yaml.Node) {
		if x.Anchor != "" {
			targets[x] = true
		}
	})
	if len(targets) > 0 {
		d.replaceAliases(targets, n, targets)
	}
}

// replaceAliases replaces each alias to one of targets, outside the
// subtree skip, by a copy of its target (see copyNode for inline).
func (d *Document) replaceAliases(targets map[*yaml.Node]bool, skip *yaml.Node, inline map[*yaml.Node]bool) {
	var visit func(parent *yaml.Node)
	visit = func(parent *yaml.Node) {
		for i, c := range parent.Content {
			if c == skip {
				continue
			}
			if c.Kind == yaml.AliasNode {
				if targets[c.Alias] {
					cp := copyNode(c.Alias, inline)
					cp.HeadComment, cp.LineComment, cp.FootComment = c.HeadComment, c.LineComment, c.FootComment
					parent.Content[i] = cp
				}
				continue
			}
			visit(c)
		}
	}
	visit(d.doc)
}

// ownCopy returns the node n stands for, as a copy of its own when n is an
// alias: what the edited entry reached through an alias becomes its own
// before it is changed.
func ownCopy(n *yaml.Node) *yaml.Node {
	if n.Kind != yaml.AliasNode {
		return n
	}
	cp := copyNode(resolve(n), nil)
	cp.HeadComment, cp.LineComment, cp.FootComment = n.HeadComment, n.LineComment, n.FootComment
	return cp
}

// copyNode returns a deep copy of n without anchors (a copy must not
// define an anchor a second time). Aliases in n are kept as aliases,
// except those to a node in inline, which are copied in their place.
func copyNode(n *yaml.Node, inline map[*yaml.Node]bool) *yaml.Node {
	if n.Kind == yaml.AliasNode && inline[n.Alias] {
		return copyNode(n.Alias, inline)
	}
	cp := *n
	cp.Anchor = ""
	if n.Content != nil {
		cp.Content = make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			cp.Content[i] = copyNode(c, inline)
		}
	}
	return &cp
}

// walk calls fn on n and every node below it, not following aliases.
func walk(n *yaml.Node, fn func(*yaml.Node)) {
	fn(n)
	for _, c := range n.Content {
		walk(c, fn)
	}
}

// materializeMerges writes the keys mapping m takes from merge keys
// ("<<: *defaults") into m itself, as copies, and removes the merge keys,
// so that m can be edited without touching what it merged. Keys of m's
// own win over merged ones, and among merged mappings the first to give a
// key wins, as when the file is read.
func materializeMerges(m *yaml.Node) {
	var own, merged []*yaml.Node
	hasMerge := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if isMergeKey(resolve(m.Content[i])) {
			hasMerge = true
			merged = append(merged, mergedPairs(m.Content[i+1])...)
			continue
		}
		own = append(own, m.Content[i], m.Content[i+1])
	}
	if !hasMerge {
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(own); i += 2 {
		seen[resolve(own[i]).Value] = true
	}
	var out []*yaml.Node
	for i := 0; i+1 < len(merged); i += 2 {
		if k := resolve(merged[i]).Value; !seen[k] {
			seen[k] = true
			out = append(out, copyNode(resolve(merged[i]), nil), copyNode(merged[i+1], nil))
		}
	}
	m.Content = append(out, own...)
}

// mergedPairs returns the key and value nodes a merge key's value
// contributes, merges within it expanded.
func mergedPairs(v *yaml.Node) []*yaml.Node {
	v = resolve(v)
	var maps []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		maps = []*yaml.Node{v}
	case yaml.SequenceNode:
		for _, item := range v.Content {
			if item = resolve(item); item.Kind == yaml.MappingNode {
				maps = append(maps, item)
			}
		}
	}
	var out []*yaml.Node
	for _, mm := range maps {
		cp := copyNode(mm, nil)
		materializeMerges(cp)
		out = append(out, cp.Content...)
	}
	return out
}

// hasMergeKeys reports whether mapping m has a merge key ("<<").
func hasMergeKeys(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if isMergeKey(resolve(m.Content[i])) {
			return true
		}
	}
	return false
}

// hasMergedKey reports whether mapping m gets key only through a merge
// key.
func hasMergedKey(m *yaml.Node, key string) bool {
	if mappingValue(m, key) != nil {
		return false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if isMergeKey(resolve(m.Content[i])) {
			pairs := mergedPairs(m.Content[i+1])
			for j := 0; j+1 < len(pairs); j += 2 {
				if resolve(pairs[j]).Value == key {
					return true
				}
			}
		}
	}
	return false
}
