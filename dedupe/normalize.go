package dedupe

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"wirefeed/internal/htmltext"
)

// LeadRunes is how much of a story's summary or content text, after HTML,
// bylines and datelines are removed, takes part in its signature.
const LeadRunes = 400

// Normalize returns text in the form the similarity measure reads: HTML
// stripped, NFKC, bylines ("By Somchai Thongdee"), datelines ("BANGKOK
// (Jiji Press) —", "TOKYO, Nov. 28 (Kyodo) -") and source footers ("Provided
// by Nation") removed, case-folded, "%" spelled "percent", possessive 's
// dropped, punctuation turned into spaces (except separators inside numbers
// such as 0.75, 2-1 or 10:30; thousands separators are removed) and
// whitespace collapsed. Text is not truncated; Sign cuts the lead at
// LeadRunes before normalising it.
func Normalize(text string) string {
	return fold(clean(text))
}

// clean reads HTML as text (leadHTML), applies NFKC and removes bylines,
// datelines and footers; the result keeps its case, since datelines are
// recognised by it.
func clean(text string) string {
	text = norm.NFKC.String(leadHTML.Text(text))
	text = stripAffixes(text)
	return text
}

// Wire desks' markers before a headline ("UPDATE 2-", "BREAKING:") and a
// site or section name after a bar ("… | Nation Thailand").
var (
	titlePrefix = regexp.MustCompile(`^\s*(?:(?:UPDATE|WRAPUP|REFILE|CORRECTED|CORRECTION|BREAKING|EXCLUSIVE|FOCUS|ANALYSIS|RPT|FACTBOX|URGENT|FLASH)(?:\s*\d{1,2})?\s*(?:[-:—–]|\s-\s)\s*)+`)
	titleSuffix = regexp.MustCompile(`\s+\|\s+[^|\n]{1,40}$`)
)

// cleanTitle is clean for a headline: read as the publisher reads titles,
// plain text or HTML (htmltext.TextOrHTML), NFKC, desk markers and a
// trailing "| Site" removed.
func cleanTitle(text string) string {
	text = strings.TrimSpace(norm.NFKC.String(htmltext.TextOrHTML(text)))
	if loc := titlePrefix.FindStringIndex(text); loc != nil && loc[1] < len(text) {
		text = text[loc[1]:]
	}
	if loc := titleSuffix.FindStringIndex(text); loc != nil && loc[0] > 0 {
		text = text[:loc[0]]
	}
	return text
}

// cleanLead is clean followed by the cut at LeadRunes, on a word boundary.
func cleanLead(text string) string {
	// Long content is cut before the costlier steps; what lies past twice
	// LeadRunes cannot reach the signature even after a byline and a
	// dateline are removed.
	text = leadHTML.Text(text)
	if i := runeOffset(text, 2*LeadRunes); i < len(text) {
		text = text[:i]
	}
	text = stripAffixes(norm.NFKC.String(text))
	if utf8.RuneCountInString(text) <= LeadRunes {
		return text
	}
	n := 0
	for i := range text {
		if n == LeadRunes {
			cut := text[:i]
			r, _ := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsSpace(r) {
				// Drop the word the cut went through, unless the text
				// has no spaces at all (Thai, Japanese).
				if j := strings.LastIndexFunc(cut, unicode.IsSpace); j > LeadRunes/2 {
					cut = cut[:j]
				}
			}
			return cut
		}
		n++
	}
	return text
}

// runeOffset returns the byte offset of the n-th rune of s, or len(s).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// leadHTML reads a summary or content as text (htmltext, as every part of
// wirefeed reads HTML) for the similarity measure's own needs: its lines
// kept, since a byline or a dateline is recognised at the start of one,
// and figures, captions, SVG, plug-in fallbacks and a document head
// dropped, since they are not story text and partners' copies of a story
// differ in them.
var leadHTML = htmltext.Converter{
	Lines: true,
	Skip:  []string{"figure", "figcaption", "svg", "object", "head"},
}

