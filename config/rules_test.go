package config

import (
	"strings"
	"testing"
)

const withRules = `sections:
  - id: news
  - id: sport
    include:
      - title: FIFA
        source: wire
      - category: [Football, /^soccer/i]
    exclude:
      - summary:
          - betting
          - /odds\b/
  - id: headlines
    all: true
sources:
  - id: wire
    url: https://example.com/feed.xml
  - id: jiji
    url: https://example.com/jiji.xml
`

func TestRulesCompiled(t *testing.T) {
	c := mustParse(t, withRules)
	sport := c.Sections[1]
	if len(sport.Include) != 2 || len(sport.Exclude) != 1 {
		t.Fatalf("sport rules: %+v", sport)
	}
	type cond struct {
		field    Field
		key      string
		line     int
		patterns string
	}
	check := func(r Rule, key string, line int, want ...cond) {
		t.Helper()
		if r.KeyPath() != key || r.Line() != line {
			t.Errorf("rule at %s:%d, want %s:%d", r.KeyPath(), r.Line(), key, line)
		}
		got := r.Conditions()
		if len(got) != len(want) {
			t.Fatalf("%s: %d conditions, want %d", key, len(got), len(want))
		}
		for i, w := range want {
			var pats []string
			for _, p := range got[i].Patterns {
				pats = append(pats, p.String())
			}
			if got[i].Field != w.field || got[i].KeyPath != w.key || got[i].Line != w.line || strings.Join(pats, " | ") != w.patterns {
				t.Errorf("%s condition %d = %v %s:%d %q, want %v %s:%d %q", key, i,
					got[i].Field, got[i].KeyPath, got[i].Line, pats, w.field, w.key, w.line, w.patterns)
			}
		}
	}
	// Conditions come cheapest first: source before title.
	check(sport.Include[0], "sections[1].include[0]", 5,
		cond{FieldSource, "sections[1].include[0].source", 6, "wire"},
		cond{FieldTitle, "sections[1].include[0].title", 5, "FIFA"})
	check(sport.Include[1], "sections[1].include[1]", 7,
		cond{FieldCategory, "sections[1].include[1].category", 7, "Football | /^soccer/i"})
	check(sport.Exclude[0], "sections[1].exclude[0]", 9,
		cond{FieldSummary, "sections[1].exclude[0].summary", 10, "betting | /odds\\b/"})
	if !sport.Include[1].Conditions()[0].Patterns[1].IsRegexp() {
		t.Error("/^soccer/i is not a regular expression")
	}
	if sport.Exclude[0].Summary[1] != (PatternText{Text: `/odds\b/`, Line: 11}) {
		t.Errorf("pattern as written = %+v", sport.Exclude[0].Summary[1])
	}
	if got := (Rule{Title: Patterns{{Text: "x"}}}).Conditions(); got != nil {
		t.Errorf("a Rule built in code has conditions %v", got)
	}
	if FieldSummary.String() != "summary" || Field(9).String() != "Field(9)" {
		t.Error("Field.String")
	}
}

func TestRuleErrors(t *testing.T) {
	checkErrors(t, `sections:
  - id: news
    include:
      - titel: FIFA
      - {}
      - title: "/(/"
        source: wirre
      - summary: [x, "//"]
      - source: /^z/
    exclude:
      - title: []
      - category:
          - Sports
          - /x/g
      - title: "\bFIFA\b"
      - title: {a: b}
  - id: top
    all: true
    include: [{title: x}]
  - id: top2
    all: true
    exclude: [{title: x}]
  - id: other
    include: FIFA
  - id: more
    include: [FIFA]
sources:
  - id: wire
    url: https://example.com/
  - id: jiji
    url: https://example.com/j
`,
		`t.yaml:4: sections[0].include[0]: unknown key "titel"`,
		`t.yaml:4: sections[0].include[0]: empty rule: give one or more of title, summary, category and source`,
		`t.yaml:5: sections[0].include[1]: empty rule`,
		`t.yaml:6: sections[0].include[2].title: invalid regular expression /(/: missing closing ): "("`,
		`t.yaml:7: sections[0].include[2].source: unknown source "wirre" (sources are jiji, wire)`,
		`t.yaml:8: sections[0].include[3].summary[1]: empty regular expression`,
		`t.yaml:9: sections[0].include[4].source: /^z/ matches no source id (sources are jiji, wire)`,
		`t.yaml:11: sections[0].exclude[0].title: empty list: give one pattern or a list of them`,
		`t.yaml:14: sections[0].exclude[1].category[1]: unknown flag "g" after the regular expression /x/: only i (ignore case) is allowed`,
		`t.yaml:15: sections[0].exclude[2].title: contains the control character U+0008: in a double-quoted YAML string \b is a backspace; write the pattern unquoted or in 'single quotes'`,
		`t.yaml:16: sections[0].exclude[3].title: want a pattern or a list of patterns, got a mapping`,
		`t.yaml:19: sections[1].include: section "top" has "all: true" and takes every story already; include rules are for the other sections`,
		`t.yaml:22: sections[2].exclude: not supported on section "top2": with "all: true" it lists every published story; add the exclude rule to the sections the story is routed to`,
		`t.yaml:24: sections[3].include: want a list, got "FIFA"`,
		`t.yaml:26: sections[4].include[0]: want a mapping, got "FIFA"`,
	)
	checkErrors(t, "sections:\n  - id: a\n    include:\n      - source: wire\n",
		`t.yaml:4: sections[0].include[0].source: unknown source "wire" (no sources are defined)`)
}

func TestRulesAllowedShapes(t *testing.T) {
	c := mustParse(t, `sections:
  - id: a
    include: []
    exclude:
  - id: b
    include:
      - title: '/\bFIFA\b/i'
        summary: 2026
        category: " Sports "
        source: [wire, /^w/]
sources:
  - id: wire
    url: https://example.com/
`)
	if r := c.Sections[1].Include[0]; len(r.Conditions()) != 4 || r.Summary[0].Text != "2026" {
		t.Errorf("rule = %+v", r)
	}
}
