// Package htmltext turns the HTML of partners' feeds into text, one way for
// every part of wirefeed: the publisher's titles and JSON Feed summaries,
// the router's matching text, the aggregator's stand-in titles and the
// near-duplicate detector's input.
//
// The text keeps what the partner wrote. Tags are removed and character
// references decoded exactly once, so "&lt;blink&gt;" becomes the literal
// text "<blink>" and "&amp;lt;" the literal text "&lt;". The contents of
// elements a reader never sees as text (script, style, template, noscript,
// iframe, noembed, noframes, title) are dropped. Block elements and <br>
// separate the words around them; inline ones such as <b> do not. Runs of
// ASCII white space (space, tab, line feed, form feed, carriage return)
// become one space and none is left at either end; every other character
// stays as written, including NO-BREAK SPACE, IDEOGRAPHIC SPACE (U+3000)
// and the other non-ASCII spaces, which carry meaning in Thai and Japanese
// copy. NUL characters are dropped, as browsers drop them (but in <xmp>
// and <plaintext>, whose text browsers show as written, they become
// U+FFFD, as there).
//
// HTML is read as browsers read it (golang.org/x/net/html's tokenizer), so
// text that only looks a little like markup stays text: "a < b" and "<3"
// are kept. An unfinished tag at the very end, as a truncated summary may
// have, is dropped. The work is linear in the length of the input.
package htmltext

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Text returns the text of the HTML fragment s on one line, as described
// in the package documentation. It is Converter{}.Text(s).
func Text(s string) string {
	return Converter{}.Text(s)
}

// A Converter turns HTML into text. The zero value gives the text on one
// line and drops only the contents the package documentation lists.
type Converter struct {
	// Lines keeps the text's lines: a block element, <br>, or a line
	// break in the text (a plain-text summary has no other way to mark
	// one) ends a line. Lines are separated by one "\n", none is empty,
	// and no line starts or ends with a space.
	Lines bool
	// Skip names further elements, in lower case, whose contents are
	// dropped, such as "figcaption" for a caller that wants no captions.
	Skip []string
}

// Text returns the text of the HTML fragment s.
func (c Converter) Text(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return plain(s, c.Lines)
	}
	w := newWriter(c.Lines, len(s))
	var skip skipStack
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// io.EOF, the only error a strings.Reader gives; an
			// unfinished tag before it is dropped, as browsers do.
			return w.String()
		case html.TextToken:
			if skip.depth() == 0 {
				writeText(w, z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if tt == html.EndTagToken {
				skip.close(name)
			}
			if skip.depth() == 0 && separates(a) {
				w.lineBreak()
			}
			// HTML ignores the slash of <script/> and other HTML
			// elements that are not void; SVG and MathML honour it.
			opens := tt == html.StartTagToken || a != atom.Svg && a != atom.Math
			if tt != html.EndTagToken && opens && (dropped(a) || c.skips(name)) {
				skip.open(name)
			}
		}
		// Comments and doctypes are not text.
	}
}

// skips reports whether the caller asked for the contents of the element
// named name to be dropped.
func (c Converter) skips(name []byte) bool {
	for _, s := range c.Skip {
		if string(name) == s {
			return true
		}
	}
	return false
}

// dropped reports whether the contents of element a are no text a reader
// sees: code, styles, templates, fallback content for frames and plug-ins,
// and the document's title.
func dropped(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Noscript,
		atom.Iframe, atom.Noembed, atom.Noframes, atom.Title:
		return true
	}
	return false
}

// separates reports whether the start or end of element a separates the
// words around it: block-level elements, table cells and <br> do; inline
// elements (<b>, <a>, <span>, unknown elements such as <blink>) do not.
func separates(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Br,
		atom.Caption, atom.Center, atom.Dd, atom.Details, atom.Dialog, atom.Dir,
		atom.Div, atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption, atom.Figure,
		atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Head, atom.Header, atom.Hgroup, atom.Hr, atom.Html, atom.Legend, atom.Li,
		atom.Listing, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.Optgroup,
		atom.Option, atom.P, atom.Plaintext, atom.Pre, atom.Search, atom.Section,
		atom.Summary, atom.Table, atom.Tbody, atom.Td, atom.Tfoot, atom.Th,
		atom.Thead, atom.Tr, atom.Ul, atom.Xmp:
		return true
	}
	return false
}

