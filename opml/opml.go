// Package opml moves wirefeed's partner sources and sections in and out of
// OPML 2.0 subscription lists: Export writes them, Import adds the feeds of
// a list (ours, or a feed reader's) to a config document.
//
// Standard OPML carries a feed's title, feed URL and categories; what only
// wirefeed knows (routing, attribution, priority, schedule…) travels in
// attributes of the wirefeed namespace, so an exported list imports back
// into the same sources and sections while staying a plain subscription
// list for every other reader.
package opml

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/unicode/norm"

	"wirefeed/config"
	"wirefeed/internal/redact"
)

// Namespace is the XML namespace of wirefeed's own OPML attributes and
// elements, written with the prefix "wirefeed".
const Namespace = "https://wirefeed.dev/ns/opml/1"

const prefix = "wirefeed:"

type document struct {
	XMLName xml.Name  `xml:"opml"`
	Version string    `xml:"version,attr"`
	NS      string    `xml:"xmlns:wirefeed,attr,omitempty"`
	Head    head      `xml:"head"`
	Body    []outline `xml:"body>outline"`
}

type head struct {
	Title       string `xml:"title"`
	DateCreated string `xml:"dateCreated,omitempty"`
	Docs        string `xml:"docs,omitempty"`
	// Sections are written as wirefeed:section and read by namespace, as
	// encoding/xml does not match prefixed names.
	Sections []section `xml:"wirefeed:section"`
	Read     []section `xml:"https://wirefeed.dev/ns/opml/1 section"`
}

// section is a wirefeed section, kept in the head so that sections without
// any source also travel.
type section struct {
	ID          string `xml:"id,attr"`
	Title       string `xml:"title,attr,omitempty"`
	Description string `xml:"description,attr,omitempty"`
	Limit       int    `xml:"limit,attr,omitempty"`
	All         bool   `xml:"all,attr,omitempty"`
	// Include and Exclude are the section's routing rules as JSON: a list
	// of objects mapping title, summary, category and source to patterns.
	Include string `xml:"include,attr,omitempty"`
	Exclude string `xml:"exclude,attr,omitempty"`
}

// outline is a feed (it has an xmlUrl) or a folder of outlines. Attrs
// holds the attributes in the order written; Children the nested outlines.
type outline struct {
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []outline  `xml:"outline"`
}

func (o outline) attr(name string) string {
	for _, a := range o.Attrs {
		if a.Name.Space == "" && strings.EqualFold(a.Name.Local, name) {
			return a.Value
		}
	}
	return ""
}

// ext returns a wirefeed-namespace attribute of a parsed outline.
func (o outline) ext(name string) (string, bool) {
	for _, a := range o.Attrs {
		if a.Name.Local == name && a.Name.Space == Namespace {
			return a.Value, true
		}
	}
	return "", false
}

func (o *outline) set(name, value string) {
	if value != "" {
		o.Attrs = append(o.Attrs, xml.Attr{Name: xml.Name{Local: name}, Value: value})
	}
}

// Export writes cfg's sources, and its sections, as an OPML 2.0 list.
func Export(w io.Writer, cfg *config.Config, now time.Time) error {
	doc := document{
		Version: "2.0",
		NS:      Namespace,
		Head: head{
			Title:       "wirefeed partner sources",
			DateCreated: now.UTC().Format(time.RFC1123),
			Docs:        "https://opml.org/spec2.opml",
		},
	}
	for _, sec := range cfg.Sections {
		doc.Head.Sections = append(doc.Head.Sections, section{ID: sec.ID, Title: sec.Title,
			Description: sec.Description, Limit: sec.Limit, All: sec.All,
			Include: rulesJSON(sec.Include), Exclude: rulesJSON(sec.Exclude)})
	}
	doc.Body = folders(cfg)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("opml: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("opml: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("opml: %w", err)
	}
	return nil
}

// rulesJSON writes routing rules as the config file holds them, as JSON;
// "" for none.
func rulesJSON(rules []config.Rule) string {
	if len(rules) == 0 {
		return ""
	}
	out := make([]map[string][]string, len(rules))
	for i, r := range rules {
		m := map[string][]string{}
		for key, ps := range map[string]config.Patterns{"title": r.Title, "summary": r.Summary, "category": r.Category, "source": r.Source} {
			for _, p := range ps {
				m[key] = append(m[key], p.Text)
			}
		}
		out[i] = m
	}
	data, _ := json.Marshal(out) // maps of strings always encode
	return string(data)
}

