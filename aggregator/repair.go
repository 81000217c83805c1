package aggregator

import (
	"bytes"
	"regexp"
	"strconv"
)

// repair fixes, in a UTF-8 document, the mistakes that would otherwise make
// a partner's whole feed unreadable:
//
//   - control characters that XML and JSON do not allow are removed, as are
//     U+FFFE and U+FFFF;
//   - in XML, numeric character references to such characters are removed;
//     a '<' that cannot start markup ("profits < 5%") is escaped; and the
//     root element of an Atom or RSS 1.0 feed whose default namespace is
//     wrong (gofeed then sees no entries at all) gets the right one.
//
// Undeclared HTML entities (&nbsp;, &mdash;) and a stray '&' need nothing:
// gofeed's XML parser is not strict and decodes them itself. CDATA sections,
// comments and processing instructions are left as they are. A document
// that needs no repair is returned as is.
func repair(doc []byte) []byte {
	doc = dropIllegalChars(doc)
	if !isXML(doc) {
		return doc
	}
	return repairMarkup(fixRootNamespace(doc))
}

// isXML reports whether doc starts, after white space, with markup.
func isXML(doc []byte) bool {
	trimmed := bytes.TrimLeft(doc[:min(len(doc), 512)], " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '<'
}

// dropIllegalChars removes C0 controls other than tab, LF and CR, and the
// noncharacters U+FFFE and U+FFFF, from UTF-8 text.
func dropIllegalChars(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); i++ {
		n := 0
		switch c := b[i]; {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			n = 1
		case c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF):
			n = 3
		default:
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b))
		}
		out = append(out, b[last:i]...)
		i += n - 1
		last = i + 1
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// repairMarkup removes numeric references to characters XML does not allow
// and escapes a '<' that cannot start markup, outside CDATA sections,
// comments and processing instructions.
func repairMarkup(b []byte) []byte {
	var out []byte
	last := 0
	replace := func(i, n int, with string) {
		if out == nil {
			out = make([]byte, 0, len(b)+64)
		}
		out = append(append(out, b[last:i]...), with...)
		last = i + n
	}
	for i := 0; i < len(b); {
		j := bytes.IndexAny(b[i:], "<&")
		if j < 0 {
			break
		}
		i += j
		rest := b[i:]
		switch {
		case rest[0] == '&':
			if n := illegalCharRef(rest); n > 0 {
				replace(i, n, "")
				i += n
				continue
			}
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i = skipPast(b, i, "]]>")
			continue
		case bytes.HasPrefix(rest, []byte("<!--")):
			i = skipPast(b, i, "-->")
			continue
		case bytes.HasPrefix(rest, []byte("<?")):
			i = skipPast(b, i, "?>")
			continue
		case len(rest) < 2 || !startsMarkup(rest[1]):
			replace(i, 1, "&lt;")
		}
		i++
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// skipPast returns the index just past the first end at or after i, or
// len(b) when there is none.
func skipPast(b []byte, i int, end string) int {
	if j := bytes.Index(b[i:], []byte(end)); j >= 0 {
		return i + j + len(end)
	}
	return len(b)
}

// startsMarkup reports whether c may follow '<' in markup: a name, an end
// tag, a declaration or a processing instruction.
func startsMarkup(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' ||
		c == '/' || c == '!' || c == '?' || c >= 0x80
}

// illegalCharRef returns the length of the numeric character reference at
// the start of b if it names a character XML does not allow (&#1;,
// &#xFFFE;, a surrogate, beyond U+10FFFF), else 0.
func illegalCharRef(b []byte) int {
	m := charRef.FindSubmatch(b[:min(len(b), 32)])
	if m == nil {
		return 0
	}
	var v uint64
	var err error
	if len(m[1]) > 0 {
		v, err = strconv.ParseUint(string(m[1]), 16, 32)
	} else {
		v, err = strconv.ParseUint(string(m[2]), 10, 32)
	}
	if err == nil && isXMLChar(v) {
		return 0
	}
	return len(m[0])
}

var charRef = regexp.MustCompile(`^&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));`)

// isXMLChar reports whether XML 1.0 allows the character v.
func isXMLChar(v uint64) bool {
	return v == 0x9 || v == 0xA || v == 0xD || v >= 0x20 && v <= 0xD7FF ||
		v >= 0xE000 && v <= 0xFFFD || v >= 0x10000 && v <= 0x10FFFF
}

// Namespaces gofeed reads Atom and RSS 1.0 in.
const (
	atomNamespace  = "http://www.w3.org/2005/Atom"
	rss10Namespace = "http://purl.org/rss/1.0/"
)

// rootNamespaces maps the local name of a feed's root element to the
// default namespaces gofeed understands for it; the first replaces any
// other.
var rootNamespaces = map[string][]string{
	"feed": {atomNamespace, "http://purl.org/atom/ns#"},
	"RDF":  {rss10Namespace, "http://my.netscape.com/rdf/simple/0.9/", "http://channel.netscape.com/rdf/simple/0.9/"},
}

var (
	tagName    = regexp.MustCompile(`^<([^\s/>]+)`)
	xmlnsValue = regexp.MustCompile(`\sxmlns\s*=\s*(?:"([^"]*)"|'([^']*)')`)
)

// fixRootNamespace gives an Atom <feed> or an RDF root a default namespace
// gofeed reads when it declares another one ("https://www.w3.org/2005/Atom",
// "http://www.w3.org/2005/atom/"). A missing one needs no fix.
func fixRootNamespace(doc []byte) []byte {
	start, end := rootTag(doc)
	if start < 0 {
		return doc
	}
	tag := doc[start:end]
	m := tagName.FindSubmatch(tag)
	if m == nil {
		return doc
	}
	name := m[1]
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	known := rootNamespaces[string(name)]
	v := xmlnsValue.FindSubmatchIndex(tag)
	if known == nil || v == nil {
		return doc
	}
	from, to := v[2], v[3]
	if from < 0 {
		from, to = v[4], v[5]
	}
	value := string(tag[from:to])
	for _, ns := range known {
		if value == ns {
			return doc
		}
	}
	out := make([]byte, 0, len(doc)+len(known[0]))
	out = append(out, doc[:start+from]...)
	out = append(out, known[0]...)
	return append(out, doc[start+to:]...)
}

// rootTag returns the span of the root element's start tag, skipping the
// XML declaration, comments, processing instructions and a DOCTYPE with
// its internal subset; -1, -1 if there is none.
func rootTag(doc []byte) (start, end int) {
	for i := 0; i < len(doc); {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := doc[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			i = skipPast(doc, i, "?>")
		case bytes.HasPrefix(rest, []byte("<!--")):
			i = skipPast(doc, i, "-->")
		case bytes.HasPrefix(rest, []byte("<!")):
			// A DOCTYPE's internal subset holds '>' of its own.
			if open, gt := bytes.IndexByte(rest, '['), bytes.IndexByte(rest, '>'); open >= 0 && open < gt {
				i = skipPast(doc, i, "]")
			}
			i = skipPast(doc, i, ">")
		default:
			gt := bytes.IndexByte(rest, '>')
			if gt < 0 {
				return -1, -1
			}
			return i, i + gt + 1
		}
	}
	return -1, -1
}
