package publisher

import (
	"fmt"
	"strings"
)

// The Atom elements each container may hold (RFC 4287 §4.1.1, §4.1.2,
// §4.2.11); elements of other namespaces are extensions and always allowed.
var (
	atomFeedChildren = map[string]bool{
		"author": true, "category": true, "contributor": true, "generator": true,
		"icon": true, "id": true, "link": true, "logo": true, "rights": true,
		"subtitle": true, "title": true, "updated": true, "entry": true,
	}
	atomEntryChildren = map[string]bool{
		"author": true, "category": true, "content": true, "contributor": true,
		"id": true, "link": true, "published": true, "rights": true, "source": true,
		"summary": true, "title": true, "updated": true,
	}
	atomSourceChildren = map[string]bool{
		"author": true, "category": true, "contributor": true, "generator": true,
		"icon": true, "id": true, "link": true, "logo": true, "rights": true,
		"subtitle": true, "title": true, "updated": true,
	}
	atomPersonChildren = map[string]bool{"name": true, "uri": true, "email": true}
)

// atomLinkRels are the link relations of the IANA registry a feed may
// use by name (RFC 4287 §4.2.7.2); any other must be an absolute IRI.
var atomLinkRels = map[string]bool{
	"alternate": true, "related": true, "self": true, "enclosure": true, "via": true,
	"hub": true, "first": true, "last": true, "next": true, "previous": true,
	"prev-archive": true, "next-archive": true, "current": true, "license": true,
	"replies": true, "edit": true, "edit-media": true, "search": true,
}

// atomProblems checks doc against the rules of RFC 4287 for a feed
// document: required elements and their cardinality, dates, IRIs, link
// relations, person and text constructs, authors, and the structure of
// atom:source. It also requires one rel="self" link, which the RFC only
// recommends, and distinct entry ids.
func atomProblems(doc string) problems {
	var p problems
	root, err := parseXMLTree(doc)
	if err != nil {
		p.addf("not well-formed: %v", err)
		return p
	}
	if root.name.Space != atomNS || root.name.Local != "feed" {
		p.addf("root element is %s %s, want atom:feed", root.name.Space, root.name.Local)
		return p
	}
	root.walk(func(n *xnode) {
		if lang, ok := n.attr(xmlNS, "lang"); ok {
			p.checkLang(n.name.Local+" xml:lang", lang)
		}
	})

	atomContainer(&p, "feed", root, atomFeedChildren,
		[]string{"id", "title", "updated"},
		[]string{"generator", "icon", "logo", "rights", "subtitle"})
	self := 0
	for _, l := range root.all(atomNS, "link") {
		if rel, _ := l.attr("", "rel"); rel == "self" {
			self++
		}
	}
	if self != 1 {
		p.addf("feed: %d rel=\"self\" links, want 1", self)
	}
	if g := root.first(atomNS, "generator"); g != nil {
		if uri, ok := g.attr("", "uri"); ok {
			p.checkIRI("feed generator uri", uri)
		}
	}

	feedAuthor := len(root.all(atomNS, "author")) > 0
	ids := map[string]int{}
	for i, e := range root.all(atomNS, "entry") {
		where := fmt.Sprintf("entry %d", i)
		atomContainer(&p, where, e, atomEntryChildren,
			[]string{"id", "title", "updated"},
			[]string{"content", "published", "rights", "source", "summary"})
		if id := strings.TrimSpace(e.childText(atomNS, "id")); id != "" {
			if j, dup := ids[id]; dup {
				p.addf("%s: id %q already used by entry %d", where, id, j)
			}
			ids[id] = i
		}
		hasAuthor := len(e.all(atomNS, "author")) > 0
		if src := e.first(atomNS, "source"); src != nil {
			atomContainer(&p, where+" source", src, atomSourceChildren, nil,
				[]string{"generator", "icon", "id", "logo", "rights", "subtitle", "title", "updated"})
			hasAuthor = hasAuthor || len(src.all(atomNS, "author")) > 0
		}
		if !feedAuthor && !hasAuthor {
			p.addf("%s: no atom:author, and the feed has none (§4.1.1)", where)
		}
		content := e.first(atomNS, "content")
		if content == nil && !hasAlternate(e) {
			p.addf("%s: neither atom:content nor an alternate link (§4.1.2)", where)
		}
		if content != nil && e.first(atomNS, "summary") == nil {
			typ, _ := content.attr("", "type")
			_, src := content.attr("", "src")
			if src || (typ != "" && typ != "text" && typ != "html" && typ != "xhtml" &&
				!strings.HasPrefix(typ, "text/") && !strings.HasSuffix(typ, "+xml") && !strings.HasSuffix(typ, "/xml")) {
				p.addf("%s: out-of-line or base64 content without atom:summary (§4.1.2)", where)
			}
		}
	}
	return p
}

