package aggregator

import (
	"testing"
	"time"
)

// Dates as partners write them in their own languages, each meaning
// 3 December 2026, 10:05 (13:05 UTC with -0300, 03:05 UTC in Bangkok).
func TestParseDateInPartnersLanguages(t *testing.T) {
	bangkok, _ := time.LoadLocation("Asia/Bangkok")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := func(h, m int) time.Time { return time.Date(2026, 12, 3, h, m, 0, 0, time.UTC) }
	for _, tc := range []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"Qui, 03 Dez 2026 10:05:00 -0300", nil, at(13, 5)}, // Portuguese
		{"Seg, 24 Set 2018 10:00:00 -0300", nil, time.Date(2018, 9, 24, 13, 0, 0, 0, time.UTC)},
		{"quinta-feira, 3 de dezembro de 2026 10:05", time.UTC, at(10, 5)},
		{"jue, 3 dic 2026 10:05:00 -0300", nil, at(13, 5)}, // Spanish
		{"jueves, 3 de diciembre de 2026 10:05:00 GMT", nil, at(10, 5)},
		{"jeu., 3 déc. 2026 10:05:00 +0100", nil, at(9, 5)}, // French
		{"mar., 3 déc. 2026 10:05:00 +0100", nil, at(9, 5)}, // "mar." is Tuesday here
		{"3 décembre 2026 10:05", time.UTC, at(10, 5)},
		{"Do, 3 Dez 2026 10:05:00 +0100", nil, at(9, 5)}, // German
		{"Donnerstag, 3. Dezember 2026 10:05 Uhr", time.UTC, at(10, 5)},
		{"3 Mär 2026 10:05:00 +0100", nil, time.Date(2026, 3, 3, 9, 5, 0, 0, time.UTC)},
		{"gio, 3 dic 2026 10:05:00 +0100", nil, at(9, 5)}, // Italian
		{"giovedì 3 dicembre 2026 10:05", time.UTC, at(10, 5)},
		{"Kamis, 3 Des 2026 17:05:00 WIB", nil, at(10, 5)}, // Indonesian
		{"Kamis, 3 Desember 2026 17:05 +0700", nil, at(10, 5)},
		{"Rabu, 5 Agustus 2026 09:00 WIB", nil, time.Date(2026, 8, 5, 2, 0, 0, 0, time.UTC)},
		{"2026年12月3日 19時05分", tokyo, at(10, 5)}, // Japanese
		{"2026年12月3日(木) 19時05分", tokyo, at(10, 5)},
		{"2026年12月3日（木）午後7時5分", tokyo, at(10, 5)},
		{"２０２６年１２月３日 １９：０５", tokyo, at(10, 5)},
		{"2026年12月3日 19:05 JST", nil, at(10, 5)},
		{"3 ธันวาคม 2569 10:05 น.", bangkok, at(3, 5)}, // Thai, Buddhist era
		{"วันพฤหัสบดีที่ 3 ธันวาคม 2569 10:05", bangkok, at(3, 5)},
		{"3 ธ.ค. 2569 10:05:00 +0700", nil, at(3, 5)},
		{"3 ธ.ค. 2026 10:05", bangkok, at(3, 5)}, // a Gregorian year stays
		// Still not dates.
		{"Seg, 24 Foo 2018", nil, time.Time{}},
		{"quinta-feira", nil, time.Time{}},
	} {
		loc := tc.loc
		if loc == nil {
			loc = time.UTC
		}
		got, ok := parseDate(tc.in, loc)
		if ok != !tc.want.IsZero() || ok && !got.Equal(tc.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tc.in, got.UTC(), ok, tc.want)
		}
	}
}
