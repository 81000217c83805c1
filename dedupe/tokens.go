package dedupe

import (
	"strings"
	"unicode"
)

// tokenKind tells words, numbers and character n-grams apart.
type tokenKind uint8

const (
	word tokenKind = iota
	number
	gram // a character n-gram of a script written without spaces
)

// token is one unit of normalised text.
type token struct {
	text string
	kind tokenKind
	stop bool // a function word: not a feature on its own
}

// unspaced reports whether r belongs to a script written without spaces
// between words (Thai, Lao, Khmer, Myanmar, Chinese, Japanese kana), whose
// text is cut into character n-grams instead of words.
func unspaced(r rune) bool {
	if r < 0x0E00 { // below Thai: Latin, Cyrillic, Arabic, Indic, …
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai,
		unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan) || r == 'ー' || r == '々'
}

// gramSize is the n-gram length for a run of unspaced text: bigrams for
// Chinese and Japanese, whose characters carry much meaning each, trigrams
// for the Brahmic scripts, whose vowels and tone marks are characters too.
func gramSize(r rune) int {
	if r >= 0x3000 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー' || r == '々' {
		return 2
	}
	return 3
}

// tokenize splits Normalize's output into tokens.
func tokenize(s string) []token {
	var out []token
	for field := range strings.FieldsSeq(s) {
		rs := []rune(field)
		for i := 0; i < len(rs); {
			r := rs[i]
			j := i + 1
			switch {
			case unspaced(r):
				for j < len(rs) && unspaced(rs[j]) || j < len(rs) && unicode.IsMark(rs[j]) {
					j++
				}
				out = appendGrams(out, rs[i:j], gramSize(r))
			case isASCIIDigit(r):
				for j < len(rs) && (isASCIIDigit(rs[j]) || strings.ContainsRune(".,:/-", rs[j]) && j+1 < len(rs) && isASCIIDigit(rs[j+1])) {
					j++
				}
				num := canonicalNumber(string(rs[i:j]))
				// Ordinal suffixes belong to the number: 28th, 1st.
				k := j
				for k < len(rs) && unicode.IsLetter(rs[k]) && !unspaced(rs[k]) {
					k++
				}
				if suf := string(rs[j:k]); suf == "st" || suf == "nd" || suf == "rd" || suf == "th" {
					j = k
				}
				out = append(out, token{text: num, kind: number})
			default:
				for j < len(rs) && !unspaced(rs[j]) {
					j++
				}
				out = appendWord(out, string(rs[i:j]))
			}
			i = j
		}
	}
	// "per cent" → "percent".
	for i := 0; i+1 < len(out); i++ {
		if out[i].text == "per" && out[i+1].text == "cent" {
			out[i] = token{text: "percent", kind: word}
			out = append(out[:i+1], out[i+2:]...)
		}
	}
	return out
}

func isASCIIDigit(r rune) bool { return '0' <= r && r <= '9' }

// appendGrams appends the n-grams of a run; a run shorter than n is one gram.
func appendGrams(out []token, rs []rune, n int) []token {
	if len(rs) <= n {
		return append(out, token{text: string(rs), kind: gram})
	}
	for i := 0; i+n <= len(rs); i++ {
		out = append(out, token{text: string(rs[i : i+n]), kind: gram})
	}
	return out
}

// appendWord appends a word after spelling and number-word normalisation.
func appendWord(out []token, w string) []token {
	if n, ok := numberWords[w]; ok {
		return append(out, token{text: n, kind: number})
	}
	w = spelling(w)
	return append(out, token{text: w, kind: word, stop: stopWords[w]})
}

// canonicalNumber writes a number one way: trailing decimal zeros go
// (0.50 → 0.5, 3.0 → 3); other separators are kept, so 2-1 and 1-2 or
// 11/28 and 10:30 stay what they are.
func canonicalNumber(n string) string {
	if strings.Count(n, ".") == 1 && !strings.ContainsAny(n, ",:/-") {
		n = strings.TrimRight(n, "0")
		n = strings.TrimSuffix(n, ".")
		if n == "" {
			n = "0"
		}
	}
	return n
}

