package textmatch

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// A regular expression is tried at every position of a text, which costs
// several times a keyword's search. Most texts do not match, and most
// expressions in routing rules hold a literal that every match contains
// ("/\b(BOJ|yen)\b/" needs "BOJ" or "yen"): looking for those first
// turns most texts away at the cost of a substring search.

// literal is text a match must contain; fold means regardless of case.
type literal struct {
	s    string
	fold bool
}

// matchRegexp runs the regular expression on s, unless s lacks every
// literal the expression needs.
func (p *Pattern) matchRegexp(s string) bool {
	if p.need != nil && !containsAny(s, p.need) {
		return false
	}
	return p.re.MatchString(s)
}

// containsAny reports whether s may contain one of lits. A literal to be
// matched regardless of case is only looked for in ASCII text: beyond it,
// simple case folding pairs ASCII letters with others (k with the Kelvin
// sign), so s is given the benefit of the doubt.
func containsAny(s string, lits []literal) bool {
	ascii := -1 // unknown
	for _, l := range lits {
		if !l.fold {
			if strings.Contains(s, l.s) {
				return true
			}
			continue
		}
		if ascii < 0 {
			ascii = 0
			if isASCII(s) {
				ascii = 1
			}
		}
		if ascii == 0 || containsFoldASCII(s, l.s) {
			return true
		}
	}
	return false
}

// containsFoldASCII reports whether ASCII s contains lower-case ASCII lit
// regardless of case.
func containsFoldASCII(s, lit string) bool {
	for i := 0; i+len(lit) <= len(s); i++ {
		j := 0
		for j < len(lit) {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lit[j] {
				break
			}
			j++
		}
		if j == len(lit) {
			return true
		}
	}
	return false
}

// minLiteral is the shortest literal worth looking for first.
const minLiteral = 2

// required returns literals one of which every match of re contains, or
// nil when it cannot tell (or the literals are too short to help).
func required(re *syntax.Regexp) []literal {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if utf8.RuneCountInString(s) < minLiteral || strings.ContainsRune(s, utf8.RuneError) {
			return nil
		}
		l := literal{s: s, fold: re.Flags&syntax.FoldCase != 0}
		if l.fold {
			if !isASCII(s) {
				return nil
			}
			l.s = strings.ToLower(s)
		}
		return []literal{l}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		// Any part's literals will do; the longest shortest one rejects
		// the most texts.
		var best []literal
		for _, sub := range re.Sub {
			if lits := required(sub); lits != nil && (best == nil || shortest(lits) > shortest(best)) {
				best = lits
			}
		}
		return best
	case syntax.OpAlternate:
		var all []literal
		for _, sub := range re.Sub {
			lits := required(sub)
			if lits == nil {
				return nil
			}
			all = append(all, lits...)
		}
		return all
	}
	return nil
}

func shortest(lits []literal) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l.s) < n {
			n = len(l.s)
		}
	}
	return n
}
