// Command feedfloor is the floor "wirefeed fetch" is measured against
// (issue 15): it fetches every feed of a feedfarm with net/http and parses
// each with gofeed, nothing else, then prints how many items it read. It
// exits non-zero on any failed request, status other than 200 or parse
// error.
//
//	feedfloor -base http://127.0.0.1:8199 -feeds 1000
//
// With -store, each feed's items are also written to a bare SQLite table
// (one row per item, unique by guid, one transaction per feed) through the
// same pure-Go driver wirefeed uses, with wirefeed's pragmas: the least any
// aggregator storing into SQLite from Go pays. -fts adds a trigram full-text
// index of each item's title and description, shaped as wirefeed's search
// index is (contentless, no positions, merged 16 segments at a time).
//
//	feedfloor -base http://127.0.0.1:8199 -feeds 1000 -store /tmp/floor.db -fts
//
// -concurrency defaults to what wirefeed fetch pulls the farm with: its
// default fetch.workers is 8, but fetch.per_host (default 2) bounds the
// sources of one host fetched at once, and every source of the farm is on
// one host.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	_ "github.com/glebarez/go-sqlite"
	"github.com/mmcdole/gofeed"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8199", "the farm's address")
	feeds := flag.Int("feeds", 1000, "number of feeds: /feed/0 to /feed/{feeds-1}")
	concurrency := flag.Int("concurrency", 2, "feeds fetched at once")
	storePath := flag.String("store", "", "also store every item in a bare SQLite table in this file")
	fts := flag.Bool("fts", false, "with -store, also index each item's text in a trigram full-text index")
	flag.Parse()

	var db *sql.DB
	if *storePath != "" {
		var err error
		if db, err = openStore(*storePath, *fts); err != nil {
			fmt.Fprintln(os.Stderr, "feedfloor:", err)
			os.Exit(1)
		}
		defer db.Close()
	}

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
				count, err := fetch(*base+"/feed/"+strconv.Itoa(n), db, *fts)
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

// fetch gets url and parses it, returning its number of items. With db, it
// stores the items too.
func fetch(url string, db *sql.DB, fts bool) (int, error) {
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
	if db != nil {
		if err := store(db, feed, fts); err != nil {
			return 0, fmt.Errorf("%s: %w", url, err)
		}
	}
	return len(feed.Items), nil
}

// openStore opens path as wirefeed opens its store and creates the items
// table (and with fts its index).
func openStore(path string, fts bool) (*sql.DB, error) {
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // one writer, as SQLite allows
	stmts := []string{`CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, guid TEXT NOT NULL UNIQUE,
		link TEXT, title TEXT, description TEXT, content TEXT, published DATETIME)`}
	if fts {
		stmts = append(stmts, `CREATE VIRTUAL TABLE IF NOT EXISTS item_search USING fts5(text,
			content='', contentless_delete=1, detail=none, tokenize='trigram')`,
			`INSERT INTO item_search (item_search, rank) VALUES ('automerge', 16)`)
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return db, nil
}

// store writes feed's items in one transaction, skipping guids already
// stored.
func store(db *sql.DB, feed *gofeed.Feed, fts bool) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insert, err := tx.Prepare(`INSERT INTO items (guid, link, title, description, content, published)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guid) DO NOTHING`)
	if err != nil {
		return err
	}
	var index *sql.Stmt
	if fts {
		if index, err = tx.Prepare(`INSERT INTO item_search (rowid, text) VALUES (?, ?)`); err != nil {
			return err
		}
	}
	for _, it := range feed.Items {
		res, err := insert.Exec(it.GUID, it.Link, it.Title, it.Description, it.Content, it.PublishedParsed)
		if err != nil {
			return fmt.Errorf("store %s: %w", it.GUID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 || index == nil {
			continue
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := index.Exec(id, it.Title+"\n"+it.Description); err != nil {
			return fmt.Errorf("index %s: %w", it.GUID, err)
		}
	}
	return tx.Commit()
}
