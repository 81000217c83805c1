package htmltext

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", ""},
		{"only white space", " \t\n\r\f ", ""},
		{"plain", "Plain title", "Plain title"},
		{"white space collapsed and trimmed", "  two\n lines\t\tand\r\na\fform feed ", "two lines and a form feed"},
		{"ideographic space kept", "値下がり\u3000全国平均", "値下がり\u3000全国平均"},
		{"ideographic space kept at the ends", "\u3000値下がり\u3000", "\u3000値下がり\u3000"},
		{"no-break space kept", "ข่าว\u00a0ฟุตบอล", "ข่าว\u00a0ฟุตบอล"},
		{"no-break space reference decoded, kept", "10&nbsp;km", "10\u00a0km"},
		{"other spaces kept", "a\u2009b\u202fc\u200bd\u0085e\u2028f", "a\u2009b\u202fc\u200bd\u0085e\u2028f"},
		{"vertical tab is not HTML white space", "a\vb", "a\vb"},
		{"Thai unchanged", "นายกฯ แถลงงบประมาณ ปี ๒๕๖๙", "นายกฯ แถลงงบประมาณ ปี ๒๕๖๙"},
		{"Japanese unchanged", "日銀、政策金利を０．７５％に引き上げ", "日銀、政策金利を０．７５％に引き上げ"},
		{"escaped tag kept as text", "History of the &lt;blink&gt; tag", "History of the <blink> tag"},
		{"references decoded once", "&amp;lt;literal&amp;gt;", "&lt;literal&gt;"},
		{"references", "S&amp;P 500 &lt;3% Caf&eacute; &#8212; &#x1F600;", "S&P 500 <3% Café — 😀"},
		{"ampersand alone", "AT&T and R&D", "AT&T and R&D"},
		{"tags removed", "Yen <b>weakens</b> &amp; stocks", "Yen weakens & stocks"},
		{"unknown tags removed", "History of the <blink>blinking</blink> tag", "History of the blinking tag"},
		{"inline tags keep words whole", "<b>FI</b>FA <i>World</i> <a href='x'>Cup</a>", "FIFA World Cup"},
		{"block elements separate words", "<p>One</p><p>Two</p><div>Three</div><li>Four</li><td>Five</td><h2>Six</h2>", "One Two Three Four Five Six"},
		{"br separates words", "Tokyo<br>Osaka<br/>Kyoto<BR >Nara", "Tokyo Osaka Kyoto Nara"},
		{"script and style dropped", "a <script>var Japan = '<p>';</script> b <STYLE>p{}</STYLE> c", "a b c"},
		{"template, noscript, iframe, title dropped", "a<template><p>t</p></template>b<noscript>n</noscript>c<iframe><p>i</p></iframe>d<title>x</title>e", "abcde"},
		{"self-closing script still opens", "a<script/>alert(1)</script>b", "ab"},
		{"nested templates", "a<template><template>x</template>y</template>b", "ab"},
		{"another end tag does not end a template", "a<template>x</style>y</template>b", "ab"},
		{"unclosed script drops the rest", "a<script>alert(1)", "a"},
		{"stray end tags ignored", "a</script>b</template>c", "abc"},
		{"comments dropped", "a<!-- b -->c<!DOCTYPE html>d", "acd"},
		{"text shown literally by xmp", "<xmp>&amp; <b></xmp>", "&amp; <b>"},
		{"less-than as text", "a < b", "a < b"},
		{"less-than before a digit", "I <3 Tokyo", "I <3 Tokyo"},
		{"less-than at the end", "a <", "a <"},
		{"unfinished tag at the end dropped", "unclosed <tag", "unclosed"},
		{"entities in attributes ignored", `<img alt="&lt;x&gt;">y`, "y"},
		{"NUL dropped", "a\x00b \x00 c", "ab c"},
		{"NUL in xmp replaced, as browsers do", "<xmp>a\x00b</xmp>", "a\ufffdb"},
		{"carriage returns", "a\r\n\r\nb\rc", "a b c"},
	} {
		if got := Text(c.in); got != c.want {
			t.Errorf("%s: Text(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestTextReturnsCleanInputAsIs(t *testing.T) {
	s := strings.Repeat("Plain text of one line. ", 10)
	s = s[:len(s)-1]
	if got := Text(s); got != s {
		t.Fatalf("Text changed %q to %q", s, got)
	}
	if n := testing.AllocsPerRun(100, func() { Text(s) }); n != 0 {
		t.Errorf("%v allocations for clean text, want 0", n)
	}
}

func TestLines(t *testing.T) {
	c := Converter{Lines: true}
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"By Somchai Thongdee\nThe Nation\nBANGKOK — The cabinet met.", "By Somchai Thongdee\nThe Nation\nBANGKOK — The cabinet met."},
		{"<p>By <b>Aiko Tanaka</b></p><p>Stocks fell.</p>", "By Aiko Tanaka\nStocks fell."},
		{"<p> a </p>\n\n<p>\n b  c </p>", "a\nb c"},
		{"one<br>two<br><br>three", "one\ntwo\nthree"},
		{"\n\n  lead  \n", "lead"},
		{"a\r\nb", "a\nb"},
		{"値下がり\u3000全国平均<br>ข่าว\u00a0ฟุตบอล", "値下がり\u3000全国平均\nข่าว\u00a0ฟุตบอล"},
	} {
		if got := c.Text(tc.in); got != tc.want {
			t.Errorf("Lines: Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSkip(t *testing.T) {
	c := Converter{Skip: []string{"figure", "svg"}}
	for _, tc := range []struct{ in, want string }{
		{"a<figure><img src=x><figcaption>Photo: AP</figcaption></figure>b", "a b"},
		{"a<figure/>b</figure>c", "a c"}, // HTML ignores the slash
		{"a<svg/>b", "ab"},               // SVG honours it
		{"a<svg><text>x</text></svg>b", "ab"},
		{"a<figure><figure>x</figure>y</figure>b", "a b"},
	} {
		if got := c.Text(tc.in); got != tc.want {
			t.Errorf("Skip: Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Text("a<figure>b</figure>c"); got != "a b c" {
		t.Errorf("the zero Converter keeps figures: %q", got)
	}
}

func TestTextOrHTML(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"  Plain \n title ", "Plain title"},
		// Plain text: what looks like a tag is meant literally.
		{"History of the <blink> tag", "History of the <blink> tag"},
		{"a < b", "a < b"},
		{"a<b", "a<b"},
		{"Use <p> for paragraphs", "Use <p> for paragraphs"},
		{"AT&T, R&D & Q&A", "AT&T, R&D & Q&A"},
		{"値下がり\u3000全国平均", "値下がり\u3000全国平均"},
		{"&", "&"},
		{"&;", "&;"},
		{"&a;", "&a;"},
		{"a\x00b <c>", "ab <c>"},
		// HTML: an end tag, a <br> or a character reference.
		{"History of the &lt;blink&gt; tag", "History of the <blink> tag"},
		{"Yen <b>weakens</b>", "Yen weakens"},
		{"Tokyo<br>Osaka", "Tokyo Osaka"},
		{"Tokyo<BR />Osaka", "Tokyo Osaka"},
		{"AT&amp;T", "AT&T"},
		{"&amp;lt;literal&amp;gt;", "&lt;literal&gt;"},
		{"Caf&#233; &#x2014;", "Café —"},
		{"&lt;b&gt;Breaking&lt;/b&gt;: news", "<b>Breaking</b>: news"},
		{"<script>alert(1)</script>Title", "Title"},
		{"10&nbsp;km", "10\u00a0km"},
		{"</b >", ""},
	} {
		if got := TextOrHTML(c.in); got != c.want {
			t.Errorf("TextOrHTML(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCollapse(t *testing.T) {
	for in, want := range map[string]string{
		"":                "",
		"a":               "a",
		"a b":             "a b",
		" a  b\t\nc\r\f":  "a b c",
		"a\u3000\u00a0 b": "a\u3000\u00a0 b",
		"\u3000a\u3000":   "\u3000a\u3000",
		"   ":             "",
		"<b> &amp; </b>":  "<b> &amp; </b>",
		"a\x00  b":        "a\x00 b",
		"ข่าว  \u00a0ฟุตบอล ": "ข่าว \u00a0ฟุตบอล",
	} {
		if got := Collapse(in); got != want {
			t.Errorf("Collapse(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLinear feeds inputs built to make a careless converter quadratic;
// each must finish at once.
func TestLinear(t *testing.T) {
	const n = 1 << 18
	for _, in := range []string{
		strings.Repeat("<template>", n),
		strings.Repeat("<template>", n) + strings.Repeat("</style>", n),
		strings.Repeat("<script>", n),
		strings.Repeat("<", n),
		strings.Repeat("</", n),
		strings.Repeat("&", n),
		strings.Repeat("&amp", n),
		strings.Repeat("<!--", n),
		strings.Repeat("<a ", n),
		strings.Repeat(" ", n) + "x",
	} {
		Text(in)
		Converter{Lines: true, Skip: []string{"figure"}}.Text(in)
		TextOrHTML(in)
	}
}

// FuzzText checks the properties every caller relies on, for any input.
func FuzzText(f *testing.F) {
	for _, s := range []string{
		"", "plain", "値下がり\u3000全国平均", "History of the &lt;blink&gt; tag",
		"<p>One</p><p>Two &amp; three</p>", "a <script>x</script> b", "a < b",
		"&amp;lt;", "&nLt;&#0;&#x80;&lt", "<template><p>x</template>", "a\r\n\x00b",
		"<xmp>&amp;</xmp>", "<plaintext>&lt;", "x<br>y\n\nz", "<svg/>a<figure/>b",
	} {
		f.Add(s)
	}
	lines := Converter{Lines: true, Skip: []string{"figure", "svg"}}
	f.Fuzz(func(t *testing.T, in string) {
		for _, conv := range []struct {
			name string
			fn   func(string) string
		}{{"Text", Text}, {"Lines", lines.Text}, {"TextOrHTML", TextOrHTML}, {"Collapse", Collapse}} {
			out := conv.fn(in)
			if utf8.ValidString(in) && !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q: not UTF-8", conv.name, in, out)
			}
			// Text may grow: a NUL in <xmp> or <plaintext> becomes
			// U+FFFD, as in browsers, 3 bytes from 1 (and "&nLt;", 5
			// bytes, becomes "≪⃒", 6).
			if len(out) > 3*len(in) {
				t.Fatalf("%s(%q) = %q: %d bytes from %d", conv.name, in, out, len(out), len(in))
			}
			if out != "" && (isSpace(out[0]) || isSpace(out[len(out)-1])) {
				t.Fatalf("%s(%q) = %q: white space at an end", conv.name, in, out)
			}
			if strings.Contains(out, "  ") || strings.ContainsAny(out, "\t\f\r") ||
				conv.name != "Lines" && strings.Contains(out, "\n") {
				t.Fatalf("%s(%q) = %q: white space not collapsed", conv.name, in, out)
			}
			if strings.Contains(out, " \n") || strings.Contains(out, "\n ") || strings.Contains(out, "\n\n") {
				t.Fatalf("%s(%q) = %q: blank or padded line", conv.name, in, out)
			}
			if conv.name == "Collapse" {
				continue
			}
			if strings.IndexByte(out, 0) >= 0 {
				t.Fatalf("%s(%q) = %q: NUL kept", conv.name, in, out)
			}
			// Text escaped as HTML is read back as the same text.
			if again := conv.fn(html.EscapeString(out)); again != out {
				t.Fatalf("%s(%q) = %q, but of that escaped: %q", conv.name, in, out, again)
			}
			if Collapse(out) != out && conv.name != "Lines" {
				t.Fatalf("%s(%q) = %q: Collapse changes it", conv.name, in, out)
			}
		}
		// The shortcut for text without markup agrees with the tokenizer.
		if !strings.ContainsAny(in, "<&") {
			if got, want := Text(in), Text(in+"<b></b>"); got != want {
				t.Fatalf("Text(%q) = %q, but with a tag after it %q", in, got, want)
			}
		}
	})
}
