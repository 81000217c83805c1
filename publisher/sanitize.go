package publisher

import (
	"bytes"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"wirefeed/internal/htmltext"
)

// newsPolicy is the allow-list partner HTML is reduced to: the markup of a
// news story (paragraphs, headings h2-h6, lists, quotes, emphasis, links,
// images, figures and simple tables) and nothing that runs, loads a frame,
// submits a form or styles the page: no script, style, iframe, object,
// embed or form element, no event handler, no style or class attribute, and
// only http, https and mailto URLs, absolute ones (relative URLs are made
// absolute before the policy sees them; see absolutize). A bluemonday
// policy is safe for concurrent use once built.
var newsPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"p", "br", "hr", "div", "span",
		"h2", "h3", "h4", "h5", "h6",
		"ul", "ol", "li", "dl", "dt", "dd",
		"blockquote", "q", "cite", "pre", "code",
		"em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "mark", "del", "ins",
		"figure", "figcaption",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
	)
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src").OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(smallNumber).OnElements("img")
	p.AllowAttrs("colspan", "rowspan").Matching(smallNumber).OnElements("td", "th")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
	return p
}()

// smallNumber matches the numeric attributes the policy keeps.
var smallNumber = regexp.MustCompile(`^[0-9]{1,5}$`)

// cleanHTML makes a partner's HTML fragment safe to republish: relative
// href and src URLs resolved against base (the story's own link; nil drops
// them), then everything the news policy does not allow removed, then
// characters XML forbids dropped (the policy decodes character references
// such as &#1; into the characters themselves).
func cleanHTML(s string, base *url.URL) string {
	s = xmlSafe(s)
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return strings.TrimSpace(xmlSafe(newsPolicy.Sanitize(absolutize(s, base))))
}

// plainText turns a partner's title, author name or category, which may
// be plain text or HTML (see htmltext.TextOrHTML), into the text published.
// Characters XML forbids are dropped first, so that a stray control
// character such as a form feed vanishes rather than becoming a space.
func plainText(s string) string {
	return publishedText(htmltext.TextOrHTML(xmlSafe(s)))
}

// publishedText makes text from htmltext fit to publish: characters XML
// forbids dropped (character references may decode into them), and markup
// defused (see defuse). Everything else stays as the partner wrote it.
func publishedText(s string) string {
	if t := xmlSafe(s); t != s {
		s = htmltext.Collapse(t) // a dropped character may leave two spaces
	}
	return defuse(s)
}

// plainTextAll applies plainText to each string, dropping those left
// empty and repeats.
func plainTextAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = plainText(s); s != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			out = append(out, s) // the first spelling of each, as the partner wrote it
		}
	}
	return out
}

// defuse makes sure that a reader that takes published text for HTML (some
// take RSS titles, or JSON Feed's title and summary, for HTML) finds
// nothing in it that runs, loads, submits, styles or hides anything, while
// text that merely names a tag stays as written: "History of the <blink>
// tag" is published as it is. A tag without attributes whose element only
// formats text (harmlessTag) is kept; of anything else an HTML parser would
// take for markup (a <script> or <style>, a tag with attributes, a
// comment, a doctype, an unfinished tag at the end) every "<" becomes "‹"
// (U+2039 SINGLE LEFT-POINTING ANGLE QUOTATION MARK), so it reads almost
// the same and parses as text.
func defuse(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		tt := z.Next()
		raw := z.Raw() // before anything else: Text and Token rewrite it
		if tt == xhtml.TextToken || harmlessTag(z, tt) {
			b.Write(raw)
		} else {
			b.WriteString(strings.ReplaceAll(string(raw), "<", "‹"))
		}
		if tt == xhtml.ErrorToken {
			break // io.EOF; raw is an unfinished tag, if any
		}
		// A browser reading the result never sees a <script>, <style>,
		// <title> or <textarea> start tag, so never reads raw text.
		z.NextIsNotRawText()
	}
	return b.String()
}

