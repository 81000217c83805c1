package config

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestDocumentUnchangedIsByteForByte(t *testing.T) {
	data, err := os.ReadFile("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ParseDocument(data, "config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := doc.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(data) {
		t.Errorf("re-encoding the shipped config changed it:\n%s", firstDifference(string(data), string(out)))
	}
}

func TestDocumentEditsKeepCommentsAndLayout(t *testing.T) {
	data, err := os.ReadFile("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ParseDocument(data, "config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Add(Sources, Fields{"id": "bangkokpost", "url": "https://www.bangkokpost.com/rss/data/topstories.xml",
		"name": "Bangkok Post", "sections": []any{"nation"}, "priority": float64(50)}); err != nil {
		t.Fatal(err)
	}
	if err := doc.Patch(Sources, "jiji", Fields{"paused": true, "fallback": nil}); err != nil {
		t.Fatal(err)
	}
	if err := doc.Patch(Sections, "other", Fields{"limit": float64(20)}); err != nil {
		t.Fatal(err)
	}
	cfg, out, err := doc.Check()
	if err != nil {
		t.Fatalf("edited config refused: %v", err)
	}
	text := string(out)
	for _, want := range []string{
		"# wirefeed configuration.\n", // head comment
		"    # Every Nation story is Thai news; its categories add more sections.\n",
		"\n  - id: bangkokpost\n    name: Bangkok Post\n    url: https://www.bangkokpost.com/rss/data/topstories.xml\n    sections: [nation]\n    priority: 50\n",
		"    paused: true\n",
		"  - id: other\n    title: Other\n    description: Stories that fit no other section\n    limit: 20\n  - id: headlines\n",
		"\nstorage:\n", // blank lines between blocks survive
	} {
		if !strings.Contains(text, want) {
			t.Errorf("edited config lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "fallback: other") {
		t.Error("patch with null did not remove jiji's fallback")
	}
	src, ok := cfg.SourceByID("bangkokpost")
	if !ok || src.Priority != 50 || src.Attribution != "Provided by Bangkok Post" {
		t.Errorf("added source = %+v, %v", src, ok)
	}
	if jiji, _ := cfg.SourceByID("jiji"); !jiji.Paused {
		t.Error("jiji not paused")
	}
}

func TestDocumentReplaceAndDelete(t *testing.T) {
	doc, err := ParseDocument([]byte(`sections:
  - id: a
    title: A  # shown in readers
sources:
  - id: s
    # the partner's feed
    url: https://example.com/feed
    sections: [a]
    priority: 3
`), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Replace(Sources, "s", Fields{"url": "https://example.com/other", "sections": []any{"a"}}); err != nil {
		t.Fatal(err)
	}
	out, err := doc.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	want := `sections:
  - id: a
    title: A # shown in readers
sources:
  - id: s
    # the partner's feed
    url: https://example.com/other
    sections: [a]
`
	if string(out) != want {
		t.Errorf("after replace:\n%s\nwant:\n%s", out, want)
	}
	if err := doc.Delete(Sources, "s"); err != nil {
		t.Fatal(err)
	}
	if ids := doc.IDs(Sources); len(ids) != 0 {
		t.Errorf("sources after delete = %v", ids)
	}
	if err := doc.Delete(Sources, "s"); !errors.Is(err, ErrNoSuchEntry) {
		t.Errorf("second delete: %v, want ErrNoSuchEntry", err)
	}
	if err := doc.Add(Sections, Fields{"id": "a"}); !errors.Is(err, ErrDuplicateEntry) {
		t.Errorf("adding a taken id: %v, want ErrDuplicateEntry", err)
	}
}

func TestDocumentSaveIsValidatedAndAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	orig := "sections: [{id: a}]\n\n# partners\nsources: []\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	doc, err := ReadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	// Refused: a source routed to a section that does not exist.
	if err := doc.Add(Sources, Fields{"id": "x", "url": "https://example.com/x", "sections": []any{"nope"}}); err != nil {
		t.Fatal(err)
	}
	_, err = doc.Save()
	var list ErrorList
	if !errors.As(err, &list) || !strings.Contains(err.Error(), "sources[0].sections[0]") {
		t.Fatalf("save of an invalid document: %v, want an ErrorList naming sources[0].sections[0]", err)
	}
	if got, _ := os.ReadFile(path); string(got) != orig {
		t.Errorf("refused save changed the file:\n%s", got)
	}

	if err := doc.Patch(Sources, "x", Fields{"sections": []any{"a"}}); err != nil {
		t.Fatal(err)
	}
	cfg, err := doc.Save()
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) != 1 {
		t.Errorf("saved config has %d sources", len(cfg.Sources))
	}
	if data, _ := os.ReadFile(path); !strings.HasSuffix(string(data), "\n# partners\nsources:\n  - id: x\n    url: https://example.com/x\n    sections: [a]\n") {
		t.Errorf("a source added to an empty flow list is not written as a block:\n%s", data)
	}
	reread, err := Load(path)
	if err != nil || len(reread.Sources) != 1 || reread.Sources[0].URL != "https://example.com/x" {
		t.Fatalf("file after save: %+v, %v", reread, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode after save = %v, %v; want 0600 kept", fi.Mode(), err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left beside the config: %v", entries)
	}
}

// firstDifference shows where two texts part.
func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  was: " + al[i] + "\n  now: " + bl[i]
		}
	}
	return "lengths differ: " + strconv.Itoa(len(al)) + " vs " + strconv.Itoa(len(bl)) + " lines"
}

