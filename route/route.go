// Package route decides which of the site's sections a story goes to, and
// can explain the decision step by step. It reads the config (a source's
// sections, category map and fallback; the sections' include and exclude
// rules) and a story's routing facts (source, title, summary or content,
// categories) and nothing else: no I/O.
//
// The order, the same for every story:
//
//  1. the source's sections;
//  2. the sections the story's own categories map to in the source's
//     categories (matched regardless of case and surrounding space), in
//     the order the story lists them;
//  3. every section (in config order) one of whose include rules matches
//     the story, whichever source it comes from unless the rule names
//     sources;
//  4. if steps 1-3 placed the story nowhere, the source's fallback;
//  5. every section one of whose exclude rules matches the story is taken
//     away again, the fallback included: exclude always wins. A story that
//     loses every section this way is not routed to the fallback instead:
//     excluding a story from a section never moves it into another.
//
// Sections with "all: true" are never among the results: they list every
// published story by themselves, and take no rules.
package route

import (
	"slices"
	"strings"

	"wirefeed/config"
	"wirefeed/internal/htmltext"
	"wirefeed/internal/textmatch"
)

// Story is what routing looks at of a story.
type Story struct {
	// Source is the id of the source the story came from.
	Source string
	// Title is the story's title as the partner's feed gave it, plain
	// text or HTML; rules match its text as the publisher publishes it
	// (htmltext.TextOrHTML).
	Title string
	// Summary is the story's summary, HTML (plain text is HTML without
	// markup); rules match its text (htmltext.Text).
	Summary string
	// Content is the story's full content, HTML; rules on the summary
	// read it when the summary has no text.
	Content string
	// Categories are the partner's own categories of the story.
	Categories []string
}

// Router routes stories under one config. It is safe for concurrent use;
// build a new one when the config changes.
type Router struct {
	cfg      *config.Config
	sources  map[string]int             // source id -> index in cfg.Sources
	includes []int                      // sections with include rules, in config order
	excludes map[string]*config.Section // sections with exclude rules, by id
}

// New returns a Router for cfg, which must not change afterwards.
func New(cfg *config.Config) *Router {
	r := &Router{cfg: cfg, sources: make(map[string]int, len(cfg.Sources)), excludes: map[string]*config.Section{}}
	for i, src := range cfg.Sources {
		if _, dup := r.sources[src.ID]; !dup {
			r.sources[src.ID] = i
		}
	}
	for i := range cfg.Sections {
		sec := &cfg.Sections[i]
		if sec.All {
			continue
		}
		if len(sec.Include) > 0 {
			r.includes = append(r.includes, i)
		}
		if _, dup := r.excludes[sec.ID]; len(sec.Exclude) > 0 && !dup {
			r.excludes[sec.ID] = sec
		}
	}
	return r
}

// Sections returns the ids of the sections st goes to, in the order they
// were added (see the package comment), without repeats. The slice is new.
func (r *Router) Sections(st Story) []string {
	return r.route(&st, nil)
}

// Explain routes st as Sections does and returns every step taken, in
// order, with the config's file, line and key path of what decided it.
func (r *Router) Explain(st Story) Explanation {
	e := Explanation{File: r.cfg.Path}
	e.Sections = r.route(&st, &e)
	return e
}

