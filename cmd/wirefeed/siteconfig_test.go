package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wirefeed/internal/partnertest"
	"wirefeed/internal/pgtest"
)

// `wirefeed config push` saves the site's config in the database, without
// the daemon's own keys; `config pull` prints it back; a broken file is
// refused with its line and nothing saved.
func TestConfigPushAndPull(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skipf("set %s to run it (CI does)", pgtest.Env)
	}
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	dsn := pgtest.Schema(t)
	partnertest.EditConfig(t, path, "storage:\n", "storage:\n  postgres: \""+dsn+"\"\n")
	if code, _, errOut := wirefeed(t, "config", "-config", path, "pull"); code != 1 || !strings.Contains(errOut, "no site config in the database yet") {
		t.Fatalf("pull before any push: exit %d %q", code, errOut)
	}
	code, out, errOut := wirefeed(t, "config", "-config", path, "push")
	if code != 0 || !strings.Contains(out, "as site config version 1") {
		t.Fatalf("push: exit %d %q %q", code, out, errOut)
	}
	code, out, errOut = wirefeed(t, "config", "-config", path, "pull")
	if code != 0 || !strings.HasPrefix(out, "# site config version 1, saved ") || !strings.Contains(out, "config push by ") ||
		!strings.Contains(out, "id: jiji") || strings.Contains(out, dsn) {
		t.Fatalf("pull: exit %d\n%s%s", code, out, errOut)
	}
	broken := filepath.Join(t.TempDir(), "broken.yaml")
	text, _ := os.ReadFile(path)
	os.WriteFile(broken, []byte(strings.Replace(string(text), "fallback: other", "fallback: nowhere", 1)), 0o644)
	code, _, errOut = wirefeed(t, "config", "-config", path, "push", broken)
	if code != 1 || !strings.Contains(errOut, "sources[1].fallback") {
		t.Fatalf("push of a broken file: exit %d %q", code, errOut)
	}
	if _, out, _ := wirefeed(t, "config", "-config", path, "pull"); !strings.HasPrefix(out, "# site config version 1,") {
		t.Errorf("a refused push saved a version:\n%s", out)
	}
}
