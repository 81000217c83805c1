// Package textmatch matches the patterns of routing rules against news
// text. A pattern written between slashes, "/\bFIFA\b/" or with the flag i
// "/fifa/i", is a Go RE2 regular expression; anything else is a keyword or
// phrase, matched without regard to case as a whole word, except next to
// scripts written without spaces between words (Thai, Lao, Khmer, Myanmar,
// Chinese, Japanese, Korean), where it matches as a plain substring.
//
// Keywords are compared in a folded form: NFKC (full-width "ＦＩＦＡ" is
// "FIFA", half-width katakana is full-width), Unicode simple case folding
// (as strings.EqualFold and the regexp flag i use) and runs of white space
// as one space. Regular expressions see the text as it is.
package textmatch

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Pattern is one compiled pattern. It is safe for concurrent use.
type Pattern struct {
	text string         // as written
	re   *regexp.Regexp // nil for a keyword
	kw   string         // the keyword folded
	lit  string         // the keyword as written, trimmed
	// freeStart and freeEnd are set when the keyword's first or last rune
	// needs no word boundary beside it: punctuation, or a script written
	// without spaces.
	freeStart, freeEnd bool
	// need lists literals one of which a text must contain for the
	// regular expression to match it; nil when nothing is known.
	need []literal
}

// Compile compiles a pattern as written in the config.
func Compile(s string) (*Pattern, error) {
	if i := strings.IndexFunc(s, isControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		msg := fmt.Sprintf("contains the control character U+%04X", r)
		if r == '\b' {
			msg += `: in a double-quoted YAML string \b is a backspace; write the pattern unquoted or in 'single quotes'`
		}
		return nil, errors.New(msg)
	}
	if body, flags, ok := splitRegexp(s); ok {
		return compileRegexp(s, body, flags)
	}
	kw := Fold(s)
	if kw == "" {
		return nil, errors.New("empty keyword")
	}
	first, _ := utf8.DecodeRuneInString(kw)
	last, _ := utf8.DecodeLastRuneInString(kw)
	return &Pattern{
		text: s, kw: kw, lit: strings.TrimSpace(s),
		freeStart: !isWord(first) || noSpaces(first),
		freeEnd:   !isWord(last) || noSpaces(last),
	}, nil
}

// splitRegexp splits "/body/flags" into body and flags; ok is false for
// anything else, which is a keyword.
func splitRegexp(s string) (body, flags string, ok bool) {
	if !strings.HasPrefix(s, "/") {
		return "", "", false
	}
	end := strings.LastIndexByte(s, '/')
	if end == 0 {
		return "", "", false
	}
	flags = s[end+1:]
	for _, c := range flags {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return "", "", false
		}
	}
	return s[1:end], flags, true
}

func compileRegexp(s, body, flags string) (*Pattern, error) {
	if flags != "" && flags != "i" {
		return nil, fmt.Errorf("unknown flag %q after the regular expression %s: only i (ignore case) is allowed", flags, s[:len(s)-len(flags)])
	}
	if body == "" {
		return nil, errors.New("empty regular expression")
	}
	expr := body
	if flags == "i" {
		expr = "(?i)" + body
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid regular expression %s: %s: %q", s, se.Code, se.Expr)
		}
		return nil, fmt.Errorf("invalid regular expression %s: %v", s, err)
	}
	if re.MatchString("") {
		return nil, fmt.Errorf("regular expression %s matches empty text, so it would match nearly every story", s)
	}
	p := &Pattern{text: s, re: re}
	if tree, err := syntax.Parse(expr, syntax.Perl); err == nil {
		p.need = required(tree.Simplify())
	}
	return p, nil
}

// String returns the pattern as written.
func (p *Pattern) String() string { return p.text }

// IsRegexp reports whether the pattern is a regular expression.
func (p *Pattern) IsRegexp() bool { return p.re != nil }

// Keyword returns a keyword pattern as written, without surrounding space,
// and true; "" and false for a regular expression.
func (p *Pattern) Keyword() (string, bool) { return p.lit, p.re == nil }

// Match reports whether the pattern occurs in t: a keyword as a whole word
// (or substring, see the package comment), a regular expression anywhere.
func (p *Pattern) Match(t *Text) bool {
	if p.re != nil {
		return p.matchRegexp(t.plain)
	}
	return p.findKeyword(t.foldedText()) >= 0
}

// Find is Match that also returns the text that matched, as it appears in
// t (for a keyword, in t's NFKC form).
func (p *Pattern) Find(t *Text) (string, bool) {
	if p.re != nil {
		loc := p.re.FindStringIndex(t.plain)
		if loc == nil {
			return "", false
		}
		return t.plain[loc[0]:loc[1]], true
	}
	i := p.findKeyword(t.foldedText())
	if i < 0 {
		return "", false
	}
	return t.span(i, i+len(p.kw)), true
}

// Equal reports whether t as a whole is the keyword (both folded, so case
// and surrounding space do not count), or whether a regular expression
// matches in t. Categories are matched this way.
func (p *Pattern) Equal(t *Text) bool {
	if p.re != nil {
		return p.matchRegexp(t.plain)
	}
	return t.foldedText() == p.kw
}

// MatchExact reports whether s is the keyword exactly as written (without
// surrounding space), or whether a regular expression matches in s. Source
// ids are matched this way.
func (p *Pattern) MatchExact(s string) bool {
	if p.re != nil {
		return p.matchRegexp(s)
	}
	return s == p.lit
}

