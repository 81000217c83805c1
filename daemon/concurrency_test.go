package daemon

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"wirefeed/config"
	"wirefeed/internal/partnertest"
	"wirefeed/internal/pgtest"
)

const adminConfig = "fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}\nadmin: {token: " + adminToken + "}"

// runDaemon runs the daemon on the config at path until the test ends and
// returns its base URL.
func runDaemon(t *testing.T, d *Daemon, opts RunOptions) string {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	opts.Ready = func(s string) { addr <- s }
	go func() { done <- d.Run(ctx, opts) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	select {
	case a := <-addr:
		return "http://" + a
	case err := <-done:
		t.Fatalf("run: %v", err)
		return ""
	}
}

// Fifty editors adding sources and fifty changing one source's category
// map, all at once, while the daemon also polls its file: every answer is
// a success and every change is in the file.
func TestConcurrentAdminChangesAllReachTheFile(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	partnertest.EditConfig(t, path, "fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}", adminConfig)
	d := openTestDaemon(t, path, Options{})
	base := runDaemon(t, d, RunOptions{PollConfig: time.Millisecond})

	const n = 50
	var wg sync.WaitGroup
	codes := make(chan string, 2*n)
	for i := range n {
		wg.Go(func() {
			code, body := adminCall(t, adminToken, "POST", base+"/admin/sources",
				fmt.Sprintf(`{"id": "wire%02d", "url": "%s/none/%d", "fallback": "other"}`, i, p.URL, i))
			if code != http.StatusCreated {
				codes <- fmt.Sprintf("POST wire%02d: %d %v", i, code, body)
			}
		})
		wg.Go(func() {
			code, body := adminCall(t, adminToken, "PATCH", base+"/admin/sources/nation",
				fmt.Sprintf(`{"categories": {"Desk %02d": "other"}}`, i))
			if code != http.StatusOK {
				codes <- fmt.Sprintf("PATCH %02d: %d %v", i, code, body)
			}
		})
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		t.Error(c)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) != 2+n {
		t.Errorf("config has %d sources, want %d", len(cfg.Sources), 2+n)
	}
	nation, _ := cfg.SourceByID("nation")
	for i := range n {
		if got := nation.Categories[fmt.Sprintf("Desk %02d", i)]; len(got) != 1 || got[0] != "other" {
			t.Errorf("PATCH %02d answered 200 but is not in the file", i)
		}
	}
	if got := len(d.Config().Sources); got != 2+n {
		t.Errorf("daemon runs on %d sources, want %d", got, 2+n)
	}
}

// An admin change is applied by one reload: the file poller finds the
// daemon already running on what the API saved.
func TestAdminChangeReloadsOnce(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	partnertest.EditConfig(t, path, "fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}", adminConfig)
	d := openTestDaemon(t, path, Options{})
	base := runDaemon(t, d, RunOptions{})
	w := fileWatch{path: path}
	if d.configChanged(&w) {
		t.Fatal("the file the daemon started on reads as changed")
	}
	if code, body := adminCall(t, adminToken, "PATCH", base+"/admin/sources/jiji", `{"priority": 3}`); code != http.StatusOK {
		t.Fatalf("PATCH: %d %v", code, body)
	}
	if d.configChanged(&w) {
		t.Error("the file poller would reload an admin change a second time")
	}
	if got := d.Reloads(); got != 1 {
		t.Errorf("%d reloads for one admin change, want 1", got)
	}
	// A hand edit is still seen, once.
	partnertest.EditConfig(t, path, "priority: 3", "priority: 4")
	if !d.configChanged(&w) || d.configChanged(&w) {
		t.Error("a hand edit is not reported exactly once")
	}
}

// heldPartner answers /slow only when released, telling when the request
// arrived; the other paths serve the shared test feeds.
type heldPartner struct {
	*httptest.Server
	arrived chan string
	release chan struct{}
	once    sync.Once
}

func newHeldPartner(t *testing.T) *heldPartner {
	t.Helper()
	h := &heldPartner{arrived: make(chan string, 16), release: make(chan struct{})}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.arrived <- r.URL.Path
		select {
		case <-h.release:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		http.ServeFile(w, r, partnertest.Testdata()+"/nation.rss")
	}))
	t.Cleanup(func() { h.free(); h.Close() })
	return h
}

func (h *heldPartner) free() { h.once.Do(func() { close(h.release) }) }

// waitArrived waits for a request to reach the partner.
func (h *heldPartner) waitArrived(t *testing.T) string {
	t.Helper()
	select {
	case path := <-h.arrived:
		return path
	case <-time.After(20 * time.Second):
		t.Fatal("the pull never reached the partner")
		return ""
	}
}

