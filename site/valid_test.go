package site_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"wirefeed/internal/browsertest"
)

// vnuJar finds the Nu Html Checker (see browsertest.VNUJar).
func vnuJar() (string, error) { return browsertest.VNUJar() }

// TestPagesAreValidHTML checks every kind of page with the Nu Html
// Checker, in one run of it.
func TestPagesAreValidHTML(t *testing.T) {
	jar, err := vnuJar()
	if err != nil {
		needTool(t, err)
	}
	s := newTestSite(t, manySource)
	nation := s.page(t, "/sections/nation")
	pages := map[string]string{
		"front":    "/",
		"section":  "/sections/nation",
		"older":    "/sections/other?source=harbour&after=" + strings.SplitN(strings.SplitN(s.page(t, "/sections/other"), "after=", 2)[1], `"`, 2)[0],
		"search":   "/sections/nation?q=market",
		"partner":  "/sections/nation?source=siam",
		"empty":    "/sections/nation?q=nothing-matches",
		"english":  s.path(hrefOf(t, nation, "Bangkok opens floating night market on Chao Phraya riverbank")),
		"thai":     s.path(hrefOf(t, nation, "เชียงใหม่เตรียมรับนักท่องเที่ยวช่วงเทศกาลลอยกระทง")),
		"japanese": s.path(hrefOf(t, s.page(t, "/sections/economy"), "日銀、金利を据え置き\u3000物価見通しを上方修正")),
		"boxing":   s.path(hrefOf(t, s.page(t, "/sections/sports"), "Thai boxers win three golds at regional championships")),
		"status":   "/status",
	}
	dir := t.TempDir()
	var files []string
	for name, path := range pages {
		_, body := s.get(t, strings.ReplaceAll(path, "&amp;", "&"))
		file := filepath.Join(dir, name+".html")
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	_, notFound := s.get(t, "/sections/nation/999999-gone")
	files = append(files, filepath.Join(dir, "notfound.html"))
	if err := os.WriteFile(files[len(files)-1], []byte(notFound), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("java", append([]string{"-jar", jar, "--errors-only", "--format", "text"}, files...)...).CombinedOutput()
	// It exits non-zero when any document has an error.
	if err != nil || !strings.Contains(string(out), "No errors found") {
		t.Errorf("the Nu Html Checker finds errors (%v):\n%s", err, out)
	}
}