// Patterns for the affixes that partners add to the same copy. They run on
// NFKC text that still has its case.
const (
	// A personal name in a byline: "Somchai", "T.", "O'Neill".
	reName = `\p{Lu}[\p{Ll}.'’-]*`
	// A run of names, possibly two people: "Somchai Thongdee and Aiko Sato".
	reNames = reName + `(?:\s+` + reName + `){0,3}(?:\s+and\s+` + reName + `(?:\s+` + reName + `){0,3})?`
	// An organisation after a byline: "The Nation", "Jiji Press".
	reOrg = `(?:[Tt]he\s+)?\p{Lu}[\p{L}&.'’-]*(?:\s+\p{Lu}[\p{L}&.'’-]*){0,3}`
	// An organisation written in title case: "The Nation", "Jiji Press".
	reTitleOrg = `(?:[Tt]he\s+)?\p{Lu}\p{Ll}[\p{L}&.'’-]*(?:\s+\p{Lu}\p{Ll}[\p{L}&.'’-]*){0,3}`
	// A dash or colon closing a dateline.
	reDash = `\s*(?:[-–—―]{1,3}|:)\s*`
	// An all-capitals place: "BANGKOK", "CHIANG MAI", "KUALA LUMPUR".
	reCapsPlace = `\p{Lu}[\p{Lu}.'’-]+(?:\s+\p{Lu}[\p{Lu}.'’-]+){0,3}`
	// A title-case place: "Bangkok", "Phnom Penh".
	reTitlePlace = `\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){0,2}`
	// A date in a dateline: ", Nov. 28", ", 28 November 2026".
	reDate = `\s*,?\s*(?:\p{Lu}\p{Ll}{2,8}\.?\s+\d{1,2}|\d{1,2}\s+\p{Lu}\p{Ll}{2,8}\.?)(?:,?\s+\d{4})?`
	// The wire service in brackets: "(Jiji Press)", "(Kyodo)".
	reAgency = `\s*\([^()\n]{2,40}\)`
)

var (
	// A line of its own holding only a byline.
	bylineLine = regexp.MustCompile(`^\s*(?i:by)\s+` + reNames + `(?:\s*[,|/]\s*` + reOrg + `)?\s*\n`)
	// A byline followed by a delimiter on the same line.
	bylineDelim = regexp.MustCompile(`^\s*(?i:by)\s+` + reNames + `(?:\s*[,|/]\s*` + reOrg + `)?\s*(?:[|/—–―]|\s-\s)\s*`)
	// A byline running straight into an all-capitals dateline, perhaps
	// with a title-case organisation between: "By Somchai Thongdee | The
	// Nation BANGKOK —".
	bylineCaps = regexp.MustCompile(`^\s*(?i:by)\s+` + reNames + `(?:\s*[,|/]\s*` + reTitleOrg + `)?\s+(\p{Lu}{3,}[\s,])`)
	// "CHIANG MAI, Thailand, Nov. 28 (AP) —", "BANGKOK:".
	datelineCaps = regexp.MustCompile(`^\s*` + reCapsPlace + `(?:\s*,\s*` + reTitlePlace + `)?(?:` + reDate + `)?(?:` + reAgency + `)?` + reDash)
	// "Tokyo, Nov. 28 (Jiji Press)--", "Tokyo (Kyodo) —".
	datelineTitle = regexp.MustCompile(`^\s*` + reTitlePlace + `(?:` + reDate + `(?:` + reAgency + `)?|` + reAgency + `)` + reDash)
	// "(Jiji Press) —".
	datelineAgency = regexp.MustCompile(`^\s*\([^()\n]{2,40}\)` + reDash)
	// "(Provided by Nation)" or "Provided by Nation —" at the start.
	providedHead = regexp.MustCompile(`^\s*(?:\(\s*(?i:provided by|courtesy of)\s+` + reOrg + `\s*\)|(?i:provided by|courtesy of)\s+` + reOrg + `\s*(?:\n|[|—–―:]|\s-\s))\s*`)
	// Credit footers: "Provided by Nation", "(Source: The Nation)".
	footerCredit = regexp.MustCompile(`(?:^|[\s(\[|—–―-])\s*(?i:provided by|courtesy of|source\s*:)\s+` + reOrg + `\s*[.)\]]?\s*$`)
	// Footers starting a sentence or a line: "Reporting by …; Editing by
	// …", "Read more", "This article was first published …".
	footerLine = regexp.MustCompile(`(?is)(?:^|\n|[.!?]\s+)\s*[(\[]?\s*(?:(?:this|the) (?:article|story) (?:was |is )?(?:first |originally )?(?:published|appeared|posted)|(?:additional )?reporting by|writing by|editing by|read more|continue reading|read the full (?:story|article)|click here)[^\n]{0,160}$`)
	// The blog-software footer "The post <title> appeared first on <site>."
	footerPost = regexp.MustCompile(`(?s)(?:^|[.!?…]\s+|\n\s*)The post\s[^\n]{1,200}\sappeared first on\s[^\n]{1,100}$`)
	// A word the truncation cut through: "governm…".
	cutWord = regexp.MustCompile(`[\p{L}\p{N}]+(?:\.{3,}|…)\s*$`)
)

