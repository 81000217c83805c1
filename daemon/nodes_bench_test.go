package daemon

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wirefeed/internal/pgtest"
	"wirefeed/internal/wiretext"
)

// storyFarm serves feeds /s/0 … /s/n-1 of perFeed stories each, written
// from wiretext so no two are near-duplicates.
func storyFarm(b *testing.B, n, perFeed int) *httptest.Server {
	feeds := make([][]byte, n)
	for i := range n {
		var sb strings.Builder
		fmt.Fprintf(&sb, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire %d</title><link>https://wire%d.example/</link>`, i, i)
		for j := range perFeed {
			seed := uint64(i*perFeed + j + 1)
			fmt.Fprintf(&sb, "<item><title>%s</title><link>https://wire%d.example/%d</link><guid>w%d-%d</guid>"+
				"<pubDate>Thu, 03 Dec 2026 09:%02d:00 GMT</pubDate><description>%s</description></item>",
				wiretext.Words(seed, 9), i, j, i, j, j%60, wiretext.Words(seed*7919, 60))
		}
		sb.WriteString("</channel></rss>")
		feeds[i] = []byte(sb.String())
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/s/"))
		if err != nil || i < 0 || i >= n {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feeds[i])
	}))
	b.Cleanup(srv.Close)
	return srv
}

// nodesConfig writes the config of a site of n feeds under farm, on dsn,
// and the extra sources given as YAML lines.
func nodesConfig(b *testing.B, dsn, farm string, n int, extra ...string) string {
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "server: {listen: \"127.0.0.1:0\", base_url: \"https://news.example.com\"}\nstorage: {postgres: %q}\n", dsn)
	fmt.Fprintf(&cfg, "admin: {token: %s}\nschedule: \"@every 1h\"\n", adminToken)
	cfg.WriteString("fetch: {timeout: 30s, jitter: 0s, workers: 8, per_host: 8, allow_networks: [127.0.0.0/8]}\n")
	cfg.WriteString("sections: [{id: wires, title: Wires, limit: 50}]\nsources:\n")
	for i := range n {
		fmt.Fprintf(&cfg, "  - {id: w%04d, url: \"%s/s/%d\", fallback: wires}\n", i, farm, i)
	}
	for _, line := range extra {
		cfg.WriteString(line + "\n")
	}
	path := filepath.Join(b.TempDir(), "config.yaml")
	os.WriteFile(path, []byte(cfg.String()), 0o644)
	return path
}

// BenchmarkNodes measures several daemon processes on one PostgreSQL
// database (run with WIREFEED_TEST_POSTGRES set; see README "Several
// daemons"): ingest of a cold site by 1, 2 and 3 nodes sharing the pulls,
// and how fast every node serves what one stored.
func BenchmarkNodes(b *testing.B) {
	if !pgtest.Enabled() {
		b.Skipf("set %s to run it", pgtest.Env)
	}
	const feeds, perFeed = 300, 20
	farm := storyFarm(b, feeds, perFeed)
	for _, n := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("ingest/nodes=%d", n), func(b *testing.B) {
			var took time.Duration
			for range b.N {
				dsn := pgtest.Schema(b)
				path := nodesConfig(b, dsn, farm.URL, feeds)
				db, err := sql.Open("pgx", dsn)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				var nodes []*node
				for range n {
					nodes = append(nodes, startNode(b, path))
				}
				for {
					var stored int64
					db.QueryRow("SELECT count(*) FROM stories").Scan(&stored)
					if stored >= feeds*perFeed {
						break
					}
					time.Sleep(20 * time.Millisecond) // polling the database for the end of ingest
				}
				took += time.Since(start)
				for _, nd := range nodes {
					nd.cmd.Process.Kill()
					nd.cmd.Wait()
				}
				db.Close()
			}
			b.ReportMetric(float64(feeds*perFeed*b.N)/took.Seconds(), "stories/s")
		})
	}
	b.Run("serve/nodes=3", func(b *testing.B) { benchServeNodes(b, farm.URL, feeds) })
}

var wrkRate = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)

// benchServeNodes runs three nodes, then wrk against each at once (a
// cached feed), and the time from a story stored through one node to every
// node serving it.
func benchServeNodes(b *testing.B, farm string, feeds int) {
	if _, err := exec.LookPath("wrk"); err != nil {
		b.Skip("wrk is not installed (apt-get install wrk)")
	}
	var stories atomic.Int64
	live := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := stories.Load()
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Live</title><link>https://live.example/</link>`+
			`<item><title>Live story %d breaks now</title><link>https://live.example/%d</link><guid>live-%d</guid></item></channel></rss>`, n, n, n)
	}))
	defer live.Close()
	dsn := pgtest.Schema(b)
	path := nodesConfig(b, dsn, farm, feeds, "  - {id: live, url: \""+live.URL+"/\", fallback: wires}")
	nodes := []*node{startNode(b, path), startNode(b, path), startNode(b, path)}
	for range b.N {
		var wg sync.WaitGroup
		rates := make([]float64, len(nodes))
		for i, nd := range nodes {
			wg.Go(func() {
				out, err := exec.Command("wrk", "-t1", "-c32", "-d5s", nd.base+"/feeds/wires.rss").CombinedOutput()
				if m := wrkRate.FindSubmatch(out); err == nil && m != nil {
					rates[i], _ = strconv.ParseFloat(string(m[1]), 64)
				}
			})
		}
		wg.Wait()
		total := 0.0
		for _, r := range rates {
			total += r
		}
		b.ReportMetric(total, "req/s")
	}
	// Propagation: a new story pulled through one node's admin API (its
	// answer comes once the story is committed), until every other node
	// serves it.
	var worst time.Duration
	for i := range 10 {
		n := stories.Add(1)
		if code, body := adminCall(b, adminToken, "POST", nodes[0].base+"/admin/sources/live/fetch", ""); code != http.StatusOK {
			b.Logf("fetch %d: %d %v", i, code, body)
			if report, _ := body["report"].(map[string]any); report == nil || report["new"] != float64(1) {
				b.Fatalf("fetch %d stored nothing", i)
			}
		}
		stored := time.Now()
		for _, nd := range nodes[1:] {
			for !strings.Contains(string(getBody(b, nd.base+"/feeds/wires.rss")), fmt.Sprintf("Live story %d breaks", n)) {
			}
		}
		worst = max(worst, time.Since(stored))
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms-stored-to-all-nodes")
}

// getBody fetches url's body.
func getBody(tb testing.TB, url string) []byte {
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return []byte(sb.String())
}