// sourceOutline is one source as a feed outline: the standard attributes
// every reader understands, then wirefeed's own for what differs from the
// defaults.
func sourceOutline(src config.Source) outline {
	var o outline
	o.set("type", "rss")
	o.set("text", src.Name)
	o.set("title", src.Name)
	o.set("xmlUrl", redact.URL(src.URL)) // credentials in it are not exported
	if src.Site != "" {
		o.set("htmlUrl", "https://"+src.Site+"/")
	}
	var cats []string
	for _, id := range reachable(src) {
		cats = append(cats, "/"+id)
	}
	o.set("category", strings.Join(cats, ","))

	o.set(prefix+"id", src.ID)
	o.set(prefix+"sections", strings.Join(src.Sections, " "))
	if len(src.Categories) > 0 {
		m := make(map[string][]string, len(src.Categories))
		for k, v := range src.Categories {
			m[k] = v
		}
		data, _ := json.Marshal(m) // a map of strings always encodes
		o.set(prefix+"categories", string(data))
	}
	o.set(prefix+"fallback", src.Fallback)
	if src.Attribution != "Provided by "+src.Name {
		o.set(prefix+"attribution", src.Attribution)
	}
	if src.Priority != config.DefaultPriority {
		o.set(prefix+"priority", strconv.Itoa(src.Priority))
	}
	o.set(prefix+"schedule", src.Schedule)
	o.set(prefix+"site", src.Site)
	o.set(prefix+"charset", src.Charset)
	o.set(prefix+"timezone", src.Timezone)
	if src.Paused {
		o.set(prefix+"paused", "true")
	}
	return o
}

// folders lays the sources out as a feed reader's tree: a folder per
// section, titled as the section, holding the sources whose stories go
// there first (their first reachable section), in config order; sources
// routed nowhere stay at the top. A reader importing the list shows the
// same tree, and exports it back in a form Import maps to the same
// sections.
func folders(cfg *config.Config) []outline {
	bySection := map[string][]outline{}
	var top []outline
	for _, src := range cfg.Sources {
		if ids := reachable(src); len(ids) > 0 {
			bySection[ids[0]] = append(bySection[ids[0]], sourceOutline(src))
		} else {
			top = append(top, sourceOutline(src))
		}
	}
	var out []outline
	for _, sec := range cfg.Sections {
		children := bySection[sec.ID]
		if len(children) == 0 {
			continue
		}
		var f outline
		f.set("text", cmp.Or(sec.Title, sec.ID))
		f.set("title", cmp.Or(sec.Title, sec.ID))
		f.Children = children
		out = append(out, f)
	}
	return append(out, top...)
}

