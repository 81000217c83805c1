package route

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// plainText returns HTML s as text for matching: tags dropped (block tags
// and <br> leave a space, inline ones such as <b> nothing, so words stay
// whole), the insides of <script> and <style> dropped, entities decoded,
// runs of white space as one space. It is cheap rather than exact: a
// partner's summary is a few paragraphs.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return collapseSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is due before the next text
	text := func(t string) {
		for i := 0; i < len(t); {
			c := t[i]
			if c < utf8.RuneSelf && asciiSpace[c] {
				space = true
				i++
				continue
			}
			j := i + 1 // the end of the word
			if c >= utf8.RuneSelf {
				r, size := utf8.DecodeRuneInString(t[i:])
				if unicode.IsSpace(r) {
					space = true
					i += size
					continue
				}
				j = i + size
			}
			for j < len(t) && t[j] < utf8.RuneSelf && !asciiSpace[t[j]] {
				j++
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(t[i:j])
			i = j
		}
	}
	for {
		open := strings.IndexByte(s, '<')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '>')
		if end < 0 {
			break
		}
		text(s[:open])
		tag := s[open+1 : open+end]
		name := tagName(tag)
		s = s[open+end+1:]
		if (name == "script" || name == "style") && !strings.HasPrefix(tag, "/") {
			if close := strings.Index(strings.ToLower(s), "</"+name); close >= 0 {
				s = s[close:]
			} else {
				s = ""
			}
		}
		if !inlineTags[name] {
			space = true
		}
	}
	text(s)
	out := b.String()
	if strings.IndexByte(out, '&') >= 0 {
		out = collapseSpace(html.UnescapeString(out))
	}
	return out
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// tagName returns the lower-case name of the tag whose text between < and
// > is tag, without a closing slash.
func tagName(tag string) string {
	tag = strings.TrimPrefix(tag, "/")
	if i := strings.IndexAny(tag, " \t\r\n/"); i >= 0 {
		tag = tag[:i]
	}
	return strings.ToLower(tag)
}

// inlineTags are the elements that do not separate the words around them.
var inlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true,
	"data": true, "dfn": true, "em": true, "font": true, "i": true, "kbd": true, "mark": true,
	"q": true, "rb": true, "ruby": true, "s": true, "samp": true, "small": true, "span": true,
	"strong": true, "sub": true, "sup": true, "time": true, "u": true, "var": true, "wbr": true,
}

// collapseSpace returns s without leading or trailing white space and with
// every run of white space as one space; s itself when it is so already.
func collapseSpace(s string) string {
	prevSpace := true // no leading space
	for _, r := range s {
		if !unicode.IsSpace(r) {
			prevSpace = false
			continue
		}
		if r != ' ' || prevSpace {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = true
	}
	if prevSpace && s != "" {
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}