// harmlessTag reports whether the current token, of type tt, is a start,
// end or self-closing tag without attributes of an element that only
// formats text, or of one HTML does not know (such as a custom element),
// which browsers treat as an inline element that does nothing.
func harmlessTag(z *xhtml.Tokenizer, tt xhtml.TokenType) bool {
	if tt != xhtml.StartTagToken && tt != xhtml.EndTagToken && tt != xhtml.SelfClosingTagToken {
		return false
	}
	name, hasAttr := z.TagName()
	if hasAttr || len(name) == 0 {
		return false
	}
	if a := atom.Lookup(name); a != 0 {
		return formattingElements[a]
	}
	for i, c := range name {
		if !('a' <= c && c <= 'z' || i > 0 && ('0' <= c && c <= '9' || c == '-')) {
			return false
		}
	}
	return true
}

// formattingElements only format or structure text: without attributes
// they can run nothing, load nothing, submit nothing and hide nothing.
var formattingElements = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.Address: true, atom.Article: true, atom.Aside: true,
	atom.B: true, atom.Bdi: true, atom.Bdo: true, atom.Big: true, atom.Blink: true,
	atom.Blockquote: true, atom.Br: true, atom.Caption: true, atom.Center: true,
	atom.Cite: true, atom.Code: true, atom.Dd: true, atom.Del: true, atom.Dfn: true,
	atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Em: true, atom.Figcaption: true,
	atom.Figure: true, atom.Font: true, atom.Footer: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true,
	atom.Hgroup: true, atom.Hr: true, atom.I: true, atom.Ins: true, atom.Kbd: true,
	atom.Li: true, atom.Main: true, atom.Mark: true, atom.Marquee: true, atom.Nav: true,
	atom.Nobr: true, atom.Ol: true, atom.P: true, atom.Q: true, atom.Rp: true,
	atom.Rt: true, atom.Ruby: true, atom.S: true, atom.Samp: true, atom.Section: true,
	atom.Small: true, atom.Span: true, atom.Strike: true, atom.Strong: true,
	atom.Sub: true, atom.Sup: true, atom.Table: true, atom.Tbody: true, atom.Td: true,
	atom.Tfoot: true, atom.Th: true, atom.Thead: true, atom.Time: true, atom.Tr: true,
	atom.Tt: true, atom.U: true, atom.Ul: true, atom.Var: true, atom.Wbr: true,
}

// absolutize rewrites the relative URLs of href and src attributes in the
// HTML fragment s as absolute URLs against base. Everything else is copied
// byte for byte, so the sanitizer that runs next sees the same tokens it
// would have seen; a rewritten tag is written afresh, its attribute values
// escaped. URLs that do not parse, and relative ones when base is nil, are
// left for the sanitizer to drop.
func absolutize(s string, base *url.URL) string {
	if base == nil || !strings.Contains(s, "=") {
		return s
	}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var buf bytes.Buffer
	buf.Grow(len(s) + 256)
	changed := false
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break // io.EOF: an unfinished tag at the end is dropped, as a browser does
		}
		mark := buf.Len()
		buf.Write(z.Raw())
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		rewritten := false
		for i := range tok.Attr {
			a := &tok.Attr[i]
			if a.Namespace != "" || (a.Key != "href" && a.Key != "src") {
				continue
			}
			if abs, ok := resolveRef(a.Val, base); ok {
				a.Val = abs
				rewritten = true
			}
		}
		if rewritten {
			buf.Truncate(mark)
			buf.WriteString(tok.String())
			changed = true
		}
	}
	if !changed {
		return s
	}
	return buf.String()
}

// resolveRef resolves ref, an attribute value, against base. It reports
// false when ref is already absolute or does not parse, leaving it as it
// is.
func resolveRef(ref string, base *url.URL) (string, bool) {
	ref = strings.Trim(ref, htmlSpace)
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" {
		return "", false
	}
	return base.ResolveReference(u).String(), true
}

// htmlSpace is the ASCII white space HTML strips around URL attributes.
const htmlSpace = "\t\n\f\r "
