package config

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"wirefeed/internal/textmatch"
)

// Rule is one include or exclude rule of a section. It names one or more
// fields of a story, each with one pattern or a list of them: the rule
// matches a story when every field given matches (AND), and a field
// matches when any of its patterns does (OR). A section's list of rules
// matches when any rule does.
//
// A pattern written between slashes, "/\bFIFA\b/" or "/fifa/i" (i: ignore
// case), is a Go RE2 regular expression; anything else is a keyword or
// phrase, matched regardless of case as a whole word, or as a plain
// substring beside Thai, Lao, Khmer, Myanmar, Chinese, Japanese or Korean
// text (see package textmatch).
//
// Parse compiles the patterns; a Rule built in code has no Conditions and
// matches nothing.
type Rule struct {
	// Title matches the story's title.
	Title Patterns `yaml:"title"`
	// Summary matches the story's summary as text (HTML tags dropped), or
	// its content's text when the summary is empty.
	Summary Patterns `yaml:"summary"`
	// Category matches the partner's own item categories: a keyword equals
	// a category regardless of case and surrounding space, a regular
	// expression matches in any category.
	Category Patterns `yaml:"category"`
	// Source matches the id of the story's source: a keyword is one id
	// exactly, a regular expression matches in the id.
	Source Patterns `yaml:"source"`

	keyPath string      // e.g. "sections[2].include[0]", set by Parse
	line    int         // line of the rule in the file
	conds   []Condition // compiled, cheapest field first
}

// KeyPath returns where the rule is in the config, such as
// "sections[2].include[0]"; "" for a Rule not from Parse.
func (r Rule) KeyPath() string { return r.keyPath }

// Line returns the line of the rule in the config file; 0 if unknown.
func (r Rule) Line() int { return r.line }

// Conditions returns the rule's compiled conditions, one per field given,
// in the order source, category, title, summary (cheapest to check
// first). Every one must match for the rule to match. The slice is shared:
// do not change it.
func (r Rule) Conditions() []Condition { return r.conds }

// Field is a field of a story that rules look at.
type Field uint8

// The fields rules look at, in the order they are checked.
const (
	FieldSource Field = iota
	FieldCategory
	FieldTitle
	FieldSummary
)

var fieldNames = [...]string{"source", "category", "title", "summary"}

// String returns the field's key in the config.
func (f Field) String() string {
	if int(f) < len(fieldNames) {
		return fieldNames[f]
	}
	return fmt.Sprintf("Field(%d)", f)
}

// Condition is one field of a rule: it matches when any of its patterns
// matches the field.
type Condition struct {
	Field Field
	// KeyPath is where the condition is in the config, such as
	// "sections[2].include[0].title".
	KeyPath string
	// Line is its line in the config file.
	Line     int
	Patterns []*textmatch.Pattern
}

// Patterns is the value of a rule's field: one pattern or a list of them,
// as written, each with its line.
type Patterns []PatternText

// PatternText is one pattern as written in the config.
type PatternText struct {
	Text string
	Line int
}

// UnmarshalYAML accepts one string or a non-empty list of strings.
func (p *Patterns) UnmarshalYAML(n *yaml.Node) error {
	n = resolve(n)
	switch {
	case isNull(n):
		*p = nil
	case n.Kind == yaml.ScalarNode:
		*p = Patterns{{Text: n.Value, Line: n.Line}}
	case n.Kind == yaml.SequenceNode:
		if len(n.Content) == 0 {
			return fmt.Errorf("empty list: give one pattern or a list of them")
		}
		list := make(Patterns, 0, len(n.Content))
		for _, item := range n.Content {
			item = resolve(item)
			if item.Kind != yaml.ScalarNode || isNull(item) {
				return fmt.Errorf("want a pattern or a list of patterns, got %s in the list", describe(item))
			}
			list = append(list, PatternText{Text: item.Value, Line: item.Line})
		}
		*p = list
	default:
		return fmt.Errorf("want a pattern or a list of patterns, got %s", describe(n))
	}
	return nil
}

// fields returns the rule's fields in checking order.
func (r *Rule) fields() [4]Patterns {
	return [4]Patterns{FieldSource: r.Source, FieldCategory: r.Category, FieldTitle: r.Title, FieldSummary: r.Summary}
}

// rules checks and compiles a section's include or exclude rules in place.
// key is the list's key path ("sections[2].include").
func (v *validator) rules(key string, rules []Rule, sources []Source) {
	for i := range rules {
		r := &rules[i]
		r.keyPath = fmt.Sprintf("%s[%d]", key, i)
		r.line = v.line(r.keyPath)
		r.conds = nil
		given := false // a field was in the file, even one that failed to decode
		for f, pats := range r.fields() {
			c := Condition{Field: Field(f), KeyPath: r.keyPath + "." + Field(f).String()}
			_, inFile := v.lines[c.KeyPath]
			given = given || inFile
			if len(pats) == 0 {
				continue
			}
			c.Line = v.line(c.KeyPath)
			for j, pt := range pats {
				pkey := c.KeyPath
				if len(pats) > 1 {
					pkey = fmt.Sprintf("%s[%d]", c.KeyPath, j)
				}
				p, err := textmatch.Compile(pt.Text)
				if err == nil && c.Field == FieldSource {
					err = checkSourcePattern(p, sources)
				}
				if err != nil {
					v.errorAt(pt.Line, pkey, "%v", err)
					continue
				}
				c.Patterns = append(c.Patterns, p)
			}
			r.conds = append(r.conds, c)
		}
		if !given {
			v.errorf(r.keyPath, "empty rule: give one or more of title, summary, category and source")
		}
	}
}

// checkSourcePattern refuses a source pattern that can match no source: a
// typo would otherwise silently make the rule match nothing.
func checkSourcePattern(p *textmatch.Pattern, sources []Source) error {
	ids := make([]string, 0, len(sources))
	for _, s := range sources {
		if p.MatchExact(s.ID) {
			return nil
		}
		ids = append(ids, s.ID)
	}
	known := "no sources are defined"
	if len(ids) > 0 {
		slices.Sort(ids)
		known = "sources are " + strings.Join(ids, ", ")
	}
	if kw, ok := p.Keyword(); ok {
		return fmt.Errorf("unknown source %q (%s)", kw, known)
	}
	return fmt.Errorf("%s matches no source id (%s)", p, known)
}
