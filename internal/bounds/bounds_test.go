package bounds

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCutKeepsCharactersWhole(t *testing.T) {
	s := strings.Repeat("ข่าว", 100) // three bytes a character
	for max := range 20 {
		got := Cut(s, max)
		if len(got) > max || !utf8.ValidString(got) || !strings.HasPrefix(s, got) || len(got) < max-3 {
			t.Errorf("Cut(%d) = %q", max, got)
		}
	}
}

func TestHTMLNeverCutsInsideATag(t *testing.T) {
	if got := HTML(`<p>one</p><a href="https://example.com/long">two</a>`, 20); got != "<p>one</p>" {
		t.Errorf("HTML = %q", got)
	}
	if got := HTML("<p>short</p>", 100); got != "<p>short</p>" {
		t.Errorf("short HTML changed: %q", got)
	}
}

func TestTitleTextEndsInEllipsis(t *testing.T) {
	got := TitleText(strings.Repeat("大", Title))
	if len(got) > Title || !strings.HasSuffix(got, Ellipsis) || !utf8.ValidString(got) {
		t.Errorf("TitleText: %d bytes, %q…", len(got), got[:12])
	}
}

func TestLinkDropsWhatItCannotKeepWhole(t *testing.T) {
	if Link("https://example.com/"+strings.Repeat("x", URL)) != "" || Link("https://example.com/") != "https://example.com/" {
		t.Error("Link")
	}
}