func TestDocumentPatchMergesMappings(t *testing.T) {
	doc, err := ParseDocument([]byte(`sections: [{id: a}, {id: b}]
sources:
  - id: s
    url: https://example.com/feed
    categories:
      Politics: a # the partner's politics desk
      Sports: b
`), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Patch(Sources, "s", Fields{"categories": map[string]any{"Sports": nil, "Business": "b"}}); err != nil {
		t.Fatal(err)
	}
	cfg, out, err := doc.Check()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "    categories:\n      Politics: a # the partner's politics desk\n      Business: b\n") {
		t.Errorf("merged categories:\n%s", out)
	}
	if src, _ := cfg.SourceByID("s"); len(src.Categories) != 2 {
		t.Errorf("categories after the patch: %v", src.Categories)
	}
	// Replace does not merge: the mapping given is the mapping kept.
	if err := doc.Replace(Sources, "s", Fields{"url": "https://example.com/feed", "categories": map[string]any{"World": "a"}}); err != nil {
		t.Fatal(err)
	}
	if _, out, _ := doc.Check(); strings.Contains(string(out), "Politics") {
		t.Errorf("replace kept an old category:\n%s", out)
	}
}

func TestDocumentSaveRefusesToOverwriteAnotherEdit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte("sections: [{id: a}]\n"), 0o644)
	doc, err := ReadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Add(Sections, Fields{"id": "b"}); err != nil {
		t.Fatal(err)
	}
	hand := "sections: [{id: a, title: A}]\n"
	os.WriteFile(path, []byte(hand), 0o644) // an editor saves meanwhile
	if _, err := doc.Save(); !errors.Is(err, ErrChangedMeanwhile) {
		t.Fatalf("save over another edit: %v, want ErrChangedMeanwhile", err)
	}
	if got, _ := os.ReadFile(path); string(got) != hand {
		t.Errorf("the editor's save was overwritten:\n%s", got)
	}
}

// Another wirefeed process saving the same file holds the directory's lock
// from its check to its rename; a save started meanwhile waits for it and
// then sees the file changed, instead of writing over it.
func TestDocumentSaveWaitsForAnotherProcessesSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte("sections: [{id: a}]\n"), 0o644)
	doc, err := ReadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Add(Sections, Fields{"id": "b"}); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockDir(filepath.Dir(path)) // the other process's save begins
	if err != nil {
		t.Fatal(err)
	}
	saved := make(chan error, 1)
	go func() { _, err := doc.Save(); saved <- err }()
	other := "sections: [{id: a}, {id: c}]\n"
	os.WriteFile(path, []byte(other), 0o644) // and writes its edit
	unlock()
	if err := <-saved; !errors.Is(err, ErrChangedMeanwhile) {
		t.Fatalf("save during another process's save: %v, want ErrChangedMeanwhile", err)
	}
	if got, _ := os.ReadFile(path); string(got) != other {
		t.Errorf("the other process's save was overwritten:\n%s", got)
	}
}

// TestBlockScalarsKeepTheirBlankLines edits one entry of a file indented
// otherwise than the encoder writes: a block scalar elsewhere keeps the
// blank lines of its value, and a new one gets them too.
func TestBlockScalarsKeepTheirBlankLines(t *testing.T) {
	doc, err := ParseDocument([]byte(`sections:
    -   id: a
        description: |
            Para one.

            Para two.
        title: A

    -   id: b
`), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Patch(Sections, "b", Fields{"description": "One.\n\n\nTwo.\n", "title": "B"}); err != nil {
		t.Fatal(err)
	}
	cfg, out, err := doc.Check()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := cfg.Section("a")
	b, _ := cfg.Section("b")
	if a.Description != "Para one.\n\nPara two.\n" || b.Description != "One.\n\n\nTwo.\n" || b.Title != "B" {
		t.Errorf("a %q, b %q %q:\n%s", a.Description, b.Description, b.Title, out)
	}
}
