package config

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// sharedConfig shares values between sources three ways: an anchored
// mapping and an alias to it, an anchored list inside it, and a whole
// entry merged into another.
const sharedConfig = `sections: [{id: a}, {id: b}, {id: c}]
sources:
  - id: one
    url: https://example.com/1
    categories: &cats
      Politics: a
      Sports: &sports [b]
  - id: two
    url: https://example.com/2
    categories: *cats
  - &base
    id: three
    url: https://example.com/3
    fallback: a
    categories: {World: a}
  - <<: *base
    id: four
    url: https://example.com/4
  - id: five
    url: https://example.com/5
    fallback: b
    categories: {Sports: *sports}
`

// routes is what the saved file makes of each source: fallback and
// categories.
func routes(t *testing.T, doc *Document) map[string]string {
	t.Helper()
	cfg, out, err := doc.Check()
	if err != nil {
		t.Fatalf("the edited file is refused: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, src := range cfg.Sources {
		cats, _ := json.Marshal(src.Categories)
		got[src.ID] = src.Fallback + " " + string(cats)
	}
	// What the admin API answers (the document as edited) is what a later
	// GET reads from the file.
	again, err := ParseDocument(out, "again.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range cfg.Sources {
		before, _ := doc.EntryJSON(Sources, src.ID)
		after, _ := again.EntryJSON(Sources, src.ID)
		if string(before) != string(after) {
			t.Errorf("%s answered %s, read back %s", src.ID, before, after)
		}
	}
	return got
}

func TestEditsThroughSharedNodesChangeOnlyTheEntryNamed(t *testing.T) {
	original := map[string]string{
		"one":   ` {"Politics":["a"],"Sports":["b"]}`,
		"two":   ` {"Politics":["a"],"Sports":["b"]}`,
		"three": `a {"World":["a"]}`,
		"four":  `a {"World":["a"]}`,
		"five":  `b {"Sports":["b"]}`,
	}
	for _, tc := range []struct {
		name string
		edit func(*Document) error
		want map[string]string // entries that change
	}{
		{"patch through an alias", func(d *Document) error {
			return d.Patch(Sources, "two", Fields{"categories": map[string]any{"Sports": "c"}})
		}, map[string]string{"two": ` {"Politics":["a"],"Sports":["c"]}`}},
		{"patch the anchored node", func(d *Document) error {
			return d.Patch(Sources, "one", Fields{"categories": map[string]any{"Sports": "c", "Politics": nil}})
		}, map[string]string{"one": ` {"Sports":["c"]}`}},
		{"replace the anchored node", func(d *Document) error {
			return d.Patch(Sources, "one", Fields{"categories": nil})
		}, map[string]string{"one": ` null`}},
		{"delete the entry holding anchors", func(d *Document) error {
			return d.Delete(Sources, "one")
		}, map[string]string{"one": "gone"}},
		{"replace the entry holding anchors", func(d *Document) error {
			return d.Replace(Sources, "one", Fields{"url": "https://example.com/1", "fallback": "c"})
		}, map[string]string{"one": `c null`}},
		{"patch a merged key", func(d *Document) error {
			return d.Patch(Sources, "four", Fields{"categories": map[string]any{"Sports": "b"}})
		}, map[string]string{"four": `a {"Sports":["b"],"World":["a"]}`}},
		{"remove a merged key", func(d *Document) error {
			return d.Patch(Sources, "four", Fields{"fallback": nil, "categories": map[string]any{"Local": "c"}})
		}, map[string]string{"four": ` {"Local":["c"],"World":["a"]}`}},
		{"patch the merged entry", func(d *Document) error {
			return d.Patch(Sources, "three", Fields{"fallback": "b", "categories": map[string]any{"World": "c"}})
		}, map[string]string{"three": `b {"World":["c"]}`}},
		{"patch the aliased list", func(d *Document) error {
			return d.Patch(Sources, "five", Fields{"categories": map[string]any{"Sports": []any{"a", "c"}}})
		}, map[string]string{"five": `b {"Sports":["a","c"]}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := ParseDocument([]byte(sharedConfig), "c.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.edit(doc); err != nil {
				t.Fatal(err)
			}
			got := routes(t, doc)
			want := map[string]string{}
			for id, r := range original {
				if changed, ok := tc.want[id]; ok {
					if changed != "gone" {
						want[id] = changed
					}
					continue
				}
				want[id] = r
			}
			if !reflect.DeepEqual(got, want) {
				out, _ := doc.Bytes()
				t.Errorf("after the edit:\n got %v\nwant %v\n%s", got, want, out)
			}
		})
	}
}

func TestMergedKeysAreShownAsRead(t *testing.T) {
	doc, err := ParseDocument([]byte(sharedConfig), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := doc.EntryJSON(Sources, "four")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"url":"https://example.com/4","fallback":"a","categories":{"World":"a"},"id":"four"}`
	var a, b any
	json.Unmarshal(got, &a)
	json.Unmarshal([]byte(want), &b)
	if !reflect.DeepEqual(a, b) || strings.Contains(string(got), "<<") {
		t.Errorf("entry with a merge key: %s, want %s", got, want)
	}
}
