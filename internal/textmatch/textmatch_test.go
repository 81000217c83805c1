package textmatch

import (
	"regexp"
	"strings"
	"testing"
)

func mustCompile(t *testing.T, s string) *Pattern {
	t.Helper()
	p, err := Compile(s)
	if err != nil {
		t.Fatalf("Compile(%q): %v", s, err)
	}
	return p
}

func TestKeywordWholeWords(t *testing.T) {
	tests := []struct {
		pattern, text string
		want          bool
	}{
		{"FIFA", "FIFA names host of 2030 World Cup", true},
		{"fifa", "Fifa names host", true},
		{"FIFA", "the FIFA's ruling", true},
		{"FIFA", "an anti-FIFA protest", true},
		{"FIFA", "FIFAs and UEFAs", false},
		{"cup", "teacup sales rise", false},
		{"cup", "cupboard", false},
		{"cup", "teacup and then the cup", true}, // the second occurrence stands alone
		{"world cup", "World\n  Cup draw", true},
		{" World  Cup ", "world cup", true},
		{"world cup", "worldcup", false},
		{"G7", "G7 summit", true},
		{"G7", "G77 bloc", false},
		{"7", "G7 summit", false},
		{"#WorldCup", "fans #WorldCup!", true},
		{"#WorldCup", "fans #WorldCup2026", false},
		{"U.S.", "U.S. tariffs", true},
		{"café", "Cafe\u0301 owners", true}, // decomposed é is composed first
		{"cafe", "café owners", false},
		{"naïve", "NAÏVE", true},

		// Unicode simple case folding.
		{"σοφια", "ΣΟΦΙΑ", true},
		{"ΟΔΟΣ", "οδος", true},
		{"οδοσ", "ΟΔΟΣ", true},
		{"kelvin", "\u212Aelvin", true}, // Kelvin sign
		{"istanbul", "İstanbul", true},

		// NFKC: full-width Latin and half-width katakana.
		{"FIFA", "ＦＩＦＡ ワールドカップ", true},
		{"サッカー", "ｻｯｶｰ日本代表", true},

		// Scripts without spaces match as substrings.
		{"ฟุตบอล", "ข่าวฟุตบอลไทยวันนี้", true},
		{"ฟุตบอล", "ฟุตบอล", true},
		{"ກິລາ", "ຂ່າວກິລາມື້ນີ້", true},        // Lao
		{"កីឡា", "ព័ត៌មានកីឡាថ្ងៃនេះ", true},    // Khmer
		{"ဘောလုံး", "မြန်မာဘောလုံးအသင်း", true}, // Myanmar
		{"サッカー", "女子サッカー日本代表", true},
		{"日本", "日本代表が勝利", true},
		{"足球", "中国足球协会", true},
		{"서울", "서울에서 열린 회의", true},
		{"FIFA", "FIFAワールドカップ", true}, // the neighbour is katakana
		{"Tokyo", "東京Tokyo", true},
		{"ワールドカップ", "FIFAワールドカップ2026", true},
		{"FIFA", "FIFAs ワールドカップ", false},
	}
	for _, tt := range tests {
		p := mustCompile(t, tt.pattern)
		text := NewText(tt.text)
		if got := p.Match(&text); got != tt.want {
			t.Errorf("%q in %q: Match = %v, want %v", tt.pattern, tt.text, got, tt.want)
		}
		if _, got := p.Find(&text); got != tt.want {
			t.Errorf("%q in %q: Find = %v, want %v", tt.pattern, tt.text, got, tt.want)
		}
	}
}

