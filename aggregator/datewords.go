package aggregator

import (
	"strconv"
	"strings"
	"unicode"
)

// Partners write dates in their own language: "Seg, 24 Set 2018 10:00:00
// -0300" (Portuguese), "mar., 3 déc. 2026" (French), "Kamis, 3 Desember
// 2026 10:05 WIB" (Indonesian), "3 ธ.ค. 2569 10:05 น." (Thai, Buddhist-era
// year). englishDate rewrites such a date into the English words
// zonelessLayouts know, so parseDate reads them like any other.

// monthWords maps month names and abbreviations, lower case and without a
// trailing dot, to their number. Words shared by several languages mean the
// same month in all of them.
var monthWords = map[string]int{}

// weekdayWords holds weekday names and abbreviations, lower case and
// without a trailing dot. A weekday is only looked for before the day of
// the month, where "mar" is Tuesday in Spanish, French and Italian rather
// than March.
var weekdayWords = map[string]bool{}

// fillerWords are words between day, month and year that carry nothing:
// "24 de setembro de 2018", "3 Dezember 2026 um 10:05", Thai "วันที่".
var fillerWords = map[string]bool{
	"de": true, "del": true, "às": true, "as": true, "a": true, "las": true, "à": true,
	"um": true, "uhr": true, "alle": true, "ore": true, "pukul": true, "jam": true, "le": true,
	"วันที่": true, "ที่": true, "เวลา": true, "น": true, "น.": true,
}

func init() {
	months := [12]string{
		// English, Portuguese, Spanish, French, German, Italian, Indonesian, Thai.
		"jan january janeiro ene enero janv janvier januar jänner jän gen gennaio januari ม.ค มกราคม",
		"feb february fev fevereiro febrero févr fevr février fevrier februar febbraio februari ก.พ กุมภาพันธ์",
		"mar march março marco marzo mars mär märz mrz maret มี.ค มีนาคม",
		"apr april abr abril avr avril aprile เม.ย เมษายน",
		"may mai maio mayo mag maggio mei พ.ค พฤษภาคม",
		"jun june junho junio juin juni giu giugno มิ.ย มิถุนายน",
		"jul july julho julio juil juillet juli lug luglio ก.ค กรกฎาคม",
		"aug august ago agosto août aout agu agt agustus ส.ค สิงหาคม",
		"sep sept september set setembro septiembre setiembre septembre settembre ก.ย กันยายน",
		"oct october out outubro octubre octobre okt oktober ott ottobre ต.ค ตุลาคม",
		"nov november novembro noviembre novembre novemb novembre พ.ย พฤศจิกายน",
		"dec december dez dezembro dic diciembre déc decembre décembre dezember dicembre des desember ธ.ค ธันวาคม",
	}
	for i, words := range months {
		for _, w := range strings.Fields(words) {
			monthWords[w] = i + 1
		}
	}
	for _, w := range strings.Fields(`
		mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday
		seg ter qua qui sex sáb sab dom segunda terça terca quarta quinta sexta sábado sabado domingo
		segunda-feira terça-feira terca-feira quarta-feira quinta-feira sexta-feira
		lun mar mié mie jue vie lunes martes miércoles miercoles jueves viernes
		mer jeu ven sam dim lundi mardi mercredi jeudi vendredi samedi dimanche
		mo di mi do fr sa so montag dienstag mittwoch donnerstag freitag samstag sonntag
		gio lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica
		sen sel rab kam jum min senin selasa rabu kamis jumat sabtu minggu
		จันทร์ อังคาร พุธ พฤหัสบดี พฤหัส ศุกร์ เสาร์ อาทิตย์
		วันจันทร์ วันอังคาร วันพุธ วันพฤหัสบดี วันพฤหัส วันศุกร์ วันเสาร์ วันอาทิตย์ จ อ พ พฤ ศ ส อา`) {
		weekdayWords[w] = true
	}
}

var englishMonths = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// buddhistEraStart is the first year read as a Buddhist-era year when a
// Thai month name comes with it: 2400 BE is 1857 CE.
const buddhistEraStart = 2400

// englishDate rewrites s, a date whose day or month names are not
// English, as "2 Jan 2006 ..." with the rest (time, zone) unchanged; a
// leading weekday and filler words are dropped, a day written "24." loses
// its dot, and a Thai date's Buddhist-era year becomes the Gregorian one.
// ok is false when s names no month parseDate could not read already.
func englishDate(s string) (string, bool) {
	words := strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' })
	out := make([]string, 0, len(words))
	month, thai := 0, false
	for i, w := range words {
		key := strings.ToLower(strings.TrimSuffix(w, "."))
		if k, ok := strings.CutSuffix(key, "ที่"); ok && k != "" {
			key = k // Thai "วันพฤหัสบดีที่ 3": "Thursday the 3rd"
		}
		switch {
		case month == 0 && len(out) == 0 && weekdayWords[key] && i+1 < len(words) &&
			(monthWords[key] == 0 || namesMonth(words[i+1:])):
			continue // a weekday before the date
		case fillerWords[key] || fillerWords[w]:
			continue
		case month == 0 && monthWords[key] != 0:
			month = monthWords[key]
			thai = !isASCII(key)
			out = append(out, englishMonths[month])
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSuffix(w, ".")); err == nil && isDigits(strings.TrimSuffix(w, ".")) {
			if thai && n >= buddhistEraStart {
				n -= buddhistEraOffset
			}
			w = strconv.Itoa(n)
		}
		out = append(out, w)
	}
	if month == 0 {
		return "", false
	}
	return strings.Join(out, " "), true
}

// namesMonth reports whether any of words is a month name.
func namesMonth(words []string) bool {
	for _, w := range words {
		if monthWords[strings.ToLower(strings.TrimSuffix(w, "."))] != 0 {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
