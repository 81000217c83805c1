package daemon

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"wirefeed/config"
	"wirefeed/internal/pgtest"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

const nodeChildEnv = "WIREFEED_NODE_CHILD_CONFIG"

// nodeChild runs this test binary as a whole daemon on the config at
// path, printing "listening ADDR" once it serves, until SIGTERM.
func nodeChild(path string) {
	cfg, err := config.Load(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	d, err := Open(ctx, cfg, Options{Log: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer d.Close()
	err = d.Run(ctx, RunOptions{Ready: func(addr string) { fmt.Printf("listening %s\n", addr) }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// farm serves n partner feeds, /s/000 to /s/n-1, one story each, and
// counts each feed's requests by the round (period) they arrived in.
type farm struct {
	*httptest.Server
	period time.Duration
	mu     sync.Mutex
	hits   map[string]map[int64]int // path → round → requests
	times  map[string][]time.Time
}

func newFarm(t *testing.T, n int, period time.Duration) *farm {
	f := &farm{period: period, hits: map[string]map[int64]int{}, times: map[string][]time.Time{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		round := time.Now().Truncate(period).UnixNano() / int64(period)
		f.mu.Lock()
		if f.hits[r.URL.Path] == nil {
			f.hits[r.URL.Path] = map[int64]int{}
		}
		f.hits[r.URL.Path][round]++
		f.times[r.URL.Path] = append(f.times[r.URL.Path], time.Now())
		f.mu.Unlock()
		id := strings.TrimPrefix(r.URL.Path, "/s/")
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire %s</title><link>https://wire%s.example/</link>
<item><title>Story number %s from its own wire</title><link>https://wire%s.example/story</link><guid>wire-%s</guid>
<pubDate>Thu, 03 Dec 2026 09:00:00 GMT</pubDate><description>Lead of story %s.</description></item></channel></rss>`, id, id, id, id, id, id)
	}))
	t.Cleanup(f.Close)
	return f
}

// doubles lists the feeds requested more than once in one round, among
// the rounds from..to.
func (f *farm) doubles(from, to int64) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for path, rounds := range f.hits {
		for r, n := range rounds {
			if r >= from && r <= to && n > 1 {
				var ts []string
				for _, at := range f.times[path] {
					ts = append(ts, at.Format("05.000"))
				}
				out = append(out, fmt.Sprintf("%s ×%d in round %d (%s)", path, n, r, strings.Join(ts, " ")))
			}
		}
	}
	return out
}

// pulledIn counts the feeds requested at least once in round r.
func (f *farm) pulledIn(r int64) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, rounds := range f.hits {
		if rounds[r] > 0 {
			n++
		}
	}
	return n
}

func (f *farm) round(t time.Time) int64 { return t.Truncate(f.period).UnixNano() / int64(f.period) }

// node is one daemon process of TestThreeNodes.
type node struct {
	cmd  *exec.Cmd
	base string
}

func startNode(t *testing.T, path string) *node {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), nodeChildEnv+"="+path)
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGCONT)
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		t.Fatalf("node did not start: %q %v", line, err)
	}
	return &node{cmd: cmd, base: "http://" + addr}
}

// Three daemon processes on one PostgreSQL database, 200 partner feeds on
// "@every 3s": every feed is pulled once per round, never twice; a node
// killed mid-round has its pulls taken over within 10 s; a node paused past
// its claims pulls nothing twice when it wakes; a config change made
// through one node runs on all; every node serves the same bytes and ETag.
func TestThreeNodes(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skipf("set %s to run it (CI does)", pgtest.Env)
	}
	const feeds, period = 200, 3 * time.Second
	f := newFarm(t, feeds, period)
	dsn := pgtest.Schema(t)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "server: {listen: \"127.0.0.1:0\", base_url: \"https://news.example.com\"}\nstorage: {postgres: %q}\n", dsn)
	fmt.Fprintf(&cfg, "admin: {token: %s}\nschedule: \"@every 3s\"\n", adminToken)
	cfg.WriteString("fetch: {timeout: 5s, jitter: 0s, workers: 32, per_host: 32, allow_networks: [127.0.0.0/8]}\n")
	cfg.WriteString("sections: [{id: wires, title: Wires, limit: 10}]\nsources:\n")
	for i := range feeds {
		fmt.Fprintf(&cfg, "  - {id: w%03d, url: \"%s/s/%03d\", fallback: wires}\n", i, f.URL, i)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte(cfg.String()), 0o644)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	nodes := []*node{startNode(t, path), startNode(t, path), startNode(t, path)}
	start := f.round(time.Now())
	waitRound := func(r int64) {
		for f.round(time.Now()) < r {
			time.Sleep(f.period / 10) // waiting for the clock's rounds
		}
	}
	// Two whole rounds once every node runs (the pulls each node starts
	// with, for the round it started in, may arrive in the next ones on a
	// busy machine).
	waitRound(start + 5)
	for r := start + 3; r <= start+4; r++ {
		if n := f.pulledIn(r); n != feeds {
			t.Errorf("round %d: %d of %d feeds pulled", r, n, feeds)
		}
	}
	if d := f.doubles(start+3, start+4); len(d) > 0 {
		t.Errorf("pulled twice in a round: %v", d[:min(len(d), 5)])
	}

	// kill -9 a node mid-round: its claims lapse, the others take over.
	waitRound(f.round(time.Now()) + 1)
	nodes[1].cmd.Process.Kill()
	killed := time.Now()
	waitRound(f.round(killed.Add(10*time.Second)) + 1)
	if rows, err := db.Query("SELECT id, COALESCE(last_error,''), failures, items_seen FROM sources WHERE last_success IS NULL OR last_success < $1", killed.Add(time.Second).UTC()); err == nil {
		for rows.Next() {
			var id, e string
			var fails, items int
			rows.Scan(&id, &e, &fails, &items)
			t.Logf("DEBUG stale %s: %q failures %d items %d", id, e, fails, items)
		}
		rows.Close()
	}
	if stale := count("SELECT count(*) FROM sources WHERE last_success IS NULL OR last_success < $1", killed.Add(time.Second).UTC()); stale != 0 {
		t.Errorf("%d feeds not pulled within 10 s of a node's death", stale)
	}
	if lapsed := count("SELECT count(*) FROM leases WHERE name LIKE 'pull/%' AND holder <> '' AND until < $1", time.Now().UTC()); lapsed != 0 {
		t.Errorf("%d claims of the dead node still lapsed, not taken over", lapsed)
	}
	if n := count("SELECT count(*) FROM stories"); n != feeds {
		t.Errorf("%d stories stored, want %d: each once", n, feeds)
	}

	// SIGSTOP a node past its claims' lease, then SIGCONT: no round after
	// it wakes sees a feed twice.
	nodes[2].cmd.Process.Signal(syscall.SIGSTOP)
	waitRound(f.round(time.Now().Add(LeaseTTL + 2*time.Second)))
	nodes[2].cmd.Process.Signal(syscall.SIGCONT)
	woke := f.round(time.Now())
	waitRound(woke + 3)
	if d := f.doubles(woke+1, woke+2); len(d) > 0 {
		t.Errorf("pulled twice after a paused node woke: %v", d[:min(len(d), 5)])
	}
	// (While it was paused, the pulls it had claimed waited for their
	// claims to lapse, up to LeaseTTL+LeaseRenew, and were then taken over.)
	for r := woke + 1; r <= woke+2; r++ {
		if n := f.pulledIn(r); n != feeds {
			t.Errorf("round %d after a paused node woke: %d of %d feeds pulled", r, n, feeds)
		}
	}

	// A change through one node runs on every node.
	if code, body := adminCall(t, adminToken, "PATCH", nodes[0].base+"/admin/sections/wires", `{"title": "Partner wires"}`); code != http.StatusOK {
		t.Fatalf("PATCH: %d %v", code, body)
	}
	live := []*node{nodes[0], nodes[2]}
	for _, n := range live {
		eventually(t, "the new title on "+n.base, func() bool {
			return strings.Contains(string(get(t, n.base+"/feeds/wires.rss", "application/rss+xml")), "<title>Partner wires</title>")
		})
	}
	// Every node serves the same bytes under the same ETag.
	var etags, bodies []string
	for _, n := range live {
		resp, err := http.Get(n.base + "/feeds/wires.atom")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		etags, bodies = append(etags, resp.Header.Get("ETag")), append(bodies, string(b))
	}
	if etags[0] == "" || etags[0] != etags[1] || bodies[0] != bodies[1] {
		t.Errorf("nodes serve different feeds: ETags %q", etags)
	}
}