func TestRegexp(t *testing.T) {
	tests := []struct {
		pattern, text string
		want          string // matched text; "" for no match
	}{
		{`/\bFIFA\b/`, "FIFA names host", "FIFA"},
		{`/\bFIFA\b/`, "Fifa names host", ""},
		{`/\bFIFA\b/i`, "Fifa names host", "Fifa"},
		{`/world\s+cup/i`, "the World  Cup", "World  Cup"},
		{`/^Breaking:/`, "Breaking: flood", "Breaking:"},
		{`/^Breaking:/`, "Not Breaking: flood", ""},
		{`/ΣΟΦΙΑ/i`, "σοφια", "σοφια"},
		{`/r/news/`, "r/news", "r/news"},
		{`/サッカー|野球/`, "女子サッカー", "サッカー"},
	}
	for _, tt := range tests {
		p := mustCompile(t, tt.pattern)
		if !p.IsRegexp() {
			t.Errorf("%q is not a regular expression", tt.pattern)
		}
		text := NewText(tt.text)
		got, ok := p.Find(&text)
		if got != tt.want || ok != (tt.want != "") || p.Match(&text) != ok {
			t.Errorf("%s in %q: Find = %q, %v; want %q", tt.pattern, tt.text, got, ok, tt.want)
		}
	}
	for _, kw := range []string{"/usr", "AC/DC", "/", "/a/b c", "1/2"} {
		if p := mustCompile(t, kw); p.IsRegexp() {
			t.Errorf("%q compiled as a regular expression", kw)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for pattern, want := range map[string]string{
		"":         "empty keyword",
		"  \t":     "empty keyword",
		"//":       "empty regular expression",
		"//i":      "empty regular expression",
		"/(/":      `invalid regular expression /(/: missing closing ): "("`,
		"/a**/":    `invalid regular expression /a**/: invalid nested repetition operator: "**"`,
		"/x/g":     `unknown flag "g" after the regular expression /x/: only i`,
		"/x/ig":    `unknown flag "ig"`,
		"/a*/":     "regular expression /a*/ matches empty text",
		"/(x)?/i":  "matches empty text",
		"\bFIFA\b": `contains the control character U+0008: in a double-quoted YAML string \b is a backspace`,
		"a\x00b":   "contains the control character U+0000",
	} {
		_, err := Compile(pattern)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Compile(%q) = %v, want %q", pattern, err, want)
		}
	}
}

func TestFindReturnsTheTextAsWritten(t *testing.T) {
	for _, tt := range []struct{ pattern, text, want string }{
		{"world cup", "The World\n  Cup draw", "World\n  Cup"},
		{"fifa", "The ＦＩＦＡ cup", "FIFA"}, // the NFKC form
		{"サッカー", "女子サッカー日本代表", "サッカー"},
		{"coach", "  interim COACH named", "COACH"},
		{"named", "interim coach named", "named"},
		{"σοφια", "Η ΣΟΦΙΑ", "ΣΟΦΙΑ"},
	} {
		text := NewText(tt.text)
		if got, ok := mustCompile(t, tt.pattern).Find(&text); !ok || got != tt.want {
			t.Errorf("%q in %q: Find = %q, %v; want %q", tt.pattern, tt.text, got, ok, tt.want)
		}
	}
}

func TestEqualAndMatchExact(t *testing.T) {
	sports := NewText("  Sports ")
	if !mustCompile(t, "sports").Equal(&sports) || !mustCompile(t, "SPORTS").Equal(&sports) {
		t.Error("category keyword does not match regardless of case and space")
	}
	if mustCompile(t, "sport").Equal(&sports) {
		t.Error("category keyword matched a longer category")
	}
	if !mustCompile(t, "/^ *sport/i").Equal(&sports) || mustCompile(t, "/^sport/").Equal(&sports) {
		t.Error("category regexp")
	}
	if !mustCompile(t, " nation ").MatchExact("nation") || mustCompile(t, "Nation").MatchExact("nation") {
		t.Error("source keyword is not exact")
	}
	if !mustCompile(t, "/^ji/").MatchExact("jiji") || mustCompile(t, "/^ji$/").MatchExact("jiji") {
		t.Error("source regexp")
	}
	if kw, ok := mustCompile(t, " nation ").Keyword(); !ok || kw != "nation" {
		t.Errorf("Keyword = %q, %v", kw, ok)
	}
	if _, ok := mustCompile(t, "/nation/").Keyword(); ok {
		t.Error("a regexp is a keyword")
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"plain words":       "plain words",
		"  Two\t\nWords  ":  "two words",
		"ＦＩＦＡ":              "fifa",
		"Straße":            "straße",
		"ΣΟΦΙΑ σοφια":       "σοφια σοφια",
		"ข่าว  ฟุตบอล":      "ข่าว ฟุตบอล",
		"MiXeD\u00a0spaces": "mixed spaces",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkKeyword(b *testing.B) {
	p, _ := Compile("world cup")
	for b.Loop() {
		text := NewText("Qualifying draw for the 2030 World Cup held in Zurich")
		p.Match(&text)
	}
}

// The literal prefilter never turns away a text the expression matches.
func TestPrefilterAgreesWithRegexp(t *testing.T) {
	patterns := []string{
		`/\b(BOJ|Bank of Thailand|baht|yen)\b/`, `/\bprime minister\b/i`, `/^(football|soccer|sumo)$/i`,
		`/kelvin/i`, `/(?i)strasse/`, `/FIFA\s+World/`, `/(ab)+c/`, `/x{2,}y/`, `/a?bc/`, `/[0-9]+%/`,
		`/サッカー|野球/`, `/Tokyo|大阪/i`, `/\bsumo\b|wrestling/i`, `/(?i:BOJ)|Fed/`,
	}
	texts := []string{
		"", "BOJ keeps rates", "boj keeps rates", "Bank of Thailand", "bank of thailand", "the yen falls",
		"Prime Minister speaks", "PRIME MINISTER", "prime  minister", "Football", "SUMO", "sumo wrestling",
		"\u212Aelvin scale", "KELVIN", "STRASSE", "Stra\u017Fse", "FIFA  World Cup", "ababc", "xxy", "bc",
		"up 3%", "女子サッカー", "大阪", "TOKYO", "Fed", "fed", "boj", "\xffBOJ\xfe",
	}
	for _, ps := range patterns {
		p := mustCompile(t, ps)
		body, flags, _ := splitRegexp(ps)
		if flags == "i" {
			body = "(?i)" + body
		}
		re := regexp.MustCompile(body)
		for _, s := range texts {
			text := NewText(s)
			if got, want := p.Match(&text), re.MatchString(s); got != want {
				t.Errorf("%s on %q: Match = %v, regexp says %v", ps, s, got, want)
			}
		}
	}
}

func TestPrefilterLiterals(t *testing.T) {
	for pattern, want := range map[string]string{
		`/\b(BOJ|yen)\b/`:       "BOJ yen",
		`/\bprime minister\b/i`: "prime minister(i)",
		`/FIFA\s+World/`:        "World", // the longer of FIFA and World
		`/(ab)+c/`:              "ab",
		`/a*b/`:                 "",
		`/x|y+/`:                "", // one-letter literals do not help
		`/[0-9]+%/`:             "",
		`/caf\x{e9}/i`:          "", // not ASCII
		`/サッカー/`:                "サッカー",
	} {
		var got []string
		for _, l := range mustCompile(t, pattern).need {
			s := l.s
			if l.fold {
				s += "(i)"
			}
			got = append(got, s)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s needs %q, want %q", pattern, got, want)
		}
	}
}
