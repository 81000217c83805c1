package dedupe

import (
	"strings"
	"testing"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"BANGKOK (Jiji Press) — Thailand's central bank kept its rate at 2.50% on Wednesday.",
			"thailand central bank kept its rate at 2.50 percent on wednesday"},
		{"TOKYO, Nov. 28 (Kyodo) - The BOJ raised rates to 0.75 per cent.",
			"the boj raised rates to 0.75 per cent"},
		{"Tokyo, Nov 28 (Jiji Press)--Japan's Nikkei rose.", "japan nikkei rose"},
		{"(Jiji Press) — Exports rose.", "exports rose"},
		{"CHIANG MAI, Thailand (AP) — Floods hit.", "floods hit"},
		{"By Somchai Thongdee\nThe Nation\nBANGKOK — The cabinet met.", "the cabinet met"},
		{"By Somchai Thongdee | The Nation BANGKOK — The cabinet met.", "the cabinet met"},
		{"By Aiko Tanaka and Ken Sato, Jiji Press — Stocks fell.", "stocks fell"},
		{"<p>By <b>Aiko Tanaka</b></p><p>Stocks fell.</p><p>Provided by Nation</p>", "stocks fell"},
		{"Stocks fell. (Provided by The Nation)", "stocks fell"},
		{"Stocks fell. Source: Nation Thailand", "stocks fell"},
		{"Stocks fell.\nThe post Stocks fall appeared first on Nation Thailand.", "stocks fell"},
		{"Stocks fell. (Reporting by Ken Sato; Editing by Ann Lee)", "stocks fell"},
		{"Stocks fell sharply in late tra…", "stocks fell sharply in late"},
		{"Stocks fell sharply [...]", "stocks fell sharply"},
		{"Rates rose 1,200 basis points, 2–1, at 10:30 on 11/28", "rates rose 1200 basis points 2-1 at 10:30 on 11/28"},
		{"Ｔｈａｉ ＧＤＰ ｇｒｅｗ ３．１％", "thai gdp grew 3.1 percent"},
		{"กรุงเทพฯ ๒๘ พ.ย.", "กรุงเทพฯ 28 พ ย"},
		{"<script>var x = 1;</script><p>Text &amp; more</p>", "text more"},
		{"<figure><img src=x><figcaption>Photo: AP</figcaption></figure><p>Stocks fell.</p>", "stocks fell"},
		{"<div>\n  <p>By Somchai Thongdee</p>\n  <p>BANGKOK — The cabinet met.</p>\n</div>", "the cabinet met"},
		{"<p>値下がり\u3000全国平均</p>", "値下がり 全国平均"},
		// Not datelines: ordinary sentences stay whole.
		{"By 2030, Thailand aims to cut emissions.", "by 2030 thailand aims to cut emissions"},
		{"By Friday, the government must decide.", "by friday the government must decide"},
		{"Thailand — a country of 66 million — voted.", "thailand a country of 66 million voted"},
		{"Funding was provided by the Asian Development Bank for the project.", "funding was provided by the asian development bank for the project"},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestTokenNumbers(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"rate at 0.50% vs 0.5 per cent", []string{"0.5", "0.5"}},
		{"won 2-1, lost 1-2", []string{"2-1", "1-2"}},
		{"the 28th day, 1st place", []string{"28", "1"}},
		{"three killed, 12 hurt, one missing", []string{"3", "12"}},
		{"1.2bn yen in Q3 and G20", []string{"1.2"}},
		{"日銀は２８日、0.5%", []string{"28", "0.5"}},
	} {
		var got []string
		for _, tk := range tokenize(Normalize(c.in)) {
			if tk.kind == number {
				got = append(got, tk.text)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: numbers %q, want %q", c.in, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: numbers %q, want %q", c.in, got, c.want)
				break
			}
		}
	}
}

// TestTitleForms checks that a title reads the same however the partner's
// feed gave it (see htmltext.TextOrHTML), as the publisher shows it.
func TestTitleForms(t *testing.T) {
	for _, forms := range [][]string{
		{"History of the <blink> tag", "History of the &lt;blink&gt; tag"},
		{"Yen weakens & stocks rise", "Yen <b>weakens</b> &amp; stocks rise"},
		{"値下がり\u3000全国平均", "値下がり&#x3000;全国平均"},
	} {
		want := cleanTitle(forms[0])
		for _, f := range forms[1:] {
			if got := cleanTitle(f); got != want {
				t.Errorf("cleanTitle(%q) = %q, but cleanTitle(%q) = %q", f, got, forms[0], want)
			}
		}
	}
}

// TestFoldASCIIFastPath checks that fold's shortcut for ASCII text gives
// what full case folding and NFKC give, for every ASCII character.
func TestFoldASCIIFastPath(t *testing.T) {
	var all strings.Builder
	for c := range 0x80 {
		all.WriteByte(byte(c))
	}
	for _, s := range []string{all.String(), "BOJ Keeps Rates at 0.5%, IT'S 1,200 Yen", "ǅ", "ſ"} {
		c := cases.Fold()
		if got, want := fold(s), foldSlow(c.String(s)); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	}
}

// foldSlow is fold's full path: fold's rewriting of already folded text.
func foldSlow(folded string) string { return fold(norm.NFKC.String(folded)) }