// waitFor waits for a request for path to reach the partner.
func (h *heldPartner) waitFor(t *testing.T, path string) {
	t.Helper()
	for h.waitArrived(t) != path {
	}
}

// A reload that adds a source whose partner takes its time returns at
// once; the daemon keeps answering and shuts down on time.
func TestReloadDoesNotWaitForAPull(t *testing.T) {
	p := partnertest.NewServer(t)
	slow := newHeldPartner(t)
	path := partnertest.WriteConfig(t, p.URL)
	d := openTestDaemon(t, path, Options{})
	ctx, stop := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, RunOptions{Ready: func(s string) { addr <- s }}) }()
	base := "http://" + <-addr
	defer stop()

	text, _ := os.ReadFile(path)
	os.WriteFile(path, append(text, []byte("  - {id: slow, url: \""+slow.URL+"/slow\", fallback: other}\n")...), 0o644)
	reloaded := make(chan error, 1)
	go func() { reloaded <- d.Reload(ctx) }()
	select {
	case err := <-reloaded:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the reload waits for the partner")
	}
	slow.waitArrived(t) // the new source's pull runs, held by its partner
	if got := partnertest.Status(t, base+"/readyz"); got != http.StatusOK {
		t.Errorf("readyz during the pull: %d", got)
	}
	if !d.Leading() {
		t.Error("the daemon stopped pulling on schedule")
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("shutdown waits for the partner")
	}
}

// A reload keeps the next run of sources whose schedule it did not change.
func TestReloadKeepsTheSchedulePhase(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	partnertest.EditConfig(t, path, "fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}", "schedule: \"@every 1h\"\nfetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}")
	d := openTestDaemon(t, path, Options{})
	runDaemon(t, d, RunOptions{})
	nation, jiji := d.NextRun("nation"), d.NextRun("jiji")
	if nation.IsZero() || jiji.IsZero() {
		t.Fatal("sources not scheduled")
	}
	partnertest.EditConfig(t, path, "    fallback: other\n", "    fallback: other\n    schedule: \"@every 2h\"\n")
	partnertest.EditConfig(t, path, "title: Nation,", "title: Thailand,")
	if err := d.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := d.NextRun("nation"); !got.Equal(nation) {
		t.Errorf("nation's next run moved from %v to %v: its schedule did not change", nation, got)
	}
	if got := d.NextRun("jiji"); !got.After(jiji) {
		t.Errorf("jiji's next run %v, want later than %v after its schedule became 2h", got, jiji)
	}
}

// A source is pulled by one process at a time: a second daemon (or a
// `wirefeed fetch`) on the same database skips it while the first pulls,
// and so does the first daemon's next generation after a reload.
// On PostgreSQL (CI) the daemons hold a lease row per source instead of a
// lock file.
func TestOnePullOfASourceAcrossProcessesAndReloads(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testOnePull(t, false) })
	t.Run("postgres", func(t *testing.T) {
		if !pgtest.Enabled() {
			t.Skipf("set %s to run it (CI does)", pgtest.Env)
		}
		testOnePull(t, true)
	})
}

func testOnePull(t *testing.T, postgres bool) {
	slow := newHeldPartner(t)
	path := partnertest.WriteConfig(t, slow.URL)
	if postgres {
		partnertest.EditConfig(t, path, "storage:\n", "storage:\n  postgres: \""+pgtest.Schema(t)+"\"\n")
	}
	first := openTestDaemon(t, path, Options{})
	second := openTestDaemon(t, path, Options{})
	src, _ := first.Config().SourceByID("nation")
	pulled := make(chan bool, 1)
	go func() { pulled <- first.Aggregator().Fetch(context.Background(), src).Err == nil }()
	slow.waitArrived(t)

	if rep := second.Aggregator().Fetch(context.Background(), src); !rep.Skipped {
		t.Errorf("another process pulled nation while the first did: %+v", rep)
	}
	partnertest.EditConfig(t, path, "title: Nation,", "title: Thailand,")
	if err := first.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rep := first.Aggregator().Fetch(context.Background(), src); !rep.Skipped {
		t.Errorf("after a reload nation was pulled again while its pull ran: %+v", rep)
	}
	slow.free()
	if !<-pulled {
		t.Error("the first pull failed")
	}
	if rep := second.Aggregator().Fetch(context.Background(), src); rep.Skipped || rep.Err != nil {
		t.Errorf("after the first pull ended, the second process still cannot pull: %+v", rep)
	}
}
