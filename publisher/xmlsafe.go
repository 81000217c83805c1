package publisher

import (
	"strings"
	"unicode/utf8"
)

// xmlSafe returns s without the characters XML 1.0 forbids (§2.2): C0
// controls other than tab, newline and carriage return, U+FFFE and U+FFFF,
// surrogates, and bytes that are not valid UTF-8. It also drops DEL and the
// C1 controls, which XML 1.0 allows but discourages and XML 1.1 forbids
// unescaped; they never belong in news text. Every string that reaches a
// published document passes through it, so one stray byte in a partner's
// feed can never make a whole document unreadable. Strings that need no
// change are returned as they are, without allocating.
func xmlSafe(s string) string {
	for i := 0; i < len(s); {
		if c := s[i]; 0x20 <= c && c < 0x7F || c == '\n' {
			i++ // printable ASCII, the common case
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !xmlChar(r, size) {
			return stripFrom(s, i)
		}
		i += size
	}
	return s
}

// stripFrom builds the cleaned copy of s, whose first bad character is at i.
func stripFrom(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if xmlChar(r, size) {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// xmlChar reports whether the rune r, decoded from size bytes, matches the
// Char production of XML 1.0. A RuneError of one byte is an invalid encoding
// (including a UTF-8-encoded surrogate); a real U+FFFD is kept.
func xmlChar(r rune, size int) bool {
	switch {
	case r == utf8.RuneError:
		return size > 1
	case r < 0x20:
		return r == '\t' || r == '\n' || r == '\r'
	case r < 0x7F:
		return true
	case r <= 0x9F:
		return false // DEL, C1 controls
	case r < 0xD800:
		return true
	case r < 0xE000:
		return false // surrogates; DecodeRune never yields them, kept for clarity
	case r < 0xFFFE:
		return true
	case r < 0x10000:
		return false // U+FFFE, U+FFFF
	default:
		return r <= utf8.MaxRune
	}
}
