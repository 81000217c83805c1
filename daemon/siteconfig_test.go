package daemon

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wirefeed/internal/partnertest"
	"wirefeed/internal/pgtest"
)

// eventually waits, up to a generous bound, for cond to hold; it checks
// after each of the daemon's own steps rather than timing them.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, not timing the daemon
	}
}

// With several daemons on PostgreSQL the site's config is one document in
// the database: the first daemon seeds it from its file (keeping its own
// listen address, database and token out of it), a daemon whose file holds
// only its own keys runs on it, and a change made through one daemon's
// admin API is in the database, with its author, and runs on the other
// within a second — not in either daemon's file.
func TestOneSiteConfigForEveryDaemon(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skipf("set %s to run it (CI does)", pgtest.Env)
	}
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	dsn := pgtest.Schema(t)
	partnertest.EditConfig(t, path, "storage:\n", "storage:\n  postgres: \""+dsn+"\"\n")
	partnertest.EditConfig(t, path, "fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}", adminConfig)
	first := openTestDaemon(t, path, Options{Role: RoleServe})
	base := runDaemon(t, first, RunOptions{})

	sc, err := first.store.LatestSiteConfig(context.Background())
	if err != nil || sc.Version != 1 || !strings.HasPrefix(sc.Author, "seeded from "+path) {
		t.Fatalf("seeded site config: version %d by %q (%v)", sc.Version, sc.Author, err)
	}
	if doc := string(sc.Document); strings.Contains(doc, adminToken) || strings.Contains(doc, dsn) || !strings.Contains(doc, "id: jiji") {
		t.Fatalf("the seeded site config keeps a daemon's own keys or lacks the sources:\n%s", doc)
	}

	// The second daemon's file: its own keys only.
	nodeFile := filepath.Join(t.TempDir(), "node.yaml")
	os.WriteFile(nodeFile, []byte("server:\n  listen: \"127.0.0.1:0\"\nstorage:\n  postgres: \""+dsn+"\"\n"), 0o644)
	second := openTestDaemon(t, nodeFile, Options{Role: RoleServe})
	runDaemon(t, second, RunOptions{})
	if got := len(second.Config().Sources); got != 2 || second.Config().Admin.Token != "" {
		t.Fatalf("the second daemon runs on %d sources, token %q; want the site's 2 and none", got, second.Config().Admin.Token)
	}

	before, _ := os.ReadFile(path)
	if code, body := adminCall(t, adminToken, "PATCH", base+"/admin/sources/jiji", `{"priority": 7}`); code != http.StatusOK {
		t.Fatalf("PATCH: %d %v", code, body)
	}
	eventually(t, "the change runs on the other daemon", func() bool {
		src, _ := second.Config().SourceByID("jiji")
		return src.Priority == 7
	})
	sc, err = first.store.LatestSiteConfig(context.Background())
	if err != nil || sc.Version != 2 || !strings.HasPrefix(sc.Author, "admin API (") || !strings.Contains(string(sc.Document), "priority: 7") {
		t.Errorf("site config after the change: version %d by %q (%v)", sc.Version, sc.Author, err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("the admin API wrote the daemon's file instead of the site config")
	}
}
