package publisher

import "testing"

func TestXMLSafe(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"plain text":             "plain text",
		"tab\tnl\ncr\r":          "tab\tnl\ncr\r",
		"nul\x00vt\x0besc\x1b":   "nulvtesc",
		"del\x7f c1\u0085\u009f": "del c1",
		"bad\xffbyte\xc3":        "badbyte",
		"surrogate\xed\xa0\x80!": "surrogate!",
		"nonchar\uFFFE\uFFFF.":   "nonchar.",
		"kept \uFFFD\uFFFD":      "kept \uFFFD\uFFFD",
		"ไทย 日本語 😀":              "ไทย 日本語 😀",
		"\U0010FFFF":             "\U0010FFFF",
	} {
		if got := xmlSafe(in); got != want {
			t.Errorf("xmlSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestXMLSafeDoesNotAllocateForCleanText(t *testing.T) {
	s := "A perfectly ordinary headline — ไทย, 日本語"
	if n := testing.AllocsPerRun(100, func() { _ = xmlSafe(s) }); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}
