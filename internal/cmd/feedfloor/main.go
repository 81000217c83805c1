// Command feedfloor is the floor "wirefeed fetch" is measured against
// (issue 15): it fetches every feed of a feedfarm with net/http and parses
// each with gofeed, nothing else, then prints how many items it read. It
// exits non-zero on any failed request, status other than 200 or parse
// error.
//
//	feedfloor -base http://127.0.0.1:8199 -feeds 1000
//
// -concurrency defaults to what wirefeed fetch pulls the farm with: its
// default fetch.workers is 8, but fetch.per_host (default 2) bounds the
// sources of one host fetched at once, and every source of the farm is on
// one host.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/mmcdole/gofeed"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8199", "the farm's address")
	feeds := flag.Int("feeds", 1000, "number of feeds: /feed/0 to /feed/{feeds-1}")
	concurrency := flag.Int("concurrency", 2, "feeds fetched at once")
	flag.Parse()

	var (
		next, items atomic.Int64
		mu          sync.Mutex
		firstErr    error
		wg          sync.WaitGroup
	)
	for range max(*concurrency, 1) {
		wg.Go(func() {
			for {
				n := int(next.Add(1) - 1)
				if n >= *feeds {
					return
				}
				count, err := fetch(*base + "/feed/" + strconv.Itoa(n))
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				items.Add(int64(count))
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		fmt.Fprintln(os.Stderr, "feedfloor:", firstErr)
		os.Exit(1)
	}
	fmt.Printf("%d feeds, %d items\n", *feeds, items.Load())
}

// fetch gets url and parses it, returning its number of items.
func fetch(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %s", url, resp.Status)
	}
	feed, err := gofeed.NewParser().Parse(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", url, err)
	}
	return len(feed.Items), nil
}
