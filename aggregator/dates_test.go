package aggregator

import (
	"context"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"wirefeed/config"
)

func TestParseDate(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	bangkok, _ := time.LoadLocation("Asia/Bangkok")
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	dublin, _ := time.LoadLocation("Europe/Dublin")
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	nov28 := utc(2026, 11, 28, 1, 30, 0) // 10:30 JST, 08:30 ICT
	for _, tc := range []struct {
		in   string
		loc  *time.Location
		want time.Time // zero: not a date
	}{
		// RFC 1123/3339 and numeric offsets.
		{"Sat, 28 Nov 2026 10:30:00 +0900", nil, nov28},
		{"2026-11-28T10:30:00+09:00", nil, nov28},
		{"2026-11-28T01:30:00Z", nil, nov28},
		{"2026-11-28T10:30:00+0900", nil, nov28},
		{"2026-11-28T10:30:00.250+09:00", nil, nov28.Add(250 * time.Millisecond)},
		{"2026-11-28 10:30:00 +09", nil, nov28},
		{"Sat, 28 Nov 2026 08:30:00 GMT+0700", nil, nov28},
		{"Sat, 28 Nov 2026 10:30:00 +0900 (JST)", nil, nov28},
		{"  Sat,  28 Nov 2026\t10:30:00   +0900 ", nil, nov28},
		// Zone abbreviations gofeed reads as UTC.
		{"Sat, 28 Nov 2026 10:30:00 JST", nil, nov28},
		{"Sat, 28 Nov 2026 08:30:00 ICT", nil, nov28},
		{"Sat, 28 Nov 2026 10:30:00 KST", nil, nov28},
		{"Sat, 28 Nov 2026 08:30:00 WIB", nil, nov28},
		{"Sat, 28 Nov 2026 09:30:00 WITA", nil, nov28},
		{"Sat, 28 Nov 2026 10:30:00 WIT", nil, nov28},
		{"Sat, 28 Nov 2026 09:30:00 SGT", nil, nov28},
		{"Sat, 28 Nov 2026 09:30:00 HKT", nil, nov28},
		{"Sat, 28 Nov 2026 09:30:00 PHT", nil, nov28},
		{"Sat, 28 Nov 2026 09:30:00 MYT", nil, nov28},
		{"Sat, 28 Nov 2026 06:30:00 PKT", nil, nov28},
		{"Sat, 28 Nov 2026 07:00:00 IST", nil, nov28},
		{"Sat, 28 Nov 2026 11:30:00 AEST", nil, nov28},
		{"Sat, 28 Nov 2026 12:30:00 AEDT", nil, nov28},
		{"Sat, 28 Nov 2026 11:00:00 ACST", nil, nov28},
		{"Sat, 28 Nov 2026 09:30:00 AWST", nil, nov28},
		{"Sat, 28 Nov 2026 13:30:00 NZST", nil, nov28},
		{"Sat, 28 Nov 2026 14:30:00 NZDT", nil, nov28},
		{"Sat, 28 Nov 2026 02:30:00 CET", nil, nov28},
		{"Sat, 28 Nov 2026 03:30:00 CEST", nil, nov28},
		{"Sat, 28 Nov 2026 03:30:00 EET", nil, nov28},
		{"Sat, 28 Nov 2026 04:30:00 EEST", nil, nov28},
		{"Sat, 28 Nov 2026 01:30:00 WET", nil, nov28},
		{"Sat, 28 Nov 2026 02:30:00 WEST", nil, nov28},
		{"Sat, 28 Nov 2026 02:30:00 BST", nil, nov28},
		{"Sat, 28 Nov 2026 01:30:00 GMT", nil, nov28},
		{"Sat, 28 Nov 2026 01:30:00 UTC", nil, nov28},
		{"Sat, 28 Nov 2026 01:30:00 UT", nil, nov28},
		{"Sat, 28 Nov 2026 01:30:00 Z", nil, nov28},
		{"Fri, 27 Nov 2026 20:30:00 EST", nil, nov28},
		{"Fri, 27 Nov 2026 21:30:00 EDT", nil, nov28},
		{"Fri, 27 Nov 2026 19:30:00 CST", nil, nov28},
		{"Fri, 27 Nov 2026 20:30:00 CDT", nil, nov28},
		{"Fri, 27 Nov 2026 18:30:00 MST", nil, nov28},
		{"Fri, 27 Nov 2026 19:30:00 MDT", nil, nov28},
		{"Fri, 27 Nov 2026 17:30:00 PST", nil, nov28},
		{"Fri, 27 Nov 2026 18:30:00 PDT", nil, nov28},
		{"28 Nov 2026 10:30 jst", nil, nov28},
		// Ambiguous abbreviations follow the source's zone when it uses them.
		{"Sat, 28 Nov 2026 09:30:00 CST", shanghai, nov28},
		{"Sat, 28 Nov 2026 07:00:00 IST", bangkok, nov28}, // Bangkok has no IST: India
		{"Sun, 28 Jun 2026 02:30:00 IST", dublin, utc(2026, 6, 28, 1, 30, 0)},
		// Layouts without a zone: read in the source's zone (UTC by default).
		{"2026/11/28 10:30", tokyo, nov28},
		{"2026/11/28 10:30:00", tokyo, nov28},
		{"2026/11/28 01:30", nil, nov28},
		{"2026-11-28 10:30:00", tokyo, nov28},
		{"2026-11-28 08:30", bangkok, nov28},
		{"2026-11-28T10:30:00", tokyo, nov28},
		{"28 Nov 2026 10:30", tokyo, nov28},
		{"Sat, 28 Nov 2026 10:30:00", tokyo, nov28},
		{"Sat, 28 Nov 2026 10:30", tokyo, nov28},
		{"November 28, 2026 10:30 AM", tokyo, nov28},
		{"Nov 28, 2026 8:30 AM", bangkok, nov28},
		{"2026年11月28日 10時30分", tokyo, nov28},
		{"2026年11月28日 10:30", tokyo, nov28},
		{"2026.11.28 10:30", tokyo, nov28},
		{"2026-11-28", tokyo, utc(2026, 11, 27, 15, 0, 0)},
		{"2026/11/28", nil, utc(2026, 11, 28, 0, 0, 0)},
		// Not dates.
		{"", nil, time.Time{}},
		{"yesterday", nil, time.Time{}},
		{"Sat, 28 Nov 2026 10:30:00 XYZ", nil, time.Time{}},
		{"2026-13-45 10:30", nil, time.Time{}},
		{"Sat, 28 Nov 2026 10:30:00 +2500", nil, time.Time{}},
	} {
		loc := tc.loc
		if loc == nil {
			loc = time.UTC
		}
		got, ok := parseDate(tc.in, loc)
		if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
			t.Errorf("parseDate(%q, %v) = %v, %v; want %v", tc.in, loc, got.UTC(), ok, tc.want)
		}
	}
}