// reachable lists every section a source's stories may be routed to.
func reachable(src config.Source) []string {
	var ids []string
	add := func(list ...string) {
		for _, id := range list {
			if id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	add(src.Sections...)
	cats := make([]string, 0, len(src.Categories))
	for c := range src.Categories {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	for _, c := range cats {
		add(src.Categories[c]...)
	}
	add(src.Fallback)
	return ids
}

// Result is what Import did.
type Result struct {
	// Sources and Sections are the ids of the entries added.
	Sources, Sections []string
	// Skipped are the feed URLs already configured, left as they are.
	Skipped []string
	// Unrouted are the ids of added sources that route to no section: their
	// stories are stored but published nowhere until an editor routes them.
	Unrouted []string
}

// Import adds to doc the feeds of the OPML list read from r that cfg, the
// config doc now holds, does not already pull, and the sections they need.
// A feed's sections come from wirefeed's own attributes when the list was
// exported by wirefeed, else from its OPML categories, else from the
// folder it is in; a name matching an existing section's id or title
// (ignoring case) is that section, any other becomes a new section. Feeds
// that end up in no section get fallback, when it is not "".
//
// doc is changed but not saved: the caller validates and saves it.
func Import(r io.Reader, doc *config.Document, cfg *config.Config, fallback string) (Result, error) {
	var in document
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	dec.Strict = false // readers' exports carry bare "&" in folder names
	if err := dec.Decode(&in); err != nil {
		return Result{}, fmt.Errorf("opml: not an OPML document: %w", err)
	}
	im := &importer{doc: doc, cfg: cfg, fallback: fallback, taken: map[string]bool{}, urls: map[string]bool{}}
	for _, src := range cfg.Sources {
		im.taken[src.ID] = true
		im.urls[src.URL] = true
	}
	for _, sec := range in.Head.Read {
		if err := im.addSection(sec); err != nil {
			return im.res, err
		}
	}
	im.walk(in.Body, "")
	for _, f := range im.pending {
		if err := im.addFeed(f.o, f.folders); err != nil {
			return im.res, err
		}
	}
	if len(im.res.Sources) == 0 && len(im.res.Skipped) == 0 {
		return im.res, fmt.Errorf("opml: the document lists no feeds (outlines with an xmlUrl)")
	}
	return im.res, nil
}

type importer struct {
	doc      *config.Document
	cfg      *config.Config
	fallback string
	taken    map[string]bool // source ids in use
	urls     map[string]bool // feed URLs already pulled
	res      Result
	// pending are the list's feeds to add, in order, each once with every
	// folder it is in; byURL indexes them.
	pending []pendingFeed
	byURL   map[string]int
	// added maps the names (lower case) of sections this import created to
	// their ids.
	added map[string]string
}

// pendingFeed is a feed of the list and the folders it appears in.
type pendingFeed struct {
	o       outline
	folders []string
}

// walk collects the feeds among outlines, folder being the name of the
// folder they are in: a feed listed in several folders is one feed in all
// of them; one already configured is skipped.
func (im *importer) walk(outlines []outline, folder string) {
	for _, o := range outlines {
		feedURL := strings.TrimSpace(o.attr("xmlUrl"))
		if feedURL == "" {
			name := cmp.Or(o.attr("title"), o.attr("text"))
			im.walk(o.Children, cmp.Or(name, folder))
			continue
		}
		switch i, seen := im.byURL[feedURL]; {
		case seen:
			if folder != "" && !slices.Contains(im.pending[i].folders, folder) {
				im.pending[i].folders = append(im.pending[i].folders, folder)
			}
		case im.urls[feedURL]:
			if !slices.Contains(im.res.Skipped, feedURL) {
				im.res.Skipped = append(im.res.Skipped, feedURL)
			}
		default:
			if im.byURL == nil {
				im.byURL = map[string]int{}
			}
			im.byURL[feedURL] = len(im.pending)
			f := pendingFeed{o: o}
			if folder != "" {
				f.folders = []string{folder}
			}
			im.pending = append(im.pending, f)
		}
	}
}

func (im *importer) addFeed(o outline, folders []string) error {
	feedURL := strings.TrimSpace(o.attr("xmlUrl"))
	im.urls[feedURL] = true
	name := strings.TrimSpace(cmp.Or(o.attr("title"), o.attr("text")))

	id, _ := o.ext("id")
	if id == "" || im.taken[id] {
		id = im.freeID(cmp.Or(slug(id), slug(name), slug(hostOf(feedURL)), "feed"))
	}
	im.taken[id] = true
	fields := config.Fields{"id": id, "url": feedURL}
	if name != "" && name != id {
		fields["name"] = name
	}

	routed := false
	if secs, ok := o.ext("sections"); ok {
		ids, err := im.sectionIDs(strings.Fields(secs))
		if err != nil {
			return err
		}
		fields["sections"] = anyList(ids)
		routed = len(ids) > 0
	}
	if cats, ok := o.ext("categories"); ok {
		var m map[string]config.StringList
		if err := json.Unmarshal([]byte(cats), &m); err != nil {
			return fmt.Errorf("opml: feed %s: wirefeed:categories is not a JSON object of section ids: %w", feedURL, err)
		}
		routes := map[string]any{}
		for cat, ids := range m {
			mapped, err := im.sectionIDs(ids)
			if err != nil {
				return err
			}
			routes[cat] = anyList(mapped)
			routed = routed || len(mapped) > 0
		}
		fields["categories"] = routes
	}
	if fb, ok := o.ext("fallback"); ok && fb != "" {
		ids, err := im.sectionIDs([]string{fb})
		if err != nil {
			return err
		}
		fields["fallback"] = ids[0]
		routed = true
	}
	if _, own := o.ext("id"); !own {
		// A reader's list: sections from the OPML categories, else the folder.
		names := categoryNames(o.attr("category"))
		if len(names) == 0 {
			names = folders
		}
		ids, err := im.sectionIDs(names)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			fields["sections"] = anyList(ids)
			routed = true
		}
	}
	for _, key := range []string{"attribution", "schedule", "site", "charset", "timezone"} {
		if v, ok := o.ext(key); ok && v != "" {
			fields[key] = v
		}
	}
	if v, ok := o.ext("priority"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("opml: feed %s: wirefeed:priority %q is not a whole number", feedURL, v)
		}
		fields["priority"] = float64(n)
	}
	if v, ok := o.ext("paused"); ok && v == "true" {
		fields["paused"] = true
	}
	if !routed && im.fallback != "" {
		fields["fallback"] = im.fallback
		routed = true
	}
	if err := im.doc.Add(config.Sources, fields); err != nil {
		return fmt.Errorf("opml: feed %s: %w", feedURL, err)
	}
	im.res.Sources = append(im.res.Sources, id)
	if !routed {
		im.res.Unrouted = append(im.res.Unrouted, id)
	}
	return nil
}

// addSection adds a section described in a wirefeed list's head, unless
// one with its id exists.
func (im *importer) addSection(sec section) error {
	if sec.ID == "" || im.hasSection(sec.ID) {
		return nil
	}
	fields := config.Fields{"id": sec.ID}
	if sec.Title != "" {
		fields["title"] = sec.Title
	}
	if sec.Description != "" {
		fields["description"] = sec.Description
	}
	if sec.Limit != 0 && sec.Limit != config.DefaultSectionLimit {
		fields["limit"] = float64(sec.Limit)
	}
	if sec.All {
		fields["all"] = true
	}
	for key, text := range map[string]string{"include": sec.Include, "exclude": sec.Exclude} {
		if text == "" {
			continue
		}
		var rules []any
		if err := json.Unmarshal([]byte(text), &rules); err != nil {
			return fmt.Errorf("opml: section %s: %s is not a JSON list of rules: %w", sec.ID, key, err)
		}
		fields[key] = rules
	}
	if err := im.doc.Add(config.Sections, fields); err != nil {
		return fmt.Errorf("opml: section %s: %w", sec.ID, err)
	}
	im.res.Sections = append(im.res.Sections, sec.ID)
	return nil
}

// sectionIDs maps section names (ids or titles) to section ids, adding a
// section for each name that matches none.
func (im *importer) sectionIDs(names []string) ([]string, error) {
	var ids []string
	for _, name := range names {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		id := im.findSection(name)
		if id == "" {
			base := sectionSlug(name)
			id = base
			for n := 2; im.hasSection(id); n++ {
				id = fmt.Sprintf("%s-%d", base, n)
			}
			if err := im.doc.Add(config.Sections, config.Fields{"id": id, "title": name}); err != nil {
				return nil, fmt.Errorf("opml: section %q: %w", name, err)
			}
			if im.added == nil {
				im.added = map[string]string{}
			}
			im.added[strings.ToLower(name)] = id
			im.res.Sections = append(im.res.Sections, id)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// findSection returns the id of the section whose id or title is name,
// ignoring case, or "".
func (im *importer) findSection(name string) string {
	if id, ok := im.added[strings.ToLower(name)]; ok {
		return id
	}
	for _, sec := range im.cfg.Sections {
		if strings.EqualFold(sec.ID, name) || strings.EqualFold(sec.Title, name) {
			return sec.ID
		}
	}
	for _, id := range im.doc.IDs(config.Sections) {
		if strings.EqualFold(id, name) {
			return id
		}
	}
	return ""
}

func (im *importer) hasSection(id string) bool {
	return slices.Contains(im.doc.IDs(config.Sections), id)
}

// freeID returns base, or base with a number added, that no source uses.
func (im *importer) freeID(base string) string {
	id := base
	for n := 2; im.taken[id]; n++ {
		suffix := "-" + strconv.Itoa(n)
		id = base[:min(len(base), 64-len(suffix))] + suffix
	}
	return id
}

// categoryNames splits an OPML category attribute ("/Politics,/Sports/
// Football") into the last part of each category path.
func categoryNames(attr string) []string {
	var names []string
	for c := range strings.SplitSeq(attr, ",") {
		c = strings.Trim(strings.TrimSpace(c), "/")
		if i := strings.LastIndex(c, "/"); i >= 0 {
			c = c[i+1:]
		}
		if c != "" {
			names = append(names, c)
		}
	}
	return names
}

// slug makes an id out of a name: lower case ASCII letters and digits
// (accents dropped), other runs of characters turned into one "-", at most
// 64 characters.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// an accent taken off its letter
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	return strings.TrimRight(b.String()[:min(b.Len(), 64)], "-_")
}

// sectionSlug makes a new section's id out of a folder name: its ASCII
// slug, else (a Thai or Japanese name) the name itself in lower case with
// runs of other characters turned into "-", which section ids allow. An id
// the site's URLs give a meaning of their own ("all") gets "-section".
func sectionSlug(name string) string {
	id := slug(name)
	if id == "" {
		var b strings.Builder
		dash, n := false, 0
		for _, r := range norm.NFC.String(strings.ToLower(name)) {
			switch {
			case n >= 64:
			case unicode.IsLetter(r) && !unicode.IsUpper(r) || unicode.IsDigit(r) || unicode.IsMark(r) && n > 0:
				if dash && n > 0 {
					b.WriteByte('-')
					n++
				}
				b.WriteRune(r)
				n++
				dash = false
			default:
				dash = true
			}
		}
		id = strings.TrimRight(string([]rune(b.String())[:min(n, 64)]), "-")
	}
	if id == "" {
		id = "section"
	}
	if slices.Contains(config.ReservedSectionIDs, id) {
		id += "-section"
	}
	return id
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

func anyList(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
