// Command filterload measures wirefeed under a flood of filtered feed
// requests, from outside the daemon (issue 12, item 2).
//
//	filterload fill -db /tmp/load/wirefeed.db -stories 20000
//	filterload run -base http://127.0.0.1:8099 -clients 1000 -duration 20s
//
// fill writes a store of realistic stories (generated wire copy, six
// sections, two partners). run first measures the latency of /healthz and
// of a cached feed on the idle daemon, then starts -clients clients each
// asking for /feeds/all.rss?q=WORD with a random word of the copy, one
// request after another (honouring Retry-After on a 503), and measures the
// same two latencies again while they run. Every request goes to the
// address given: run it against a daemon on loopback only.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wirefeed/internal/wiretext"
	"wirefeed/store"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: filterload fill|run [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "fill":
		err = fill(os.Args[2:])
	case "run":
		err = run(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want fill or run", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "filterload:", err)
		os.Exit(1)
	}
}

var sections = []string{"nation", "politics", "economy", "sports", "other"}

// fill writes n generated stories into the SQLite store at -db.
func fill(args []string) error {
	fs := flag.NewFlagSet("fill", flag.ExitOnError)
	db := fs.String("db", "wirefeed.db", "SQLite database to fill")
	n := fs.Int("stories", 20000, "stories to write")
	hostile := fs.Bool("hostile", false, "also store, unbounded, the newest story of section nation: 40,000 categories and a 9 MB title, as stored before ingest bounded them")
	fs.Parse(args)
	st, err := store.OpenSQLite(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.SyncSources(ctx, []store.Source{{ID: "nation", Name: "Nation"}, {ID: "jiji", Name: "Jiji Press"}}); err != nil {
		return err
	}
	start := time.Now().Add(-time.Duration(*n) * time.Minute)
	for from := 0; from < *n; from += 50 {
		var batch []store.Story
		source := []string{"nation", "jiji"}[from/50%2]
		for i := from; i < min(from+50, *n); i++ {
			key := "load-" + strconv.Itoa(i)
			batch = append(batch, store.Story{
				Key: key, PublicID: "tag:localhost,2026:" + source + "/" + key, GUID: key,
				Link:      "https://partner.example/news/" + strconv.Itoa(i),
				Title:     wiretext.Words(uint64(i), 9),
				Summary:   "<p>" + wiretext.Words(uint64(i)+1<<32, 40) + "</p>",
				Content:   "<p>" + wiretext.Words(uint64(i)+2<<32, 220) + "</p>",
				Published: start.Add(time.Duration(i) * time.Minute), ContentHash: key,
				Sections: []string{sections[i%len(sections)]},
			})
		}
		if _, err := st.SaveStories(ctx, source, batch, start.Add(time.Duration(from)*time.Minute)); err != nil {
			return err
		}
	}
	if *hostile {
		h := store.Story{Key: "hostile", PublicID: "tag:localhost,2026:nation/hostile", Title: strings.Repeat("ข่าวใหญ่ ", 9<<20/25),
			Published: time.Now(), ContentHash: "hostile", Sections: []string{"nation"}}
		for i := range 40_000 {
			h.Categories = append(h.Categories, "Category "+strconv.Itoa(i))
		}
		if _, err := st.SaveStories(ctx, "nation", []store.Story{h}, time.Now()); err != nil {
			return err
		}
	}
	fmt.Printf("filled %s with %d stories\n", *db, *n)
	return nil
}

// run floods the daemon at -base and reports latencies.
func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	base := fs.String("base", "http://127.0.0.1:8099", "the daemon (loopback only)")
	clients := fs.Int("clients", 1000, "concurrent filtered-feed clients")
	duration := fs.Duration("duration", 20*time.Second, "how long the clients run")
	probes := fs.Int("probes", 400, "idle latency probes of each path")
	fs.Parse(args)
	if !strings.HasPrefix(*base, "http://127.") && !strings.HasPrefix(*base, "http://localhost") && !strings.HasPrefix(*base, "http://[::1]") {
		return fmt.Errorf("-base %s: only a daemon on loopback may be flooded", *base)
	}
	paths := []string{"/healthz", "/feeds/headlines.rss"}
	prober := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 30 * time.Second}
	idle := map[string][]time.Duration{}
	for _, p := range paths {
		for range *probes {
			d, err := timeGet(prober, *base+p)
			if err != nil {
				return err
			}
			idle[p] = append(idle[p], d)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	var counts sync.Map // status -> *atomic.Int64
	var filteredMu sync.Mutex
	var filtered []time.Duration
	flood := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients}, Timeout: 60 * time.Second}
	var wg sync.WaitGroup
	for c := range *clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), 7))
			for ctx.Err() == nil {
				word := strings.Fields(wiretext.Words(r.Uint64(), 1))[0]
				start := time.Now()
				resp, err := flood.Get(*base + "/feeds/all.rss?q=" + word)
				status := 0
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
				}
				v, _ := counts.LoadOrStore(status, new(atomic.Int64))
				v.(*atomic.Int64).Add(1)
				if status == http.StatusOK {
					filteredMu.Lock()
					filtered = append(filtered, time.Since(start))
					filteredMu.Unlock()
				}
				if status == http.StatusServiceUnavailable {
					wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
					select {
					case <-time.After(time.Duration(max(wait, 1)) * time.Second):
					case <-ctx.Done():
					}
				}
			}
		})
	}
	loaded := map[string][]time.Duration{}
	time.Sleep(*duration / 4) // let the flood build up before probing
	for ctx.Err() == nil {
		for _, p := range paths {
			if d, err := timeGet(prober, *base+p); err == nil && ctx.Err() == nil {
				loaded[p] = append(loaded[p], d)
			}
		}
	}
	wg.Wait()

	fmt.Printf("%d clients on /feeds/all.rss?q=WORD for %s against %s\n", *clients, *duration, *base)
	counts.Range(func(k, v any) bool {
		fmt.Printf("  status %v: %d (%.0f/s)\n", k, v.(*atomic.Int64).Load(), float64(v.(*atomic.Int64).Load())/duration.Seconds())
		return true
	})
	fmt.Printf("  filtered 200s: %s\n", summary(filtered))
	for _, p := range paths {
		fmt.Printf("%s idle: %s\n%s loaded: %s (median %.2f× idle)\n", p, summary(idle[p]), p, summary(loaded[p]),
			float64(median(loaded[p]))/float64(median(idle[p])))
	}
	return nil
}

func timeGet(c *http.Client, url string) (time.Duration, error) {
	start := time.Now()
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return time.Since(start), nil
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func summary(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	q := func(f float64) time.Duration { return s[int(f*float64(len(s)-1))].Round(10 * time.Microsecond) }
	return fmt.Sprintf("n=%d median %v, p90 %v, max %v", len(s), q(0.5), q(0.9), q(1))
}
