package route

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"wirefeed/config"
)

// Explanation is how one story was routed: every step in the order taken,
// and the resulting sections.
type Explanation struct {
	// File is the config file the steps' lines refer to.
	File     string
	Steps    []Step
	Sections []string
}

func (e *Explanation) add(s Step) {
	s.File = e.File
	e.Steps = append(e.Steps, s)
}

// String returns the steps as numbered lines, then the sections.
func (e Explanation) String() string {
	var b strings.Builder
	for i, s := range e.Steps {
		fmt.Fprintf(&b, "%d. %s\n", i+1, s)
	}
	if len(e.Sections) == 0 {
		b.WriteString("=> no section\n")
	} else {
		fmt.Fprintf(&b, "=> %s\n", strings.Join(e.Sections, ", "))
	}
	return b.String()
}

// StepKind says what a step did.
type StepKind uint8

// The kinds of steps, in the order routing takes them.
const (
	// UnknownSource: the story's source is not in the config.
	UnknownSource StepKind = iota
	// SourceSections: the source's sections placed the story.
	SourceSections
	// Category: one of the story's categories, and the sections the
	// source's category map gives it (none when it is not listed).
	Category
	// Include: an include rule placed the story in a section.
	Include
	// NoInclude: the sections whose include rules did not match.
	NoInclude
	// Fallback: nothing placed the story, so the source's fallback did.
	Fallback
	// FallbackUnused: the story was placed, the fallback was not needed.
	FallbackUnused
	// Exclude: an exclude rule took the story out of a section.
	Exclude
	// Nowhere: the story ends in no section.
	Nowhere
)

// Step is one step of routing a story.
type Step struct {
	Kind StepKind
	// Sections are the sections the step added (for Exclude: removed; for
	// NoInclude: whose rules did not match; for Nowhere: the fallback not
	// used, if any).
	Sections []string
	// File, Line and KeyPath say where in the config the step's reason is,
	// e.g. "config.yaml", 40, "sections[6].include[0]".
	File    string
	Line    int
	KeyPath string
	// Category is the story's category a Category step is about, and
	// Listed whether the source's category map lists it.
	Category string
	Listed   bool
	// Hits say what each condition of an Include or Exclude rule matched.
	Hits []Hit
	// Source is the unknown source of an UnknownSource step.
	Source string
	// Excluded is set on a Nowhere step when exclude rules emptied the
	// story's sections.
	Excluded bool
}

// Hit is what one condition of a rule matched.
type Hit struct {
	Field   config.Field
	KeyPath string
	Line    int
	// Pattern is the pattern that matched, as written, and Regexp whether
	// it is a regular expression.
	Pattern string
	Regexp  bool
	// Text is the text it matched: the words in the title or summary, the
	// whole category, or the source id.
	Text string
	// InContent is set when a summary rule read the story's content, its
	// summary being empty.
	InContent bool
}

// String describes the step in one line.
func (s Step) String() string {
	list := strings.Join(s.Sections, ", ")
	switch s.Kind {
	case UnknownSource:
		return fmt.Sprintf("source %q is not in the config: no sections, categories or fallback of its own apply", s.Source)
	case SourceSections:
		return fmt.Sprintf("source's sections → %s (%s)", list, s.where())
	case Category:
		switch {
		case !s.Listed:
			return fmt.Sprintf("category %q → no section (%s does not list it)", s.Category, s.KeyPath)
		case len(s.Sections) == 0:
			return fmt.Sprintf("category %q → no section (%s maps it to none)", s.Category, s.where())
		}
		return fmt.Sprintf("category %q → %s (%s)", s.Category, list, s.where())
	case Include:
		return fmt.Sprintf("include → %s (%s): %s", list, s.where(), hits(s.Hits))
	case NoInclude:
		return fmt.Sprintf("include rules of %s: none matched", list)
	case Fallback:
		return fmt.Sprintf("fallback → %s (%s): nothing above placed the story", list, s.where())
	case FallbackUnused:
		return fmt.Sprintf("fallback %s not used: the story is placed already (%s)", list, s.where())
	case Exclude:
		return fmt.Sprintf("exclude removes %s (%s): %s", list, s.where(), hits(s.Hits))
	case Nowhere:
		switch {
		case s.Excluded && list != "":
			return fmt.Sprintf("no section left: exclude rules took the story out of every section it was placed in, and an excluded story does not fall back to %s", list)
		case s.Excluded:
			return "no section left: exclude rules took the story out of every section it was placed in"
		}
		return "no section: nothing placed the story and its source has no fallback"
	}
	return fmt.Sprintf("step %d", s.Kind)
}

// where formats the step's place in the config as config errors do:
// "config.yaml:40: sections[6].include[0]".
func (s Step) where() string {
	switch {
	case s.Line == 0:
		return s.KeyPath
	case s.File == "":
		return "line " + strconv.Itoa(s.Line) + ": " + s.KeyPath
	}
	return s.File + ":" + strconv.Itoa(s.Line) + ": " + s.KeyPath
}

// String describes the hit, e.g. `title "coach" matched "Coach"`.
func (h Hit) String() string {
	field := h.Field.String()
	if h.InContent {
		field += " (the content: the summary is empty)"
	}
	pattern := h.Pattern
	if !h.Regexp {
		pattern = strconv.Quote(pattern)
	}
	return fmt.Sprintf("%s %s matched %s", field, pattern, strconv.Quote(clip(h.Text, 80)))
}

func hits(list []Hit) string {
	parts := make([]string, len(list))
	for i, h := range list {
		parts[i] = h.String()
	}
	return strings.Join(parts, " and ")
}

// clip shortens s to n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range n - 1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + "…"
}

func quote(s string) string { return strconv.Quote(s) }

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