// atomContainer checks a feed, entry or source element: that its Atom
// children are ones it may hold, that the required ones appear once and the
// optional single ones at most once, and every construct among them.
func atomContainer(p *problems, where string, n *xnode, allowed map[string]bool, once, atMostOnce []string) {
	count := map[string]int{}
	for _, c := range n.children {
		if c.name.Space != atomNS {
			if c.name.Space == "" {
				p.addf("%s: element %s in no namespace", where, c.name.Local)
			}
			continue // an extension element
		}
		if !allowed[c.name.Local] {
			p.addf("%s: atom:%s is not allowed here", where, c.name.Local)
			continue
		}
		count[c.name.Local]++
		cw := where + " " + c.name.Local
		switch c.name.Local {
		case "id":
			p.checkIRI(cw, strings.TrimSpace(c.text))
		case "updated", "published":
			p.checkRFC3339(cw, strings.TrimSpace(c.text))
		case "title", "subtitle", "rights", "summary":
			atomText(p, cw, c)
		case "content":
			atomContent(p, cw, c)
		case "author", "contributor":
			atomPerson(p, cw, c)
		case "category":
			if term, ok := c.attr("", "term"); !ok || term == "" {
				p.addf("%s: no term", cw)
			}
			if s, ok := c.attr("", "scheme"); ok {
				p.checkIRI(cw+" scheme", s)
			}
		case "icon", "logo":
			p.checkIRI(cw, strings.TrimSpace(c.text))
		case "link":
			atomLink(p, cw, c)
		}
	}
	for _, name := range once {
		if count[name] != 1 {
			p.addf("%s: %d atom:%s, want exactly 1", where, count[name], name)
		}
	}
	for _, name := range atMostOnce {
		if count[name] > 1 {
			p.addf("%s: %d atom:%s, want at most 1", where, count[name], name)
		}
	}
	// §4.1.1, §4.1.2: one alternate link per type and hreflang.
	alternates := map[string]bool{}
	for _, l := range n.all(atomNS, "link") {
		if rel, ok := l.attr("", "rel"); ok && rel != "alternate" {
			continue
		}
		typ, _ := l.attr("", "type")
		lang, _ := l.attr("", "hreflang")
		key := strings.ToLower(typ) + " " + strings.ToLower(lang)
		if alternates[key] {
			p.addf("%s: two alternate links of type %q and hreflang %q", where, typ, lang)
		}
		alternates[key] = true
	}
}

// hasAlternate reports whether n has an alternate link.
func hasAlternate(n *xnode) bool {
	for _, l := range n.all(atomNS, "link") {
		if rel, ok := l.attr("", "rel"); !ok || rel == "alternate" {
			return true
		}
	}
	return false
}

// atomText checks a text construct (§3.1).
func atomText(p *problems, where string, n *xnode) {
	typ, ok := n.attr("", "type")
	switch {
	case !ok || typ == "text" || typ == "html":
		if len(n.children) > 0 {
			p.addf("%s: type %q holds child elements", where, typ)
		}
	case typ == "xhtml":
		if len(n.children) != 1 || n.children[0].name.Space != "http://www.w3.org/1999/xhtml" ||
			n.children[0].name.Local != "div" {
			p.addf("%s: xhtml text is not one xhtml:div", where)
		}
	default:
		p.addf("%s: text type %q", where, typ)
	}
}

// atomContent checks atom:content (§4.1.3).
func atomContent(p *problems, where string, n *xnode) {
	if src, ok := n.attr("", "src"); ok {
		p.checkIRI(where+" src", src)
		if strings.TrimSpace(n.text) != "" || len(n.children) > 0 {
			p.addf("%s: content with src is not empty", where)
		}
		return
	}
	typ, _ := n.attr("", "type")
	switch {
	case typ == "" || typ == "text" || typ == "html" || typ == "xhtml":
		atomText(p, where, n)
	case !mediaTypeRE.MatchString(typ):
		p.addf("%s: content type %q is neither text, html, xhtml nor a media type", where, typ)
	}
}

// atomPerson checks a person construct (§3.2).
func atomPerson(p *problems, where string, n *xnode) {
	count := map[string]int{}
	for _, c := range n.children {
		if c.name.Space != atomNS {
			continue
		}
		if !atomPersonChildren[c.name.Local] {
			p.addf("%s: atom:%s in a person", where, c.name.Local)
			continue
		}
		count[c.name.Local]++
		switch c.name.Local {
		case "name":
			if strings.TrimSpace(c.text) == "" {
				p.addf("%s: empty name", where)
			}
		case "uri":
			p.checkIRI(where+" uri", strings.TrimSpace(c.text))
		case "email":
			if !addrSpec.MatchString(strings.TrimSpace(c.text)) {
				p.addf("%s: email %q is not an addr-spec", where, c.text)
			}
		}
	}
	if count["name"] != 1 {
		p.addf("%s: %d names, want 1", where, count["name"])
	}
	if count["uri"] > 1 || count["email"] > 1 {
		p.addf("%s: more than one uri or email", where)
	}
}

// atomLink checks atom:link (§4.2.7).
func atomLink(p *problems, where string, n *xnode) {
	href, ok := n.attr("", "href")
	if !ok {
		p.addf("%s: no href", where)
	} else {
		p.checkIRI(where+" href", href)
	}
	if rel, ok := n.attr("", "rel"); ok && !atomLinkRels[rel] {
		p.checkIRI(where+" rel", rel)
	}
	if typ, ok := n.attr("", "type"); ok && !mediaTypeRE.MatchString(typ) {
		p.addf("%s: type %q is not a media type", where, typ)
	}
	if lang, ok := n.attr("", "hreflang"); ok {
		p.checkLang(where+" hreflang", lang)
	}
	if length, ok := n.attr("", "length"); ok && (length == "" || strings.Trim(length, "0123456789") != "") {
		p.addf("%s: length %q is not a number", where, length)
	}
	if len(n.children) > 0 || strings.TrimSpace(n.text) != "" {
		p.addf("%s: link is not empty (§4.2.7)", where)
	}
}
