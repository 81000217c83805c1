package admin

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"wirefeed/config"
)

// craftedValues are strings YAML might write back differently: line
// breaks, blank lines, surrounding and odd white space, indicators, quotes,
// Unicode spaces and marks, very long lines, and words YAML would retype.
var craftedValues = []string{
	"Para one.\n\nPara two.", "line one\nline two", "ends with a newline\n", "ends with two newlines\n\n",
	"\nstarts with a newline", "\n\nstarts after a blank line", "a\n\n\nb", "indented\n  continuation\n    more",
	"  \n  ", "\n", "crlf\r\nline", "carriage\rreturn",
	"  leading spaces", "trailing spaces  ", " both ", "\ttab first", "tab\tinside", "trailing tab\t", "\t",
	"# not a comment", "text # with a hash", "key: value", "colon at the end:", "- dash", "-", "--- ", "---", "...",
	"'single quoted'", `"double quoted"`, "it's", `back\slash`, "&anchor", "*alias", "!tag", "!!str text", "%YAML 1.2",
	"@mention", "`backticks`", "| pipe", "> folded", "{flow: map}", "[flow, list]", "? key", "<<", "=",
	"全角\u3000スペース", "\u3000starts with U+3000", "ends with U+3000\u3000", "\u00a0starts with NBSP", "ends with NBSP\u00a0",
	"\u200frtl mark\u200f", "\u202eoverride\u202c", "\ufeffbyte order mark", "zero\u200bwidth", "ภาษาไทย ข่าว", "emoji 🎉",
	"next line\u0085char", "line\u2028separator", "para\u2029separator",
	strings.Repeat("a long line of words ", 400), strings.Repeat("x", 5000),
	"yes", "no", "on", "off", "y", "n", "true", "False", "null", "Null", "~", "1e3", "0x10", "0o17", "012",
	".inf", "-.inf", ".nan", "1_000", "+1", "1:30", "2026-11-28", "0.5", "",
}

// TestWhatIsAnsweredIsWhatTheFileHolds is issue 12's item 5: for every
// crafted value, the PATCH answer, a later GET and the file parsed again
// all hold exactly the value sent.
func TestWhatIsAnsweredIsWhatTheFileHolds(t *testing.T) {
	h := newHarness(t)
	for _, value := range craftedValues {
		body, _ := json.Marshal(map[string]string{"description": value})
		code, answer := h.do("PATCH", "/admin/sections/nation", string(body))
		if code != 200 {
			t.Errorf("PATCH description %q: %d %v", value, code, answer)
			continue
		}
		_, got := h.do("GET", "/admin/sections/nation", "")
		cfg, err := config.Load(h.path)
		if err != nil {
			t.Fatalf("after PATCH description %q the file does not parse: %v\n%s", value, err, h.file())
		}
		sec, _ := cfg.Section("nation")
		if answer["description"] != value || got["description"] != value || sec.Description != value {
			t.Errorf("description %q:\nanswered %q\nGET      %q\nfile     %q", value, answer["description"], got["description"], sec.Description)
		}
	}
}

// TestCraftedCategoryNamesRoundTrip sends the crafted values as mapping
// keys: a partner's category names, added and removed again.
func TestCraftedCategoryNamesRoundTrip(t *testing.T) {
	h := newHarness(t)
	for _, name := range craftedValues {
		if strings.TrimSpace(name) == "" {
			continue // refused: an empty category
		}
		body, _ := json.Marshal(map[string]any{"categories": map[string]string{name: "other"}})
		code, answer := h.do("PATCH", "/admin/sources/nation", string(body))
		if code != 200 {
			t.Errorf("PATCH category %q: %d %v", name, code, answer)
			continue
		}
		_, got := h.do("GET", "/admin/sources/nation", "")
		cfg, err := config.Load(h.path)
		if err != nil {
			t.Fatalf("after adding category %q the file does not parse: %v\n%s", name, err, h.file())
		}
		src, _ := cfg.SourceByID("nation")
		want := map[string]any{name: "other"}
		if !reflect.DeepEqual(answer["categories"], want) || !reflect.DeepEqual(got["categories"], want) ||
			len(src.Categories) != 1 || src.Categories[name] == nil {
			t.Errorf("category %q:\nanswered %q\nGET      %q\nfile     %q", name, answer["categories"], got["categories"], src.Categories)
		}
		body, _ = json.Marshal(map[string]any{"categories": map[string]any{name: nil}})
		if code, answer := h.do("PATCH", "/admin/sources/nation", string(body)); code != 200 || answer["categories"] != nil && len(answer["categories"].(map[string]any)) != 0 {
			t.Errorf("removing category %q: %d %v", name, code, answer)
		}
	}
}

// TestPatchThroughAnAliasLeavesTheOtherSource is issue 12's item 5 as
// found: two sources sharing their categories through an alias; a PATCH
// of one leaves the other as it was.
func TestPatchThroughAnAliasLeavesTheOtherSource(t *testing.T) {
	h := newHarness(t)
	os.WriteFile(h.path, []byte(`sections: [{id: nation}, {id: other}]
sources:
  - id: nation
    url: https://www.nationthailand.com/rss/feed.xml
    categories: &cats {Politics: nation, Sports: other}
  - id: jiji
    url: https://jen.jiji.com/rss
    categories: *cats
`), 0o644)
	code, answer := h.do("PATCH", "/admin/sources/jiji", `{"categories": {"Sports": "nation"}}`)
	if code != 200 || !reflect.DeepEqual(answer["categories"], map[string]any{"Politics": "nation", "Sports": "nation"}) {
		t.Fatalf("PATCH jiji: %d %v", code, answer)
	}
	_, nation := h.do("GET", "/admin/sources/nation", "")
	if !reflect.DeepEqual(nation["categories"], map[string]any{"Politics": "nation", "Sports": "other"}) {
		t.Errorf("nation after jiji's PATCH: %v\n%s", nation["categories"], h.file())
	}
	cfg, err := config.Load(h.path)
	if err != nil {
		t.Fatal(err)
	}
	if src, _ := cfg.SourceByID("nation"); src.Categories["Sports"][0] != "other" {
		t.Errorf("nation's categories in the file: %v", src.Categories)
	}
}
