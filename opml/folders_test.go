package opml

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// A reader's list whose default folder is "All" (Miniflux) cannot take
// over /feeds/all; Thai and Japanese folders get ids in their own script;
// a feed in two folders goes to both sections.
func TestImportFoldersKeepsTheURLSpaceAndEveryFolder(t *testing.T) {
	cfg, doc := mustParse(t, "sections: [{id: other, title: Other}]\n")
	f, err := os.Open("testdata/folders.opml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Import(f, doc, cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"all-section", "การเมือง", "経済-ニュース"}; !slices.Equal(res.Sections, want) {
		t.Errorf("sections added %q, want %q", res.Sections, want)
	}
	if len(res.Skipped) != 0 || len(res.Sources) != 4 {
		t.Errorf("import %+v: want 4 sources, none skipped", res)
	}
	got, _, err := doc.Check()
	if err != nil {
		t.Fatalf("imported config refused: %v", err)
	}
	sections := map[string][]string{}
	for _, src := range got.Sources {
		sections[src.Name] = src.Sections
	}
	if want := []string{"การเมือง", "経済-ニュース"}; !slices.Equal(sections["Asia Desk"], want) {
		t.Errorf("Asia Desk sections %q, want both folders %q", sections["Asia Desk"], want)
	}
	if want := []string{"all-section"}; !slices.Equal(sections["Harbour Daily"], want) {
		t.Errorf("Harbour Daily sections %q, want %q", sections["Harbour Daily"], want)
	}
	for _, sec := range got.Sections {
		if sec.ID == "all" {
			t.Errorf("a section took the id all, which /feeds/all.rss needs")
		}
	}
}

// The export lays sources out in folders, one per section; importing it
// into a fresh config gives each source the same sections.
func TestExportWritesFolders(t *testing.T) {
	orig, _ := mustParse(t, richConfig)
	var buf bytes.Buffer
	if err := Export(&buf, orig, time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"<outline text=\"Nation\" title=\"Nation\">\n      <outline type=\"rss\" text=\"Nation\"",
		"<outline text=\"Politics\" title=\"Politics\">\n      <outline type=\"rss\" text=\"時事通信 Jiji Press\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks folder %q:\n%s", want, out)
		}
	}
	// A reader's re-export keeps folders and feeds but drops wirefeed's
	// attributes: the folders alone bring the sources back to sections.
	plain := stripWirefeedAttrs(out)
	empty, doc := mustParse(t, "sections: [{id: nation, title: Nation}, {id: politics, title: Politics}, {id: economy, title: Economy}, "+
		"{id: sports, title: Sports}, {id: other, title: Other}, {id: headlines, title: Headlines, all: true}]\n")
	if _, err := Import(strings.NewReader(plain), doc, empty, ""); err != nil {
		t.Fatal(err)
	}
	got, _, err := doc.Check()
	if err != nil {
		t.Fatalf("re-imported config refused: %v", err)
	}
	for _, src := range got.Sources {
		if len(src.Sections) == 0 {
			t.Errorf("source %s came back in no section", src.ID)
		}
	}
}

// stripWirefeedAttrs removes wirefeed's attributes, head sections and
// category attributes, as a feed reader's export would.
func stripWirefeedAttrs(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "<wirefeed:section") {
			continue
		}
		for {
			i := strings.Index(line, " wirefeed:")
			if i < 0 {
				i = strings.Index(line, " category=")
			}
			if i < 0 {
				break
			}
			j := strings.Index(line[i:], "\" ")
			k := strings.Index(line[i:], "\">")
			l := strings.Index(line[i:], "\"/>")
			end := -1
			for _, e := range []int{j, k, l} {
				if e > 0 && strings.Count(line[i:i+e], "\"") == 1 && (end < 0 || e < end) {
					end = e
				}
			}
			if end < 0 {
				break
			}
			line = line[:i] + line[i+end+1:]
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