// skipStack holds the open elements whose contents are being dropped, so
// that only the end tag of one of them ends the dropping: "</style>" does
// not end a <template>. Each name is pushed and popped once, and whether a
// name is open at all is a map look-up, so the cost stays linear however
// the tags nest.
type skipStack struct {
	names []string
	count map[string]int // how many of each name names holds
}

func (s *skipStack) depth() int { return len(s.names) }

func (s *skipStack) open(name []byte) {
	if s.count == nil {
		s.count = make(map[string]int)
	}
	n := string(name)
	s.names = append(s.names, n)
	s.count[n]++
}

// close ends the innermost open element named name and every element
// opened inside it; it does nothing if none is open.
func (s *skipStack) close(name []byte) {
	if s.count[string(name)] == 0 {
		return
	}
	for {
		n := s.names[len(s.names)-1]
		s.names = s.names[:len(s.names)-1]
		s.count[n]--
		if n == string(name) {
			return
		}
	}
}

// plain returns s, text without markup, with its white space collapsed
// and NUL dropped: what Text returns for HTML without tags or references.
func plain(s string, lines bool) string {
	if clean(s) {
		return s // nothing to change: the common case for titles
	}
	w := newWriter(lines, len(s))
	writeText(w, s)
	return w.String()
}

// isSpace reports whether c is ASCII white space as HTML defines it.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// clean reports whether s, without markup, needs no change: no NUL, no
// white space at either end, and no white space but single spaces.
func clean(s string) bool {
	if s == "" {
		return true
	}
	if isSpace(s[0]) || isSpace(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 0, c != ' ' && isSpace(c):
			return false
		case c == ' ' && s[i+1] == ' ': // s does not end with a space
			return false
		}
	}
	return true
}

// writer builds the text: a separator (a space, or a line break in Lines
// mode) is owed after white space or a block boundary and written only
// when more text follows, so the text neither starts nor ends with one.
type writer struct {
	buf   []byte
	lines bool
	owed  byte // 0, ' ' or '\n'
}

func newWriter(lines bool, n int) *writer {
	return &writer{lines: lines, buf: make([]byte, 0, n)}
}

// lineBreak owes a line break (a space unless in Lines mode).
func (w *writer) lineBreak() {
	if w.lines {
		w.owed = '\n'
	} else {
		w.owed = ' '
	}
}

// space owes a space, unless a line break is owed already.
func (w *writer) space() {
	if w.owed == 0 {
		w.owed = ' '
	}
}

// writeText writes t, whose character references are decoded already.
func writeText[T string | []byte](w *writer, t T) {
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case c == '\n' || c == '\r':
			w.lineBreak()
			i++
		case isSpace(c):
			w.space()
			i++
		case c == 0:
			i++
		default:
			j := i + 1
			for j < len(t) && !isSpace(t[j]) && t[j] != 0 {
				j++
			}
			if w.owed != 0 && len(w.buf) > 0 {
				w.buf = append(w.buf, w.owed)
			}
			w.owed = 0
			w.buf = append(w.buf, t[i:j]...)
			i = j
		}
	}
}

func (w *writer) String() string { return string(w.buf) }

// Collapse returns s with every run of ASCII white space replaced by one
// space and none at either end; all else, NUL and non-ASCII spaces
// included, stays. It is for text that is not HTML, or text that a
// caller's own clean-up may have left with doubled spaces.
func Collapse(s string) string {
	if !needsCollapse(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isSpace(c) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteByte(c)
	}
	return b.String()
}

// needsCollapse reports whether Collapse would change s.
func needsCollapse(s string) bool {
	if s == "" {
		return false
	}
	if isSpace(s[0]) || isSpace(s[len(s)-1]) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && isSpace(c) || c == ' ' && s[i+1] == ' ' {
			return true
		}
	}
	return false
}
