package aggregator

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

// japaneseDateRE matches a Japanese date: "2026年12月3日", an optional
// weekday in parentheses ("(木)", full width too), and an optional time
// "10時05分", "午後3時5分30秒" or "10:05", followed by anything (a zone).
var japaneseDateRE = regexp.MustCompile(`^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:[(（][^)）]*[)）])?\s*(?:(午前|午後)?\s*(\d{1,2})\s*(?:時|:)\s*(?:(\d{1,2})\s*分?)?\s*(?::?\s*(\d{1,2})\s*秒?)?)?(.*)$`)

// japaneseDate rewrites a Japanese date as "2006-01-02 15:04:05" followed
// by whatever came after it; changed is false when s is no such date.
// Full-width digits are read as digits; 午後 (p.m.) adds twelve hours.
func japaneseDate(s string) (string, bool) {
	if !strings.Contains(s, "年") {
		return s, false
	}
	m := japaneseDateRE.FindStringSubmatch(width.Narrow.String(s))
	if m == nil {
		return s, false
	}
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	out := fmt.Sprintf("%s-%02d-%02d", m[1], num(m[2]), num(m[3]))
	if m[5] != "" {
		hour := num(m[5])
		if m[4] == "午後" && hour < 12 {
			hour += 12
		}
		out += fmt.Sprintf(" %02d:%02d:%02d", hour, num(m[6]), num(m[7]))
	}
	if rest := strings.TrimSpace(m[8]); rest != "" {
		out += " " + rest
	}
	return out, true
}
