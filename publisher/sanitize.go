package publisher

import (
	"bytes"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
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

// textPolicy strips every tag, keeping the text (and dropping the content
// of script, style and the like).
var textPolicy = bluemonday.StrictPolicy()

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

// plainText turns a partner's title, which may hold markup and character
// references, into plain text: tags stripped, references decoded once and
// white space collapsed; see also noMarkup.
func plainText(s string) string {
	s = xmlSafe(s)
	if strings.ContainsAny(s, "<&") {
		s = html.UnescapeString(textPolicy.Sanitize(s))
	}
	return strings.Join(strings.Fields(xmlSafe(noMarkup(s))), " ")
}

// noMarkup makes sure plain text holds nothing an HTML parser would take
// for markup, so that a reader that takes an RSS title or a JSON summary
// for HTML finds no tag in it. Text that decoded into markup (a title
// escaped twice, such as "&lt;b&gt;Breaking&lt;/b&gt;") is stripped again;
// what is still markup after that has its "<" replaced.
func noMarkup(s string) string {
	for range 2 {
		if !looksLikeMarkup(s) {
			return xmlSafe(s)
		}
		s = html.UnescapeString(textPolicy.Sanitize(s))
	}
	if looksLikeMarkup(s) {
		s = strings.ReplaceAll(s, "<", "‹") // single left-pointing angle quotation mark
	}
	return xmlSafe(s) // decoding may have produced characters XML forbids
}

// plainTextAll applies plainText to each string, dropping those left
// empty and repeats.
func plainTextAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = plainText(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// looksLikeMarkup reports whether s holds something an HTML parser would
// take for a tag, a comment or a declaration: "<" followed by a letter, "/",
// "!" or "?".
func looksLikeMarkup(s string) bool {
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 || i+1 >= len(s) {
			return false
		}
		c := s[i+1]
		if 'a' <= c|0x20 && c|0x20 <= 'z' || c == '/' || c == '!' || c == '?' {
			return true
		}
		s = s[i+1:]
	}
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