// stripAffixes removes leading bylines, datelines and "Provided by" lines
// and trailing footers and truncation marks.
func stripAffixes(s string) string {
	s = strings.TrimSpace(s)
	for range 4 {
		before := s
		if loc := bylineCaps.FindStringSubmatchIndex(s); loc != nil {
			s = s[loc[2]:]
		}
		for _, re := range []*regexp.Regexp{bylineLine, bylineDelim, providedHead, datelineCaps, datelineTitle, datelineAgency} {
			if loc := re.FindStringIndex(s); loc != nil && loc[1] < len(s) {
				s = s[loc[1]:]
			}
		}
		if s == before {
			break
		}
	}
	for range 4 {
		before := s
		tail := strings.ToLower(s[tailStart(s):])
		for _, f := range footers {
			if containsAny(tail, f.keys) {
				if i := matchTail(f.re, s); i > 0 {
					s = s[:i]
				}
			}
		}
		if strings.HasSuffix(s, "...") || strings.HasSuffix(s, "…") {
			if loc := cutWord.FindStringIndex(s); loc != nil && loc[0] > 0 {
				s = s[:loc[0]]
			}
		}
		s = trimEllipsis(s)
		if s == before {
			break
		}
	}
	return s
}

// trimEllipsis removes truncation marks from the end of s: "…", "...",
// "[…]", "[...]", "(more)", "»", ">>", and the spaces around them.
func trimEllipsis(s string) string {
	for {
		s = strings.TrimRightFunc(s, unicode.IsSpace)
		t := s
		switch {
		case strings.HasSuffix(t, "..."):
			t = strings.TrimRight(t, ".")
		case strings.HasSuffix(t, "]"):
			if i := strings.LastIndexByte(t, '['); i >= 0 {
				if in := strings.TrimSpace(t[i+1 : len(t)-1]); in == "..." || in == "…" {
					t = t[:i]
				}
			}
		default:
			for _, m := range []string{"…", "(more)", "»", ">>"} {
				t = strings.TrimSuffix(t, m)
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}

// tailWindow bounds where matchTail looks: every footer pattern matches at
// most this many bytes at the end of the text.
const tailWindow = 1024

// matchTail returns where re, a pattern anchored at the end of the text,
// matches in the last tailWindow bytes of s, or -1. Searching only the tail
// keeps the cost flat in the length of s; a "^" in re still means the start
// of s, not of the window.
func matchTail(re *regexp.Regexp, s string) int {
	for off := tailStart(s); off < len(s); {
		loc := re.FindStringIndex(s[off:])
		if loc == nil {
			return -1
		}
		if off == 0 || loc[0] > 0 {
			return off + loc[0]
		}
		// A match at the window's start may rely on "^": look again
		// one rune on.
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
	}
	return -1
}

// tailStart is the offset of the last tailWindow bytes of s, on a rune
// boundary.
func tailStart(s string) int {
	if len(s) <= tailWindow {
		return 0
	}
	from := len(s) - tailWindow
	for from < len(s) && !utf8.RuneStart(s[from]) {
		from++
	}
	return from
}

// footers pairs each footer pattern with words one of which its match
// must contain (lower-case), a cheap test that spares most texts the
// pattern.
var footers = []struct {
	re   *regexp.Regexp
	keys []string
}{
	{footerPost, []string{"appeared first on"}},
	{footerLine, []string{"article", "story", "reporting by", "writing by", "editing by", "read more", "continue reading", "click here"}},
	{footerCredit, []string{"provided by", "courtesy of", "source"}},
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

var folders = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// fold case-folds s, then rewrites it as described at Normalize.
func fold(s string) string {
	if isASCII(s) {
		// Case folding maps only A-Z within ASCII, and NFKC leaves it
		// as it is: the same result without either pass.
		s = strings.ToLower(s)
	} else {
		c := folders.Get().(*cases.Caser)
		s = c.String(s)
		folders.Put(c)
		// Folding may leave compatibility forms behind (ſ, ǅ).
		s = norm.NFKC.String(s)
	}

	var b strings.Builder
	b.Grow(len(s) + 8)
	space := true
	put := func(r rune) {
		if r == ' ' {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			return
		}
		b.WriteRune(r)
		space = false
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		prevDigit := i > 0 && isDigit(rs[i-1])
		nextDigit := i+1 < len(rs) && isDigit(rs[i+1])
		switch {
		case isDigit(r):
			put(digitValue(r))
		case unicode.IsLetter(r) || unicode.IsMark(r) || r == 'ー' || r == '々':
			put(r)
		case r == '%' || r == '‰':
			put(' ')
			for _, c := range "percent" {
				put(c)
			}
			put(' ')
		case (r == '\'' || r == '’') && i+1 < len(rs) && rs[i+1] == 's' &&
			(i+2 == len(rs) || !unicode.IsLetter(rs[i+2])):
			i++ // possessive 's
		case prevDigit && nextDigit && r == ',' && thousands(rs, i):
			// 1,200 → 1200
		case prevDigit && nextDigit && (r == '.' || r == ',' || r == ':' || r == '/'):
			put(r)
		case prevDigit && nextDigit && isDash(r):
			put('-')
		default:
			put(' ')
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

func isDigit(r rune) bool {
	return '0' <= r && r <= '9' || r >= 0x80 && unicode.IsDigit(r)
}

// digitValue maps a decimal digit of another script (Thai ๑, Arabic-Indic,
// Devanagari, …) to ASCII; NFKC has already mapped full-width digits.
func digitValue(r rune) rune {
	if r < 0x80 || !unicode.IsDigit(r) {
		return r
	}
	// Unicode lays out every decimal digit set as runs of ten consecutive
	// code points starting at a zero.
	z := r
	for unicode.IsDigit(z - 1) {
		z--
	}
	return '0' + (r-z)%10
}

func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '‒', '–', '—', '―', '−':
		return true
	}
	return false
}

// thousands reports whether the comma at i separates groups of three
// digits: 1,200 and 12,345,678 but not 2,3.
func thousands(rs []rune, i int) bool {
	n := 0
	for j := i + 1; j < len(rs) && isDigit(rs[j]); j++ {
		n++
	}
	return n == 3 && (i+4 >= len(rs) || !isDigit(rs[i+4]))
}
