package htmltext

import "strings"

// TextOrHTML returns the text of s, a feed field that may hold plain text
// or HTML without saying which: a title, an author's name, a category.
// Feed parsers hand over an Atom title of type "text", and an RSS title
// escaped once, as plain text, in which "History of the <blink> tag" means
// the tag literally; an Atom title of type "html", or an RSS title escaped
// twice, arrives as HTML ("History of the &lt;blink&gt; tag", "Yen
// <b>weakens</b>"). s is read as HTML (see Text) when it holds an end tag
// such as "</b>", a <br>, or a character reference such as "&amp;",
// "&#8212;" or "&#x1F600;"; otherwise it is plain text, of which only the
// white space is collapsed and NUL dropped, as Text does. Both readings
// agree on text without '<' and '&', and on "a < b".
func TextOrHTML(s string) string {
	if looksLikeHTML(s) {
		return Text(s)
	}
	return plain(s, false)
}

// looksLikeHTML reports whether s holds an end tag, a <br> or a character
// reference; see TextOrHTML.
func looksLikeHTML(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			if endTag(s[i:]) || brTag(s[i:]) {
				return true
			}
		case '&':
			if charRef(s[i:]) {
				return true
			}
		}
	}
	return false
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

// endTag reports whether s starts with an end tag: "</", a letter, the
// rest of a name, optional white space and ">".
func endTag(s string) bool {
	if len(s) < 4 || s[1] != '/' || !isLetter(s[2]) {
		return false
	}
	i := 3
	for i < len(s) && !isSpace(s[i]) && s[i] != '/' && s[i] != '<' && s[i] != '>' {
		i++
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i < len(s) && s[i] == '>'
}

// brTag reports whether s starts with <br>, <br/> or <br />, in any case.
func brTag(s string) bool {
	if len(s) < 4 || !strings.EqualFold(s[:3], "<br") {
		return false
	}
	s = strings.TrimLeft(s[3:], "\t\n\f\r ")
	s = strings.TrimPrefix(s, "/")
	return strings.HasPrefix(s, ">")
}

// maxRefName bounds the name of a named character reference; the longest
// HTML defines, "CounterClockwiseContourIntegral", has 31 letters.
const maxRefName = 32

// charRef reports whether s starts with a character reference ended by a
// semicolon: "&" and a name of two to maxRefName letters and digits, "&#"
// and decimal digits, or "&#x" and hexadecimal digits. Any such name
// counts: plain text rarely holds one, and HTML nearly always does.
func charRef(s string) bool {
	i := 1
	switch {
	case len(s) > 2 && s[1] == '#' && (s[2] == 'x' || s[2] == 'X'):
		i = 3
		for i < len(s) && i < 3+8 && isHex(s[i]) {
			i++
		}
		return i > 3 && i < len(s) && s[i] == ';'
	case len(s) > 1 && s[1] == '#':
		i = 2
		for i < len(s) && i < 2+10 && isDigit(s[i]) {
			i++
		}
		return i > 2 && i < len(s) && s[i] == ';'
	}
	if len(s) < 2 || !isLetter(s[1]) {
		return false
	}
	for i < len(s) && i <= maxRefName && (isLetter(s[i]) || isDigit(s[i])) {
		i++
	}
	return i > 2 && i < len(s) && s[i] == ';'
}
