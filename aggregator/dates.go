package aggregator

import (
	"strings"
	"time"
)

// zoneOffsets maps the zone abbreviations partners write to their offsets
// from UTC, in seconds. gofeed reads most non-US ones (JST, ICT, ...) as
// UTC, hours wrong.
//
// Three are ambiguous. IST is India (+05:30), not Irish or Israel time; CST
// is US Central (-06:00, as RFC 822 defines it), not China; BST is British
// Summer Time (+01:00), not Bangladesh. A source whose own timezone uses
// the abbreviation at that date reads it in that zone instead, so a source
// with timezone "Asia/Shanghai" reads CST as +08:00 and one with
// "Europe/Dublin" reads IST as +01:00.
var zoneOffsets = map[string]int{
	"UTC": 0, "UT": 0, "GMT": 0, "Z": 0,
	"JST": 9 * 3600, "KST": 9 * 3600,
	"ICT": 7 * 3600, "WIB": 7 * 3600, "WITA": 8 * 3600, "WIT": 9 * 3600,
	"SGT": 8 * 3600, "HKT": 8 * 3600, "PHT": 8 * 3600, "MYT": 8 * 3600,
	"PKT": 5 * 3600, "IST": 5*3600 + 1800,
	"AEST": 10 * 3600, "AEDT": 11 * 3600, "ACST": 9*3600 + 1800, "AWST": 8 * 3600,
	"NZST": 12 * 3600, "NZDT": 13 * 3600,
	"WET": 0, "WEST": 3600, "BST": 3600, "CET": 3600, "CEST": 2 * 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600,
	"EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
}

// zonelessLayouts are the date layouts, less any zone, tried in order.
// Fractional seconds after the seconds are accepted by time.Parse itself.
var zonelessLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006/01/02 15:04:05",
	"Mon, 2 Jan 2006 15:04",
	"2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04",
	"Mon, 2 Jan 06 15:04:05",
	"2 Jan 06 15:04",
	"Monday, 2 January 2006 15:04:05",
	"Mon, 2 January 2006 15:04:05",
	"2 January 2006 15:04:05",
	"2 January 2006 15:04",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006.01.02 15:04:05",
	"2006.01.02 15:04",
	"Mon Jan 2 15:04:05 2006",
	"Mon, Jan 2 2006 15:04:05",
	"Jan 2, 2006 15:04:05",
	"Jan 2, 2006 3:04:05 PM",
	"Jan 2, 2006 3:04 PM",
	"January 2, 2006 15:04:05",
	"January 2, 2006 15:04",
	"January 2, 2006 3:04 PM",
	"2006年1月2日 15時04分",
	"2006年1月2日 15:04:05",
	"2006年1月2日 15:04",
	"2006-01-02",
	"2006/01/02",
	"2006/1/2",
	"Mon, 2 Jan 2006",
	"2 Jan 2006",
	"January 2, 2006",
	"2006年1月2日",
}

// parseDate reads a partner's date text: an RFC 1123/822 or RFC 3339 date,
// or one of zonelessLayouts followed by an optional zone written as an
// abbreviation (zoneOffsets), "Z", or a numeric offset (+0900, +09:00,
// +09), optionally followed by a parenthesised comment ("+0900 (JST)").
// Dates without a zone are read in loc. ok is false for anything else.
//
// Day and month names in the languages partners write (see englishDate)
// and Japanese dates ("2026年12月3日(木) 午後3時05分") are read too.
func parseDate(s string, loc *time.Location) (t time.Time, ok bool) {
	if t, ok := parseDateText(s, loc); ok {
		return t, true
	}
	if ja, changed := japaneseDate(s); changed {
		if t, ok := parseDateText(ja, loc); ok {
			return t, true
		}
	}
	if en, ok := englishDate(s); ok {
		return parseDateText(en, loc)
	}
	return time.Time{}, false
}

// parseDateText is parseDate for dates in English words or digits.
func parseDateText(s string, loc *time.Location) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC1123Z, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if strings.ContainsAny(s, "\t\n\r") || strings.Contains(s, "  ") {
		s = strings.Join(strings.Fields(s), " ")
	}
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[:i])
	}
	rest, zone, ok := splitZone(s, loc)
	if !ok {
		return time.Time{}, false
	}
	for _, layout := range zonelessLayouts {
		if t, err := time.ParseInLocation(layout, rest, zone.loc); err == nil {
			return zone.fix(t), true
		}
	}
	return time.Time{}, false
}

// splitZone splits a trailing zone off s and returns the rest and the zone
// to read it in (loc when s has none). ok is false for a trailing word that
// looks like a zone abbreviation but is not one we know.
func splitZone(s string, loc *time.Location) (rest string, zone dateZone, ok bool) {
	// A numeric offset, after a time: "... 10:00:00 +0900", "...T10:00+09:00".
	if i := strings.LastIndexAny(s, "+-"); i > 0 && strings.IndexByte(s[:i], ':') > 0 {
		if off, ok := parseOffset(s[i:]); ok {
			return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s[:i]), "GMT")), dateZone{loc: time.FixedZone("", off)}, true
		}
	}
	// "2026-11-28T10:00:00Z"
	if strings.HasSuffix(s, "Z") && strings.IndexByte(s, ':') > 0 && len(s) > 1 && s[len(s)-2] >= '0' && s[len(s)-2] <= '9' {
		return s[:len(s)-1], dateZone{loc: time.UTC}, true
	}
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return s, dateZone{loc: loc}, true
	}
	word := s[i+1:]
	if off, known := zoneOffsets[strings.ToUpper(word)]; known {
		return s[:i], dateZone{loc: loc, abbr: strings.ToUpper(word), offset: off}, true
	}
	if isZoneLike(word) {
		return "", dateZone{}, false
	}
	return s, dateZone{loc: loc}, true
}

// isZoneLike reports whether w looks like a zone abbreviation: 2 to 5
// letters, all upper case, and not AM or PM.
func isZoneLike(w string) bool {
	if len(w) < 2 || len(w) > 5 || w == "AM" || w == "PM" {
		return false
	}
	for _, r := range w {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// parseOffset reads "+0900", "+09:00" or "+09" as seconds east of UTC.
func parseOffset(s string) (int, bool) {
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	digits := strings.Replace(s[1:], ":", "", 1)
	if len(digits) == 2 {
		digits += "00"
	}
	if len(digits) != 4 {
		return 0, false
	}
	h, m := 0, 0
	for i, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		if i < 2 {
			h = h*10 + int(c-'0')
		} else {
			m = m*10 + int(c-'0')
		}
	}
	if h > 14 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// dateZone is the zone a date is read in: loc, unless the date names an
// abbreviation, whose offset applies unless loc itself uses that
// abbreviation at that date.
type dateZone struct {
	loc    *time.Location
	abbr   string
	offset int
}

// fix applies the abbreviation's offset to t, read in loc.
func (z dateZone) fix(t time.Time) time.Time {
	if z.abbr == "" {
		return t
	}
	if name, _ := t.Zone(); name == z.abbr {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone(z.abbr, z.offset))
}