func TestNormalizeRereadsPartnerDates(t *testing.T) {
	n := testNormalizer(&gofeed.Feed{})
	n.loc, _ = time.LoadLocation("Asia/Tokyo")
	utcWrong := time.Date(2026, 11, 28, 10, 30, 0, 0, time.UTC) // gofeed's reading of 10:30 JST
	for _, tc := range []struct {
		name   string
		item   gofeed.Item
		wantPb time.Time
	}{
		{"JST read as UTC by gofeed", gofeed.Item{Published: "Sat, 28 Nov 2026 10:30:00 JST", PublishedParsed: &utcWrong}, time.Date(2026, 11, 28, 1, 30, 0, 0, time.UTC)},
		{"layout gofeed misses", gofeed.Item{Published: "2026/11/28 10:30"}, time.Date(2026, 11, 28, 1, 30, 0, 0, time.UTC)},
		{"gofeed's reading kept when ours fails", gofeed.Item{Published: "28th of November", PublishedParsed: &utcWrong}, utcWrong},
		{"unparseable falls back to first seen", gofeed.Item{Published: "soon"}, testNow},
		{"future clamped to first seen", gofeed.Item{Published: "2027-01-01T00:00:00Z"}, testNow},
		{"Thai Buddhist-era year", gofeed.Item{Published: "Sat, 28 Nov 2569 10:30:00 +0700"}, time.Date(2026, 11, 28, 3, 30, 0, 0, time.UTC)},
		{"Buddhist-era year still in the future", gofeed.Item{Published: "Sat, 28 Nov 2570 10:30:00 +0700"}, testNow},
		{"far future is no Buddhist-era year", gofeed.Item{Published: "2999-01-01T00:00:00Z"}, testNow},
		{"updated only", gofeed.Item{Updated: "2026-11-28T10:30:00+09:00"}, time.Date(2026, 11, 28, 1, 30, 0, 0, time.UTC)},
	} {
		tc.item.Title, tc.item.GUID = "x", "1"
		st := n.story(&tc.item)
		if !st.Published.Equal(tc.wantPb) || st.Updated.Before(st.Published) {
			t.Errorf("%s: published %v, updated %v; want published %v", tc.name, st.Published, st.Updated, tc.wantPb)
		}
	}
}

func TestSourceTimezoneAppliesToZonelessDates(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/misc", "dates.rss")
	src := config.Source{ID: "misc", URL: h.feeds.URL + "/misc", Fallback: "other", Timezone: "Asia/Tokyo"}
	if rep := h.agg.Fetch(context.Background(), src); rep.Err != nil || rep.New != 5 {
		t.Fatalf("report %+v", rep)
	}
	want := map[string]time.Time{
		"Zone abbreviation JST":       time.Date(2026, 11, 28, 1, 30, 0, 0, time.UTC),
		"Slashed layout without zone": time.Date(2026, 11, 28, 0, 15, 0, 0, time.UTC),
		"Numeric offset":              time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC),
		"No date at all":              testNow,
		"Garbage date":                testNow,
	}
	for _, st := range h.section(t, "other") {
		if w, ok := want[st.Title]; !ok || !st.Published.Equal(w) {
			t.Errorf("%q published %v, want %v", st.Title, st.Published, w)
		}
	}
}
