package daemon

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"wirefeed/config"
	"wirefeed/store"
)

// crashChildEnv makes the test binary act as a daemon that ingests in a
// loop until it is killed; it names the config file to use.
const crashChildEnv = "WIREFEED_CRASH_CHILD_CONFIG"

// TestMain lets TestCrashSafety run this test binary as a daemon that
// ingests until it is killed, and TestThreeNodes as whole daemons.
func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	if path := os.Getenv(nodeChildEnv); path != "" {
		nodeChild(path)
		return
	}
	os.Exit(m.Run())
}

// crashChild pulls every source in a loop, printing "stored" after every
// completed fetch, until the process is killed.
func crashChild(path string) {
	cfg, err := config.Load(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d, err := Open(context.Background(), cfg, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for {
		rep := d.Aggregator().FetchAll(context.Background())[0]
		if rep.Err != nil {
			fmt.Println("error", rep.Err)
			continue
		}
		fmt.Println("stored", rep.New)
	}
}

// windowFeed serves a partner feed that gains 7 stories on every request
// and keeps the newest 40, recording what each response carried.
type windowFeed struct {
	mu        sync.Mutex
	next      int
	responses [][]string // guids of each response, in order
}

func (f *windowFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.next += 7
	var guids []string
	for n := max(0, f.next-40); n < f.next; n++ {
		guids = append(guids, "story-"+strconv.Itoa(n))
	}
	f.responses = append(f.responses, guids[max(0, len(guids)-7):])
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Crash wire</title><link>https://wire.example/</link><description>d</description>`)
	for i := len(guids) - 1; i >= 0; i-- {
		fmt.Fprintf(w, `<item><guid isPermaLink="false">%s</guid><title>Story %s</title><link>https://wire.example/%s</link><description>%s</description><category>Politics</category></item>`,
			guids[i], guids[i], guids[i], strings.Repeat("Text of the story. ", 40))
	}
	fmt.Fprint(w, `</channel></rss>`)
}

// TestCrashSafety kills a daemon with SIGKILL at random points while it
// ingests, restarts it, and checks the store: intact, no duplicate, and
// every story of a fetch it reported complete is there; the fetch cut short
// is stored whole or not at all.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes; skipped with -short")
	}
	feed, dbPath, cfgPath := windowFeedDaemon(t)

	const rounds = 20
	rng := rand.New(rand.NewPCG(1, 2))
	completed := 0 // fetches reported complete, over all rounds
	for round := range rounds {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), crashChildEnv+"="+cfgPath)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill after a random number of completed fetches, at whatever
		// point the next one has reached.
		want := rng.IntN(4)
		lines := bufio.NewScanner(stdout)
		seen := 0
		for seen < want && lines.Scan() {
			if strings.HasPrefix(lines.Text(), "stored") {
				seen++
			}
		}
		if want > 0 && seen < want {
			t.Fatalf("round %d: child exited after %d fetches: %v", round, seen, lines.Err())
		}
		cmd.Process.Kill()
		// Fetches the child completed but we had not read yet still count.
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), "stored") {
				seen++
			}
		}
		cmd.Wait()
		completed += seen
	}

	st, err := store.OpenSQLite(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	stories, err := st.SectionStories(ctx, "", 100000)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for _, s := range stories {
		stored[s.GUID]++
	}
	for guid, n := range stored {
		if n > 1 {
			t.Errorf("%s stored %d times", guid, n)
		}
	}
	inSection, _ := st.SectionStories(ctx, "politics", 100000)
	if len(inSection) != len(stories) {
		t.Errorf("%d stories but %d in their section: a fetch was half-written", len(stories), len(inSection))
	}
	feed.mu.Lock()
	defer feed.mu.Unlock()
	// Responses are served in fetch order; a completed fetch's new stories
	// are the 7 its response added.
	for i, guids := range feed.responses {
		present := 0
		for _, g := range guids {
			present += stored[g]
		}
		switch {
		case i < completed && present != len(guids):
			t.Errorf("fetch %d was reported complete but %d of its %d stories are missing", i, len(guids)-present, len(guids))
		case present != 0 && present != len(guids):
			t.Errorf("fetch %d is half stored: %d of %d stories", i, present, len(guids))
		}
	}
	t.Logf("%d kills, %d fetches completed, %d responses served, %d stories stored", rounds, completed, len(feed.responses), len(stories))
	if completed == 0 {
		t.Error("no fetch ever completed: the test proved nothing")
	}
}

// TestTwoProcessesOneFile runs two daemons as separate processes ingesting
// the same partner into one SQLite file at once, then checks that no story
// was stored twice.
func TestTwoProcessesOneFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs processes; skipped with -short")
	}
	feed, dbPath, cfgPath := windowFeedDaemon(t)
	// Create the schema first, so the two do not race to migrate it.
	st, err := store.OpenSQLite(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	var procs []*exec.Cmd
	var wg sync.WaitGroup
	for range 2 {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), crashChildEnv+"="+cfgPath)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, cmd)
		wg.Go(func() {
			lines := bufio.NewScanner(out)
			for n := 0; n < 6 && lines.Scan(); {
				if strings.HasPrefix(lines.Text(), "stored") {
					n++
				}
			}
		})
	}
	wg.Wait()
	for _, cmd := range procs {
		cmd.Process.Kill()
		cmd.Wait()
	}

	st, err = store.OpenSQLite(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	stories, _ := st.SectionStories(context.Background(), "", 100000)
	seen := map[string]bool{}
	for _, s := range stories {
		if seen[s.GUID] {
			t.Errorf("%s stored twice", s.GUID)
		}
		seen[s.GUID] = true
	}
	if len(stories) == 0 {
		t.Fatal("nothing stored")
	}
	t.Logf("2 processes, %d responses served, %d stories stored once each", len(feed.responses), len(stories))
}

// windowFeedDaemon serves a windowFeed and writes a config pulling it into
// a fresh database; it returns the feed and the database and config paths.
func windowFeedDaemon(t *testing.T) (*windowFeed, string, string) {
	t.Helper()
	feed := &windowFeed{}
	srv := httptest.NewServer(feed)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "wirefeed.db")
	cfgPath := filepath.Join(dir, "config.yaml")
	err := os.WriteFile(cfgPath, []byte(fmt.Sprintf(`storage: {path: %q}
fetch: {timeout: 10s, allow_networks: [127.0.0.0/8]}
sections: [{id: politics, title: Politics}]
sources: [{id: wire, url: %q, sections: [politics]}]
`, dbPath, srv.URL)), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	return feed, dbPath, cfgPath
}
