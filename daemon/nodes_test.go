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
	"wirefeed/internal/partnertest"
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
	times  map[string][]time.Time // path → when each request came
}

func newFarm(t *testing.T, n int, period time.Duration) *farm {
	f := &farm{period: period, times: map[string][]time.Time{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
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

// racing is how close two requests of one feed come when two daemons pull
// one due time: both fire on the due time and claim at once.
const racing = 250 * time.Millisecond

// doubles lists the feeds requested twice within gap of each other
// between from and to: two daemons pulling one due time at once. (A pull
// made late on a busy machine can land in the next round; two pulls of one
// due time race each other.)
func (f *farm) doubles(from, to time.Time, gap time.Duration) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for path, times := range f.times {
		for i := 1; i < len(times); i++ {
			if times[i].After(from) && times[i].Before(to) && times[i].Sub(times[i-1]) < gap {
				out = append(out, fmt.Sprintf("%s at %s and %s", path, times[i-1].Format("05.000"), times[i].Format("05.000")))
			}
		}
	}
	return out
}

// short lists the feeds requested fewer than want times between from and
// to.
func (f *farm) short(from, to time.Time, want int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for path, times := range f.times {
		n := 0
		for _, at := range times {
			if at.After(from) && at.Before(to) {
				n++
			}
		}
		if n < want {
			out = append(out, fmt.Sprintf("%s ×%d", path, n))
		}
	}
	return out
}

func (f *farm) round(t time.Time) int64 { return t.Truncate(f.period).UnixNano() / int64(f.period) }

// at is when round r begins.
func (f *farm) at(r int64) time.Time { return time.Unix(0, r*int64(f.period)) }

// node is one daemon process of TestThreeNodes.
type node struct {
	cmd  *exec.Cmd
	base string
}

func startNode(t testing.TB, path string) *node {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), nodeChildEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
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
		cmd.Wait()
		t.Fatalf("node did not start: %q %v\n%s", line, err, stderr.String())
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
	cfg.WriteString("fetch: {timeout: 5s, jitter: 0s, workers: 32, per_host: 32, min_interval: 1s, allow_networks: [127.0.0.0/8]}\n")
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
	// Four rounds once every node runs: every feed pulled in each (three
	// at least counting what a busy machine pushes past the window's
	// edges), never by two nodes at once.
	from := f.at(start + 2)
	waitRound(start + 6)
	to := f.at(start + 6)
	if d := f.doubles(from, to, racing); len(d) > 0 {
		t.Errorf("pulled twice at once: %v", d[:min(len(d), 5)])
	}
	if s := f.short(from, to, 3); len(s) > 0 {
		t.Errorf("feeds missing rounds: %v", s[:min(len(s), 5)])
	}

	// kill -9 a node mid-round: its claims lapse, the others take over.
	waitRound(f.round(time.Now()) + 1)
	nodes[1].cmd.Process.Kill()
	killed := time.Now()
	waitRound(f.round(killed.Add(10*time.Second)) + 1)
	if stale := count("SELECT count(*) FROM sources WHERE last_success IS NULL OR last_success < $1", killed.Add(time.Second).UTC()); stale != 0 {
		t.Errorf("%d feeds not pulled within 10 s of a node's death", stale)
	}
	if lapsed := count("SELECT count(*) FROM leases WHERE name LIKE 'pull/%' AND holder <> '' AND until < $1", time.Now().UTC()); lapsed != 0 {
		t.Errorf("%d claims of the dead node still lapsed, not taken over", lapsed)
	}
	if n := count("SELECT count(*) FROM stories"); n != feeds {
		t.Errorf("%d stories stored, want %d: each once", n, feeds)
	}

	// SIGSTOP a node past its claims' lease, then SIGCONT: nothing it
	// claimed before is pulled again when it wakes, and no round after it
	// wakes sees a feed twice. (Stopped and woken mid-round: a request
	// whose sending the stop interrupted would only finish on waking,
	// which no daemon can take back; mid-round none is in flight.)
	midRound := func(r int64) {
		waitRound(r)
		for time.Now().Before(f.at(r).Add(period / 2)) {
			time.Sleep(period / 20)
		}
	}
	midRound(f.round(time.Now()) + 1)
	nodes[2].cmd.Process.Signal(syscall.SIGSTOP)
	midRound(f.round(time.Now().Add(LeaseTTL + 2*time.Second)))
	nodes[2].cmd.Process.Signal(syscall.SIGCONT)
	woke := f.round(time.Now())
	waitRound(woke + 4)
	// (While it was paused, the pulls it had claimed waited for their
	// claims to lapse, up to LeaseTTL+LeaseRenew, and were then taken over.)
	if d := f.doubles(f.at(woke), f.at(woke+4), racing); len(d) > 0 {
		t.Errorf("pulled twice at once after a paused node woke: %v", d[:min(len(d), 5)])
	}
	if s := f.short(f.at(woke+1), f.at(woke+4), 2); len(s) > 0 {
		t.Errorf("feeds missing rounds after a paused node woke: %v", s[:min(len(s), 5)])
	}

	// A change through one node runs on every node.
	if code, body := adminCall(t, adminToken, "PATCH", nodes[0].base+"/admin/sections/wires", `{"title": "Partner wires"}`); code != http.StatusOK {
		t.Fatalf("PATCH: %d %v", code, body)
	}
	live := []*node{nodes[0], nodes[2]}
	for _, n := range live {
		eventually(t, "the new title on "+n.base, func() bool {
			return strings.Contains(string(partnertest.Get(t, n.base+"/feeds/wires.rss", "application/rss+xml")), "<title>Partner wires</title>")
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
