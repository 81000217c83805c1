package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wirefeed/config"
	"wirefeed/internal/partnertest"
)

func TestExportThenImportOPMLRoundTrips(t *testing.T) {
	p := partnertest.NewServer(t)
	from := partnertest.WriteConfig(t, p.URL)
	code, exported, stderr := wirefeed(t, "export", "-config", from, "opml")
	if code != 0 {
		t.Fatalf("export: %d %s", code, stderr)
	}
	if !strings.Contains(exported, `xmlUrl="`+p.URL+`/jiji"`) {
		t.Fatalf("export lacks jiji:\n%s", exported)
	}
	list := filepath.Join(t.TempDir(), "sources.opml")
	if err := os.WriteFile(list, []byte(exported), 0o644); err != nil {
		t.Fatal(err)
	}

	// Into a site that has one section and no sources yet.
	to := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(to, []byte("# our site\nsections:\n  - id: nation\n    title: Nation\n"), 0o644)
	code, out, stderr := wirefeed(t, "import", "-config", to, "opml", list)
	if code != 0 {
		t.Fatalf("import: %d %s", code, stderr)
	}
	if !strings.Contains(out, "added 2 sources") || !strings.Contains(out, "added 5 sections: politics, economy, sports, other, headlines") {
		t.Errorf("import output:\n%s", out)
	}
	orig, _ := config.Load(from)
	got, err := config.Load(to)
	if err != nil {
		t.Fatalf("imported config: %v", err)
	}
	if data, _ := os.ReadFile(to); !strings.HasPrefix(string(data), "# our site\n") {
		t.Errorf("import lost the file's comments:\n%s", data)
	}
	if len(got.Sources) != 2 || len(got.Sections) != len(orig.Sections) {
		t.Fatalf("imported %d sources, %d sections", len(got.Sources), len(got.Sections))
	}
	for i, want := range orig.Sources {
		have := got.Sources[i]
		if have.ID != want.ID || have.URL != want.URL || have.Fallback != want.Fallback || len(have.Categories) != len(want.Categories) {
			t.Errorf("source %d: %+v, want %+v", i, have, want)
		}
	}

	// Again: nothing to add, the file stays as it is.
	before, _ := os.ReadFile(to)
	code, out, _ = wirefeed(t, "import", "-config", to, "opml", list)
	if after, _ := os.ReadFile(to); code != 0 || !strings.Contains(out, "nothing to add") || string(after) != string(before) {
		t.Errorf("second import: %d %q", code, out)
	}

	// A list that is not OPML is refused and says which file.
	bad := filepath.Join(t.TempDir(), "bad.opml")
	os.WriteFile(bad, []byte("not xml"), 0o644)
	if code, _, stderr := wirefeed(t, "import", "-config", to, "opml", bad); code == 0 || !strings.Contains(stderr, "bad.opml: opml:") {
		t.Errorf("bad list: %d %q", code, stderr)
	}
}