// numberWords are spelled-out numbers that wire style uses for small counts;
// "one" is left alone, being a pronoun as often as a number.
var numberWords = map[string]string{
	"zero": "0", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
	"seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11",
	"twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
	"sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
	"twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
	"sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
}

// wordMap rewrites British spellings and abbreviations to one form.
var wordMap = map[string]string{
	"pct": "percent", "programme": "program", "programmes": "programs",
	"defence": "defense", "offence": "offense", "licence": "license",
	"pretence": "pretense", "tonne": "ton", "tonnes": "tons", "grey": "gray",
	"cheque": "check", "cheques": "checks", "tyre": "tire", "tyres": "tires",
	"aluminium": "aluminum", "jewellery": "jewelry", "sceptical": "skeptical",
	"mould": "mold", "enrol": "enroll", "fulfil": "fulfill", "towards": "toward",
	"amongst": "among", "whilst": "while", "learnt": "learned", "storey": "story",
	"cancelled": "canceled", "cancelling": "canceling", "travelled": "traveled",
	"travelling": "traveling", "traveller": "traveler", "travellers": "travelers",
	"labelled": "labeled", "ageing": "aging", "modelling": "modeling", "fuelled": "fueled",
	"signalled": "signaled", "totalled": "totaled", "levelled": "leveled",
	"channelled": "channeled", "counselling": "counseling", "jan": "jan",
	"january": "jan", "february": "feb", "march": "mar", "april": "apr",
	"june": "jun", "july": "jul", "august": "aug", "september": "sep",
	"sept": "sep", "october": "oct", "november": "nov", "december": "dec",
	"govt": "government", "gov": "government", "intl": "international",
}

// spelling maps a word to its US spelling: the explicit wordMap, then the
// regular -ise/-yse → -ize/-yze, -isation → -ization, -our → -or and
// -tre → -ter patterns of longer words. Both copies of a story go through
// it, so an odd result (promise → promize) is harmless.
func spelling(w string) string {
	if m, ok := wordMap[w]; ok {
		return m
	}
	if len(w) < 6 {
		return w
	}
	for _, r := range suffixRules {
		if strings.HasSuffix(w, r[0]) && len(w)-len(r[0]) >= 3 {
			return w[:len(w)-len(r[0])] + r[1]
		}
	}
	return w
}

// suffixRules are the regular British → US endings, longest first.
var suffixRules = [][2]string{
	{"isations", "izations"}, {"isation", "ization"}, {"ysing", "yzing"},
	{"ising", "izing"}, {"ysed", "yzed"}, {"ised", "ized"}, {"yses", "yzes"},
	{"ises", "izes"}, {"yse", "yze"}, {"ise", "ize"},
	{"ourable", "orable"}, {"ourite", "orite"}, {"ourites", "orites"},
	{"ouring", "oring"}, {"oured", "ored"}, {"ours", "ors"}, {"our", "or"},
	{"tres", "ters"}, {"tre", "ter"}, {"ogues", "ogs"}, {"ogue", "og"},
}

// stopWords are English function words, and the verbs of attribution that
// wire copy repeats everywhere; they count only inside word pairs.
var stopWords = map[string]bool{}

func init() {
	for w := range strings.FieldsSeq(`a an the and or but nor of to in on at by for from with
		without into onto over under about above below after before since until up down
		out off as than then so if because while though although is are was were be been
		being am has have had having do does did will would shall should can could may
		might must it its it's this that these those there here they them their theirs he
		him his she her hers we us our ours you your yours i me my who whom whose which
		what when where why how not no yes also just only very more most much many some
		any all each every other such own same too s t said says say told according
		per via de la`) {
		stopWords[w] = true
	}
}