// route routes st, recording the steps in e when it is not nil.
func (r *Router) route(st *Story, e *Explanation) []string {
	f := facts{st: st}
	out := make([]string, 0, 4)
	add := func(ids []string) {
		for _, id := range ids {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	var src config.Source
	if i, ok := r.sources[st.Source]; ok {
		src = r.cfg.Sources[i]
	} else if e != nil {
		e.add(Step{Kind: UnknownSource, Source: st.Source})
	}

	// 1. The source's sections.
	if len(src.Sections) > 0 {
		add(src.Sections)
		if e != nil {
			key := src.KeyPath() + ".sections"
			e.add(Step{Kind: SourceSections, Sections: src.Sections, KeyPath: key, Line: r.cfg.Line(key)})
		}
	}

	// 2. The story's categories.
	if src.ID != "" {
		for _, c := range st.Categories {
			written, ids := src.CategorySections(c)
			add(ids)
			if e != nil && strings.TrimSpace(c) != "" {
				s := Step{Kind: Category, Category: c, Sections: ids, Listed: written != ""}
				if s.Listed {
					s.KeyPath = src.KeyPath() + ".categories[" + quote(written) + "]"
					s.Line = r.cfg.Line(s.KeyPath)
				} else {
					s.KeyPath = src.KeyPath() + ".categories"
				}
				e.add(s)
			}
		}
	}

	// 3. Include rules.
	var missed []string
	for _, i := range r.includes {
		sec := &r.cfg.Sections[i]
		if slices.Contains(out, sec.ID) {
			continue
		}
		if rule, hits := f.firstMatch(sec.Include, e != nil); rule != nil {
			out = append(out, sec.ID)
			if e != nil {
				e.add(Step{Kind: Include, Sections: []string{sec.ID}, KeyPath: rule.KeyPath(), Line: rule.Line(), Hits: hits})
			}
		} else if e != nil {
			missed = append(missed, sec.ID)
		}
	}
	if len(missed) > 0 {
		e.add(Step{Kind: NoInclude, Sections: missed})
	}

	// 4. The fallback, for a story placed nowhere so far.
	if src.Fallback != "" {
		key := src.KeyPath() + ".fallback"
		if len(out) == 0 {
			out = append(out, src.Fallback)
			if e != nil {
				e.add(Step{Kind: Fallback, Sections: []string{src.Fallback}, KeyPath: key, Line: r.cfg.Line(key)})
			}
		} else if e != nil {
			e.add(Step{Kind: FallbackUnused, Sections: []string{src.Fallback}, KeyPath: key, Line: r.cfg.Line(key)})
		}
	}

	// 5. Exclude rules: exclude always wins.
	excluded := false
	if len(r.excludes) > 0 && len(out) > 0 {
		kept := out[:0]
		for _, id := range out {
			if sec := r.excludes[id]; sec != nil {
				if rule, hits := f.firstMatch(sec.Exclude, e != nil); rule != nil {
					excluded = true
					if e != nil {
						e.add(Step{Kind: Exclude, Sections: []string{id}, KeyPath: rule.KeyPath(), Line: rule.Line(), Hits: hits})
					}
					continue
				}
			}
			kept = append(kept, id)
		}
		out = kept
	}
	if len(out) == 0 && e != nil {
		e.add(Step{Kind: Nowhere, Excluded: excluded, Sections: nonEmpty(src.Fallback)})
	}
	return out
}

// Reaches reports whether a story of src can land in sec: through src's
// sections, category map or fallback, or through an include rule of sec
// that does not name sources or names src. Exclude rules, which only take
// stories away, are not considered, and neither is any section with
// "all: true" (it takes every story).
func Reaches(src config.Source, sec config.Section) bool {
	if src.Fallback == sec.ID || slices.Contains(src.Sections, sec.ID) {
		return true
	}
	for _, ids := range src.Categories {
		if slices.Contains(ids, sec.ID) {
			return true
		}
	}
	for _, rule := range sec.Include {
		if acceptsSource(rule, src.ID) {
			return true
		}
	}
	return false
}

// acceptsSource reports whether rule's source condition, if it has one,
// matches id.
func acceptsSource(rule config.Rule, id string) bool {
	conds := rule.Conditions()
	if len(conds) == 0 {
		return false
	}
	if c := conds[0]; c.Field == config.FieldSource {
		return slices.ContainsFunc(c.Patterns, func(p *textmatch.Pattern) bool { return p.MatchExact(id) })
	}
	return true
}

// facts holds a story's text prepared for matching, each piece on first
// use: a story no rule asks about the summary never has its HTML read.
type facts struct {
	st                         *Story
	title, summary             textmatch.Text
	cats                       []textmatch.Text
	haveTitle, haveSummary     bool
	haveCats, summaryIsContent bool
}

func (f *facts) titleText() *textmatch.Text {
	if !f.haveTitle {
		f.title, f.haveTitle = textmatch.NewText(htmltext.TextOrHTML(f.st.Title)), true
	}
	return &f.title
}

func (f *facts) summaryText() *textmatch.Text {
	if !f.haveSummary {
		text := htmltext.Text(f.st.Summary)
		if text == "" {
			text = htmltext.Text(f.st.Content)
			f.summaryIsContent = text != ""
		}
		f.summary, f.haveSummary = textmatch.NewText(text), true
	}
	return &f.summary
}

func (f *facts) categoryTexts() []textmatch.Text {
	if !f.haveCats {
		f.cats = make([]textmatch.Text, 0, len(f.st.Categories))
		for _, c := range f.st.Categories {
			f.cats = append(f.cats, textmatch.NewText(strings.TrimSpace(c)))
		}
		f.haveCats = true
	}
	return f.cats
}

// firstMatch returns the first of rules that matches the story, and with
// explain set what each of its conditions matched; nil if none does.
func (f *facts) firstMatch(rules []config.Rule, explain bool) (*config.Rule, []Hit) {
	for i := range rules {
		if hits, ok := f.matchRule(&rules[i], explain); ok {
			return &rules[i], hits
		}
	}
	return nil, nil
}

// matchRule reports whether every condition of rule matches.
func (f *facts) matchRule(rule *config.Rule, explain bool) ([]Hit, bool) {
	conds := rule.Conditions()
	if len(conds) == 0 {
		return nil, false
	}
	var hits []Hit
	for i := range conds {
		h, ok := f.match(&conds[i], explain)
		if !ok {
			return nil, false
		}
		if explain {
			hits = append(hits, h)
		}
	}
	return hits, true
}

// match reports whether any pattern of c matches its field; with explain
// set it also says what matched.
func (f *facts) match(c *config.Condition, explain bool) (Hit, bool) {
	hit := func(p *textmatch.Pattern, text string) Hit {
		return Hit{Field: c.Field, KeyPath: c.KeyPath, Line: c.Line, Pattern: p.String(), Regexp: p.IsRegexp(), Text: text}
	}
	switch c.Field {
	case config.FieldSource:
		for _, p := range c.Patterns {
			if p.MatchExact(f.st.Source) {
				return hit(p, f.st.Source), true
			}
		}
	case config.FieldCategory:
		cats := f.categoryTexts()
		for _, p := range c.Patterns {
			for i := range cats {
				if p.Equal(&cats[i]) {
					return hit(p, cats[i].String()), true
				}
			}
		}
	case config.FieldTitle, config.FieldSummary:
		var t *textmatch.Text
		if c.Field == config.FieldTitle {
			t = f.titleText()
		} else {
			t = f.summaryText()
		}
		for _, p := range c.Patterns {
			if !explain {
				if p.Match(t) {
					return Hit{}, true
				}
				continue
			}
			if text, ok := p.Find(t); ok {
				h := hit(p, text)
				h.InContent = c.Field == config.FieldSummary && f.summaryIsContent
				return h, true
			}
		}
	}
	return Hit{}, false
}
