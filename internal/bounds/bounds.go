// Package bounds holds the limits on one story that no real news wire comes
// near, and the helpers that apply them. The aggregator applies them to
// every item it normalises, and the publisher again to every story it
// renders, so a story stored before the limits existed cannot make a
// rendering slow either.
//
// A partner once sent an item with 200,000 <category> elements and a 9 MB
// title; real wires send a handful of categories and titles of a few
// hundred characters.
package bounds

import (
	"strings"
	"unicode/utf8"
)

// Limits on the lists of one story. Entries beyond them are dropped,
// keeping the partner's first ones.
const (
	Categories = 100
	Authors    = 50
	Enclosures = 50
)

// Limits on the text of one story, in bytes of UTF-8. Longer text is cut at
// a character boundary (Thai or Japanese takes three bytes a character).
const (
	Title   = 2 << 10  // 2 KiB: a headline of ~700 Thai or Japanese characters
	Summary = 64 << 10 // 64 KiB
	Content = 1 << 20  // 1 MiB of HTML: a very long article with markup
	Name    = 512      // a category, an author's name or address, a media type
	URL     = 8 << 10  // a link, GUID, image or enclosure address; longer ones are dropped
	Lang    = 64       // a language tag
)

// Ellipsis ends a title that was cut.
const Ellipsis = "…"

// Cut returns s cut to at most max bytes at a character boundary.
func Cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// HTML returns the HTML (or text) s cut to at most max bytes, at a
// character boundary and never inside a tag: a cut that would leave a tag
// open is made before the tag instead. What the cut leaves unclosed the
// HTML sanitizer closes when the story is rendered.
func HTML(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = Cut(s, max)
	if lt := strings.LastIndexByte(s, '<'); lt > strings.LastIndexByte(s, '>') {
		s = s[:lt]
	}
	return s
}

// TitleText returns a title cut to Title bytes, ending in an ellipsis when
// cut.
func TitleText(s string) string {
	if len(s) <= Title {
		return s
	}
	return HTML(s, Title-len(Ellipsis)) + Ellipsis
}

// Link returns s, or "" when it is longer than URL: a cut address would
// lead somewhere else.
func Link(s string) string {
	if len(s) > URL {
		return ""
	}
	return s
}

// List returns list cut to its first max entries.
func List[T any](list []T, max int) []T {
	if len(list) > max {
		return list[:max]
	}
	return list
}