// findKeyword returns the byte offset in the folded text f of the first
// occurrence of the keyword that stands as a word, or -1.
func (p *Pattern) findKeyword(f string) int {
	for off := 0; off <= len(f)-len(p.kw); {
		i := strings.Index(f[off:], p.kw)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(p.kw)
		if (p.freeStart || boundaryBefore(f, i)) && (p.freeEnd || boundaryAfter(f, end)) {
			return i
		}
		_, size := utf8.DecodeRuneInString(f[i:])
		off = i + size
	}
	return -1
}

// boundaryBefore reports whether a word may start at byte i of f.
func boundaryBefore(f string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(f[:i])
	return !isWord(r) || noSpaces(r)
}

// boundaryAfter reports whether a word may end at byte i of f.
func boundaryAfter(f string, i int) bool {
	if i == len(f) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(f[i:])
	return !isWord(r) || noSpaces(r)
}

// isWord reports whether r is part of a word: a letter, digit or combining
// mark.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// noSpaceScripts are the scripts written without spaces between words
// (Korean puts spaces between phrases, but particles attach to the noun
// before them: 서울에서, "in Seoul").
var noSpaceScripts = []*unicode.RangeTable{
	unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar,
	unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul,
}

// noSpaces reports whether r belongs to a script written without spaces
// between words. The Japanese prolonged sound mark (ー) and iteration marks,
// which Unicode files under no single script, count too.
func noSpaces(r rune) bool {
	if r < 0x0E00 {
		return false
	}
	switch r {
	case 0x30FC, 0xFF70, 0x3005, 0x3006, 0x309D, 0x309E, 0x30FD, 0x30FE:
		return true
	}
	for _, t := range noSpaceScripts {
		if unicode.Is(t, r) {
			return true
		}
	}
	return false
}

func isControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// Text is one piece of text prepared for matching: it is folded once, on
// first use by a keyword, however many patterns look at it. A Text is not
// safe for concurrent use.
type Text struct {
	plain  string
	folded string
	ready  bool
}

// NewText returns s ready for matching.
func NewText(s string) Text { return Text{plain: s} }

// String returns the text as given.
func (t *Text) String() string { return t.plain }

func (t *Text) foldedText() string {
	if !t.ready {
		t.folded, _ = fold(t.plain, false)
		t.ready = true
	}
	return t.folded
}

// span returns the part of t's NFKC form that folded to f[i:j].
func (t *Text) span(i, j int) string {
	f, m := fold(t.plain, true)
	if j > len(f) || i > j {
		return ""
	}
	return m.text[m.offs[i]:m.offs[j]]
}

// Fold returns s in the form keywords are compared in: NFKC, simple case
// folding, white space runs as one space, no leading or trailing space.
func Fold(s string) string {
	f, _ := fold(s, false)
	return f
}

// foldMap maps the bytes of a folded text back to the text it came from.
type foldMap struct {
	text string // s in NFKC
	offs []int  // folded byte offset -> offset in text; one more than the folded length
}

// fold folds s; with mapping set it also says where each byte came from.
func fold(s string, mapping bool) (string, *foldMap) {
	ascii := isASCII(s)
	if !mapping && ascii {
		return foldASCII(s), nil
	}
	if !ascii {
		s = norm.NFKC.String(s)
	}
	var m *foldMap
	if mapping {
		m = &foldMap{text: s, offs: make([]int, 0, len(s)+1)}
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending, from the white space at spaceAt
	spaceAt, end := 0, 0
	for i, r := range s {
		if unicode.IsSpace(r) {
			if !space && b.Len() > 0 {
				space, spaceAt = true, i
			}
			continue
		}
		if space {
			b.WriteByte(' ')
			if m != nil {
				m.offs = append(m.offs, spaceAt)
			}
			space = false
		}
		n := b.Len()
		b.WriteRune(foldRune(r))
		if m != nil {
			for range b.Len() - n {
				m.offs = append(m.offs, i)
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		end = i + size
	}
	if m != nil {
		m.offs = append(m.offs, end)
	}
	return b.String(), m
}

// foldRune maps every rune of a simple case folding orbit (k, K and the
// Kelvin sign; σ, ς and Σ) to one lower-case letter: the lower case of the
// upper case of the orbit's smallest rune (which may be a combining mark,
// as U+0345 is for ι).
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return unicode.ToLower(unicode.ToUpper(least))
}

// foldASCII folds ASCII s, returning s itself when it is folded already.
func foldASCII(s string) string {
	if asciiFolded(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ', '\t' <= c && c <= '\r':
			space = b.Len() > 0
			i++
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
		// Copy the run of lower-case text that follows as it is.
		j := i + 1
		for j < len(s) && s[j] > ' ' && !('A' <= s[j] && s[j] <= 'Z') {
			j++
		}
		b.WriteString(s[i+1 : j])
		i = j
	}
	return b.String()
}

// asciiFolded reports whether ASCII s is already folded: no upper case, no
// white space but single spaces between words.
func asciiFolded(s string) bool {
	prevSpace := true // no leading space
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', '\t' <= c && c <= '\r':
			return false
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		default:
			prevSpace = false
		}
	}
	return !prevSpace || s == ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
